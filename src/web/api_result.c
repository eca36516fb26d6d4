/*
** api_result.c — the JSON twins of the result pages: an office's result
** with its breakdown, filing and deciding objections, and the summary the
** public office API carries (docs/ranking.md).
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/declaration.h"
#include "domain/period.h"
#include "domain/result.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/pages.h"
#include "web/server.h"

json_t *api_result_summary(sqlite3 *db, const char *zOffice){
  OfficeResult res;
  json_t *p;
  if( result_office_latest(db, zOffice, &res) ) return json_null();
  p = json_pack("{ss ss}", "period", res.zPeriod, "status", res.zStatus);
  json_object_set_new(p, "rank", res.iRank ? json_integer(res.iRank) : json_null());
  json_object_set_new(p, "score", res.iRank ? json_real(res.score) : json_null());
  json_object_set_new(p, "version", json_integer(res.iVersion));
  result_office_clear(&res);
  return p;
}

/* {"sha256","name","size","type"} of each document linked to objection id. */
static json_t *objectionDocs(sqlite3 *db, long long id){
  json_t *pA = json_array();
  sqlite3_stmt *q = db_prepare(db, "SELECT od.sha256, od.name, d.size, d.mime"
    " FROM objection_document od JOIN document d ON d.sha256=od.sha256"
    " WHERE od.objection_id=?1 ORDER BY od.rowid");
  sqlite3_bind_int64(q, 1, id);
  while( sqlite3_step(q)==SQLITE_ROW ){
    json_array_append_new(pA, json_pack("{ss ss sI ss}", "sha256", db_col_text(q, 0),
                          "name", db_col_text(q, 1), "size", (json_int_t)sqlite3_column_int64(q, 2),
                          "type", db_col_text(q, 3)));
  }
  db_finalize(q);
  return pA;
}

/* {"version","state","inputs_hash","created_at","published_at","result":BREAKDOWN} */
static json_t *setResult(sqlite3 *db, const ResultSetInfo *pS, const char *zOffice){
  OfficeResult res;
  json_error_t e;
  json_t *p, *pB;
  if( result_office(db, pS->id, zOffice, &res) ) return json_null();
  pB = json_loads(res.zBreakdown, 0, &e);
  p = json_pack("{si ss ss ss ss}", "version", pS->iVersion,
                "state", pS->bPublished ? "published" : "draft", "inputs_hash", pS->zHash,
                "created_at", pS->zCreatedAt, "published_at", pS->zPublishedAt);
  json_object_set_new(p, "result", pB ? pB : json_null());
  result_office_clear(&res);
  return p;
}

/* Guard an office route (see page_result.c). */
static int officeGuard(Req *r, Action e, Object *pObj){
  if( access_object_office(r->db, r->azArg[0], pObj) ){
    if( req_allow(r, e, 0) ) req_json_error(r, 404, "no office with this code");
    return 0;
  }
  if( !req_allow(r, e, pObj) ){
    access_object_clear(pObj);
    return 0;
  }
  return 1;
}

