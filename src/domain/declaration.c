/*
** declaration.c — office self-declarations (declaration.h).
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/natid.h"
#include "base/text.h"
#include "domain/declaration.h"
#include "domain/review.h"
#include "store/db.h"

#define MAX_STAFF 500

static const char *const azDeclState[DS_COUNT] = {
  "none", "draft", "submitted", "in_review", "returned", "reviewed",
  "confirmed", "finalised"
};
static const char *const azDeclStateFa[DS_COUNT] = {
  "ثبت‌نشده", "پیش‌نویس", "ارسال‌شده", "در حال بررسی", "برگشت برای اصلاح",
  "بررسی‌شده", "تأییدشدهٔ منطقه", "نهایی"
};

const char *decl_state_code(DeclState e){ return e<DS_COUNT ? azDeclState[e] : "?"; }
const char *decl_state_label(DeclState e){ return e<DS_COUNT ? azDeclStateFa[e] : "?"; }
DeclState decl_state_from_code(const char *z){
  int i;
  for(i=0; z && i<DS_COUNT; i++) if( strcmp(z, azDeclState[i])==0 ) return (DeclState)i;
  return DS_NONE;
}

void decl_err(DeclErr *pE, int status, const char *zField, const char *zEn,
              const char *zFa){
  pE->status = status;
  snprintf(pE->zField, sizeof pE->zField, "%s", zField ? zField : "");
  snprintf(pE->zEn, sizeof pE->zEn, "%s", zEn);
  snprintf(pE->zFa, sizeof pE->zFa, "%s", zFa);
}

/* decl_err with printf-formatted messages (English first, then Persian). */
static void declErrF(DeclErr *pE, int status, const char *zField,
                     const char *zEnFmt, const char *zFaFmt, ...)
  __attribute__((format(printf, 5, 6)));

/* The Persian format takes the same arguments as the English one. */
static void declErrF(DeclErr *pE, int status, const char *zField,
                     const char *zEnFmt, const char *zFaFmt, ...){
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

static void storeErr(sqlite3 *db, DeclErr *pE){
  declErrF(pE, 500, "", "store error: %s", "خطای پایگاه داده: %s", sqlite3_errmsg(db));
}

void declaration_clear(Declaration *pD){
  int i;
  if( pD->pValues ) json_decref(pD->pValues);
  for(i=0; i<pD->nStaff; i++){ free(pD->aStaff[i].zName); free(pD->aStaff[i].zNid); }
  free(pD->aStaff);
  for(i=0; i<pD->nDoc; i++) free(pD->aDoc[i].zName);
  free(pD->aDoc);
  free(pD->zReturnReason);
  memset(pD, 0, sizeof *pD);
}

static void cpy(char *a, size_t n, const char *z){ snprintf(a, n, "%s", z ? z : ""); }

/* Read the staff and documents of declaration iDecl into pD. */
static void loadParts(sqlite3 *db, long long iDecl, Declaration *pD){
  sqlite3_stmt *q;
  int nAlloc = 0;
  q = db_prepare(db, "SELECT name, national_id, insured, disability, coalesce(start_date,'')"
                     " FROM staff WHERE declaration_id=?1 ORDER BY seq");
  sqlite3_bind_int64(q, 1, iDecl);
  while( sqlite3_step(q)==SQLITE_ROW ){
    StaffMember *pS;
    if( pD->nStaff>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 16;
      pD->aStaff = xrealloc(pD->aStaff, sizeof(StaffMember)*(size_t)nAlloc);
    }
    pS = &pD->aStaff[pD->nStaff++];
    pS->zName = xstrdup(db_col_text(q, 0));
    pS->zNid = xstrdup(db_col_text(q, 1));
    pS->bInsured = sqlite3_column_int(q, 2);
    pS->bDisability = sqlite3_column_int(q, 3);
    cpy(pS->zStart, sizeof pS->zStart, db_col_text(q, 4));
  }
  db_finalize(q);
  nAlloc = 0;
  q = db_prepare(db, "SELECT dd.indicator, dd.sha256, dd.name, d.size, d.mime, dd.uploaded_at"
                     " FROM declaration_document dd JOIN document d ON d.sha256=dd.sha256"
                     " WHERE dd.declaration_id=?1 ORDER BY dd.id");
  sqlite3_bind_int64(q, 1, iDecl);
  while( sqlite3_step(q)==SQLITE_ROW ){
    DocRef *pR;
    if( pD->nDoc>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 8;
      pD->aDoc = xrealloc(pD->aDoc, sizeof(DocRef)*(size_t)nAlloc);
    }
    pR = &pD->aDoc[pD->nDoc++];
    cpy(pR->zIndicator, sizeof pR->zIndicator, db_col_text(q, 0));
    cpy(pR->zSha, sizeof pR->zSha, db_col_text(q, 1));
    pR->zName = xstrdup(db_col_text(q, 2));
    pR->nSize = sqlite3_column_int64(q, 3);
    cpy(pR->zMime, sizeof pR->zMime, db_col_text(q, 4));
    cpy(pR->zAt, sizeof pR->zAt, db_col_text(q, 5));
  }
  db_finalize(q);
}

/* Fill pD->pValues from the claims of iDecl: only declared indicators of
** pScheme; bVerified takes review's verified value where there is one. */
static void loadValues(sqlite3 *db, long long iDecl, const Scheme *pScheme,
                       int bVerified, Declaration *pD){
  sqlite3_stmt *q = db_prepare(db,
    bVerified ? "SELECT indicator, CASE WHEN decision IS NULL THEN declared"
                " ELSE verified END FROM claim WHERE declaration_id=?1"
              : "SELECT indicator, declared FROM claim WHERE declaration_id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  while( sqlite3_step(q)==SQLITE_ROW ){
    const Indicator *pI = scheme_indicator(pScheme, db_col_text(q, 0));
    json_t *pV = 0;
    if( pI==0 || pI->source!=SRC_DECLARED ) continue;
    if( sqlite3_column_type(q, 1)!=SQLITE_NULL ){
      pV = json_loads(db_col_text(q, 1), JSON_DECODE_ANY, 0);
    }
    if( pV ) json_object_set_new(pD->pValues, pI->zKey, pV);
  }
  db_finalize(q);
}

/* The office's latest declaration in a period before p that got past
** draft: its id and period code, or 0. */
static long long previousDeclaration(sqlite3 *db, const Period *p, const char *zOffice,
                                     char zPeriod[16]){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT d.id, pe.code FROM declaration d JOIN period pe ON pe.id=d.period_id"
    " WHERE d.office_code=?1 AND pe.code<?2 AND d.state<>'draft'"
    " ORDER BY pe.code DESC LIMIT 1");
  long long id = 0;
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, p->zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    id = sqlite3_column_int64(q, 0);
    cpy(zPeriod, 16, db_col_text(q, 1));
  }
  db_finalize(q);
  return id;
}

