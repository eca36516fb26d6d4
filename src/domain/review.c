/*
** review.c — the review state machine and its operations (review.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jalali.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/review.h"
#include "store/db.h"

#define REASON_MAX 2000      /* bytes of a reason */

/*
** THE transition table: every (state, action) pair not listed here is
** refused. docs/review.md shows the same table; test/unit/test_review.c
** checks every pair of state and action against its own copy.
*/
const ReviewTransition aReviewTransition[] = {
  { DS_DRAFT,     RA_SUBMIT,    DS_SUBMITTED, ACT_DECLARE  },
  { DS_RETURNED,  RA_SUBMIT,    DS_SUBMITTED, ACT_DECLARE  },
  { DS_SUBMITTED, RA_DECIDE,    DS_IN_REVIEW, ACT_REVIEW   },
  { DS_IN_REVIEW, RA_DECIDE,    DS_IN_REVIEW, ACT_REVIEW   },
  { DS_REVIEWED,  RA_DECIDE,    DS_REVIEWED,  ACT_REVIEW   },
  { DS_IN_REVIEW, RA_COMPLETE,  DS_REVIEWED,  ACT_REVIEW   },
  { DS_SUBMITTED, RA_RETURN,    DS_RETURNED,  ACT_REVIEW   },
  { DS_IN_REVIEW, RA_RETURN,    DS_RETURNED,  ACT_REVIEW   },
  { DS_REVIEWED,  RA_RETURN,    DS_RETURNED,  ACT_REVIEW   },
  { DS_REVIEWED,  RA_REOPEN,    DS_IN_REVIEW, ACT_CONFIRM  },
  { DS_REVIEWED,  RA_CONFIRM,   DS_CONFIRMED, ACT_CONFIRM  },
  { DS_CONFIRMED, RA_SEND_DOWN, DS_IN_REVIEW, ACT_FINALISE },
  { DS_CONFIRMED, RA_FINALISE,  DS_FINALISED, ACT_FINALISE },
  { DS_RETURNED,  RA_RESUME,    DS_IN_REVIEW, ACT_REVIEW   },
};
const int nReviewTransition = sizeof(aReviewTransition)/sizeof(aReviewTransition[0]);

static const char *const azAction[RA_COUNT] = {
  "submit", "decide", "complete", "return", "reopen", "confirm", "send_down", "finalise",
  "resume"
};
static const char *const azActionFa[RA_COUNT] = {
  "ارسال", "تصمیم دربارهٔ ادعا", "پایان بررسی", "برگشت به دفتر", "برگشت به کارشناس",
  "تأیید منطقه", "برگشت از ستاد", "نهایی‌سازی", "ادامهٔ بررسی پس از مهلت"
};
static const char *const azDec[CD_COUNT] = { "", "accept", "adjust", "reject" };
static const char *const azDecFa[CD_COUNT] = { "بررسی‌نشده", "پذیرش", "اصلاح مقدار", "رد" };

const char *review_action_code(ReviewAction e){ return e<RA_COUNT ? azAction[e] : "?"; }
const char *review_action_label(ReviewAction e){ return e<RA_COUNT ? azActionFa[e] : "?"; }
ReviewAction review_action_from_code(const char *z){
  int i;
  for(i=0; z && i<RA_COUNT; i++) if( strcmp(z, azAction[i])==0 ) return (ReviewAction)i;
  return RA_COUNT;
}
const char *claim_decision_code(ClaimDecision e){ return e<CD_COUNT ? azDec[e] : ""; }
const char *claim_decision_label(ClaimDecision e){ return e<CD_COUNT ? azDecFa[e] : ""; }
ClaimDecision claim_decision_from_code(const char *z){
  int i;
  for(i=1; z && i<CD_COUNT; i++) if( strcmp(z, azDec[i])==0 ) return (ClaimDecision)i;
  return CD_NONE;
}

const ReviewTransition *review_transition(DeclState eFrom, ReviewAction eAct){
  int i;
  for(i=0; i<nReviewTransition; i++){
    if( aReviewTransition[i].from==eFrom && aReviewTransition[i].action==eAct ){
      return &aReviewTransition[i];
    }
  }
  return 0;
}

/* Fill *pE with printf-formatted English and Persian messages. */
static void errF(DeclErr *pE, int status, const char *zField, const char *zEnFmt,
                 const char *zFaFmt, ...) __attribute__((format(printf, 5, 6)));
static void errF(DeclErr *pE, int status, const char *zField, const char *zEnFmt,
                 const char *zFaFmt, ...){
  va_list ap;
  pE->status = status;
  snprintf(pE->zField, sizeof pE->zField, "%s", zField ? zField : "");
  va_start(ap, zFaFmt);
  vsnprintf(pE->zEn, sizeof pE->zEn, zEnFmt, ap);
  va_end(ap);
  va_start(ap, zFaFmt);
  vsnprintf(pE->zFa, sizeof pE->zFa, zFaFmt, ap);
  va_end(ap);
}

/* The English and Persian states from which eAct is allowed. */
static void allowedFrom(ReviewAction eAct, char *zEn, size_t nEn, char *zFa, size_t nFa){
  int i, n = 0;
  size_t kEn = 0, kFa = 0;
  zEn[0] = zFa[0] = 0;
  for(i=0; i<nReviewTransition; i++){
    if( aReviewTransition[i].action!=eAct ) continue;
    kEn += (size_t)snprintf(zEn+kEn, kEn<nEn ? nEn-kEn : 0, "%s%s", n ? " or " : "",
                            decl_state_code(aReviewTransition[i].from));
    kFa += (size_t)snprintf(zFa+kFa, kFa<nFa ? nFa-kFa : 0, "%s«%s»", n ? " یا " : "",
                            decl_state_label(aReviewTransition[i].from));
    if( kEn>=nEn ) kEn = nEn-1;
    if( kFa>=nFa ) kFa = nFa-1;
    n++;
  }
}

int review_check(DeclState eFrom, ReviewAction eAct, DeclState *peTo, DeclErr *pE){
  const ReviewTransition *pT = review_transition(eFrom, eAct);
  char zEn[160], zFa[320];
  if( pT ){
    if( peTo ) *peTo = pT->to;
    return 0;
  }
  allowedFrom(eAct, zEn, sizeof zEn, zFa, sizeof zFa);
  pE->status = 409;
  snprintf(pE->zField, sizeof pE->zField, "state");
  snprintf(pE->zEn, sizeof pE->zEn, "cannot %s: the declaration is %s (%s needs %s)",
           review_action_code(eAct), decl_state_code(eFrom == DS_NONE ? DS_DRAFT : eFrom),
           review_action_code(eAct), zEn);
  snprintf(pE->zFa, sizeof pE->zFa,
           "«%s» ممکن نیست: خوداظهاری در وضعیت «%s» است (این کار فقط در وضعیت %s ممکن است).",
           review_action_label(eAct), decl_state_label(eFrom == DS_NONE ? DS_DRAFT : eFrom), zFa);
  return -1;
}

/* ---- transactions that nest -------------------------------------------- */

