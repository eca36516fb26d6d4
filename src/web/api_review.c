/*
** api_review.c — the JSON API of review (docs/review.md): claim
** decisions, the bulk accept, send-back to the office, the manager's
** confirmation and send-back to the reviewer, HQ's send-down and the
** finalisation of a region; the review view and a region's queue.
** Session cookie plus X-CSRF-Token, or a bearer token. Messages English.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/declaration.h"
#include "domain/period.h"
#include "domain/review.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* Send a refusal as {"error": .., "field": ..}. */
static void sendErr(Req *r, const DeclErr *pE){
  json_t *p = json_pack("{ss}", "error", pE->zEn);
  if( pE->zField[0] ) json_object_set_new(p, "field", json_string(pE->zField));
  req_json(r, pE->status ? pE->status : 500, p);
}

/* The current state of the declaration of (p, zOffice) as its code. */
static const char *stateNow(Req *r, const Period *p, const char *zOffice){
  sqlite3_stmt *q = db_prepare(r->db, "SELECT state FROM declaration WHERE period_id=?1 AND office_code=?2");
  const char *z = "none";
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ) z = req_strdup(r, db_col_text(q, 0));
  db_finalize(q);
  return z;
}

/* The body as an object, or 400 (NULL). An empty body is {}. */
static json_t *bodyObject(Req *r){
  if( r->pJson==0 && r->body.n==0 ) return json_object();
  if( r->pJson==0 || !json_is_object(r->pJson) ){
    req_json_error(r, 400, "the body must be a JSON object");
    return 0;
  }
  return json_incref(r->pJson);
}

/* A string member, or NULL; 422 (and -1) when present but not a string. */
static int strMember(Req *r, json_t *pBody, const char *zKey, const char **pz){
  json_t *p = json_object_get(pBody, zKey);
  *pz = 0;
  if( p==0 || json_is_null(p) ) return 0;
  if( !json_is_string(p) ){
    req_json(r, 422, json_pack("{ss ss}", "error", "must be a string", "field", zKey));
    return -1;
  }
  *pz = json_string_value(p);
  return 0;
}

static json_t *claimJson(const ReviewClaim *pC){
  json_t *p = json_pack("{ss sO sO so ss ss so}",
    "indicator", pC->zIndicator,
    "declared", pC->pDeclared ? pC->pDeclared : json_null(),
    "verified", pC->pVerified ? pC->pVerified : json_null(),
    "decision", pC->eDec ? json_string(claim_decision_code(pC->eDec)) : json_null(),
    "reason", pC->zReason ? pC->zReason : "",
    "reviewer", pC->zReviewer,
    "decided_at", pC->zDecidedAt[0] ? json_string(pC->zDecidedAt) : json_null());
  if( pC->zPrevPeriod[0] ){
    json_object_set_new(p, "previous", json_pack("{ss so sO}", "period", pC->zPrevPeriod,
      "decision", pC->ePrevDec ? json_string(claim_decision_code(pC->ePrevDec)) : json_null(),
      "value", pC->pPrevValue ? pC->pPrevValue : json_null()));
  }
  return p;
}