/* declaration_load with the scheme already parsed. */
static int loadWith(sqlite3 *db, const Period *p, const Scheme *pScheme,
                    const char *zOffice, Declaration *pD){
  sqlite3_stmt *q;
  memset(pD, 0, sizeof *pD);
  if( zOffice==0 || db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    return -1;
  }
  cpy(pD->zPeriod, sizeof pD->zPeriod, p->zCode);
  cpy(pD->zOffice, sizeof pD->zOffice, zOffice);
  pD->pValues = json_object();
  q = db_prepare(db, "SELECT id, state, version, coalesce(prefilled_from,''),"
    " coalesce(submitted_at,''), coalesce(correction_due,''), return_reason, updated_at"
    " FROM declaration WHERE period_id=?1 AND office_code=?2");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    pD->id = sqlite3_column_int64(q, 0);
    pD->state = decl_state_from_code(db_col_text(q, 1));
    pD->iVersion = sqlite3_column_int(q, 2);
    cpy(pD->zPrefillFrom, sizeof pD->zPrefillFrom, db_col_text(q, 3));
    cpy(pD->zSubmittedAt, sizeof pD->zSubmittedAt, db_col_text(q, 4));
    cpy(pD->zCorrectionDue, sizeof pD->zCorrectionDue, db_col_text(q, 5));
    pD->zReturnReason = xstrdup(db_col_text(q, 6));
    cpy(pD->zUpdatedAt, sizeof pD->zUpdatedAt, db_col_text(q, 7));
  }
  db_finalize(q);
  if( pD->id ){
    loadValues(db, pD->id, pScheme, 0, pD);
    loadParts(db, pD->id, pD);
  }else{
    long long iPrev = previousDeclaration(db, p, zOffice, pD->zPrefillFrom);
    pD->zReturnReason = xstrdup("");
    if( iPrev ){
      int i, j;
      loadValues(db, iPrev, pScheme, 1, pD);
      loadParts(db, iPrev, pD);
      /* keep only documents of indicators that still take documents */
      for(i=j=0; i<pD->nDoc; i++){
        const Indicator *pI = scheme_indicator(pScheme, pD->aDoc[i].zIndicator);
        if( pI && pI->doc!=DOC_NONE ){
          pD->aDoc[j++] = pD->aDoc[i];
        }else{
          free(pD->aDoc[i].zName);
        }
      }
      pD->nDoc = j;
    }
  }
  return 0;
}

int declaration_load(sqlite3 *db, const Period *p, const char *zOffice, Declaration *pD){
  Scheme s;
  char *zErr = 0;
  int rc;
  if( period_scheme(db, p, &s, &zErr) ){
    free(zErr);
    memset(pD, 0, sizeof *pD);
    return -1;
  }
  rc = loadWith(db, p, &s, zOffice, pD);
  scheme_clear(&s);
  return rc;
}

