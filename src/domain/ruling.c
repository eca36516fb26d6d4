/*
** ruling.c — committee rulings: record, change state, list; revocation.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jalali.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/period.h"
#include "domain/ruling.h"
#include "store/db.h"

#define NOTE_MAX 2000

const char *ruling_error_en(int rc){
  switch( rc ){
    case RULING_EOFFICE:   return "office: no such office";
    case RULING_ESCOPE:    return "office: not in your province";
    case RULING_EKIND:     return "kind: not in the scheme's penalty catalogue";
    case RULING_ENO:       return "ruling_no: required, at most 60 characters";
    case RULING_EDATE:     return "date: not a date like 1399/05/10";
    case RULING_ESTATE:    return "state: must be final, under_appeal or overturned, and a change allowed from the current state";
    case RULING_ENOTE:     return "note: too long or not UTF-8";
    case RULING_ENOTFOUND: return "no such ruling";
    default:               return "database error";
  }
}

const char *ruling_error_fa(int rc){
  switch( rc ){
    case RULING_EOFFICE:   return "چنین دفتری نیست.";
    case RULING_ESCOPE:    return "این دفتر در استان شما نیست.";
    case RULING_EKIND:     return "نوع تخلف در فهرست جریمه‌های طرح نیست.";
    case RULING_ENO:       return "شمارهٔ رأی لازم است (حداکثر ۶۰ نویسه).";
    case RULING_EDATE:     return "تاریخ درست نیست؛ مانند ۱۳۹۹/۰۵/۱۰ بنویسید.";
    case RULING_ESTATE:    return "این تغییر وضعیت رأی مجاز نیست.";
    case RULING_ENOTE:     return "یادداشت بیش از اندازه بلند است.";
    case RULING_ENOTFOUND: return "چنین رأیی نیست.";
    default:               return "خطای پایگاه داده.";
  }
}

const char *ruling_state_label(const char *z){
  if( z==0 ) return "";
  if( strcmp(z, "final")==0 ) return "قطعی";
  if( strcmp(z, "under_appeal")==0 ) return "در تجدیدنظر";
  if( strcmp(z, "overturned")==0 ) return "نقض‌شده";
  return "";
}

int ruling_state_valid(const char *z){
  return ruling_state_label(z)[0]!=0;
}

/* final <-> under_appeal, either -> overturned; overturned is the end. */
int ruling_transition_ok(const char *zFrom, const char *zTo){
  if( !ruling_state_valid(zFrom) || !ruling_state_valid(zTo) ) return 0;
  if( strcmp(zFrom, zTo)==0 ) return 0;
  return strcmp(zFrom, "overturned")!=0;
}

int ruling_counts(const char *zState, const char *zFinalDate, const char *zEnd){
  return zState && strcmp(zState, "final")==0 && zFinalDate && zFinalDate[0]
      && strcmp(zFinalDate, zEnd)<=0;
}

/* Today's date in Tehran (ISO), through period_now (PISHKHAN_NOW). */
static void today(char z[11]){
  char zNow[21];
  period_now(zNow);
  if( period_tehran_date(zNow, z) ) memcpy(z, zNow, 10), z[10] = 0;
}

/* The reason text a revocation by ruling id carries. */
static char *revokeReason(sqlite3 *db, long long id){
  sqlite3_stmt *q = db_prepare(db, "SELECT ruling_no, ruling_date, kind FROM ruling WHERE id=?1");
  Buf b = {0};
  char *z;
  sqlite3_bind_int64(q, 1, id);
  if( sqlite3_step(q)==SQLITE_ROW ){
    buf_printf(&b, "ruling #%lld (no. %s of ", id, db_col_text(q, 0));
    if( jalali_format_iso(&b, db_col_text(q, 1), 0) ) buf_puts(&b, db_col_text(q, 1));
    buf_printf(&b, "): %s", db_col_text(q, 2));
  }
  db_finalize(q);
  z = xstrdup(buf_str(&b));
  buf_free(&b);
  return z;
}

/* Revoke (bRevoke) or restore the office of ruling id, with audit. */
static int applyRevocation(sqlite3 *db, const Actor *pActor, long long id,
                           const char *zOffice, int bRevoke){
  char *zReason = revokeReason(db, id);
  char zNow[21];
  sqlite3_stmt *q;
  int rc;
  audit_now(zNow);
  if( bRevoke ){
    q = db_prepare(db, "UPDATE office SET status='revoked', status_reason=?2, updated_at=?3"
                       " WHERE code=?1 AND status<>'revoked'");
  }else{
    q = db_prepare(db, "UPDATE office SET status='active', status_reason='', updated_at=?3"
                       " WHERE code=?1 AND status='revoked' AND status_reason=?2");
  }
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zReason, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(q);
  if( rc==SQLITE_OK && sqlite3_changes(db)>0 ){
    char *zAfter = sqlite3_mprintf("{\"status\":%Q,\"status_reason\":%Q}",
                                   bRevoke ? "revoked" : "active", bRevoke ? zReason : "");
    rc = audit_log(db, pActor, bRevoke ? "office.revoke" : "office.restore",
                   "office", zOffice, 0, zAfter);
    sqlite3_free(zAfter);
  }
  free(zReason);
  return rc;
}

