/*
** association.c — association scores: the rule, the window, entry, CSV
** import and the province list.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/association.h"
#include "store/db.h"

#define NOTE_MAX 1000   /* bytes of a note */

int association_rule(const Scheme *p, AssocRule *pR){
  int i;
  for(i=0; i<p->nInd; i++){
    const Indicator *pI = &p->aInd[i];
    if( pI->source!=SRC_ASSOCIATION ) continue;
    pR->min = pI->bHasMin ? pI->min : 0;
    pR->max = pI->bHasMax ? pI->max : pI->maxPoints;
    pR->bInteger = pI->kind==KIND_COUNT || pI->bInteger;
    return 0;
  }
  memset(pR, 0, sizeof *pR);
  return ASSOC_ENOIND;
}

int association_window_open(const Period *p, const char *zNowUtc){
  char zToday[11];
  if( p->state!=PS_DECLARING && p->state!=PS_REVIEWING ) return 0;
  if( period_tehran_date(zNowUtc, zToday) ) return 0;
  return strcmp(zToday, p->zDeclareFrom)>=0 && strcmp(zToday, p->zReviewTo)<=0;
}

int association_parse_score(const AssocRule *pR, const char *z, double *pV){
  double v;
  if( z==0 || text_parse_double(z, &v) ) return ASSOC_ESCORE;
  if( v<pR->min || v>pR->max ) return ASSOC_ESCORE;
  if( pR->bInteger && v!=floor(v) ) return ASSOC_ESCORE;
  *pV = v;
  return 0;
}

char *association_error_en(int rc, const AssocRule *pR){
  switch( rc ){
    case ASSOC_ENOIND:  return xstrdup("the period's scheme has no association indicator");
    case ASSOC_EOFFICE: return xstrdup("office_code: no such office");
    case ASSOC_ESCOPE:  return xstrdup("office_code: the office is not in your province");
    case ASSOC_ESCORE:
      return xsprintf("score: must be a %snumber from %g to %g",
                      pR && pR->bInteger ? "whole " : "", pR ? pR->min : 0, pR ? pR->max : 0);
    case ASSOC_EWINDOW: return xstrdup("the association window of this period is closed; a change now needs HQ");
    case ASSOC_ENOTE:   return xstrdup("note: too long (at most 1000 bytes) or not UTF-8");
    default:            return xstrdup("database error");
  }
}

char *association_error_fa(int rc, const AssocRule *pR){
  Buf b = {0};
  switch( rc ){
    case ASSOC_ENOIND:  return xstrdup("طرح امتیازدهی این دوره شاخص انجمن صنفی ندارد.");
    case ASSOC_EOFFICE: return xstrdup("چنین دفتری نیست.");
    case ASSOC_ESCOPE:  return xstrdup("این دفتر در استان شما نیست.");
    case ASSOC_ESCORE: {
      char z1[32], z2[32];
      snprintf(z1, sizeof z1, "%g", pR ? pR->min : 0);
      snprintf(z2, sizeof z2, "%g", pR ? pR->max : 0);
      buf_puts(&b, "امتیاز باید ");
      buf_puts(&b, pR && pR->bInteger ? "عددی صحیح " : "عددی ");
      buf_puts(&b, "از ");
      text_persian_digits(&b, z1);
      buf_puts(&b, " تا ");
      text_persian_digits(&b, z2);
      buf_puts(&b, " باشد.");
      {
        char *z = xstrdup(buf_str(&b));
        buf_free(&b);
        return z;
      }
    }
    case ASSOC_EWINDOW: return xstrdup("مهلت ثبت امتیاز انجمن در این دوره گذشته است؛ تغییر اکنون با ستاد است.");
    case ASSOC_ENOTE:   return xstrdup("یادداشت بیش از اندازه بلند است.");
    default:            return xstrdup("خطای پایگاه داده.");
  }
}