int declaration_editable(sqlite3 *db, const Period *p, const Declaration *pD,
                         const char *zNow, DeclErr *pE){
  char zExt[11] = "", zToday[11] = "";
  int bExt;
  period_tehran_date(zNow, zToday);
  switch( pD->state ){
    case DS_NONE:
    case DS_DRAFT:
      bExt = period_extension(db, p->id, pD->zOffice, zExt, 0);
      if( period_window_open(p, zNow, bExt ? zExt : 0) ) return 1;
      if( p->state==PS_DRAFT ){
        declErrF(pE, 409, "", "period %s has not opened yet",
                 "دورهٔ %s هنوز آغاز نشده است.", p->zCode);
      }else if( strcmp(zToday, p->zDeclareFrom)<0 ){
        declErrF(pE, 409, "", "the declaration window opens on %s (Tehran time)",
                 "مهلت خوداظهاری از %s (به وقت تهران) آغاز می‌شود.", p->zDeclareFrom);
      }else{
        const char *zEnd = bExt && strcmp(zExt, p->zDeclareTo)>0 ? zExt : p->zDeclareTo;
        declErrF(pE, 409, "", "the declaration window closed at the end of %s (Tehran time)",
                 "مهلت خوداظهاری در پایان روز %s (به وقت تهران) به سر رسیده است؛ خوداظهاری فقط خواندنی است.",
                 zEnd);
      }
      return 0;
    case DS_RETURNED:
      if( pD->zCorrectionDue[0]==0 || strcmp(zToday, pD->zCorrectionDue)<=0 ) return 1;
      declErrF(pE, 409, "", "the correction deadline passed at the end of %s (Tehran time)",
               "مهلت اصلاح در پایان روز %s (به وقت تهران) به سر رسیده است.", pD->zCorrectionDue);
      return 0;
    default:
      declErrF(pE, 409, "", "the declaration is %s and can no longer be changed",
               "خوداظهاری در وضعیت «%s» است و دیگر تغییر نمی‌کند.",
               pD->state==DS_SUBMITTED ? "submitted" : decl_state_code(pD->state));
      if( pD->state!=DS_SUBMITTED ){
        snprintf(pE->zFa, sizeof pE->zFa, "خوداظهاری در وضعیت «%s» است و دیگر تغییر نمی‌کند.",
                 decl_state_label(pD->state));
      }else{
        snprintf(pE->zFa, sizeof pE->zFa, "خوداظهاری ارسال شده است و دیگر تغییر نمی‌کند.");
      }
      return 0;
  }
}

/* A number as text without a needless fraction. */
static void numText(char *z, size_t n, double v){
  if( v==floor(v) && fabs(v)<1e15 ) snprintf(z, n, "%.0f", v);
  else snprintf(z, n, "%g", v);
}

/* Check one value against its indicator. Returns 0, or -1 with *pE (422). */
static int checkValue(const Indicator *pI, json_t *pV, DeclErr *pE){
  char zField[80], zA[32], zB[32];
  snprintf(zField, sizeof zField, "values.%s", pI->zKey);
  if( pV==0 || json_is_null(pV) ) return 0;
  switch( pI->kind ){
    case KIND_NUMBER:
    case KIND_COUNT: {
      double v;
      if( !json_is_number(pV) ){
        decl_err(pE, 422, zField, "", "");
        snprintf(pE->zEn, sizeof pE->zEn, "%s: must be a number", pI->zKey);
        snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار باید عدد باشد.", pI->zLabel);
        return -1;
      }
      v = json_number_value(pV);
      if( (pI->bInteger || pI->kind==KIND_COUNT) && v!=floor(v) ){
        decl_err(pE, 422, zField, "", "");
        snprintf(pE->zEn, sizeof pE->zEn, "%s: must be a whole number", pI->zKey);
        snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار باید عدد صحیح باشد.", pI->zLabel);
        return -1;
      }
      if( (pI->bHasMin && v<pI->min) || (pI->bHasMax && v>pI->max) ){
        numText(zA, sizeof zA, pI->min);
        numText(zB, sizeof zB, pI->max);
        if( pI->bHasMin && pI->bHasMax ){
          snprintf(pE->zEn, sizeof pE->zEn, "%s: %g is out of range: must be from %s to %s",
                   pI->zKey, v, zA, zB);
          snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار %g خارج از بازهٔ مجاز است؛ باید از %s تا %s باشد.",
                   pI->zLabel, v, zA, zB);
        }else if( pI->bHasMin ){
          snprintf(pE->zEn, sizeof pE->zEn, "%s: %g is out of range: must be at least %s", pI->zKey, v, zA);
          snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار %g خارج از بازهٔ مجاز است؛ باید دست‌کم %s باشد.",
                   pI->zLabel, v, zA);
        }else{
          snprintf(pE->zEn, sizeof pE->zEn, "%s: %g is out of range: must be at most %s", pI->zKey, v, zB);
          snprintf(pE->zFa, sizeof pE->zFa, "«%s»: مقدار %g خارج از بازهٔ مجاز است؛ باید حداکثر %s باشد.",
                   pI->zLabel, v, zB);
        }
        pE->status = 422;
        snprintf(pE->zField, sizeof pE->zField, "%s", zField);
        return -1;
      }
      return 0;
    }
    case KIND_CHOICE: {
      Buf b = {0};
      int i;
      if( json_is_string(pV) && scheme_choice_index(pI, json_string_value(pV))>=0 ) return 0;
      for(i=0; i<pI->nChoice; i++) buf_printf(&b, "%s%s", i ? ", " : "", pI->aChoice[i].zValue);
      pE->status = 422;
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: must be one of %s", pI->zKey, buf_str(&b));
      snprintf(pE->zFa, sizeof pE->zFa, "«%s»: یکی از گزینه‌های فهرست را برگزینید.", pI->zLabel);
      buf_free(&b);
      return -1;
    }
    default:
      if( json_is_boolean(pV) ) return 0;
      pE->status = 422;
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: must be true (yes) or false (no)", pI->zKey);
      snprintf(pE->zFa, sizeof pE->zFa, "«%s»: باید «بله» یا «خیر» باشد.", pI->zLabel);
      return -1;
  }
}

