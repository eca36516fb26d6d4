/*
** change.c — change requests for protected registry fields (change.h).
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jalali.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/change.h"
#include "domain/office.h"
#include "store/db.h"

const char *const azChangeField[] = {
  "type", "city", "address", "postal_code", "licence_no", "licence_date",
  "holder_name", "holder_national_id", 0
};
const char *const azChangeFieldFa[] = {
  "نوع دفتر", "شهر یا روستا", "نشانی", "کد پستی", "شمارهٔ پروانه", "تاریخ پروانه",
  "نام دارندهٔ پروانه", "کد ملی دارندهٔ پروانه", 0
};

const char *change_field_label(const char *zField){
  int i;
  for(i=0; zField && azChangeField[i]; i++){
    if( strcmp(azChangeField[i], zField)==0 ) return azChangeFieldFa[i];
  }
  return zField ? zField : "";
}

/* Column index (OF_...) of a change field, or -1. */
static int fieldColumn(const char *zField){
  int i;
  if( zField==0 ) return -1;
  for(i=0; azChangeField[i]; i++){
    if( strcmp(azChangeField[i], zField)==0 ) break;
  }
  if( azChangeField[i]==0 ) return -1;
  for(i=0; i<OFFICE_NCOLUMN; i++){
    if( strcmp(azOfficeColumn[i], zField)==0 ) return i;
    if( strcmp(zField, "holder_national_id")==0 && i==OF_HOLDER_NID ) return i;
  }
  return -1;
}

/* The office's fields as a person would type them (licence date Jalali),
** as heap strings into az[OFFICE_NCOLUMN]. */
static void officeFields(const Office *pO, char **az){
  const char *azV[OFFICE_NCOLUMN];
  int i;
  azV[OF_CODE] = pO->zCode; azV[OF_TYPE] = pO->zType; azV[OF_NAME] = pO->zName;
  azV[OF_PROVINCE] = pO->zProvince; azV[OF_CITY] = pO->zCity;
  azV[OF_ADDRESS] = pO->zAddress; azV[OF_POSTAL] = pO->zPostalCode;
  azV[OF_PHONE] = pO->zPhone; azV[OF_LICENCE_NO] = pO->zLicenceNo;
  azV[OF_LICENCE_DATE] = ""; azV[OF_HOLDER_NAME] = pO->zHolderName;
  azV[OF_HOLDER_NID] = pO->zHolderNid; azV[OF_STATUS] = pO->zStatus;
  for(i=0; i<OFFICE_NCOLUMN; i++) az[i] = xstrdup(azV[i] ? azV[i] : "");
  if( pO->zLicenceDate && pO->zLicenceDate[0] ){
    Date g, j;
    if( iso_parse(pO->zLicenceDate, &g)==0 && jalali_from_gregorian(g, &j)==0 ){
      Buf b = {0};
      jalali_format(&b, j, 0);
      free(az[OF_LICENCE_DATE]);
      az[OF_LICENCE_DATE] = buf_take(&b);
    }
  }
}

static void fieldsFree(char **az){
  int i;
  for(i=0; i<OFFICE_NCOLUMN; i++) free(az[i]);
}

/* Parse office zOffice with column iCol replaced by zNew into *pO.
** Returns 0, or -1 with *pE (422, or 404 when there is no office). zOld
** (heap, may be NULL) receives the current value as typed. */
static int officeWith(sqlite3 *db, const char *zOffice, int iCol, const char *zNew,
                      Office *pO, char **pzOld, DeclErr *pE){
  Office cur;
  char *az[OFFICE_NCOLUMN];
  char *zMsg = 0;
  int bFree = 0, iBad;
  if( office_load(db, zOffice, &cur) ){
    decl_err(pE, 404, "", "no such office", "دفتری با این کد نیست.");
    return -1;
  }
  officeFields(&cur, az);
  office_clear(&cur);
  if( pzOld ) *pzOld = xstrdup(az[iCol]);
  free(az[iCol]);
  az[iCol] = xstrdup(zNew);
  iBad = office_parse(db, (const char *const *)az, pO, &zMsg, &bFree);
  fieldsFree(az);
  if( iBad>=0 ){
    decl_err(pE, 422, "new_value", "", "");
    snprintf(pE->zEn, sizeof pE->zEn, "new_value: %s", zMsg ? zMsg : "invalid");
    snprintf(pE->zFa, sizeof pE->zFa, "مقدار تازهٔ «%s» نادرست است: %s",
             change_field_label(azOfficeColumn[iCol]), zMsg ? zMsg : "");
    if( bFree ) free(zMsg);
    office_clear(pO);
    if( pzOld ){ free(*pzOld); *pzOld = 0; }
    return -1;
  }
  return 0;
}