/* BEGIN IMMEDIATE, or a savepoint when the caller (the demo generator)
** already holds a transaction. *pbOwn records which. */
static int txBegin(sqlite3 *db, int *pbOwn){
  *pbOwn = sqlite3_get_autocommit(db);
  return *pbOwn ? db_begin(db) : db_exec(db, "SAVEPOINT review");
}
static int txCommit(sqlite3 *db, int bOwn){
  return bOwn ? db_commit(db) : db_exec(db, "RELEASE review");
}
static void txRollback(sqlite3 *db, int bOwn){
  if( bOwn ){
    db_rollback(db);
  }else{
    db_exec(db, "ROLLBACK TO review");
    db_exec(db, "RELEASE review");
  }
}

static void storeErr(sqlite3 *db, DeclErr *pE){
  errF(pE, 500, "", "store error: %s", "خطای پایگاه داده: %s", sqlite3_errmsg(db));
}

/* A reason as typed: normalised, trimmed. Returns a heap string, or NULL
** with *pE (422, field "reason") when it is empty or too long. */
static char *reasonOf(const char *z, DeclErr *pE){
  char *zR = z ? text_normalize_dup(z) : 0;
  size_t n, i = 0;
  if( zR ){
    n = strlen(zR);
    while( n>0 && (zR[n-1]==' ' || zR[n-1]=='\n' || zR[n-1]=='\r' || zR[n-1]=='\t') ) zR[--n] = 0;
    while( zR[i]==' ' || zR[i]=='\n' || zR[i]=='\r' || zR[i]=='\t' ) i++;
    if( i ) memmove(zR, zR+i, n-i+1);
  }
  if( zR==0 || zR[0]==0 ){
    free(zR);
    errF(pE, 422, "reason", "reason: required", "%s", "دلیل را بنویسید؛ این کار بدون دلیل ثبت نمی‌شود.");
    return 0;
  }
  if( strlen(zR)>REASON_MAX ){
    free(zR);
    errF(pE, 422, "reason", "reason: at most %d bytes", "دلیل بیش از اندازه بلند است (حداکثر %d بایت).",
         REASON_MAX);
    return 0;
  }
  return zR;
}

/* The declaration row of (p, zOffice): 1 with id, state and round, or 0. */
static int declRow(sqlite3 *db, const Period *p, const char *zOffice, long long *piDecl,
                   DeclState *peState, int *piRound){
  sqlite3_stmt *q = db_stmt(db, "SELECT id, state, round FROM declaration"
                                " WHERE period_id=?1 AND office_code=?2");
  int rc = 0;
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    *piDecl = sqlite3_column_int64(q, 0);
    *peState = decl_state_from_code(db_col_text(q, 1));
    if( piRound ) *piRound = sqlite3_column_int(q, 2);
    rc = 1;
  }
  db_release(q);
  return rc;
}

/* Load the declaration for an operation or set *pE (404). */
/*
** Once a period's results are published (or the period is closed) its
** inputs change only through upheld objections (docs/ranking.md): every
** review action is refused with 409. Read inside the caller's
** transaction, so a publication in between is seen.
*/
static int periodSettled(sqlite3 *db, const Period *p, DeclErr *pE){
  char zId[24];
  char *zState;
  PeriodState e;
  snprintf(zId, sizeof zId, "%lld", p->id);
  zState = db_text(db, "SELECT state FROM period WHERE id=?1", zId);
  e = zState ? period_state_from_code(zState) : p->state;
  free(zState);
  if( e!=PS_PUBLISHED && e!=PS_CLOSED ) return 0;
  errF(pE, 409, "period", "period %s: its results are published; its inputs change only"
       " through objections", "نتایج دورهٔ %s منتشر شده است؛ از این پس داده‌های آن فقط با پذیرش"
       " اعتراض تغییر می‌کند.", p->zCode);
  if( e==PS_CLOSED ){
    snprintf(pE->zEn, sizeof pE->zEn, "period %s is closed: its review no longer changes", p->zCode);
    snprintf(pE->zFa, sizeof pE->zFa, "دورهٔ %s بسته شده است و بررسی آن دیگر تغییر نمی‌کند.", p->zCode);
  }
  return -1;
}

static int needDecl(sqlite3 *db, const Period *p, const char *zOffice, long long *piDecl,
                    DeclState *peState, int *piRound, DeclErr *pE){
  if( periodSettled(db, p, pE) ) return -1;
  if( declRow(db, p, zOffice, piDecl, peState, piRound) ) return 0;
  errF(pE, 404, "", "no declaration of office %s in period %s",
       "دفتر %s در دورهٔ %s خوداظهاری ندارد.", zOffice ? zOffice : "", p->zCode);
  return -1;
}