int declaration_check_value(const Indicator *pI, json_t *pV, DeclErr *pE){
  return checkValue(pI, pV, pE);
}

void declaration_value(const Indicator *pI, json_t *pV, IndValue *pOut){
  memset(pOut, 0, sizeof *pOut);
  pOut->iChoice = -1;
  if( pV==0 || json_is_null(pV) ) return;
  switch( pI->kind ){
    case KIND_CHOICE:
      if( !json_is_string(pV) ) return;
      pOut->iChoice = scheme_choice_index(pI, json_string_value(pV));
      pOut->bSet = pOut->iChoice>=0;
      return;
    case KIND_YESNO:
      if( !json_is_boolean(pV) ) return;
      pOut->v = json_is_true(pV) ? 1 : 0;
      pOut->bSet = 1;
      return;
    default:
      if( !json_is_number(pV) ) return;
      pOut->v = json_number_value(pV);
      pOut->bSet = 1;
      return;
  }
}

int declaration_roster_count(const Declaration *pD, RosterField e){
  int i, n = 0;
  for(i=0; i<pD->nStaff; i++){
    if( e==ROSTER_ALL || (e==ROSTER_INSURED && pD->aStaff[i].bInsured)
     || (e==ROSTER_DISABILITY && pD->aStaff[i].bDisability) ) n++;
  }
  return n;
}

/* Parse and validate the staff array into pD->aStaff. Returns 0 or -1. */
static int parseStaff(json_t *pStaff, Declaration *pD, DeclErr *pE){
  size_t i, n;
  if( pStaff==0 || json_is_null(pStaff) ) return 0;
  if( !json_is_array(pStaff) ){
    decl_err(pE, 422, "staff", "staff: must be an array", "فهرست کارکنان نادرست است.");
    return -1;
  }
  n = json_array_size(pStaff);
  if( n>MAX_STAFF ){
    declErrF(pE, 422, "staff", "staff: at most %d members", "فهرست کارکنان حداکثر %d نفر است.",
             MAX_STAFF);
    return -1;
  }
  pD->aStaff = xcalloc(n ? n : 1, sizeof(StaffMember));
  for(i=0; i<n; i++){
    json_t *pS = json_array_get(pStaff, i), *pX;
    StaffMember *pM = &pD->aStaff[pD->nStaff++];
    char zField[80];
    const char *zKey;
    size_t k;
    if( !json_is_object(pS) ){
      snprintf(zField, sizeof zField, "staff[%zu]", i);
      decl_err(pE, 422, zField, "", "");
      snprintf(pE->zEn, sizeof pE->zEn, "%s: must be an object", zField);
      snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان نادرست است.", i+1);
      return -1;
    }
    json_object_foreach(pS, zKey, pX){
      static const char *const azOk[] = { "name", "national_id", "insured", "disability", "start_date" };
      int bOk = 0;
      for(k=0; k<5; k++) if( strcmp(zKey, azOk[k])==0 ) bOk = 1;
      if( !bOk ){
        snprintf(zField, sizeof zField, "staff[%zu].%s", i, zKey);
        snprintf(pE->zField, sizeof pE->zField, "%s", zField);
        snprintf(pE->zEn, sizeof pE->zEn, "%s: unknown field", zField);
        snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان: فیلد ناشناخته «%s».", i+1, zKey);
        pE->status = 422;
        return -1;
      }
    }
    pX = json_object_get(pS, "name");
    pM->zName = json_is_string(pX) ? text_normalize_dup(json_string_value(pX)) : 0;
    if( pM->zName==0 || pM->zName[0]==0 || strlen(pM->zName)>300 ){
      snprintf(zField, sizeof zField, "staff[%zu].name", i);
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: required (at most 300 bytes)", zField);
      snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان: نام لازم است.", i+1);
      pE->status = 422;
      return -1;
    }
    pX = json_object_get(pS, "national_id");
    pM->zNid = json_is_string(pX) ? text_normalize_dup(json_string_value(pX)) : 0;
    if( pM->zNid==0 || !natid_valid(pM->zNid) ){
      snprintf(zField, sizeof zField, "staff[%zu].national_id", i);
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: not a valid national ID (10 digits with a valid checksum)", zField);
      snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان (%s): کد ملی نادرست است (رقم کنترل نمی‌خواند).",
               i+1, pM->zName);
      pE->status = 422;
      return -1;
    }
    for(k=0; k<i; k++){
      if( strcmp(pD->aStaff[k].zNid, pM->zNid)==0 ){
        snprintf(zField, sizeof zField, "staff[%zu].national_id", i);
        snprintf(pE->zField, sizeof pE->zField, "%s", zField);
        snprintf(pE->zEn, sizeof pE->zEn, "%s: the same national ID as staff[%zu]", zField, k);
        snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان: کد ملی تکراری است (همان ردیف %zu).", i+1, k+1);
        pE->status = 422;
        return -1;
      }
    }
    {
      static const char *const azFlag[] = { "insured", "disability" };
      static const char *const azFlagFa[] = { "بیمه", "معلولیت" };
      int f;
      for(f=0; f<2; f++){
        pX = json_object_get(pS, azFlag[f]);
        if( pX && !json_is_boolean(pX) && !json_is_null(pX) ){
          snprintf(zField, sizeof zField, "staff[%zu].%s", i, azFlag[f]);
          snprintf(pE->zField, sizeof pE->zField, "%s", zField);
          snprintf(pE->zEn, sizeof pE->zEn, "%s: must be true or false", zField);
          snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان: «%s» باید بله یا خیر باشد.", i+1, azFlagFa[f]);
          pE->status = 422;
          return -1;
        }
        if( f==0 ) pM->bInsured = json_is_true(pX);
        else pM->bDisability = json_is_true(pX);
      }
    }
    pX = json_object_get(pS, "start_date");
    if( pX && !json_is_null(pX) && !(json_is_string(pX) && json_string_value(pX)[0]==0) ){
      if( !json_is_string(pX) || period_parse_date(json_string_value(pX), pM->zStart) ){
        snprintf(zField, sizeof zField, "staff[%zu].start_date", i);
        snprintf(pE->zField, sizeof pE->zField, "%s", zField);
        snprintf(pE->zEn, sizeof pE->zEn, "%s: not a date like 1398/02/15", zField);
        snprintf(pE->zFa, sizeof pE->zFa, "ردیف %zu فهرست کارکنان: تاریخ شروع به کار نادرست است (مانند ۱۳۹۸/۰۲/۱۵).", i+1);
        pE->status = 422;
        return -1;
      }
    }
  }
  return 0;
}