int association_set(sqlite3 *db, const Actor *pActor, const Period *p,
                    const AssocRule *pR, const char *zProvince,
                    const char *zOffice, const char *zScore, const char *zNote,
                    int bOverride, const char *zNowUtc){
  sqlite3_stmt *q;
  char *zProv, *zN = 0, *zBefore = 0, *zAfter;
  double v;
  int rc, bHad = 0;
  char zNow[21];
  if( zOffice==0 || zOffice[0]==0 ) return ASSOC_EOFFICE;
  zProv = db_text(db, "SELECT province_code FROM office WHERE code=?1", zOffice);
  if( zProv==0 ) return ASSOC_EOFFICE;
  rc = zProvince && strcmp(zProv, zProvince)!=0;
  free(zProv);
  if( rc ) return ASSOC_ESCOPE;
  if( association_parse_score(pR, zScore, &v) ) return ASSOC_ESCORE;
  if( zNote && zNote[0] ){
    if( strlen(zNote)>NOTE_MAX || (zN = text_normalize_dup(zNote))==0 ) return ASSOC_ENOTE;
  }else{
    zN = xstrdup("");
  }
  if( !bOverride && !association_window_open(p, zNowUtc) ){ free(zN); return ASSOC_EWINDOW; }
  q = db_stmt(db, "SELECT score, note FROM association_score WHERE period_id=?1 AND office_code=?2");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    bHad = 1;
    if( sqlite3_column_double(q, 0)==v && strcmp(db_col_text(q, 1), zN)==0 ){
      db_release(q);
      free(zN);
      return 0;
    }
    zBefore = sqlite3_mprintf("{\"score\":%!.15g,\"note\":%Q}", sqlite3_column_double(q, 0),
                              db_col_text(q, 1));
  }
  db_release(q);
  audit_now(zNow);
  q = db_stmt(db,
    "INSERT INTO association_score(period_id,office_code,score,note,entered_by,entered_at)"
    " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(period_id,office_code) DO UPDATE SET"
    " score=excluded.score, note=excluded.note, entered_by=excluded.entered_by,"
    " entered_at=excluded.entered_at");
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_double(q, 3, v);
  sqlite3_bind_text(q, 4, zN, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 5, pActor->iUser);
  sqlite3_bind_text(q, 6, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_release(q);
  if( rc!=SQLITE_DONE ){ sqlite3_free(zBefore); free(zN); return ASSOC_EDB; }
  zAfter = sqlite3_mprintf("{\"period\":%Q,\"score\":%!.15g,\"note\":%Q%s}", p->zCode, v, zN,
                           bOverride && !association_window_open(p, zNowUtc) ? ",\"hq_override\":true" : "");
  rc = audit_log(db, pActor, bHad ? "association.change" : "association.score",
                 "association_score", zOffice, zBefore, zAfter);
  sqlite3_free(zBefore);
  sqlite3_free(zAfter);
  free(zN);
  return rc==SQLITE_OK ? 1 : ASSOC_EDB;
}