/* API: GET /api/v1/periods/{p}/declarations/{code}/review   ACTION: office_private */
void api_review(Req *r){
  Period p;
  Scheme s;
  ReviewView v;
  char *zErr = 0;
  json_t *pClaims, *pRounds, *pDoc;
  int i, k;
  if( declare_target(r, ACT_OFFICE_PRIVATE, &p) ) return;
  if( period_scheme(r->db, &p, &s, &zErr) ){
    free(zErr);
    req_json_error(r, 500, "the period's scheme does not load");
    return;
  }
  if( review_load(r->db, &p, &s, r->azArg[1], &v) ){
    review_view_clear(&v);
    scheme_clear(&s);
    req_json_error(r, 404, "no declaration of this office in this period");
    return;
  }
  pClaims = json_array();
  for(i=0; i<v.nClaim; i++) json_array_append_new(pClaims, claimJson(&v.aClaim[i]));
  pRounds = json_array();
  for(i=0; i<v.nRound; i++){
    const ReviewRound *pR = &v.aRound[i];
    json_t *pC = json_array();
    for(k=0; k<pR->nClaim; k++) json_array_append_new(pC, claimJson(&pR->aClaim[k]));
    json_array_append_new(pRounds, json_pack("{si ss ss ss ss so so}", "round", pR->iRound,
      "returned_at", pR->zReturnedAt, "returned_by", pR->zReturnedBy, "reason", pR->zReason,
      "deadline", pR->zDeadline,
      "resubmitted_at", pR->zResubmittedAt[0] ? json_string(pR->zResubmittedAt) : json_null(),
      "claims", pC));
  }
  pDoc = json_pack("{ss ss ss si so so}", "office", r->azArg[1], "period", p.zCode,
                   "state", decl_state_code(v.state), "round", v.iRound,
                   "claims", pClaims, "rounds", pRounds);
  json_object_set_new(pDoc, "confirmed_by", v.zConfirmedAt[0] ? json_string(v.zConfirmedBy) : json_null());
  json_object_set_new(pDoc, "finalised_by", v.zFinalisedAt[0] ? json_string(v.zFinalisedBy) : json_null());
  review_view_clear(&v);
  scheme_clear(&s);
  req_json(r, 200, pDoc);
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/claims/{key}   ACTION: review
** {"decision":"accept"|"adjust"|"reject","value":..,"reason":".."} */
void api_review_claim(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  json_t *pBody;
  const char *zDec, *zReason;
  ClaimDecision eDec;
  if( declare_target(r, ACT_REVIEW, &p) ) return;
  if( (pBody = bodyObject(r))==0 ) return;
  if( strMember(r, pBody, "decision", &zDec) || strMember(r, pBody, "reason", &zReason) ){
    json_decref(pBody);
    return;
  }
  eDec = claim_decision_from_code(zDec);
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( review_decide(r->db, &a, &p, 0, r->azArg[1], r->azArg[2], eDec,
                    json_object_get(pBody, "value"), zReason, zNow, &e) ){
    json_decref(pBody);
    sendErr(r, &e);
    return;
  }
  json_decref(pBody);
  req_json(r, 200, json_pack("{ss ss ss}", "state", stateNow(r, &p, r->azArg[1]),
                             "indicator", r->azArg[2], "decision", claim_decision_code(eDec)));
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/accept-all   ACTION: review */
void api_review_accept_all(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  int n = 0;
  if( declare_target(r, ACT_REVIEW, &p) ) return;
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( review_accept_all(r->db, &a, &p, 0, r->azArg[1], zNow, &n, &e) ){ sendErr(r, &e); return; }
  req_json(r, 200, json_pack("{si ss}", "accepted", n, "state", stateNow(r, &p, r->azArg[1])));
}

/* Shared by complete, resume and confirm: no body, → {state}. */
static void stateAction(Req *r, Action eAct,
                        int (*xDo)(sqlite3 *, const Actor *, const Period *, const char *,
                                   const char *, DeclErr *)){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( declare_target(r, eAct, &p) ) return;
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( xDo(r->db, &a, &p, r->azArg[1], zNow, &e) ){ sendErr(r, &e); return; }
  req_json(r, 200, json_pack("{ss}", "state", stateNow(r, &p, r->azArg[1])));
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/complete   ACTION: review */
void api_review_complete(Req *r){ stateAction(r, ACT_REVIEW, review_complete); }

/* API: POST /api/v1/periods/{p}/declarations/{code}/return   ACTION: review
** {"reason":..,"deadline":"JDATE"} */
void api_review_return(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  json_t *pBody;
  const char *zReason, *zDeadline;
  if( declare_target(r, ACT_REVIEW, &p) ) return;
  if( (pBody = bodyObject(r))==0 ) return;
  if( strMember(r, pBody, "reason", &zReason) || strMember(r, pBody, "deadline", &zDeadline) ){
    json_decref(pBody);
    return;
  }
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( review_return(r->db, &a, &p, r->azArg[1], zReason, zDeadline, zNow, &e) ){
    json_decref(pBody);
    sendErr(r, &e);
    return;
  }
  {
    char zDue[11] = "";
    period_parse_date(zDeadline, zDue);
    json_decref(pBody);
    req_json(r, 200, json_pack("{ss ss}", "state", stateNow(r, &p, r->azArg[1]), "deadline", zDue));
  }
}

/* Shared by reopen and send-down: {"reason":..}. */
static void reasonAction(Req *r, Action eAct,
                         int (*xDo)(sqlite3 *, const Actor *, const Period *, const char *,
                                    const char *, const char *, DeclErr *)){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  json_t *pBody;
  const char *zReason;
  if( declare_target(r, eAct, &p) ) return;
  if( (pBody = bodyObject(r))==0 ) return;
  if( strMember(r, pBody, "reason", &zReason) ){ json_decref(pBody); return; }
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( xDo(r->db, &a, &p, r->azArg[1], zReason, zNow, &e) ){
    json_decref(pBody);
    sendErr(r, &e);
    return;
  }
  json_decref(pBody);
  req_json(r, 200, json_pack("{ss}", "state", stateNow(r, &p, r->azArg[1])));
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/reopen   ACTION: confirm
** {"reason":..} — back to the reviewer */
void api_review_reopen(Req *r){ reasonAction(r, ACT_CONFIRM, review_reopen); }

/* API: POST /api/v1/periods/{p}/declarations/{code}/send-down   ACTION: finalise
** {"reason":..} — HQ sends a confirmed declaration back to the region */
void api_review_send_down(Req *r){ reasonAction(r, ACT_FINALISE, review_send_down); }

/* API: POST /api/v1/periods/{p}/declarations/{code}/resume   ACTION: review
** — take back a send-back whose correction deadline lapsed */
void api_review_resume(Req *r){ stateAction(r, ACT_REVIEW, review_resume); }

/* API: POST /api/v1/periods/{p}/declarations/{code}/confirm   ACTION: confirm */
void api_review_confirm(Req *r){ stateAction(r, ACT_CONFIRM, review_confirm); }

/* Resolve /{p}/regions/{region}: guard eAct on the region; -1 when a
** response was sent. */
static int regionTarget(Req *r, Action eAct, Period *pP){
  Object obj;
  access_object_region(r->azArg[1], &obj);
  if( !req_allow(r, eAct, &obj) ){ access_object_clear(&obj); return -1; }
  access_object_clear(&obj);
  if( db_int(r->db, 0, "SELECT count(*) FROM region WHERE code=?1", r->azArg[1])==0 ){
    req_json_error(r, 404, "no region with this code");
    return -1;
  }
  if( period_load(r->db, r->azArg[0], pP) ){
    req_json_error(r, 404, "no period with this code");
    return -1;
  }
  return 0;
}

/* API: POST /api/v1/periods/{p}/regions/{region}/finalise   ACTION: finalise */
void api_region_finalise(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  int n = 0;
  if( regionTarget(r, ACT_FINALISE, &p) ) return;
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( review_finalise_region(r->db, &a, &p, r->azArg[1], zNow, &n, &e) ){ sendErr(r, &e); return; }
  req_json(r, 200, json_pack("{ss ss si}", "period", p.zCode, "region", r->azArg[1], "finalised", n));
}

/* API: GET /api/v1/periods/{p}/regions/{region}/queue?province=&type=&state=&page=
** ACTION: office_private (the region) */
void api_region_queue(Req *r){
  Period p;
  ReviewQuery rq;
  ReviewRow *a;
  int n, nTotal, i, aCount[DS_COUNT];
  json_t *pList, *pCounts;
  if( regionTarget(r, ACT_OFFICE_PRIVATE, &p) ) return;
  memset(&rq, 0, sizeof rq);
  rq.zRegion = r->azArg[1];
  rq.zProvince = req_param(r, "province");
  rq.zType = req_param(r, "type");
  rq.state = decl_state_from_code(req_param(r, "state"));
  rq.iPage = (int)req_param_int(r, "page", 1);
  rq.nPerPage = 100;
  review_counts(r->db, &p, &rq, aCount);
  nTotal = review_queue(r->db, &p, &rq, &a, &n);
  pList = json_array();
  for(i=0; i<n; i++){
    json_array_append_new(pList, json_pack("{ss ss ss ss si si si}", "office", a[i].zOffice,
      "type", a[i].zType, "province", a[i].zProvince, "state", decl_state_code(a[i].state),
      "round", a[i].iRound, "claims", a[i].nClaim, "decided", a[i].nDecided));
  }
  review_rows_free(a, n);
  pCounts = json_object();
  for(i=DS_SUBMITTED; i<DS_COUNT; i++){
    json_object_set_new(pCounts, decl_state_code((DeclState)i), json_integer(aCount[i]));
  }
  req_json(r, 200, json_pack("{ss ss si so so}", "period", p.zCode, "region", r->azArg[1],
                             "total", nTotal, "counts", pCounts, "declarations", pList));
}