/* API: GET /api/v1/offices/{code}/result?period=   ROLE: office_private
** {"office","period","published":SET|null,"draft":SET|null,"history":[..],
**  "objections":[..]} — the draft only when newer than the published set. */
void api_office_result(Req *r){
  Object obj;
  const char *zPeriod = req_param(r, "period");
  ResultSetInfo pub, last;
  OfficeResult *aH;
  Objection *aO;
  int nH, nO, i;
  json_t *pDoc, *pA;
  char *zLatest = 0;
  if( !officeGuard(r, ACT_OFFICE_PRIVATE, &obj) ) return;
  if( zPeriod==0 || zPeriod[0]==0 ){
    zLatest = db_text(r->db, "SELECT p.code FROM result_set s JOIN period p ON p.id=s.period_id"
                             " ORDER BY p.code DESC LIMIT 1", 0);
    zPeriod = zLatest ? req_strdup(r, zLatest) : "";
    free(zLatest);
  }
  if( db_int(r->db, 0, "SELECT count(*) FROM period WHERE code=?1", zPeriod)==0 ){
    access_object_clear(&obj);
    req_json_error(r, 404, "no such period (or no results yet)");
    return;
  }
  pDoc = json_pack("{ss ss}", "office", r->azArg[0], "period", zPeriod);
  json_object_set_new(pDoc, "published", result_set_latest(r->db, zPeriod, 1, &pub)==0
                      ? setResult(r->db, &pub, r->azArg[0]) : json_null());
  json_object_set_new(pDoc, "draft", result_set_latest(r->db, zPeriod, 0, &last)==0 && !last.bPublished
                      ? setResult(r->db, &last, r->azArg[0]) : json_null());
  result_office_history(r->db, zPeriod, r->azArg[0], &aH, &nH);
  pA = json_array();
  for(i=0; i<nH; i++){
    json_t *p = json_pack("{si ss ss}", "version", aH[i].iVersion, "status", aH[i].zStatus,
                          "published_at", aH[i].zPublishedAt);
    json_object_set_new(p, "rank", aH[i].iRank ? json_integer(aH[i].iRank) : json_null());
    json_object_set_new(p, "score", aH[i].iRank ? json_real(aH[i].score) : json_null());
    json_object_set_new(p, "objection", aH[i].iObjection ? json_integer(aH[i].iObjection) : json_null());
    json_array_append_new(pA, p);
  }
  result_office_free(aH, nH);
  json_object_set_new(pDoc, "history", pA);
  objection_list(r->db, zPeriod, r->azArg[0], OBJ_COUNT, &aO, &nO);
  pA = json_array();
  for(i=0; i<nO; i++){
    json_t *pI = json_array();
    int k;
    for(k=0; k<aO[i].nInd; k++) json_array_append_new(pI, json_string(aO[i].azInd[k]));
    json_array_append_new(pA, json_pack("{sI so ss ss ss so}", "id", aO[i].id, "indicators", pI,
                          "state", objection_state_code(aO[i].state), "filed_at", aO[i].zFiledAt,
                          "reason", aO[i].zReason, "documents", objectionDocs(r->db, aO[i].id)));
  }
  objection_list_free(aO, nO);
  json_object_set_new(pDoc, "objections", pA);
  access_object_clear(&obj);
  req_json(r, 200, pDoc);
}