int change_file(sqlite3 *db, const Actor *pActor, const char *zOffice,
                const char *zField, const char *zNew, const char *zReason,
                const char *zNow, long long *piId, DeclErr *pE){
  int iCol = fieldColumn(zField);
  char *zR, *zN, *zOld = 0, *zAfter;
  Office o;
  sqlite3_stmt *q;
  int rc;
  json_t *pJ;
  if( iCol<0 ){
    decl_err(pE, 422, "field", "field: not a field that needs a change request "
             "(type, city, address, postal_code, licence_no, licence_date, holder_name, holder_national_id)",
             "این فیلد با درخواست تغییر عوض نمی‌شود.");
    return -1;
  }
  zR = text_normalize_dup(zReason ? zReason : "");
  if( zR==0 || zR[0]==0 ){
    free(zR);
    decl_err(pE, 422, "reason", "reason: required", "دلیل درخواست تغییر را بنویسید.");
    return -1;
  }
  zN = text_normalize_dup(zNew ? zNew : "");
  if( zN==0 ){
    free(zR);
    decl_err(pE, 422, "new_value", "new_value: broken UTF-8", "مقدار تازه نادرست است.");
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ) goto store_fail;
  if( officeWith(db, zOffice, iCol, zN, &o, &zOld, pE) ){
    db_rollback(db); free(zR); free(zN);
    return -1;
  }
  office_clear(&o);
  if( strcmp(zOld, zN)==0 ){
    db_rollback(db);
    decl_err(pE, 422, "new_value", "new_value: the same as the current value", "مقدار تازه با مقدار کنونی یکی است.");
    free(zR); free(zN); free(zOld);
    return -1;
  }
  q = db_prepare(db, "SELECT count(*) FROM change_request WHERE office_code=?1 AND field=?2 AND state='pending'");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zField, -1, SQLITE_STATIC);
  rc = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
  db_finalize(q);
  if( rc ){
    db_rollback(db);
    decl_err(pE, 409, "field", "field: a request for this field is already pending",
             "برای این فیلد درخواستی در انتظار تصمیم هست.");
    free(zR); free(zN); free(zOld);
    return -1;
  }
  q = db_prepare(db, "INSERT INTO change_request(office_code, field, old_value, new_value, reason,"
                     " filed_by, filed_at) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zField, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zOld, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zN, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zR, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 6, pActor->iUser);
  sqlite3_bind_text(q, 7, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  *piId = sqlite3_last_insert_rowid(db);
  pJ = json_pack("{sI ss ss ss ss}", "id", (json_int_t)*piId, "field", zField,
                 "old", zOld, "new", zN, "reason", zR);
  zAfter = json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(pJ);
  free(zR); free(zN); free(zOld);
  if( rc==SQLITE_DONE ){
    char zObj[40];
    snprintf(zObj, sizeof zObj, "change/%lld", *piId);
    rc = audit_log(db, pActor, "change.file", zObj, zOffice, 0, zAfter);
  }
  free(zAfter);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ) goto store_fail;
  return 0;
store_fail:
  decl_err(pE, 500, "", "", "");
  snprintf(pE->zEn, sizeof pE->zEn, "store error: %s", sqlite3_errmsg(db));
  snprintf(pE->zFa, sizeof pE->zFa, "خطای پایگاه داده: %s", sqlite3_errmsg(db));
  db_rollback(db);
  return -1;
}

void change_clear(ChangeRequest *pC){
  free(pC->zOld); free(pC->zNew); free(pC->zReason); free(pC->zDecisionReason);
  memset(pC, 0, sizeof *pC);
}

#define CHANGE_COLS "c.id, c.office_code, c.field, c.old_value, c.new_value, c.reason," \
                    " c.decision_reason, c.state, c.filed_at, coalesce(c.decided_at,'')"

static void changeRow(sqlite3_stmt *q, ChangeRequest *pC){
  memset(pC, 0, sizeof *pC);
  pC->id = sqlite3_column_int64(q, 0);
  snprintf(pC->zOffice, sizeof pC->zOffice, "%s", db_col_text(q, 1));
  snprintf(pC->zField, sizeof pC->zField, "%s", db_col_text(q, 2));
  pC->zOld = xstrdup(db_col_text(q, 3));
  pC->zNew = xstrdup(db_col_text(q, 4));
  pC->zReason = xstrdup(db_col_text(q, 5));
  pC->zDecisionReason = xstrdup(db_col_text(q, 6));
  snprintf(pC->zState, sizeof pC->zState, "%s", db_col_text(q, 7));
  snprintf(pC->zFiledAt, sizeof pC->zFiledAt, "%s", db_col_text(q, 8));
  snprintf(pC->zDecidedAt, sizeof pC->zDecidedAt, "%s", db_col_text(q, 9));
}