/* Set the state of declaration iDecl. */
static int setState(sqlite3 *db, const Actor *pActor, long long iDecl, DeclState e,
                    const char *zNow){
  sqlite3_stmt *q = db_stmt(db, "UPDATE declaration SET state=?2, updated_at=?3, updated_by=?4"
                                " WHERE id=?1");
  int rc;
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, decl_state_code(e), -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  if( pActor && pActor->iUser ) sqlite3_bind_int64(q, 4, pActor->iUser);
  rc = sqlite3_step(q);
  db_release(q);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/* The audit row of a declaration's change of state: before {"state"},
** after {"state", ...pExtra} (pExtra consumed; may be NULL). */
static int auditState(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                      ReviewAction eAct, DeclState eFrom, DeclState eTo, json_t *pExtra){
  json_t *pB = json_pack("{ss}", "state", decl_state_code(eFrom));
  json_t *pA = json_pack("{ss}", "state", decl_state_code(eTo));
  char *zB, *zA, *zObj, zAction[40];
  int rc;
  if( pExtra ){
    json_object_update(pA, pExtra);
    json_decref(pExtra);
  }
  zB = json_dumps(pB, JSON_COMPACT|JSON_SORT_KEYS);
  zA = json_dumps(pA, JSON_COMPACT|JSON_SORT_KEYS);
  zObj = xsprintf("%s/%s", p->zCode, zOffice);
  snprintf(zAction, sizeof zAction, "review.%s", review_action_code(eAct));
  rc = audit_log(db, pActor, zAction, zObj, zOffice, zB, zA);
  free(zObj);
  free(zA);
  free(zB);
  json_decref(pA);
  json_decref(pB);
  return rc;
}

/* Move iDecl from eFrom by eAct (already checked) with its audit row. */
static int transit(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                   long long iDecl, ReviewAction eAct, DeclState eFrom, DeclState eTo,
                   const char *zNow, json_t *pExtra){
  int rc = setState(db, pActor, iDecl, eTo, zNow);
  if( rc!=SQLITE_OK ){ json_decref(pExtra); return rc; }
  return auditState(db, pActor, p, zOffice, eAct, eFrom, eTo, pExtra);
}

/* Undecided claims of iDecl; the first one's indicator into zFirst[48]. */
static int undecided(sqlite3 *db, long long iDecl, char *zFirst){
  sqlite3_stmt *q = db_stmt(db, "SELECT count(*), min(indicator) FROM claim"
                                " WHERE declaration_id=?1 AND decision IS NULL");
  int n = 0;
  sqlite3_bind_int64(q, 1, iDecl);
  if( sqlite3_step(q)==SQLITE_ROW ){
    n = sqlite3_column_int(q, 0);
    if( zFirst ) snprintf(zFirst, 48, "%s", db_col_text(q, 1));
  }
  db_release(q);
  return n;
}

/* JSON value of a stored claim column (NULL column -> json null). */
static json_t *colJson(sqlite3_stmt *q, int i){
  json_t *p = 0;
  if( sqlite3_column_type(q, i)!=SQLITE_NULL ){
    p = json_loads(db_col_text(q, i), JSON_DECODE_ANY, 0);
  }
  return p ? p : json_null();
}

/*
** Decide one claim of iDecl (state *peState, updated). Inside the caller's
** transaction. bBulk marks the audit row of the bulk action.
*/
static int decideOne(sqlite3 *db, const Actor *pActor, const Period *p, const Scheme *pScheme,
                     const char *zOffice, long long iDecl, DeclState *peState,
                     const char *zInd, ClaimDecision eDec, json_t *pValue,
                     const char *zReason, const char *zNow, int bBulk, DeclErr *pE){
  const Indicator *pI = zInd ? scheme_indicator(pScheme, zInd) : 0;
  sqlite3_stmt *q;
  json_t *pBefore = 0, *pDeclared = 0, *pAfter;
  char *zVerified = 0, *zB, *zA, *zObj;
  DeclState eTo = DS_NONE;
  int rc, bFound = 0;

  if( review_check(*peState, RA_DECIDE, &eTo, pE) ) return -1;
  q = db_stmt(db, "SELECT declared, verified, decision, reason FROM claim"
                  " WHERE declaration_id=?1 AND indicator=?2");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, zInd ? zInd : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    bFound = 1;
    pDeclared = colJson(q, 0);
    pBefore = json_pack("{so so ss}", "verified", colJson(q, 1),
                        "decision", sqlite3_column_type(q, 2)==SQLITE_NULL ? json_null()
                                    : json_string(db_col_text(q, 2)),
                        "reason", db_col_text(q, 3));
  }
  db_release(q);
  if( !bFound || pI==0 ){
    json_decref(pBefore);
    json_decref(pDeclared);
    errF(pE, 404, "indicator", "no claim %s in this declaration",
         "ادعایی با کلید «%s» در این خوداظهاری نیست.", zInd ? zInd : "");
    return -1;
  }
  switch( eDec ){
    case CD_ACCEPT:
      zVerified = json_is_null(pDeclared) ? 0 : json_dumps(pDeclared, JSON_COMPACT|JSON_ENCODE_ANY);
      break;
    case CD_ADJUST:
      if( pValue==0 || json_is_null(pValue) ){
        errF(pE, 422, "value", "value: required to adjust %s", "«%s»: مقدار اصلاح‌شده را وارد کنید.",
             pI->zKey);
        snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار اصلاح‌شده را وارد کنید.", pI->zLabel);
        json_decref(pBefore);
        json_decref(pDeclared);
        return -1;
      }
      if( declaration_check_value(pI, pValue, pE) ){
        snprintf(pE->zField, sizeof pE->zField, "value");
        json_decref(pBefore);
        json_decref(pDeclared);
        return -1;
      }
      zVerified = json_dumps(pValue, JSON_COMPACT|JSON_ENCODE_ANY);
      break;
    default:
      break;   /* reject: no verified value */
  }
  q = db_stmt(db, "UPDATE claim SET verified=?3, decision=?4, reason=?5, reviewer_id=?6,"
                  " decided_at=?7 WHERE declaration_id=?1 AND indicator=?2");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, pI->zKey, -1, SQLITE_STATIC);
  if( zVerified ) sqlite3_bind_text(q, 3, zVerified, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, claim_decision_code(eDec), -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zReason ? zReason : "", -1, SQLITE_STATIC);
  if( pActor && pActor->iUser ) sqlite3_bind_int64(q, 6, pActor->iUser);
  sqlite3_bind_text(q, 7, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){
    free(zVerified);
    json_decref(pBefore);
    json_decref(pDeclared);
    storeErr(db, pE);
    return -1;
  }
  pAfter = json_pack("{so ss ss so}", "verified",
                     zVerified ? json_loads(zVerified, JSON_DECODE_ANY, 0) : json_null(),
                     "decision", claim_decision_code(eDec), "reason", zReason ? zReason : "",
                     "declared", pDeclared);
  if( bBulk ) json_object_set_new(pAfter, "bulk", json_true());
  zB = json_dumps(pBefore, JSON_COMPACT|JSON_SORT_KEYS);
  zA = json_dumps(pAfter, JSON_COMPACT|JSON_SORT_KEYS);
  zObj = xsprintf("%s/%s/%s", p->zCode, zOffice, pI->zKey);
  rc = audit_log(db, pActor, "review.decide", zObj, zOffice, zB, zA);
  free(zObj); free(zA); free(zB); free(zVerified);
  json_decref(pAfter);
  json_decref(pBefore);
  if( rc==SQLITE_OK && eTo!=*peState ){
    rc = transit(db, pActor, p, zOffice, iDecl, RA_DECIDE, *peState, eTo, zNow, 0);
    *peState = eTo;
  }
  if( rc!=SQLITE_OK ){ storeErr(db, pE); return -1; }
  return 0;
}

/* After decisions: in_review with nothing undecided -> reviewed. */
static int autoComplete(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                        long long iDecl, DeclState *peState, const char *zNow, DeclErr *pE){
  DeclState eTo = DS_NONE;
  if( review_transition(*peState, RA_COMPLETE)==0 || undecided(db, iDecl, 0)>0 ) return 0;
  review_check(*peState, RA_COMPLETE, &eTo, pE);
  if( transit(db, pActor, p, zOffice, iDecl, RA_COMPLETE, *peState, eTo, zNow,
              json_pack("{sb}", "automatic", 1))!=SQLITE_OK ){
    storeErr(db, pE);
    return -1;
  }
  *peState = eTo;
  return 0;
}

/* The scheme to use: pScheme, or the period's loaded into *pOwn. */
static const Scheme *schemeFor(sqlite3 *db, const Period *p, const Scheme *pScheme,
                               Scheme *pOwn, int *pbOwn, DeclErr *pE){
  char *zErr = 0;
  *pbOwn = 0;
  if( pScheme ) return pScheme;
  if( period_scheme(db, p, pOwn, &zErr) ){
    errF(pE, 500, "", "the period's scheme does not load: %s",
         "طرح امتیازدهی دوره خوانده نمی‌شود: %s", zErr ? zErr : "");
    free(zErr);
    return 0;
  }
  *pbOwn = 1;
  return pOwn;
}