/* The declaration row of (p, zOffice): id, state, version, correction due.
** Returns 1 when there is one. */
static int declRow(sqlite3 *db, const Period *p, const char *zOffice, Declaration *pD){
  sqlite3_stmt *q = db_stmt(db, "SELECT id, state, version, coalesce(correction_due,'')"
    " FROM declaration WHERE period_id=?1 AND office_code=?2");
  int rc = 0;
  memset(pD, 0, sizeof *pD);
  cpy(pD->zPeriod, sizeof pD->zPeriod, p->zCode);
  cpy(pD->zOffice, sizeof pD->zOffice, zOffice);
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    pD->id = sqlite3_column_int64(q, 0);
    pD->state = decl_state_from_code(db_col_text(q, 1));
    pD->iVersion = sqlite3_column_int(q, 2);
    cpy(pD->zCorrectionDue, sizeof pD->zCorrectionDue, db_col_text(q, 3));
    rc = 1;
  }
  db_release(q);
  return rc;
}

/* Make sure a declaration row exists (created as a draft, version 0, with
** the previous period's documents carried over). Inside a transaction.
** Returns its id, or 0 on a store error. */
static long long declEnsure(sqlite3 *db, const Actor *pActor, const Period *p,
                            const Scheme *pScheme, const char *zOffice, const char *zNow){
  Declaration d;
  sqlite3_stmt *q;
  char zPrev[16] = "";
  long long iPrev, id;
  int rc;
  if( declRow(db, p, zOffice, &d) ) return d.id;
  iPrev = previousDeclaration(db, p, zOffice, zPrev);
  q = db_prepare(db, "INSERT INTO declaration(period_id, office_code, state, version,"
    " prefilled_from, created_at, updated_at, updated_by) VALUES(?1,?2,'draft',0,?3,?4,?4,?5)");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( iPrev ) sqlite3_bind_text(q, 3, zPrev, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 5, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ) return 0;
  id = sqlite3_last_insert_rowid(db);
  if( iPrev ){
    int i;
    q = db_prepare(db, "SELECT indicator, sha256, name FROM declaration_document"
                       " WHERE declaration_id=?1 ORDER BY id");
    sqlite3_bind_int64(q, 1, iPrev);
    while( sqlite3_step(q)==SQLITE_ROW ){
      const Indicator *pI = scheme_indicator(pScheme, db_col_text(q, 0));
      sqlite3_stmt *qi;
      if( pI==0 || pI->doc==DOC_NONE ) continue;
      qi = db_prepare(db, "INSERT OR IGNORE INTO declaration_document(declaration_id,"
        " indicator, sha256, name, uploaded_at, uploaded_by) VALUES(?1,?2,?3,?4,?5,?6)");
      sqlite3_bind_int64(qi, 1, id);
      for(i=0; i<3; i++) sqlite3_bind_text(qi, 2+i, db_col_text(q, i), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(qi, 5, zNow, -1, SQLITE_STATIC);
      if( pActor->iUser ) sqlite3_bind_int64(qi, 6, pActor->iUser);
      rc = sqlite3_step(qi);
      db_finalize(qi);
      if( rc!=SQLITE_DONE ){ db_finalize(q); return 0; }
    }
    db_finalize(q);
  }
  return id;
}

long long declaration_ensure_row(sqlite3 *db, const Actor *pActor, const Period *p,
                                 const Scheme *pScheme, const char *zOffice,
                                 const char *zNow){
  return declEnsure(db, pActor, p, pScheme, zOffice, zNow);
}

/* Write the claims (declared values) and staff of pNew into iDecl, bump
** the version to iNewVersion, and write the audit row. Inside a
** transaction. Returns SQLITE_OK or an error code. */
static int declWrite(sqlite3 *db, const Actor *pActor, const Period *p,
                     const Scheme *pScheme, long long iDecl, const Declaration *pNew,
                     int iNewVersion, const char *zNow, const char *zAction){
  sqlite3_stmt *q;
  int i, rc;
  char *zAfter, *zObj;
  json_t *pAudit;
  for(i=0; i<pScheme->nInd; i++){
    const Indicator *pI = &pScheme->aInd[i];
    char *zVal = 0;
    if( pI->source==SRC_DECLARED ){
      json_t *pV = json_object_get(pNew->pValues, pI->zKey);
      if( pV && !json_is_null(pV) ) zVal = json_dumps(pV, JSON_COMPACT|JSON_ENCODE_ANY);
    }else if( pI->source==SRC_ROSTER ){
      zVal = xsprintf("%d", declaration_roster_count(pNew, pI->roster));
    }else{
      continue;
    }
    q = db_prepare(db, "INSERT INTO claim(declaration_id, indicator, declared) VALUES(?1,?2,?3)"
                       " ON CONFLICT(declaration_id, indicator) DO UPDATE SET declared=excluded.declared");
    sqlite3_bind_int64(q, 1, iDecl);
    sqlite3_bind_text(q, 2, pI->zKey, -1, SQLITE_STATIC);
    if( zVal ) sqlite3_bind_text(q, 3, zVal, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    db_finalize(q);
    free(zVal);
    if( rc!=SQLITE_DONE ) return rc;
  }
  q = db_prepare(db, "DELETE FROM staff WHERE declaration_id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ) return rc;
  for(i=0; i<pNew->nStaff; i++){
    const StaffMember *pS = &pNew->aStaff[i];
    q = db_prepare(db, "INSERT INTO staff(declaration_id, seq, name, national_id, insured,"
                       " disability, start_date) VALUES(?1,?2,?3,?4,?5,?6,?7)");
    sqlite3_bind_int64(q, 1, iDecl);
    sqlite3_bind_int(q, 2, i+1);
    sqlite3_bind_text(q, 3, pS->zName, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, pS->zNid, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 5, pS->bInsured);
    sqlite3_bind_int(q, 6, pS->bDisability);
    if( pS->zStart[0] ) sqlite3_bind_text(q, 7, pS->zStart, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    db_finalize(q);
    if( rc!=SQLITE_DONE ) return rc;
  }
  q = db_prepare(db, "UPDATE declaration SET version=?2, updated_at=?3, updated_by=?4 WHERE id=?1");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_int(q, 2, iNewVersion);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 4, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ) return rc;
  /* The audit row carries the values and the roster's size, not the
  ** staff's personal data. */
  pAudit = json_pack("{si sO si si si}", "version", iNewVersion, "values", pNew->pValues,
                     "staff", pNew->nStaff,
                     "insured", declaration_roster_count(pNew, ROSTER_INSURED),
                     "disability", declaration_roster_count(pNew, ROSTER_DISABILITY));
  zAfter = json_dumps(pAudit, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(pAudit);
  zObj = xsprintf("%s/%s", p->zCode, pNew->zOffice);
  rc = audit_log(db, pActor, zAction, zObj, pNew->zOffice, 0, zAfter);
  free(zObj);
  free(zAfter);
  return rc;
}

/* Validate pValues against the scheme into pNew->pValues. 0 or -1. */
static int parseValues(const Scheme *pScheme, json_t *pValues, Declaration *pNew, DeclErr *pE){
  const char *zKey;
  json_t *pV;
  if( pValues==0 || json_is_null(pValues) ) return 0;
  if( !json_is_object(pValues) ){
    decl_err(pE, 422, "values", "values: must be an object {KEY: VALUE}", "مقادیر شاخص‌ها نادرست است.");
    return -1;
  }
  json_object_foreach(pValues, zKey, pV){
    const Indicator *pI = scheme_indicator(pScheme, zKey);
    char zField[80];
    if( pI==0 || pI->source!=SRC_DECLARED ){
      snprintf(zField, sizeof zField, "values.%s", zKey);
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: %s", zField,
               pI ? "this indicator is not declared by the office (its source is not 'declared')"
                  : "no such indicator in this period's scheme");
      snprintf(pE->zFa, sizeof pE->zFa, "شاخص «%s» در طرح این دوره خوداظهاری نمی‌شود.", zKey);
      pE->status = 422;
      return -1;
    }
    if( checkValue(pI, pV, pE) ) return -1;
    if( !json_is_null(pV) ) json_object_set(pNew->pValues, zKey, pV);
  }
  return 0;
}

int declaration_save(sqlite3 *db, const Actor *pActor, const Period *p,
                     const char *zOffice, int iVersion, json_t *pValues,
                     json_t *pStaff, const char *zNow, int *piNewVersion,
                     DeclErr *pE){
  Scheme s;
  Declaration cur, nw;
  char *zErr = 0;
  long long id;
  int rc;
  memset(&nw, 0, sizeof nw);
  if( period_scheme(db, p, &s, &zErr) ){
    declErrF(pE, 500, "", "the period's scheme does not load: %s", "طرح امتیازدهی دوره خوانده نمی‌شود: %s", zErr);
    free(zErr);
    return -1;
  }
  nw.pValues = json_object();
  cpy(nw.zOffice, sizeof nw.zOffice, zOffice);
  if( parseValues(&s, pValues, &nw, pE) || parseStaff(pStaff, &nw, pE) ){
    declaration_clear(&nw);
    scheme_clear(&s);
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){ storeErr(db, pE); declaration_clear(&nw); scheme_clear(&s); return -1; }
  if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    declErrF(pE, 404, "", "no office %s", "دفتری با کد %s نیست.", zOffice);
    goto fail;
  }
  declRow(db, p, zOffice, &cur);
  if( !declaration_editable(db, p, &cur, zNow, pE) ) goto fail;
  if( cur.iVersion!=iVersion ){
    decl_err(pE, 409, "version", "", "");
    snprintf(pE->zEn, sizeof pE->zEn, "version %d is stale: someone else saved first "
             "(now version %d); reload and apply your changes again", iVersion, cur.iVersion);
    snprintf(pE->zFa, sizeof pE->zFa, "این خوداظهاری را پیش از شما کس دیگری ذخیره کرده است "
             "(نسخهٔ %d). صفحه را دوباره باز کنید و تغییرات خود را دوباره وارد کنید.", cur.iVersion);
    goto fail;
  }
  id = declEnsure(db, pActor, p, &s, zOffice, zNow);
  if( id==0 ){ storeErr(db, pE); goto fail; }
  rc = declWrite(db, pActor, p, &s, id, &nw, cur.iVersion+1, zNow, "declaration.save");
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  *piNewVersion = cur.iVersion+1;
  declaration_clear(&nw);
  scheme_clear(&s);
  return 0;
fail:
  db_rollback(db);
  declaration_clear(&nw);
  scheme_clear(&s);
  return -1;
}

/* Check that d (loaded) is complete for submission under pScheme.
** Returns 0 or -1 with *pE (422 naming the indicator). */
static int checkComplete(const Scheme *pScheme, const Declaration *pD, DeclErr *pE){
  int i, k;
  for(i=0; i<pScheme->nInd; i++){
    const Indicator *pI = &pScheme->aInd[i];
    IndValue v;
    char zField[80];
    int bDoc = 0;
    if( pI->source==SRC_DECLARED ){
      json_t *pV = json_object_get(pD->pValues, pI->zKey);
      if( pV==0 || json_is_null(pV) ){
        snprintf(zField, sizeof zField, "values.%s", pI->zKey);
        snprintf(pE->zField, sizeof pE->zField, "%s", zField);
        snprintf(pE->zEn, sizeof pE->zEn, "%s: a value is required before submitting", pI->zKey);
        snprintf(pE->zFa, sizeof pE->zFa, "«%s»: پیش از ارسال، مقدار این شاخص را وارد کنید.", pI->zLabel);
        pE->status = 422;
        return -1;
      }
      declaration_value(pI, pV, &v);
    }else if( pI->source==SRC_ROSTER ){
      memset(&v, 0, sizeof v);
      v.bSet = 1;
      v.v = declaration_roster_count(pD, pI->roster);
    }else{
      continue;
    }
    if( pI->doc!=DOC_REQUIRED || scheme_points(pI, &v)<=0 ) continue;
    for(k=0; k<pD->nDoc; k++) if( strcmp(pD->aDoc[k].zIndicator, pI->zKey)==0 ) bDoc = 1;
    if( !bDoc ){
      snprintf(zField, sizeof zField, "documents.%s", pI->zKey);
      snprintf(pE->zField, sizeof pE->zField, "%s", zField);
      snprintf(pE->zEn, sizeof pE->zEn, "%s: a document is required for this claim", pI->zKey);
      snprintf(pE->zFa, sizeof pE->zFa, "«%s»: برای این ادعا بارگذاری مدرک لازم است.", pI->zLabel);
      pE->status = 422;
      return -1;
    }
  }
  return 0;
}

/* Mark declaration iDecl submitted, with its audit row. */
static int markSubmitted(sqlite3 *db, const Actor *pActor, const Period *p,
                         long long iDecl, const char *zOffice, DeclState eFrom,
                         const char *zNow){
  sqlite3_stmt *q = db_prepare(db, "UPDATE declaration SET state='submitted', submitted_at=?2,"
                                   " updated_at=?2, updated_by=?3 WHERE id=?1");
  int rc;
  char *zObj, *zBefore;
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 3, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ) return rc;
  rc = review_on_submit(db, iDecl, eFrom, zNow);   /* a resubmission closes its round */
  if( rc!=SQLITE_OK ) return rc;
  zObj = xsprintf("%s/%s", p->zCode, zOffice);
  zBefore = xsprintf("{\"state\":\"%s\"}", decl_state_code(eFrom==DS_NONE ? DS_DRAFT : eFrom));
  rc = audit_log(db, pActor, "declaration.submit", zObj, zOffice, zBefore, "{\"state\":\"submitted\"}");
  free(zObj);
  free(zBefore);
  return rc;
}

int declaration_submit(sqlite3 *db, const Actor *pActor, const Period *p,
                       const char *zOffice, const char *zNow, DeclErr *pE){
  Scheme s;
  Declaration d;
  char *zErr = 0;
  int rc;
  if( period_scheme(db, p, &s, &zErr) ){
    declErrF(pE, 500, "", "the period's scheme does not load: %s", "طرح امتیازدهی دوره خوانده نمی‌شود: %s", zErr);
    free(zErr);
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){ storeErr(db, pE); scheme_clear(&s); return -1; }
  if( loadWith(db, p, &s, zOffice, &d) ){
    declErrF(pE, 404, "", "no office %s", "دفتری با کد %s نیست.", zOffice);
    goto fail;
  }
  if( review_check(d.state==DS_NONE ? DS_DRAFT : d.state, RA_SUBMIT, 0, pE) ) goto fail;
  if( !declaration_editable(db, p, &d, zNow, pE) ) goto fail;
  if( d.id==0 ){
    decl_err(pE, 409, "", "nothing saved yet: save the declaration (or confirm it unchanged) first",
             "هنوز چیزی ذخیره نشده است: نخست خوداظهاری را ذخیره کنید یا «بدون تغییر» را تأیید کنید.");
    goto fail;
  }
  if( checkComplete(&s, &d, pE) ) goto fail;
  rc = markSubmitted(db, pActor, p, d.id, zOffice, d.state, zNow);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  declaration_clear(&d);
  scheme_clear(&s);
  return 0;
fail:
  db_rollback(db);
  declaration_clear(&d);
  scheme_clear(&s);
  return -1;
}

int declaration_confirm_unchanged(sqlite3 *db, const Actor *pActor, const Period *p,
                                  const char *zOffice, const char *zNow, DeclErr *pE){
  Scheme s;
  Declaration d;
  char *zErr = 0;
  long long id;
  int rc;
  if( period_scheme(db, p, &s, &zErr) ){
    declErrF(pE, 500, "", "the period's scheme does not load: %s", "طرح امتیازدهی دوره خوانده نمی‌شود: %s", zErr);
    free(zErr);
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){ storeErr(db, pE); scheme_clear(&s); return -1; }
  if( loadWith(db, p, &s, zOffice, &d) ){
    declErrF(pE, 404, "", "no office %s", "دفتری با کد %s نیست.", zOffice);
    goto fail;
  }
  if( !declaration_editable(db, p, &d, zNow, pE) ) goto fail;
  if( d.id!=0 || d.zPrefillFrom[0]==0 ){
    decl_err(pE, 409, "", d.id ? "the declaration was already started in this period; submit it instead"
                                : "there is no earlier declaration to confirm",
             d.id ? "خوداظهاری این دوره پیش‌تر آغاز شده است؛ آن را ارسال کنید."
                  : "خوداظهاری دورهٔ پیشین برای تأیید وجود ندارد.");
    goto fail;
  }
  if( checkComplete(&s, &d, pE) ) goto fail;
  id = declEnsure(db, pActor, p, &s, zOffice, zNow);
  if( id==0 ){ storeErr(db, pE); goto fail; }
  rc = declWrite(db, pActor, p, &s, id, &d, 1, zNow, "declaration.confirm_unchanged");
  if( rc==SQLITE_OK ) rc = markSubmitted(db, pActor, p, id, zOffice, DS_DRAFT, zNow);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ){ storeErr(db, pE); goto fail; }
  declaration_clear(&d);
  scheme_clear(&s);
  return 0;
fail:
  db_rollback(db);
  declaration_clear(&d);
  scheme_clear(&s);
  return -1;
}