/* Begin the change: a transaction, or a savepoint inside the caller's
** (the demo). Sets *pbOuter. */
static int txBegin(sqlite3 *db, int *pbOuter){
  *pbOuter = !sqlite3_get_autocommit(db);
  return db_exec(db, *pbOuter ? "SAVEPOINT ruling" : "BEGIN IMMEDIATE");
}
static int txCommit(sqlite3 *db, int bOuter){
  return bOuter ? db_exec(db, "RELEASE ruling") : db_commit(db);
}
static void txRollback(sqlite3 *db, int bOuter){
  if( bOuter ){
    db_exec(db, "ROLLBACK TO ruling");
    db_exec(db, "RELEASE ruling");
  }else{
    db_rollback(db);
  }
}

/* Does kind zKind revoke under pScheme? */
static int revokes(const Scheme *pScheme, const char *zKind){
  const Penalty *pP = scheme_penalty(pScheme, zKind);
  return pP && pP->bRevokes;
}

/* Check office zOffice against zProvince. 0, RULING_EOFFICE or RULING_ESCOPE. */
static int officeCheck(sqlite3 *db, const char *zOffice, const char *zProvince){
  char *zProv = db_text(db, "SELECT province_code FROM office WHERE code=?1", zOffice);
  int rc = 0;
  if( zProv==0 ) return RULING_EOFFICE;
  if( zProvince && strcmp(zProv, zProvince)!=0 ) rc = RULING_ESCOPE;
  free(zProv);
  return rc;
}