int review_decide(sqlite3 *db, const Actor *pActor, const Period *p, const Scheme *pScheme,
                  const char *zOffice, const char *zIndicator, ClaimDecision eDec,
                  json_t *pValue, const char *zReason, const char *zNow, DeclErr *pE){
  Scheme own;
  const Scheme *pS;
  char *zR = 0;
  long long iDecl;
  DeclState e;
  int bOwnS, bOwnTx, rc = -1;
  if( eDec<=CD_NONE || eDec>=CD_COUNT ){
    errF(pE, 422, "decision", "decision: must be accept, adjust or reject",
         "%s", "تصمیم باید «پذیرش»، «اصلاح مقدار» یا «رد» باشد.");
    return -1;
  }
  if( eDec!=CD_ACCEPT ){
    zR = reasonOf(zReason, pE);
    if( zR==0 ) return -1;
  }else if( zReason && zReason[0] ){
    zR = reasonOf(zReason, pE);   /* an optional note on acceptance */
    if( zR==0 ) return -1;
  }
  pS = schemeFor(db, p, pScheme, &own, &bOwnS, pE);
  if( pS==0 ){ free(zR); return -1; }
  if( txBegin(db, &bOwnTx)!=SQLITE_OK ){ storeErr(db, pE); goto done; }
  if( needDecl(db, p, zOffice, &iDecl, &e, 0, pE)
   || decideOne(db, pActor, p, pS, zOffice, iDecl, &e, zIndicator, eDec, pValue, zR, zNow, 0, pE)
   || autoComplete(db, pActor, p, zOffice, iDecl, &e, zNow, pE) ){
    txRollback(db, bOwnTx);
    goto done;
  }
  if( txCommit(db, bOwnTx)!=SQLITE_OK ){ storeErr(db, pE); txRollback(db, bOwnTx); goto done; }
  rc = 0;
done:
  if( bOwnS ) scheme_clear(&own);
  free(zR);
  return rc;
}

int review_accept_all(sqlite3 *db, const Actor *pActor, const Period *p, const Scheme *pScheme,
                      const char *zOffice, const char *zNow, int *pnDone, DeclErr *pE){
  Scheme own;
  const Scheme *pS;
  long long iDecl;
  DeclState e;
  int bOwnS, bOwnTx, rc = -1, i, nInd = 0;
  char **azInd = 0;
  sqlite3_stmt *q;
  *pnDone = 0;
  pS = schemeFor(db, p, pScheme, &own, &bOwnS, pE);
  if( pS==0 ) return -1;
  if( txBegin(db, &bOwnTx)!=SQLITE_OK ){ storeErr(db, pE); goto done; }
  if( needDecl(db, p, zOffice, &iDecl, &e, 0, pE) || review_check(e, RA_DECIDE, 0, pE) ){
    txRollback(db, bOwnTx);
    goto done;
  }
  /* The undecided claims with their documents count. */
  azInd = xcalloc((size_t)(pS->nInd ? pS->nInd : 1), sizeof(char *));
  q = db_stmt(db, "SELECT c.indicator, c.declared, (SELECT count(*) FROM declaration_document dd"
                  "  WHERE dd.declaration_id=c.declaration_id AND dd.indicator=c.indicator)"
                  " FROM claim c WHERE c.declaration_id=?1 AND c.decision IS NULL");
  sqlite3_bind_int64(q, 1, iDecl);
  while( sqlite3_step(q)==SQLITE_ROW && nInd<pS->nInd ){
    const Indicator *pI = scheme_indicator(pS, db_col_text(q, 0));
    if( pI==0 ) continue;
    if( pI->doc==DOC_REQUIRED && sqlite3_column_int(q, 2)==0 ){
      json_t *pV = colJson(q, 1);
      IndValue v;
      declaration_value(pI, pV, &v);
      json_decref(pV);
      if( !v.bSet || scheme_points(pI, &v)>0 ) continue;   /* needs a document it lacks */
    }
    azInd[nInd++] = xstrdup(pI->zKey);
  }
  db_release(q);
  for(i=0; i<nInd; i++){
    if( decideOne(db, pActor, p, pS, zOffice, iDecl, &e, azInd[i], CD_ACCEPT, 0, 0, zNow, 1, pE) ){
      txRollback(db, bOwnTx);
      goto done;
    }
  }
  if( autoComplete(db, pActor, p, zOffice, iDecl, &e, zNow, pE) ){
    txRollback(db, bOwnTx);
    goto done;
  }
  if( txCommit(db, bOwnTx)!=SQLITE_OK ){ storeErr(db, pE); txRollback(db, bOwnTx); goto done; }
  *pnDone = nInd;
  rc = 0;
done:
  for(i=0; i<nInd; i++) free(azInd[i]);
  free(azInd);
  if( bOwnS ) scheme_clear(&own);
  return rc;
}

/*
** The shape shared by complete, reopen, confirm and send-down: load, check
** the table, run xExtra (may refuse), move, audit; one transaction.
*/
typedef int (*ExtraFn)(sqlite3 *db, const Actor *pActor, long long iDecl, const char *zNow,
                       json_t **ppExtra, DeclErr *pE);