json_t *declaration_json(const Declaration *pD, int bMaskNid){
  json_t *pStaff = json_array(), *pDocs = json_array();
  int i;
  for(i=0; i<pD->nStaff; i++){
    const StaffMember *pS = &pD->aStaff[i];
    Buf b = {0};
    if( bMaskNid ) text_mask(&b, pS->zNid); else buf_puts(&b, pS->zNid);
    json_array_append_new(pStaff, json_pack("{ss ss sb sb so}",
      "name", pS->zName, "national_id", buf_str(&b), "insured", pS->bInsured,
      "disability", pS->bDisability,
      "start_date", pS->zStart[0] ? json_string(pS->zStart) : json_null()));
    buf_free(&b);
  }
  for(i=0; i<pD->nDoc; i++){
    const DocRef *pR = &pD->aDoc[i];
    json_array_append_new(pDocs, json_pack("{ss ss ss sI ss}",
      "indicator", pR->zIndicator, "sha256", pR->zSha, "name", pR->zName,
      "size", (json_int_t)pR->nSize, "type", pR->zMime));
  }
  return json_pack("{ss ss ss si sO so so so}",
    "office", pD->zOffice, "period", pD->zPeriod,
    "state", pD->state==DS_NONE ? "draft" : decl_state_code(pD->state),
    "version", pD->iVersion, "values", pD->pValues, "staff", pStaff,
    "documents", pDocs,
    "prefilled_from", pD->zPrefillFrom[0] ? json_string(pD->zPrefillFrom) : json_null());
}

/* The stored row of (p, zOffice) without its values (see declaration.h). */
int declaration_row(sqlite3 *db, const Period *p, const char *zOffice, Declaration *pD){
  return declRow(db, p, zOffice, pD);
}