/* API: POST /api/v1/offices/{code}/objections   ROLE: declare
**   JSON {"period","indicators":[KEY..],"text","documents":[SHA256..]}, or
**   multipart/form-data with the fields period, text, indicator (repeated),
**   document (repeated: sha256 of declaration documents) and file (repeated:
**   new documents, as for declaration documents).
** 201 {"id":N,"documents":[..]}; 413/415 a file refused (named); 422 {"error","field"}. */
void api_objection_file(Req *r){
  Object obj;
  const char **azInd, **azDoc;
  int nInd = 0, nDoc = 0, nUp = 0;
  size_t i;
  char zNow[21];
  const char *zPeriod, *zText;
  ObjUpload *aUp = 0;
  DeclErr e;
  long long id = -1;
  Actor a;
  if( !officeGuard(r, ACT_DECLARE, &obj) ) return;
  if( r->pUpload ){
    azInd = req_alloc(r, sizeof(char *)*(size_t)(r->nForm + 1));
    azDoc = req_alloc(r, sizeof(char *)*(size_t)(r->nForm + 1));
    for(i=0; i<(size_t)r->nForm; i++){
      const char *zN = r->aForm[i].zName;
      if( strcmp(zN, "indicator")==0 || strcmp(zN, "indicators")==0 ) azInd[nInd++] = r->aForm[i].zValue;
      if( strcmp(zN, "document")==0 || strcmp(zN, "documents")==0 ) azDoc[nDoc++] = r->aForm[i].zValue;
    }
    zPeriod = req_form(r, "period");
    zText = req_form(r, "text");
  }else{
    json_t *pI, *pD;
    if( !json_is_object(r->pJson) ){
      access_object_clear(&obj);
      req_json_error(r, 400, "send a JSON object {\"period\",\"indicators\",\"text\",\"documents\"}"
                             " or multipart/form-data");
      return;
    }
    zPeriod = json_string_value(json_object_get(r->pJson, "period"));
    zText = json_string_value(json_object_get(r->pJson, "text"));
    pI = json_object_get(r->pJson, "indicators");
    pD = json_object_get(r->pJson, "documents");
    azInd = req_alloc(r, sizeof(char *)*(json_array_size(pI) + 1));
    azDoc = req_alloc(r, sizeof(char *)*(json_array_size(pD) + 1));
    for(i=0; i<json_array_size(pI); i++){
      const char *z = json_string_value(json_array_get(pI, i));
      if( z ) azInd[nInd++] = z;
    }
    for(i=0; i<json_array_size(pD); i++){
      const char *z = json_string_value(json_array_get(pD, i));
      if( z ) azDoc[nDoc++] = z;
    }
  }
  period_now(zNow);
  if( objection_uploads(r, &aUp, &nUp, &e)==0 ){
    req_actor(r, &a);
    id = objection_file_docs(r->db, server_dir(r->pSrv), &a, zPeriod ? zPeriod : "",
                             r->azArg[0], azInd, nInd, zText, azDoc, nDoc, aUp, nUp, zNow, &e);
    for(i=0; i<(size_t)r->nUpload; i++) r->aUpload[i].zTmp[0] = 0;
  }
  if( id>0 ){
    req_json(r, 201, json_pack("{sI so}", "id", id, "documents", objectionDocs(r->db, id)));
  }else{
    json_t *p = json_pack("{ss}", "error", e.zEn[0] ? e.zEn : "refused");
    if( e.zField[0] ) json_object_set_new(p, "field", json_string(e.zField));
    req_json(r, e.status ? e.status : 422, p);
  }
  access_object_clear(&obj);
}

/* API: GET /api/v1/offices/{code}/objections/{id}/documents/{sha}
** ROLE: office_private (the office's own objection; the file as an attachment) */
void api_objection_document(Req *r){
  objection_send_document(r);
}

/* API: POST /api/v1/objections/{id}/decide
**   {"decision":"uphold"|"reject","reason","values":{KEY:VALUE}}   ROLE: objection_decide
** 200 {"id","state","new_version"}; 403 when the decider took part in the
** office's review; 409 already decided; 422 bad input. */
void api_objection_decide(Req *r){
  long long id, iNew = 0;
  const char *zDec;
  char zNow[21], *zErr = 0;
  const char *zErrFa = 0;
  int st, rc;
  Actor a;
  if( !req_allow(r, ACT_OBJECTION_DECIDE, 0) ) return;
  if( text_parse_int(r->azArg[0], &id) || id<=0 ){
    req_json_error(r, 404, "no such objection");
    return;
  }
  zDec = json_string_value(json_object_get(r->pJson, "decision"));
  if( zDec==0 || (strcmp(zDec, "uphold")!=0 && strcmp(zDec, "reject")!=0) ){
    req_json_error(r, 422, "decision: \"uphold\" or \"reject\"");
    return;
  }
  period_now(zNow);
  req_actor(r, &a);
  rc = objection_decide(r->db, &a, id, strcmp(zDec, "uphold")==0,
                        json_string_value(json_object_get(r->pJson, "reason")),
                        json_object_get(r->pJson, "values"), zNow, &iNew, &st, &zErr, &zErrFa);
  if( rc==0 ){
    json_t *p = json_pack("{sI ss}", "id", id, "state", strcmp(zDec, "uphold")==0 ? "upheld" : "rejected");
    if( iNew ){
      ResultSetInfo info;
      if( result_set_load(r->db, iNew, &info)==0 ) json_object_set_new(p, "new_version", json_integer(info.iVersion));
    }
    req_json(r, 200, p);
  }else{
    req_json_error(r, st, zErr ? zErr : "refused");
  }
  free(zErr);
}