static int simpleTransition(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                            ReviewAction eAct, const char *zReason, ExtraFn xExtra,
                            const char *zNow, DeclErr *pE){
  long long iDecl;
  DeclState e = DS_NONE, eTo = DS_NONE;
  int bOwn;
  json_t *pExtra = 0;
  if( txBegin(db, &bOwn)!=SQLITE_OK ){ storeErr(db, pE); return -1; }
  if( needDecl(db, p, zOffice, &iDecl, &e, 0, pE) || review_check(e, eAct, &eTo, pE) ) goto fail;
  if( xExtra && xExtra(db, pActor, iDecl, zNow, &pExtra, pE) ) goto fail;
  if( zReason ){
    if( pExtra==0 ) pExtra = json_object();
    json_object_set_new(pExtra, "reason", json_string(zReason));
  }
  if( transit(db, pActor, p, zOffice, iDecl, eAct, e, eTo, zNow, pExtra)!=SQLITE_OK ){
    pExtra = 0;
    storeErr(db, pE);
    goto fail;
  }
  pExtra = 0;
  if( txCommit(db, bOwn)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  return 0;
fail:
  json_decref(pExtra);
  txRollback(db, bOwn);
  return -1;
}

static int completeExtra(sqlite3 *db, const Actor *pActor, long long iDecl, const char *zNow,
                         json_t **ppExtra, DeclErr *pE){
  char zFirst[48];
  int n = undecided(db, iDecl, zFirst);
  (void)pActor; (void)zNow; (void)ppExtra;
  if( n==0 ) return 0;
  errF(pE, 422, zFirst, "%d claims are not decided yet (the first: %s)",
       "هنوز دربارهٔ %d ادعا تصمیم گرفته نشده است (نخستین: %s).", n, zFirst);
  return -1;
}

int review_complete(sqlite3 *db, const Actor *pActor, const Period *p,
                    const char *zOffice, const char *zNow, DeclErr *pE){
  return simpleTransition(db, pActor, p, zOffice, RA_COMPLETE, 0, completeExtra, zNow, pE);
}

int review_user_decided(sqlite3 *db, long long iDecl, long long iUser){
  sqlite3_stmt *q;
  int n = 0;
  if( iUser<=0 ) return 0;
  q = db_stmt(db, "SELECT (SELECT count(*) FROM claim WHERE declaration_id=?1 AND reviewer_id=?2)"
                  " + (SELECT count(*) FROM claim_history WHERE declaration_id=?1 AND reviewer_id=?2)");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_int64(q, 2, iUser);
  n = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 1;
  db_release(q);
  return n>0;
}

static int confirmExtra(sqlite3 *db, const Actor *pActor, long long iDecl, const char *zNow,
                        json_t **ppExtra, DeclErr *pE){
  sqlite3_stmt *q;
  int rc;
  if( pActor && review_user_decided(db, iDecl, pActor->iUser) ){
    errF(pE, 403, "", "four eyes: you decided a claim of this declaration, so another manager"
         " must confirm it", "%s", "اصل چهار چشم: شما دربارهٔ ادعایی از همین خوداظهاری تصمیم گرفته‌اید؛"
         " تأیید آن با مدیر دیگری است.");
    return -1;
  }
  q = db_stmt(db, "UPDATE declaration SET confirmed_by=?2, confirmed_at=?3 WHERE id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  if( pActor && pActor->iUser ) sqlite3_bind_int64(q, 2, pActor->iUser);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ storeErr(db, pE); return -1; }
  (void)ppExtra;
  return 0;
}

int review_confirm(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                   const char *zNow, DeclErr *pE){
  return simpleTransition(db, pActor, p, zOffice, RA_CONFIRM, 0, confirmExtra, zNow, pE);
}

/* The send-back must have lapsed: its correction deadline is before today
** (Tehran). Closes the round unanswered. */
static int resumeExtra(sqlite3 *db, const Actor *pActor, long long iDecl, const char *zNow,
                       json_t **ppExtra, DeclErr *pE){
  char zToday[11] = "";
  char *zDue = 0;
  sqlite3_stmt *q = db_stmt(db, "SELECT coalesce(correction_due,'') FROM declaration WHERE id=?1");
  int rc;
  (void)pActor;
  sqlite3_bind_int64(q, 1, iDecl);
  if( sqlite3_step(q)==SQLITE_ROW ) zDue = xstrdup(db_col_text(q, 0));
  db_release(q);
  period_tehran_date(zNow, zToday);
  if( zDue==0 || (zDue[0] && strcmp(zToday, zDue)<=0) ){
    errF(pE, 422, "deadline", "the correction deadline (%s) has not passed yet: the office may"
         " still resubmit", "مهلت اصلاح (%s) هنوز نگذشته است و دفتر هنوز می‌تواند دوباره ارسال کند.",
         zDue ? zDue : "");
    if( zDue && zDue[0] ){
      Buf b = {0};
      jalali_format_iso(&b, zDue, 1);
      snprintf(pE->zFa, sizeof pE->zFa, "مهلت اصلاح تا پایان روز %s است و دفتر هنوز می‌تواند"
               " دوباره ارسال کند.", buf_str(&b));
      buf_free(&b);
    }
    free(zDue);
    return -1;
  }
  q = db_stmt(db, "UPDATE declaration SET round=round+1, correction_due=NULL, return_reason=''"
                  " WHERE id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ free(zDue); storeErr(db, pE); return -1; }
  *ppExtra = json_pack("{ss sb}", "deadline", zDue, "lapsed", 1);
  free(zDue);
  return 0;
}

int review_resume(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zNow, DeclErr *pE){
  long long iDecl;
  DeclState e = DS_NONE;
  int bOwn;
  if( txBegin(db, &bOwn)!=SQLITE_OK ){ storeErr(db, pE); return -1; }
  if( simpleTransition(db, pActor, p, zOffice, RA_RESUME, 0, resumeExtra, zNow, pE)
   || needDecl(db, p, zOffice, &iDecl, &e, 0, pE)
   || autoComplete(db, pActor, p, zOffice, iDecl, &e, zNow, pE) ){
    txRollback(db, bOwn);
    return -1;
  }
  if( txCommit(db, bOwn)!=SQLITE_OK ){ storeErr(db, pE); txRollback(db, bOwn); return -1; }
  return 0;
}

int review_reopen(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zReason, const char *zNow, DeclErr *pE){
  char *zR = reasonOf(zReason, pE);
  int rc;
  if( zR==0 ) return -1;
  rc = simpleTransition(db, pActor, p, zOffice, RA_REOPEN, zR, 0, zNow, pE);
  free(zR);
  return rc;
}

static int sendDownExtra(sqlite3 *db, const Actor *pActor, long long iDecl, const char *zNow,
                         json_t **ppExtra, DeclErr *pE){
  sqlite3_stmt *q = db_stmt(db, "UPDATE declaration SET confirmed_by=NULL, confirmed_at=NULL WHERE id=?1");
  int rc;
  (void)pActor; (void)zNow; (void)ppExtra;
  sqlite3_bind_int64(q, 1, iDecl);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ storeErr(db, pE); return -1; }
  return 0;
}

int review_send_down(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                     const char *zReason, const char *zNow, DeclErr *pE){
  char *zR = reasonOf(zReason, pE);
  int rc;
  if( zR==0 ) return -1;
  rc = simpleTransition(db, pActor, p, zOffice, RA_SEND_DOWN, zR, sendDownExtra, zNow, pE);
  free(zR);
  return rc;
}

int review_return(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zReason, const char *zDeadline, const char *zNow, DeclErr *pE){
  char *zR;
  char zDue[11], zToday[11];
  long long iDecl;
  DeclState e = DS_NONE, eTo = DS_NONE;
  int iRound, bOwn, rc;
  sqlite3_stmt *q;
  zR = reasonOf(zReason, pE);
  if( zR==0 ) return -1;
  if( zDeadline==0 || zDeadline[0]==0 || period_parse_date(zDeadline, zDue) ){
    free(zR);
    errF(pE, 422, "deadline", "deadline: required, a date like 1399/08/05",
         "%s", "مهلت اصلاح را به تاریخ شمسی بنویسید (مانند ۱۳۹۹/۰۸/۰۵).");
    return -1;
  }
  if( period_tehran_date(zNow, zToday)==0 && strcmp(zDue, zToday)<0 ){
    free(zR);
    errF(pE, 422, "deadline", "deadline: %s is in the past (today is %s, Tehran time)",
         "مهلت اصلاح (%s) گذشته است؛ امروز %s است.", zDue, zToday);
    return -1;
  }
  if( txBegin(db, &bOwn)!=SQLITE_OK ){ free(zR); storeErr(db, pE); return -1; }
  if( needDecl(db, p, zOffice, &iDecl, &e, &iRound, pE) || review_check(e, RA_RETURN, &eTo, pE) ){
    goto fail;
  }
  q = db_stmt(db, "INSERT INTO review_round(declaration_id, round, returned_at, returned_by,"
                  " reason, deadline) VALUES(?1,?2,?3,?4,?5,?6)");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_int(q, 2, iRound);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  if( pActor && pActor->iUser ) sqlite3_bind_int64(q, 4, pActor->iUser);
  sqlite3_bind_text(q, 5, zR, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 6, zDue, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ storeErr(db, pE); goto fail; }
  /* the round's decisions, kept */
  q = db_stmt(db, "INSERT INTO claim_history(declaration_id, round, indicator, declared, verified,"
                  " decision, reason, reviewer_id, decided_at) SELECT declaration_id, ?2, indicator,"
                  " declared, verified, decision, reason, reviewer_id, decided_at FROM claim"
                  " WHERE declaration_id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_int(q, 2, iRound);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ storeErr(db, pE); goto fail; }
  q = db_stmt(db, "UPDATE declaration SET correction_due=?2, return_reason=?3 WHERE id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, zDue, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zR, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE
   || transit(db, pActor, p, zOffice, iDecl, RA_RETURN, e, eTo, zNow,
              json_pack("{ss ss si}", "reason", zR, "deadline", zDue, "round", iRound))!=SQLITE_OK ){
    storeErr(db, pE);
    goto fail;
  }
  if( txCommit(db, bOwn)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  free(zR);
  return 0;
fail:
  txRollback(db, bOwn);
  free(zR);
  return -1;
}

int review_on_submit(sqlite3 *db, long long iDecl, DeclState eFrom, const char *zNow){
  static const char *const azSql[] = {
    "UPDATE review_round SET resubmitted_at=?2 WHERE declaration_id=?1"
    " AND round=(SELECT round FROM declaration WHERE id=?1) AND resubmitted_at IS NULL",
    "UPDATE declaration SET round=round+1, correction_due=NULL, return_reason='' WHERE id=?1",
    "UPDATE claim SET verified=NULL, decision=NULL, reason='', reviewer_id=NULL, decided_at=NULL"
    " WHERE declaration_id=?1",
  };
  size_t i;
  if( eFrom!=DS_RETURNED ) return SQLITE_OK;
  for(i=0; i<sizeof(azSql)/sizeof(azSql[0]); i++){
    sqlite3_stmt *q = db_stmt(db, azSql[i]);
    int rc;
    sqlite3_bind_int64(q, 1, iDecl);
    if( i==0 ) sqlite3_bind_text(q, 2, zNow, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    db_release(q);
    if( rc!=SQLITE_DONE ) return rc;
  }
  return SQLITE_OK;
}

int review_finalise_region(sqlite3 *db, const Actor *pActor, const Period *p,
                           const char *zRegion, const char *zNow, int *pnDone, DeclErr *pE){
  sqlite3_stmt *q;
  int bOwn, nPart = 0, nConf = 0, nFinal = 0, n = 0, nAlloc = 0, i, rc;
  char zFirst[40] = "", zFirstState[16] = "";
  struct { long long id; char zOffice[40]; } *a = 0;
  char *zObj, *zAfter;
  *pnDone = 0;
  if( zRegion==0 || db_int(db, 0, "SELECT count(*) FROM region WHERE code=?1", zRegion)==0 ){
    errF(pE, 404, "region", "no region %s", "منطقه‌ای با کد «%s» نیست.", zRegion ? zRegion : "");
    return -1;
  }
  if( txBegin(db, &bOwn)!=SQLITE_OK ){ storeErr(db, pE); return -1; }
  if( periodSettled(db, p, pE) ){ txRollback(db, bOwn); return -1; }
  q = db_stmt(db, "SELECT d.id, d.office_code, d.state FROM declaration d"
                  " JOIN office o ON o.code=d.office_code JOIN province pr ON pr.code=o.province_code"
                  " WHERE d.period_id=?1 AND pr.region_code=?2 AND d.state<>'draft'"
                  " ORDER BY d.office_code");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zRegion, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    DeclState e = decl_state_from_code(db_col_text(q, 2));
    nPart++;
    if( e==DS_FINALISED ){ nFinal++; continue; }
    if( e!=DS_CONFIRMED ){
      if( zFirst[0]==0 ){
        snprintf(zFirst, sizeof zFirst, "%s", db_col_text(q, 1));
        snprintf(zFirstState, sizeof zFirstState, "%s", db_col_text(q, 2));
      }
      continue;
    }
    if( n>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 256;
      a = xrealloc(a, sizeof(*a)*(size_t)nAlloc);
    }
    a[n].id = sqlite3_column_int64(q, 0);
    snprintf(a[n].zOffice, sizeof a[n].zOffice, "%s", db_col_text(q, 1));
    n++;
    nConf++;
  }
  db_release(q);
  if( nPart==0 ){
    errF(pE, 409, "region", "region %s has no participating declarations in %s",
         "منطقهٔ %s در دورهٔ %s خوداظهاری ارسال‌شده‌ای ندارد.", zRegion, p->zCode);
    goto fail;
  }
  if( zFirst[0] ){
    errF(pE, 409, "state", "cannot finalise region %s: %d of its %d participating declarations"
         " are not confirmed (the first: %s, %s)",
         "نهایی‌سازی منطقهٔ %s ممکن نیست: %d خوداظهاری از %d هنوز تأیید منطقه نشده است (نخستین: %s، %s).",
         zRegion, nPart-nConf-nFinal, nPart, zFirst, zFirstState);
    snprintf(pE->zFa, sizeof pE->zFa,
             "نهایی‌سازی منطقهٔ %s ممکن نیست: %d خوداظهاری از %d هنوز تأیید منطقه نشده است "
             "(نخستین: %s در وضعیت «%s»).", zRegion, nPart-nConf-nFinal, nPart, zFirst,
             decl_state_label(decl_state_from_code(zFirstState)));
    goto fail;
  }
  if( nConf==0 ){
    errF(pE, 409, "state", "region %s is already finalised in %s",
         "منطقهٔ %s در دورهٔ %s پیش‌تر نهایی شده است.", zRegion, p->zCode);
    goto fail;
  }
  for(i=0; i<n; i++){
    DeclState eTo = DS_NONE;
    review_check(DS_CONFIRMED, RA_FINALISE, &eTo, pE);
    q = db_stmt(db, "UPDATE declaration SET finalised_by=?2, finalised_at=?3 WHERE id=?1");
    sqlite3_bind_int64(q, 1, a[i].id);
    if( pActor && pActor->iUser ) sqlite3_bind_int64(q, 2, pActor->iUser);
    sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    db_release(q);
    if( rc!=SQLITE_DONE
     || transit(db, pActor, p, a[i].zOffice, a[i].id, RA_FINALISE, DS_CONFIRMED, eTo, zNow,
                json_pack("{ss}", "region", zRegion))!=SQLITE_OK ){
      storeErr(db, pE);
      goto fail;
    }
  }
  zObj = xsprintf("%s/region/%s", p->zCode, zRegion);
  zAfter = xsprintf("{\"finalised\":%d,\"participating\":%d}", nConf + nFinal, nPart);
  rc = audit_log(db, pActor, "review.finalise_region", zObj, 0, 0, zAfter);
  free(zObj);
  free(zAfter);
  if( rc!=SQLITE_OK || txCommit(db, bOwn)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  free(a);
  *pnDone = nConf;
  return 0;
fail:
  txRollback(db, bOwn);
  free(a);
  return -1;
}

/* ---- reading ----------------------------------------------------------- */

/* Bind the filters of pQ as ?2 region, ?3 province, ?4 type, ?5 state. */
static void bindQuery(sqlite3_stmt *q, const Period *p, const ReviewQuery *pQ){
  sqlite3_bind_int64(q, 1, p->id);
  if( pQ->zRegion && pQ->zRegion[0] ) sqlite3_bind_text(q, 2, pQ->zRegion, -1, SQLITE_STATIC);
  if( pQ->zProvince && pQ->zProvince[0] ) sqlite3_bind_text(q, 3, pQ->zProvince, -1, SQLITE_STATIC);
  if( pQ->zType && pQ->zType[0] ) sqlite3_bind_text(q, 4, pQ->zType, -1, SQLITE_STATIC);
  if( pQ->state>DS_DRAFT && pQ->state<DS_COUNT ){
    sqlite3_bind_text(q, 5, decl_state_code(pQ->state), -1, SQLITE_STATIC);
  }
}

#define QUEUE_FROM \
  " FROM declaration d JOIN office o ON o.code=d.office_code" \
  " JOIN province pr ON pr.code=o.province_code" \
  " WHERE d.period_id=?1 AND d.state<>'draft' AND (?2 IS NULL OR pr.region_code=?2)" \
  " AND (?3 IS NULL OR o.province_code=?3) AND (?4 IS NULL OR o.type=?4)"

int review_queue(sqlite3 *db, const Period *p, const ReviewQuery *pQ, ReviewRow **pa, int *pn){
  sqlite3_stmt *q;
  int nTotal = 0, nAlloc = 0, nPer = pQ->nPerPage>0 ? pQ->nPerPage : 50;
  int iPage = pQ->iPage>0 ? pQ->iPage : 1;
  *pa = 0;
  *pn = 0;
  q = db_stmt(db, "SELECT count(*)" QUEUE_FROM " AND (?5 IS NULL OR d.state=?5)");
  bindQuery(q, p, pQ);
  if( sqlite3_step(q)==SQLITE_ROW ) nTotal = sqlite3_column_int(q, 0);
  db_release(q);
  q = db_stmt(db,
    "SELECT d.office_code, o.name, o.type, o.province_code, pr.name_fa, d.state, d.round,"
    " (SELECT count(*) FROM claim c WHERE c.declaration_id=d.id),"
    " (SELECT count(*) FROM claim c WHERE c.declaration_id=d.id AND c.decision IS NOT NULL),"
    " coalesce(d.submitted_at,''), coalesce(d.correction_due,'')"
    QUEUE_FROM " AND (?5 IS NULL OR d.state=?5)"
    " ORDER BY CASE d.state WHEN 'in_review' THEN 0 WHEN 'submitted' THEN 1 WHEN 'reviewed' THEN 2"
    "  WHEN 'returned' THEN 3 WHEN 'confirmed' THEN 4 ELSE 5 END, d.submitted_at, d.office_code"
    " LIMIT ?6 OFFSET ?7");
  bindQuery(q, p, pQ);
  sqlite3_bind_int(q, 6, nPer);
  sqlite3_bind_int64(q, 7, (long long)(iPage-1)*nPer);
  while( sqlite3_step(q)==SQLITE_ROW ){
    ReviewRow *pR;
    if( *pn>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 32;
      *pa = xrealloc(*pa, sizeof(ReviewRow)*(size_t)nAlloc);
    }
    pR = &(*pa)[(*pn)++];
    memset(pR, 0, sizeof *pR);
    snprintf(pR->zOffice, sizeof pR->zOffice, "%s", db_col_text(q, 0));
    pR->zName = xstrdup(db_col_text(q, 1));
    snprintf(pR->zType, sizeof pR->zType, "%s", db_col_text(q, 2));
    snprintf(pR->zProvince, sizeof pR->zProvince, "%s", db_col_text(q, 3));
    pR->zProvinceFa = xstrdup(db_col_text(q, 4));
    pR->state = decl_state_from_code(db_col_text(q, 5));
    pR->iRound = sqlite3_column_int(q, 6);
    pR->nClaim = sqlite3_column_int(q, 7);
    pR->nDecided = sqlite3_column_int(q, 8);
    snprintf(pR->zSubmittedAt, sizeof pR->zSubmittedAt, "%s", db_col_text(q, 9));
    snprintf(pR->zCorrectionDue, sizeof pR->zCorrectionDue, "%s", db_col_text(q, 10));
  }
  db_release(q);
  return nTotal;
}

void review_rows_free(ReviewRow *a, int n){
  int i;
  for(i=0; i<n; i++){ free(a[i].zName); free(a[i].zProvinceFa); }
  free(a);
}

void review_counts(sqlite3 *db, const Period *p, const ReviewQuery *pQ, int aCount[DS_COUNT]){
  sqlite3_stmt *q = db_stmt(db, "SELECT d.state, count(*)" QUEUE_FROM
                                " AND ?5 IS NULL GROUP BY d.state");
  ReviewQuery all = *pQ;
  memset(aCount, 0, sizeof(int)*DS_COUNT);
  all.state = DS_NONE;
  bindQuery(q, p, &all);
  while( sqlite3_step(q)==SQLITE_ROW ){
    DeclState e = decl_state_from_code(db_col_text(q, 0));
    aCount[e] += sqlite3_column_int(q, 1);
  }
  db_release(q);
}

void review_region_status(sqlite3 *db, const Period *p, const char *zRegion,
                          int *pnPart, int *pnConfirmed, int *pnFinalised){
  ReviewQuery rq;
  int a[DS_COUNT], i;
  memset(&rq, 0, sizeof rq);
  rq.zRegion = zRegion;
  review_counts(db, p, &rq, a);
  *pnPart = 0;
  for(i=DS_SUBMITTED; i<DS_COUNT; i++) *pnPart += a[i];
  *pnConfirmed = a[DS_CONFIRMED];
  *pnFinalised = a[DS_FINALISED];
}

static void claimClear(ReviewClaim *pC){
  json_decref(pC->pDeclared);
  json_decref(pC->pVerified);
  json_decref(pC->pPrevValue);
  free(pC->zReason);
}

/* Read the claim columns (indicator, declared, verified, decision, reason,
** reviewer_id, username, decided_at) of q into pC. */
static void claimRead(sqlite3_stmt *q, ReviewClaim *pC){
  memset(pC, 0, sizeof *pC);
  snprintf(pC->zIndicator, sizeof pC->zIndicator, "%s", db_col_text(q, 0));
  if( sqlite3_column_type(q, 1)!=SQLITE_NULL ) pC->pDeclared = json_loads(db_col_text(q, 1), JSON_DECODE_ANY, 0);
  if( sqlite3_column_type(q, 2)!=SQLITE_NULL ) pC->pVerified = json_loads(db_col_text(q, 2), JSON_DECODE_ANY, 0);
  pC->eDec = claim_decision_from_code(db_col_text(q, 3));
  pC->zReason = xstrdup(db_col_text(q, 4));
  pC->iReviewer = sqlite3_column_int64(q, 5);
  snprintf(pC->zReviewer, sizeof pC->zReviewer, "%s", db_col_text(q, 6));
  snprintf(pC->zDecidedAt, sizeof pC->zDecidedAt, "%s", db_col_text(q, 7));
}

/* The position of indicator zKey in the scheme (unknown: last). */
static int schemeIndex(const Scheme *pS, const char *zKey){
  int i;
  for(i=0; i<pS->nInd; i++) if( strcmp(pS->aInd[i].zKey, zKey)==0 ) return i;
  return pS->nInd;
}

/* Put a[] into scheme order by insertion (few claims). */
static void schemeOrder(const Scheme *pS, ReviewClaim *a, int n){
  int i, j;
  for(i=1; i<n; i++){
    ReviewClaim t = a[i];
    int k = schemeIndex(pS, t.zIndicator);
    for(j=i; j>0 && schemeIndex(pS, a[j-1].zIndicator)>k; j--) a[j] = a[j-1];
    a[j] = t;
  }
}

#define CLAIM_COLS "c.indicator, c.declared, c.verified, c.decision, c.reason, " \
                   "coalesce(c.reviewer_id,0), coalesce(u.username,''), coalesce(c.decided_at,'')"

int review_load(sqlite3 *db, const Period *p, const Scheme *pScheme, const char *zOffice,
                ReviewView *pV){
  sqlite3_stmt *q;
  Period prev;
  int nAlloc = 0, i;
  memset(pV, 0, sizeof *pV);
  q = db_prepare(db, "SELECT d.id, d.state, d.round, coalesce(uc.username,''), coalesce(d.confirmed_at,''),"
                     " coalesce(uf.username,''), coalesce(d.finalised_at,'') FROM declaration d"
                     " LEFT JOIN users uc ON uc.id=d.confirmed_by LEFT JOIN users uf ON uf.id=d.finalised_by"
                     " WHERE d.period_id=?1 AND d.office_code=?2");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    pV->iDecl = sqlite3_column_int64(q, 0);
    pV->state = decl_state_from_code(db_col_text(q, 1));
    pV->iRound = sqlite3_column_int(q, 2);
    snprintf(pV->zConfirmedBy, sizeof pV->zConfirmedBy, "%s", db_col_text(q, 3));
    snprintf(pV->zConfirmedAt, sizeof pV->zConfirmedAt, "%s", db_col_text(q, 4));
    snprintf(pV->zFinalisedBy, sizeof pV->zFinalisedBy, "%s", db_col_text(q, 5));
    snprintf(pV->zFinalisedAt, sizeof pV->zFinalisedAt, "%s", db_col_text(q, 6));
  }
  db_finalize(q);
  if( pV->iDecl==0 ) return -1;

  q = db_prepare(db, "SELECT " CLAIM_COLS " FROM claim c LEFT JOIN users u ON u.id=c.reviewer_id"
                     " WHERE c.declaration_id=?1");
  sqlite3_bind_int64(q, 1, pV->iDecl);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( pV->nClaim>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 16;
      pV->aClaim = xrealloc(pV->aClaim, sizeof(ReviewClaim)*(size_t)nAlloc);
    }
    claimRead(q, &pV->aClaim[pV->nClaim++]);
  }
  db_finalize(q);
  schemeOrder(pScheme, pV->aClaim, pV->nClaim);

  /* Last period's value of each claim, as it counted there. */
  if( period_previous(db, p->zCode, &prev)==0 ){
    q = db_prepare(db, "SELECT c.indicator, c.declared, c.verified, c.decision FROM claim c"
                       " JOIN declaration d ON d.id=c.declaration_id"
                       " WHERE d.period_id=?1 AND d.office_code=?2 AND d.state<>'draft'");
    sqlite3_bind_int64(q, 1, prev.id);
    sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
    while( sqlite3_step(q)==SQLITE_ROW ){
      for(i=0; i<pV->nClaim; i++){
        ReviewClaim *pC = &pV->aClaim[i];
        ClaimDecision e;
        if( strcmp(pC->zIndicator, db_col_text(q, 0))!=0 ) continue;
        snprintf(pC->zPrevPeriod, sizeof pC->zPrevPeriod, "%s", prev.zCode);
        e = claim_decision_from_code(db_col_text(q, 3));
        pC->ePrevDec = e;
        if( e!=CD_REJECT ){
          int iCol = (e==CD_ADJUST || (e==CD_ACCEPT && sqlite3_column_type(q, 2)!=SQLITE_NULL)) ? 2 : 1;
          if( sqlite3_column_type(q, iCol)!=SQLITE_NULL ){
            pC->pPrevValue = json_loads(db_col_text(q, iCol), JSON_DECODE_ANY, 0);
          }
        }
      }
    }
    db_finalize(q);
  }

  /* Rounds sent back, with their decisions. */
  nAlloc = 0;
  q = db_prepare(db, "SELECT r.round, r.returned_at, coalesce(u.username,''), r.reason, r.deadline,"
                     " coalesce(r.resubmitted_at,'') FROM review_round r"
                     " LEFT JOIN users u ON u.id=r.returned_by WHERE r.declaration_id=?1 ORDER BY r.round");
  sqlite3_bind_int64(q, 1, pV->iDecl);
  while( sqlite3_step(q)==SQLITE_ROW ){
    ReviewRound *pR;
    if( pV->nRound>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 4;
      pV->aRound = xrealloc(pV->aRound, sizeof(ReviewRound)*(size_t)nAlloc);
    }
    pR = &pV->aRound[pV->nRound++];
    memset(pR, 0, sizeof *pR);
    pR->iRound = sqlite3_column_int(q, 0);
    snprintf(pR->zReturnedAt, sizeof pR->zReturnedAt, "%s", db_col_text(q, 1));
    snprintf(pR->zReturnedBy, sizeof pR->zReturnedBy, "%s", db_col_text(q, 2));
    pR->zReason = xstrdup(db_col_text(q, 3));
    snprintf(pR->zDeadline, sizeof pR->zDeadline, "%s", db_col_text(q, 4));
    snprintf(pR->zResubmittedAt, sizeof pR->zResubmittedAt, "%s", db_col_text(q, 5));
  }
  db_finalize(q);
  for(i=0; i<pV->nRound; i++){
    ReviewRound *pR = &pV->aRound[i];
    int nA = 0;
    q = db_prepare(db, "SELECT " CLAIM_COLS " FROM claim_history c LEFT JOIN users u ON u.id=c.reviewer_id"
                       " WHERE c.declaration_id=?1 AND c.round=?2");
    sqlite3_bind_int64(q, 1, pV->iDecl);
    sqlite3_bind_int(q, 2, pR->iRound);
    while( sqlite3_step(q)==SQLITE_ROW ){
      if( pR->nClaim>=nA ){
        nA = nA ? 2*nA : 16;
        pR->aClaim = xrealloc(pR->aClaim, sizeof(ReviewClaim)*(size_t)nA);
      }
      claimRead(q, &pR->aClaim[pR->nClaim++]);
    }
    db_finalize(q);
    schemeOrder(pScheme, pR->aClaim, pR->nClaim);
  }
  return 0;
}

void review_view_clear(ReviewView *pV){
  int i, k;
  for(i=0; i<pV->nClaim; i++) claimClear(&pV->aClaim[i]);
  free(pV->aClaim);
  for(i=0; i<pV->nRound; i++){
    for(k=0; k<pV->aRound[i].nClaim; k++) claimClear(&pV->aRound[i].aClaim[k]);
    free(pV->aRound[i].aClaim);
    free(pV->aRound[i].zReason);
  }
  free(pV->aRound);
  memset(pV, 0, sizeof *pV);
}