int association_import(sqlite3 *db, const Actor *pActor, const Period *p,
                       const AssocRule *pR, const char *zProvince, int bOverride,
                       const char *zNowUtc, FILE *pIn, FILE *pErr, AssocStats *pSt){
  static const char *const azCol[] = { "office_code", "score", "note" };
  CsvReader *pC = csv_open(pIn);
  int rc, i, bHeader = 1, result = 0;
  memset(pSt, 0, sizeof *pSt);
  csv_set_max_record(pC, 64*1024);
  if( db_begin(db)!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "association import: %s\n", sqlite3_errmsg(db));
    csv_close(pC);
    return 2;
  }
  while( (rc = csv_next(pC))!=0 ){
    char *zCode;
    int nf;
    if( rc<0 ){
      if( pErr ) fprintf(pErr, "%ld:%d: %s\n", csv_line(pC), csv_error_column(pC), csv_error(pC));
      pSt->nBad++;
      bHeader = 0;
      continue;
    }
    nf = csv_nfield(pC);
    if( bHeader ){
      bHeader = 0;
      for(i=0; i<3; i++){
        char *z = text_normalize_dup(csv_field(pC, i));
        int bOk = z && strcasecmp(z, azCol[i])==0;
        free(z);
        if( !bOk && !(i==2 && nf==2) ){
          if( pErr ) fprintf(pErr, "%ld:%d: expected the header office_code,score,note\n",
                             csv_line(pC), i+1);
          pSt->nBad++;
          break;
        }
      }
      continue;
    }
    pSt->nRead++;
    if( nf<2 || nf>3 ){
      if( pErr ) fprintf(pErr, "%ld:%d: expected 3 fields (note may be empty), found %d\n",
                         csv_line(pC), nf<2 ? nf+1 : 4, nf);
      pSt->nBad++;
      continue;
    }
    zCode = text_code_dup(csv_field(pC, 0));
    rc = association_set(db, pActor, p, pR, zProvince, zCode ? zCode : "",
                         csv_field(pC, 1), csv_field(pC, 2), bOverride, zNowUtc);
    free(zCode);
    if( rc==1 ){
      pSt->nChanged++;
    }else if( rc==0 ){
      pSt->nSame++;
    }else{
      char *zMsg = association_error_en(rc, pR);
      int iCol = rc==ASSOC_ESCORE ? 2 : rc==ASSOC_ENOTE ? 3 : 1;
      if( pErr ) fprintf(pErr, "%ld:%d: %s\n", csv_line(pC), iCol, zMsg);
      free(zMsg);
      pSt->nBad++;
      if( rc==ASSOC_EDB ){ result = 2; break; }
      if( rc==ASSOC_EWINDOW || rc==ASSOC_ENOIND ) break;   /* every row would say so */
    }
  }
  csv_close(pC);
  if( result==0 && pSt->nBad ) result = 1;
  if( result ){
    db_rollback(db);
    pSt->nChanged = pSt->nSame = 0;
    return result;
  }
  if( db_commit(db)!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "association import: %s\n", sqlite3_errmsg(db));
    db_rollback(db);
    return 2;
  }
  return 0;
}

int association_rows(sqlite3 *db, long long iPeriod, const char *zProvince,
                     const char *zSort, AssocRow **pa){
  static const struct { const char *zKey, *zOrder; } aSort[] = {
    { "code",  "o.code" },
    { "name",  "o.name COLLATE fa, o.code" },
    { "city",  "o.city COLLATE fa, o.name COLLATE fa, o.code" },
    { "score", "s.score IS NULL, s.score DESC, o.code" },
  };
  const char *zOrder = aSort[1].zOrder;
  char *zSql;
  sqlite3_stmt *q;
  AssocRow *a = 0;
  int n = 0, nAlloc = 0;
  size_t i;
  for(i=0; zSort && i<sizeof aSort/sizeof aSort[0]; i++){
    if( strcmp(zSort, aSort[i].zKey)==0 ) zOrder = aSort[i].zOrder;
  }
  zSql = xsprintf("SELECT o.code, o.name, o.city, o.type, s.score, ifnull(s.note,''),"
                  " ifnull(s.entered_at,'') FROM office o LEFT JOIN association_score s"
                  " ON s.period_id=?1 AND s.office_code=o.code"
                  " WHERE ?2 IS NULL OR o.province_code=?2 ORDER BY %s", zOrder);
  q = db_prepare(db, zSql);
  free(zSql);
  sqlite3_bind_int64(q, 1, iPeriod);
  if( zProvince ) sqlite3_bind_text(q, 2, zProvince, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    AssocRow *r;
    if( n==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 64;
      a = xrealloc(a, sizeof(AssocRow)*(size_t)nAlloc);
    }
    r = &a[n++];
    memset(r, 0, sizeof *r);
    r->zCode = xstrdup(db_col_text(q, 0));
    r->zName = xstrdup(db_col_text(q, 1));
    r->zCity = xstrdup(db_col_text(q, 2));
    r->zType = xstrdup(db_col_text(q, 3));
    r->bHas = sqlite3_column_type(q, 4)!=SQLITE_NULL;
    r->score = sqlite3_column_double(q, 4);
    r->zNote = xstrdup(db_col_text(q, 5));
    snprintf(r->zAt, sizeof r->zAt, "%s", db_col_text(q, 6));
  }
  db_finalize(q);
  *pa = a;
  return n;
}

void association_rows_free(AssocRow *a, int n){
  int i;
  for(i=0; i<n; i++){
    free(a[i].zCode); free(a[i].zName); free(a[i].zCity); free(a[i].zType); free(a[i].zNote);
  }
  free(a);
}