int change_load(sqlite3 *db, long long iId, ChangeRequest *pC){
  sqlite3_stmt *q = db_prepare(db, "SELECT " CHANGE_COLS " FROM change_request c WHERE c.id=?1");
  int rc = -1;
  memset(pC, 0, sizeof *pC);
  sqlite3_bind_int64(q, 1, iId);
  if( sqlite3_step(q)==SQLITE_ROW ){ changeRow(q, pC); rc = 0; }
  db_finalize(q);
  return rc;
}

int change_list(sqlite3 *db, const char *zOffice, const char *zRegion,
                int bPendingOnly, ChangeRequest **pa, int *pn){
  sqlite3_stmt *q = db_prepare(db, "SELECT " CHANGE_COLS " FROM change_request c"
    " JOIN office o ON o.code=c.office_code JOIN province p ON p.code=o.province_code"
    " WHERE (?1 IS NULL OR c.office_code=?1) AND (?2 IS NULL OR ?2='' OR p.region_code=?2)"
    " AND (?3=0 OR c.state='pending')"
    " ORDER BY c.state='pending' DESC, c.id DESC LIMIT 500");
  int n = 0, nAlloc = 0;
  ChangeRequest *a = 0;
  if( zOffice ) sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  if( zRegion ) sqlite3_bind_text(q, 2, zRegion, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 3, bPendingOnly);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( n>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 8;
      a = xrealloc(a, sizeof(ChangeRequest)*(size_t)nAlloc);
    }
    changeRow(q, &a[n++]);
  }
  db_finalize(q);
  *pa = a;
  *pn = n;
  return 0;
}

void change_list_free(ChangeRequest *a, int n){
  int i;
  for(i=0; i<n; i++) change_clear(&a[i]);
  free(a);
}

int change_decide(sqlite3 *db, const Actor *pActor, long long iId, int bAccept,
                  const char *zReason, const char *zNow, DeclErr *pE){
  ChangeRequest c;
  char *zR = text_normalize_dup(zReason ? zReason : "");
  char zObj[40];
  char *zAfter;
  sqlite3_stmt *q;
  int rc;
  if( zR==0 ) zR = xstrdup("");
  if( !bAccept && zR[0]==0 ){
    free(zR);
    decl_err(pE, 422, "reason", "reason: required to reject", "دلیل رد درخواست را بنویسید.");
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){ free(zR); goto store_fail; }
  if( change_load(db, iId, &c) ){
    db_rollback(db); free(zR);
    decl_err(pE, 404, "", "no such change request", "چنین درخواست تغییری نیست.");
    return -1;
  }
  if( strcmp(c.zState, "pending")!=0 ){
    db_rollback(db); free(zR); change_clear(&c);
    decl_err(pE, 409, "", "this request was already decided", "دربارهٔ این درخواست پیش‌تر تصمیم گرفته شده است.");
    return -1;
  }
  if( bAccept ){
    Office o;
    if( officeWith(db, c.zOffice, fieldColumn(c.zField), c.zNew, &o, 0, pE) ){
      db_rollback(db); free(zR); change_clear(&c);
      return -1;
    }
    /* keep the office's status and reason as they are */
    {
      Office cur;
      if( office_load(db, c.zOffice, &cur)==0 ){
        free(o.zStatusReason);
        o.zStatusReason = xstrdup(cur.zStatusReason ? cur.zStatusReason : "");
        office_clear(&cur);
      }
    }
    rc = office_save(db, pActor, &o);
    office_clear(&o);
    if( rc<0 ){ free(zR); change_clear(&c); goto store_fail; }
  }
  q = db_prepare(db, "UPDATE change_request SET state=?2, decided_by=?3, decided_at=?4,"
                     " decision_reason=?5 WHERE id=?1");
  sqlite3_bind_int64(q, 1, iId);
  sqlite3_bind_text(q, 2, bAccept ? "accepted" : "rejected", -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 3, pActor->iUser);
  sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zR, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  {
    json_t *pJ = json_pack("{ss ss}", "state", bAccept ? "accepted" : "rejected", "reason", zR);
    zAfter = json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS);
    json_decref(pJ);
  }
  snprintf(zObj, sizeof zObj, "change/%lld", iId);
  if( rc==SQLITE_DONE ) rc = audit_log(db, pActor, "change.decide", zObj, c.zOffice,
                                       "{\"state\":\"pending\"}", zAfter);
  free(zAfter);
  free(zR);
  change_clear(&c);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ) goto store_fail;
  return 0;
store_fail:
  decl_err(pE, 500, "", "", "");
  snprintf(pE->zEn, sizeof pE->zEn, "store error: %s", sqlite3_errmsg(db));
  snprintf(pE->zFa, sizeof pE->zFa, "خطای پایگاه داده: %s", sqlite3_errmsg(db));
  db_rollback(db);
  return -1;
}