long long ruling_add(sqlite3 *db, const Actor *pActor, const Scheme *pScheme,
                     const char *zProvince, const RulingNew *pNew){
  const char *zState = pNew->zState && pNew->zState[0] ? pNew->zState : "final";
  const Penalty *pP;
  char zDate[11], zNow[21];
  char *zNo = 0, *zNote = 0, *zOffice = 0, *zAfter;
  sqlite3_stmt *q;
  long long id;
  int rc, bOuter = 0;
  zOffice = pNew->zOffice ? text_code_dup(pNew->zOffice) : 0;
  if( zOffice==0 ) return RULING_EOFFICE;
  if( (rc = officeCheck(db, zOffice, zProvince))!=0 ){ free(zOffice); return rc; }
  pP = pNew->zKind ? scheme_penalty(pScheme, pNew->zKind) : 0;
  if( pP==0 ){ free(zOffice); return RULING_EKIND; }
  zNo = pNew->zNo ? text_normalize_dup(pNew->zNo) : 0;
  if( zNo==0 || zNo[0]==0 || strlen(zNo)>60 ){ free(zOffice); free(zNo); return RULING_ENO; }
  if( period_parse_date(pNew->zDate, zDate) ){ free(zOffice); free(zNo); return RULING_EDATE; }
  if( !ruling_state_valid(zState) ){ free(zOffice); free(zNo); return RULING_ESTATE; }
  zNote = pNew->zNote ? text_normalize_dup(pNew->zNote) : xstrdup("");
  if( zNote==0 || strlen(zNote)>NOTE_MAX ){ free(zOffice); free(zNo); free(zNote); return RULING_ENOTE; }
  audit_now(zNow);
  if( txBegin(db, &bOuter)!=SQLITE_OK ){ free(zOffice); free(zNo); free(zNote); return RULING_EDB; }
  q = db_prepare(db,
    "INSERT INTO ruling(office_code,kind,ruling_no,ruling_date,points,note,state,final_date,"
    "created_by,created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, pP->zKind, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zNo, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zDate, -1, SQLITE_STATIC);
  sqlite3_bind_double(q, 5, pP->points);
  sqlite3_bind_text(q, 6, zNote, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 7, zState, -1, SQLITE_STATIC);
  if( strcmp(zState, "final")==0 ) sqlite3_bind_text(q, 8, zDate, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 9, pActor->iUser);
  sqlite3_bind_text(q, 10, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(q);
  id = sqlite3_last_insert_rowid(db);
  if( rc==SQLITE_OK ){
    char zObj[40];
    snprintf(zObj, sizeof zObj, "ruling:%lld", id);
    zAfter = sqlite3_mprintf("{\"kind\":%Q,\"ruling_no\":%Q,\"ruling_date\":%Q,\"points\":%!.15g,"
                             "\"state\":%Q,\"note\":%Q}", pP->zKind, zNo, zDate, pP->points,
                             zState, zNote);
    rc = audit_log(db, pActor, "ruling.add", zObj, zOffice, 0, zAfter);
    sqlite3_free(zAfter);
  }
  if( rc==SQLITE_OK && strcmp(zState, "final")==0 && pP->bRevokes ){
    rc = applyRevocation(db, pActor, id, zOffice, 1);
  }
  if( rc==SQLITE_OK ) rc = txCommit(db, bOuter);
  if( rc!=SQLITE_OK ){ txRollback(db, bOuter); id = RULING_EDB; }
  free(zOffice); free(zNo); free(zNote);
  return id;
}

int ruling_set_state(sqlite3 *db, const Actor *pActor, const Scheme *pScheme,
                     const char *zProvince, long long id, const char *zState,
                     const char *zDate){
  sqlite3_stmt *q;
  char zOffice[64], zKind[64], zFrom[16], zFinal[11], zNow[21], zObj[40];
  char *zBefore, *zAfter;
  int rc, bOuter = 0;
  if( !ruling_state_valid(zState) ) return RULING_ESTATE;
  q = db_prepare(db, "SELECT office_code, kind, state FROM ruling WHERE id=?1");
  sqlite3_bind_int64(q, 1, id);
  if( sqlite3_step(q)!=SQLITE_ROW ){ db_finalize(q); return RULING_ENOTFOUND; }
  snprintf(zOffice, sizeof zOffice, "%s", db_col_text(q, 0));
  snprintf(zKind, sizeof zKind, "%s", db_col_text(q, 1));
  snprintf(zFrom, sizeof zFrom, "%s", db_col_text(q, 2));
  db_finalize(q);
  if( (rc = officeCheck(db, zOffice, zProvince))!=0 ) return rc;
  if( !ruling_transition_ok(zFrom, zState) ) return RULING_ESTATE;
  zFinal[0] = 0;
  if( strcmp(zState, "final")==0 ){
    if( zDate && zDate[0] ){
      if( period_parse_date(zDate, zFinal) ) return RULING_EDATE;
    }else{
      today(zFinal);
    }
  }
  audit_now(zNow);
  if( txBegin(db, &bOuter)!=SQLITE_OK ) return RULING_EDB;
  q = db_prepare(db, "UPDATE ruling SET state=?2, final_date=?3, updated_at=?4 WHERE id=?1");
  sqlite3_bind_int64(q, 1, id);
  sqlite3_bind_text(q, 2, zState, -1, SQLITE_STATIC);
  if( zFinal[0] ) sqlite3_bind_text(q, 3, zFinal, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(q);
  if( rc==SQLITE_OK ){
    snprintf(zObj, sizeof zObj, "ruling:%lld", id);
    zBefore = sqlite3_mprintf("{\"state\":%Q}", zFrom);
    zAfter = sqlite3_mprintf("{\"state\":%Q,\"final_date\":%Q}", zState, zFinal[0] ? zFinal : 0);
    rc = audit_log(db, pActor, "ruling.state", zObj, zOffice, zBefore, zAfter);
    sqlite3_free(zBefore);
    sqlite3_free(zAfter);
  }
  if( rc==SQLITE_OK && revokes(pScheme, zKind) ){
    if( strcmp(zState, "final")==0 ) rc = applyRevocation(db, pActor, id, zOffice, 1);
    else if( strcmp(zState, "overturned")==0 ) rc = applyRevocation(db, pActor, id, zOffice, 0);
  }
  if( rc==SQLITE_OK ) rc = txCommit(db, bOuter);
  if( rc!=SQLITE_OK ){ txRollback(db, bOuter); return RULING_EDB; }
  return 0;
}

int ruling_list(sqlite3 *db, const char *zProvince, const char *zOffice, Ruling **pa){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT r.id, r.office_code, o.name, r.kind, r.ruling_no, r.ruling_date, r.points,"
    " r.note, r.state, ifnull(r.final_date,''), o.province_code"
    " FROM ruling r JOIN office o ON o.code=r.office_code"
    " WHERE (?1 IS NULL OR o.province_code=?1) AND (?2 IS NULL OR r.office_code=?2)"
    " ORDER BY r.ruling_date DESC, r.id DESC");
  Ruling *a = 0;
  int n = 0, nAlloc = 0;
  if( zProvince ) sqlite3_bind_text(q, 1, zProvince, -1, SQLITE_STATIC);
  if( zOffice ) sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    Ruling *r;
    if( n==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 32;
      a = xrealloc(a, sizeof(Ruling)*(size_t)nAlloc);
    }
    r = &a[n++];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    snprintf(r->zOffice, sizeof r->zOffice, "%s", db_col_text(q, 1));
    r->zOfficeName = xstrdup(db_col_text(q, 2));
    snprintf(r->zKind, sizeof r->zKind, "%s", db_col_text(q, 3));
    snprintf(r->zNo, sizeof r->zNo, "%s", db_col_text(q, 4));
    snprintf(r->zDate, sizeof r->zDate, "%s", db_col_text(q, 5));
    r->points = sqlite3_column_double(q, 6);
    r->zNote = xstrdup(db_col_text(q, 7));
    snprintf(r->zState, sizeof r->zState, "%s", db_col_text(q, 8));
    snprintf(r->zFinalDate, sizeof r->zFinalDate, "%s", db_col_text(q, 9));
    snprintf(r->zProvince, sizeof r->zProvince, "%s", db_col_text(q, 10));
  }
  db_finalize(q);
  *pa = a;
  return n;
}

void ruling_list_free(Ruling *a, int n){
  int i;
  for(i=0; i<n; i++){ free(a[i].zOfficeName); free(a[i].zNote); }
  free(a);
}
