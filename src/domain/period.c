/*
** period.c — evaluation periods (period.h).
*/
#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "base/jalali.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/period.h"
#include "store/db.h"

static const char *const azState[PS_COUNT] = {
  "draft", "declaring", "reviewing", "ranked", "published", "closed"
};
static const char *const azStateFa[PS_COUNT] = {
  "پیش‌نویس", "خوداظهاری", "بررسی", "رتبه‌بندی‌شده", "منتشرشده", "بسته"
};

const char *period_state_code(PeriodState e){ return e<PS_COUNT ? azState[e] : "?"; }
const char *period_state_label(PeriodState e){ return e<PS_COUNT ? azStateFa[e] : "?"; }

PeriodState period_state_from_code(const char *z){
  int i;
  for(i=0; z && i<PS_COUNT; i++) if( strcmp(z, azState[i])==0 ) return (PeriodState)i;
  return PS_COUNT;
}

int period_code_valid(const char *z){
  int i;
  if( z==0 || strlen(z)!=6 ) return 0;
  for(i=0; i<4; i++) if( !isdigit((unsigned char)z[i]) ) return 0;
  return z[4]=='-' && (z[5]=='1' || z[5]=='2') && z[0]>='1';
}

/* "YYYY-MM-DD" into z[11]; -1 when a part is out of range. */
static int isoDate(int y, int m, int d, char z[11]){
  if( y<1 || y>9999 || m<1 || m>12 || d<1 || d>31 ) return -1;
  snprintf(z, 11, "%04d-%02d-%02d", (unsigned short)y, (unsigned char)m, (unsigned char)d);
  return 0;
}

int period_parse_date(const char *z, char zOut[11]){
  Date d, g;
  char *zN;
  if( z==0 ) return -1;
  zN = text_normalize_dup(z);
  if( zN==0 || zN[0]==0 ){ free(zN); return -1; }
  if( iso_parse(zN, &g)==0 && g.y>=1700 && strlen(zN)==10 ){
    Date j;
    free(zN);
    if( jalali_from_gregorian(g, &j) ) return -1;  /* validates g */
    return isoDate(g.y, g.m, g.d, zOut);
  }
  if( jalali_parse(zN, &d) || d.y>=1700 || jalali_to_gregorian(d, &g) ){
    free(zN);
    return -1;
  }
  free(zN);
  return isoDate(g.y, g.m, g.d, zOut);
}

/* Parse "YYYY-MM-DDTHH:MM:SSZ" (seconds optional) into seconds since the
** epoch. Returns 0 or -1. */
static int parseInstant(const char *z, long long *pT){
  struct tm tm;
  int y, mo, d, h, mi, s = 0, n = 0;
  if( z==0 ) return -1;
  if( sscanf(z, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &n)==6 && z[n]==0 ){
    /* ok */
  }else if( (n = 0, sscanf(z, "%4d-%2d-%2dT%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &n)==5) && n>0 && z[n]==0 ){
    s = 0;
  }else{
    return -1;
  }
  if( mo<1 || mo>12 || d<1 || d>31 || h<0 || h>23 || mi<0 || mi>59 || s<0 || s>60 ) return -1;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  *pT = (long long)timegm(&tm);
  return 0;
}

/* The Gregorian date in Asia/Tehran at t seconds since the epoch, plus
** nDays. Uses ICU's time zone data (Iran observed DST until 1401). */
/* A Gregorian calendar in Asia/Tehran, one per thread (opening one costs
** far more than using it); closed when the thread ends. */
static pthread_key_t tehranKey;
static pthread_once_t tehranOnce = PTHREAD_ONCE_INIT;
static void tehranFree(void *p){ ucal_close((UCalendar *)p); }
static void tehranKeyInit(void){
  if( pthread_key_create(&tehranKey, tehranFree) ) abort();
}

static int tehranDate(long long t, int nDays, char zDate[11]){
  UErrorCode rc = U_ZERO_ERROR;
  UCalendar *pCal;
  int y, m, d;
  pthread_once(&tehranOnce, tehranKeyInit);
  pCal = pthread_getspecific(tehranKey);
  if( pCal==0 ){
    UChar aZone[32];
    u_uastrcpy(aZone, "Asia/Tehran");
    pCal = ucal_open(aZone, -1, "en_US@calendar=gregorian", UCAL_GREGORIAN, &rc);
    if( U_FAILURE(rc) ) return -1;
    if( pthread_setspecific(tehranKey, pCal) ) abort();
  }
  ucal_setMillis(pCal, (UDate)t * 1000.0, &rc);
  if( nDays ) ucal_add(pCal, UCAL_DATE, nDays, &rc);
  y = ucal_get(pCal, UCAL_YEAR, &rc);
  m = ucal_get(pCal, UCAL_MONTH, &rc) + 1;
  d = ucal_get(pCal, UCAL_DATE, &rc);
  if( U_FAILURE(rc) ) return -1;
  return isoDate(y, m, d, zDate);
}

int period_tehran_date(const char *zNowUtc, char zDate[11]){
  long long t;
  if( parseInstant(zNowUtc, &t) ) return -1;
  return tehranDate(t, 0, zDate);
}

int period_tehran_date_plus(const char *zNowUtc, int nDays, char zDate[11]){
  long long t;
  if( parseInstant(zNowUtc, &t) ) return -1;
  return tehranDate(t, nDays, zDate);
}

int period_window_open(const Period *p, const char *zNowUtc, const char *zExtendTo){
  char zToday[11];
  if( period_tehran_date(zNowUtc, zToday) ) return 0;
  if( strcmp(zToday, p->zDeclareFrom)<0 ) return 0;
  if( p->state==PS_DECLARING && strcmp(zToday, p->zDeclareTo)<=0 ) return 1;
  if( zExtendTo && zExtendTo[0] && (p->state==PS_DECLARING || p->state==PS_REVIEWING)
   && strcmp(zToday, zExtendTo)<=0 ){
    return 1;
  }
  return 0;
}

void period_now(char z[21]){
  const char *zEnv = getenv("PISHKHAN_NOW");
  long long t;
  if( zEnv && parseInstant(zEnv, &t)==0 ){
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(z, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return;
  }
  audit_now(z);
}

/* Copy at most n-1 bytes of z into a. */
static void cpy(char *a, size_t n, const char *z){
  snprintf(a, n, "%s", z ? z : "");
}

#define PERIOD_COLS "id,code,declare_from,declare_to,review_to,state," \
                    "deemed_confirm,scheme_hash,scheme_frozen_at,created_at"

static void periodRow(sqlite3_stmt *q, Period *p){
  memset(p, 0, sizeof *p);
  p->id = sqlite3_column_int64(q, 0);
  cpy(p->zCode, sizeof p->zCode, db_col_text(q, 1));
  cpy(p->zDeclareFrom, sizeof p->zDeclareFrom, db_col_text(q, 2));
  cpy(p->zDeclareTo, sizeof p->zDeclareTo, db_col_text(q, 3));
  cpy(p->zReviewTo, sizeof p->zReviewTo, db_col_text(q, 4));
  p->state = period_state_from_code(db_col_text(q, 5));
  p->bDeemedConfirm = sqlite3_column_int(q, 6);
  cpy(p->zSchemeHash, sizeof p->zSchemeHash, db_col_text(q, 7));
  cpy(p->zFrozenAt, sizeof p->zFrozenAt, db_col_text(q, 8));
  cpy(p->zCreatedAt, sizeof p->zCreatedAt, db_col_text(q, 9));
}

int period_load(sqlite3 *db, const char *zCode, Period *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " PERIOD_COLS " FROM period WHERE code=?1");
  int rc = -1;
  sqlite3_bind_text(q, 1, zCode ? zCode : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){ periodRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int period_list(sqlite3 *db, Period **pa, int *pn){
  sqlite3_stmt *q = db_prepare(db, "SELECT " PERIOD_COLS " FROM period ORDER BY code DESC");
  int n = 0, nAlloc = 0;
  Period *a = 0;
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( n>=nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 8;
      a = xrealloc(a, sizeof(Period)*(size_t)nAlloc);
    }
    periodRow(q, &a[n++]);
  }
  db_finalize(q);
  *pa = a;
  *pn = n;
  return 0;
}

int period_current(sqlite3 *db, Period *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " PERIOD_COLS " FROM period"
    " ORDER BY state='declaring' DESC, code DESC LIMIT 1");
  int rc = -1;
  if( sqlite3_step(q)==SQLITE_ROW ){ periodRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int period_previous(sqlite3 *db, const char *zCode, Period *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " PERIOD_COLS " FROM period"
    " WHERE code<?1 ORDER BY code DESC LIMIT 1");
  int rc = -1;
  sqlite3_bind_text(q, 1, zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){ periodRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

char *period_scheme_json(sqlite3 *db, const char *zCode){
  return db_text(db, "SELECT scheme_json FROM period WHERE code=?1", zCode);
}

/*
** The last scheme parsed on this thread, kept with its JSON text: a
** declaration or an upload asks for its period's scheme on every call, and
** parsing (with its canonical hash) costs far more than a copy. Freed when
** the thread ends.
*/
typedef struct SchemeCache { char *zJson; char *zHash; Scheme s; } SchemeCache;
static pthread_key_t schemeKey;
static pthread_once_t schemeOnce = PTHREAD_ONCE_INIT;

static void schemeCacheFree(void *pArg){
  SchemeCache *c = pArg;
  free(c->zJson);
  free(c->zHash);
  scheme_clear(&c->s);
  free(c);
}
static void schemeKeyInit(void){
  if( pthread_key_create(&schemeKey, schemeCacheFree) ) abort();
}

int period_scheme(sqlite3 *db, const Period *p, Scheme *pScheme, char **pzErr){
  char *z, *zHash;
  SchemeCache *c;
  int rc;
  pthread_once(&schemeOnce, schemeKeyInit);
  c = pthread_getspecific(schemeKey);
  /* The hash stored beside the scheme (written with it) tells a hit
  ** without reading the scheme's text. */
  zHash = db_text(db, "SELECT scheme_hash FROM period WHERE code=?1", p->zCode);
  if( c && zHash && c->zHash && strcmp(c->zHash, zHash)==0 ){
    scheme_copy(pScheme, &c->s);
    free(zHash);
    return 0;
  }
  z = period_scheme_json(db, p->zCode);
  if( z==0 ){ free(zHash); *pzErr = xsprintf("no period %s", p->zCode); return -1; }
  if( c && strcmp(c->zJson, z)==0 ){
    scheme_copy(pScheme, &c->s);
    free(c->zHash);
    c->zHash = zHash;
    free(z);
    return 0;
  }
  rc = scheme_parse(z, strlen(z), pScheme, pzErr);
  if( rc ){ free(z); free(zHash); return -1; }
  if( c==0 ){
    c = xcalloc(1, sizeof *c);
    if( pthread_setspecific(schemeKey, c) ) abort();
  }else{
    free(c->zJson);
    free(c->zHash);
    scheme_clear(&c->s);
  }
  c->zJson = z;
  c->zHash = zHash;
  scheme_copy(&c->s, pScheme);
  return 0;
}

/* Validate zJson as a scheme; on error set *pzErr with every line
** prefixed "scheme: ". Fills zHash. Returns 0 or -1. */
static int schemeCheck(const char *zJson, char zHash[65], char **pzErr){
  Scheme s;
  char *zErr = 0;
  if( zJson==0 || zJson[0]==0 ){ *pzErr = xstrdup("scheme: required"); return -1; }
  if( scheme_parse(zJson, strlen(zJson), &s, &zErr) ){
    Buf b = {0};
    const char *z = zErr;
    while( z && *z ){
      const char *zEnd = strchr(z, '\n');
      size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
      buf_printf(&b, "%sscheme: %.*s", b.n ? "\n" : "", (int)n, z);
      z += n + (zEnd ? 1 : 0);
    }
    free(zErr);
    *pzErr = buf_take(&b);
    return -1;
  }
  memcpy(zHash, s.zHash, 65);
  scheme_clear(&s);
  return 0;
}

/* The period as JSON for the audit trail (without the scheme text). */
static char *periodAuditJson(const Period *p){
  json_t *o = json_pack("{ss ss ss ss ss sb ss}",
    "code", p->zCode, "declare_from", p->zDeclareFrom, "declare_to", p->zDeclareTo,
    "review_to", p->zReviewTo, "state", period_state_code(p->state),
    "deemed_confirm", p->bDeemedConfirm, "scheme_hash", p->zSchemeHash);
  char *z = json_dumps(o, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(o);
  return z;
}

int period_create(sqlite3 *db, const Actor *pActor, const PeriodNew *pNew,
                  const char *zSchemeJson, char **pzErr){
  Period p;
  char zNow[21];
  sqlite3_stmt *q;
  char *zAfter;
  int rc;
  memset(&p, 0, sizeof p);
  *pzErr = 0;
  if( !period_code_valid(pNew->zCode) ){
    *pzErr = xsprintf("code: \"%s\": must be a Jalali year and half, like 1399-1 or 1399-2",
                      pNew->zCode ? pNew->zCode : "");
    return -1;
  }
  cpy(p.zCode, sizeof p.zCode, pNew->zCode);
  if( period_parse_date(pNew->zDeclareFrom, p.zDeclareFrom) ){
    *pzErr = xsprintf("declare_from: \"%s\": not a date like 1399/05/01", pNew->zDeclareFrom ? pNew->zDeclareFrom : "");
    return -1;
  }
  if( period_parse_date(pNew->zDeclareTo, p.zDeclareTo) ){
    *pzErr = xsprintf("declare_to: \"%s\": not a date like 1399/05/31", pNew->zDeclareTo ? pNew->zDeclareTo : "");
    return -1;
  }
  if( period_parse_date(pNew->zReviewTo, p.zReviewTo) ){
    *pzErr = xsprintf("review_to: \"%s\": not a date like 1399/06/20", pNew->zReviewTo ? pNew->zReviewTo : "");
    return -1;
  }
  if( strcmp(p.zDeclareTo, p.zDeclareFrom)<0 ){
    *pzErr = xstrdup("declare_to: must not be before declare_from");
    return -1;
  }
  if( strcmp(p.zReviewTo, p.zDeclareTo)<=0 ){
    *pzErr = xstrdup("review_to: must be after declare_to");
    return -1;
  }
  if( schemeCheck(zSchemeJson, p.zSchemeHash, pzErr) ) return -1;
  p.state = PS_DRAFT;
  p.bDeemedConfirm = pNew->bDeemedConfirm ? 1 : 0;
  period_now(zNow);
  if( db_begin(db)!=SQLITE_OK ){ *pzErr = xsprintf("store: %s", sqlite3_errmsg(db)); return -1; }
  if( db_int(db, 0, "SELECT count(*) FROM period WHERE code=?1", p.zCode) ){
    db_rollback(db);
    *pzErr = xsprintf("code: period %s already exists", p.zCode);
    return -1;
  }
  q = db_prepare(db, "INSERT INTO period(code,declare_from,declare_to,review_to,state,"
    "deemed_confirm,scheme_json,scheme_hash,created_at,updated_at)"
    " VALUES(?1,?2,?3,?4,'draft',?5,?6,?7,?8,?8)");
  sqlite3_bind_text(q, 1, p.zCode, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, p.zDeclareFrom, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, p.zDeclareTo, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, p.zReviewTo, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 5, p.bDeemedConfirm);
  sqlite3_bind_text(q, 6, zSchemeJson, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 7, p.zSchemeHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 8, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ){
    *pzErr = xsprintf("store: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  zAfter = periodAuditJson(&p);
  rc = audit_log(db, pActor, "period.create", p.zCode, 0, 0, zAfter);
  free(zAfter);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ){
    *pzErr = xsprintf("store: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  return 0;
}

int period_set_scheme(sqlite3 *db, const Actor *pActor, const char *zCode,
                      const char *zSchemeJson, char **pzErr){
  Period p;
  char zHash[65], zNow[21];
  char *zBefore, *zAfter;
  sqlite3_stmt *q;
  int rc;
  *pzErr = 0;
  if( schemeCheck(zSchemeJson, zHash, pzErr) ) return -1;
  if( db_begin(db)!=SQLITE_OK ){ *pzErr = xsprintf("store: %s", sqlite3_errmsg(db)); return -1; }
  if( period_load(db, zCode, &p) ){
    db_rollback(db);
    *pzErr = xsprintf("no period %s", zCode);
    return -1;
  }
  if( p.zFrozenAt[0] || p.state!=PS_DRAFT ){
    db_rollback(db);
    *pzErr = xsprintf("scheme: period %s opened on %s; its scheme is frozen and cannot change",
                      p.zCode, p.zFrozenAt[0] ? p.zFrozenAt : "?");
    return -1;
  }
  period_now(zNow);
  zBefore = periodAuditJson(&p);
  memcpy(p.zSchemeHash, zHash, 65);
  zAfter = periodAuditJson(&p);
  q = db_prepare(db, "UPDATE period SET scheme_json=?2, scheme_hash=?3, updated_at=?4"
                     " WHERE code=?1 AND scheme_frozen_at IS NULL");
  sqlite3_bind_text(q, 1, p.zCode, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zSchemeJson, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc==SQLITE_DONE ) rc = audit_log(db, pActor, "period.scheme", p.zCode, 0, zBefore, zAfter);
  free(zBefore);
  free(zAfter);
  if( (rc!=SQLITE_DONE && rc!=SQLITE_OK) || db_commit(db)!=SQLITE_OK ){
    *pzErr = xsprintf("store: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  return 0;
}

char *period_advance_blocked(sqlite3 *db, const Period *p, const char **pzFa){
  const char *zFa = 0;
  char *zEn = 0;
  if( p->state>=PS_CLOSED ){
    zEn = xstrdup("it is closed; it has no next state");
    zFa = "دوره بسته است و وضعیت بعدی ندارد.";
  }else if( p->state==PS_REVIEWING
         && db_int(db, 0, "SELECT count(*) FROM result_set s JOIN period p ON p.id=s.period_id"
                          " WHERE p.code=?1", p->zCode)==0 ){
    zEn = xsprintf("it has no result set: rank it (pishkhan rank --period %s, or /admin/results);"
                   " storing the draft makes it ranked", p->zCode);
    zFa = "این دوره هنوز نتیجه‌ای ندارد: از صفحهٔ «نتیجه‌ها» رتبه‌بندی کنید؛ با ذخیرهٔ پیش‌نویس، دوره «رتبه‌بندی‌شده» می‌شود.";
  }else if( p->state==PS_RANKED
         && db_int(db, 0, "SELECT count(*) FROM result_set s JOIN period p ON p.id=s.period_id"
                          " WHERE p.code=?1 AND s.state='published'", p->zCode)==0 ){
    zEn = xsprintf("nothing is published: publish its result set (pishkhan rank --period %s"
                   " --publish, or /admin/results); publishing makes it published", p->zCode);
    zFa = "نتیجهٔ این دوره هنوز منتشر نشده است: از صفحهٔ «نتیجه‌ها» منتشر کنید؛ با انتشار، دوره «منتشرشده» می‌شود.";
  }
  if( pzFa ) *pzFa = zFa;
  return zEn;
}

/*
** Move period *p to eTo, audited as "period.advance" (with zCause in the
** after-image when not NULL), in one transaction (a savepoint inside the
** caller's). Leaving draft freezes the scheme. Returns SQLITE_OK or an
** error code (nothing changed).
*/
static int setState(sqlite3 *db, const Actor *pActor, const Period *p, PeriodState eTo,
                    const char *zCause){
  Period to = *p;
  char zNow[21];
  char *zBefore, *zAfter;
  sqlite3_stmt *q;
  int rc;
  period_now(zNow);
  zBefore = periodAuditJson(p);
  to.state = eTo;
  zAfter = periodAuditJson(&to);
  if( zCause ){
    json_t *o = json_loads(zAfter, 0, 0);
    free(zAfter);
    json_object_set_new(o, "cause", json_string(zCause));
    zAfter = json_dumps(o, JSON_COMPACT|JSON_SORT_KEYS);
    json_decref(o);
  }
  if( (rc = db_begin(db))!=SQLITE_OK ){ free(zBefore); free(zAfter); return rc; }
  q = db_prepare(db, "UPDATE period SET state=?2, updated_at=?3,"
    " scheme_frozen_at=coalesce(scheme_frozen_at, CASE WHEN ?2<>'draft' THEN ?3 END)"
    " WHERE code=?1");
  sqlite3_bind_text(q, 1, p->zCode, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, period_state_code(eTo), -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  rc = rc==SQLITE_DONE ? audit_log(db, pActor, "period.advance", p->zCode, 0, zBefore, zAfter) : rc;
  free(zBefore);
  free(zAfter);
  if( rc==SQLITE_OK ) rc = db_commit(db);
  if( rc!=SQLITE_OK ) db_rollback(db);
  return rc;
}

int period_move(sqlite3 *db, const Actor *pActor, const char *zCode, unsigned mFrom,
                PeriodState eTo, const char *zCause){
  Period p;
  if( period_load(db, zCode, &p) ) return -1;
  if( p.state>=PS_COUNT || !(mFrom & (1u<<p.state)) ) return 0;
  return setState(db, pActor, &p, eTo, zCause ? zCause : "")==SQLITE_OK ? 1 : -1;
}

int period_advance(sqlite3 *db, const Actor *pActor, const char *zCode,
                   PeriodState *pNew, char **pzErr){
  Period p;
  *pzErr = 0;
  if( db_begin(db)!=SQLITE_OK ){ *pzErr = xsprintf("store: %s", sqlite3_errmsg(db)); return -1; }
  if( period_load(db, zCode, &p) ){
    db_rollback(db);
    *pzErr = xsprintf("no period %s", zCode ? zCode : "");
    return -1;
  }
  {
    char *zWhy = period_advance_blocked(db, &p, 0);
    if( zWhy ){
      db_rollback(db);
      *pzErr = xsprintf("period %s cannot advance: %s", p.zCode, zWhy);
      free(zWhy);
      return -1;
    }
  }
  if( setState(db, pActor, &p, (PeriodState)(p.state + 1), 0)!=SQLITE_OK
   || db_commit(db)!=SQLITE_OK ){
    *pzErr = xsprintf("store: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  *pNew = (PeriodState)(p.state + 1);
  return 0;
}

int period_extend(sqlite3 *db, const Actor *pActor, const char *zCode,
                  const char *zOffice, const char *zUntil, const char *zReason,
                  char **pzErr){
  Period p;
  char zIso[11], zNow[21], zOld[11];
  char *zR, *zBefore = 0, *zAfter;
  sqlite3_stmt *q;
  int rc;
  *pzErr = 0;
  if( period_parse_date(zUntil, zIso) ){
    *pzErr = xsprintf("until: \"%s\": not a date like 1399/06/05", zUntil ? zUntil : "");
    return -1;
  }
  zR = text_normalize_dup(zReason ? zReason : "");
  if( zR==0 || zR[0]==0 ){
    free(zR);
    *pzErr = xstrdup("reason: required");
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){ free(zR); *pzErr = xsprintf("store: %s", sqlite3_errmsg(db)); return -1; }
  if( period_load(db, zCode, &p) ){
    db_rollback(db); free(zR);
    *pzErr = xsprintf("no period %s", zCode ? zCode : "");
    return -1;
  }
  if( p.state!=PS_DECLARING && p.state!=PS_REVIEWING ){
    db_rollback(db); free(zR);
    *pzErr = xsprintf("period %s is %s: windows are extended only while declaring or reviewing",
                      p.zCode, period_state_code(p.state));
    return -1;
  }
  if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    db_rollback(db); free(zR);
    *pzErr = xsprintf("office: no office %s", zOffice ? zOffice : "");
    return -1;
  }
  if( strcmp(zIso, p.zDeclareTo)<=0 ){
    db_rollback(db); free(zR);
    *pzErr = xsprintf("until: must be after the end of the window (%s)", p.zDeclareTo);
    return -1;
  }
  if( period_extension(db, p.id, zOffice, zOld, 0) ){
    zBefore = xsprintf("{\"until\":\"%s\"}", zOld);
  }
  period_now(zNow);
  q = db_prepare(db, "INSERT INTO period_extension(period_id,office_code,until,reason,by_user,at)"
    " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(period_id,office_code) DO UPDATE SET"
    " until=excluded.until, reason=excluded.reason, by_user=excluded.by_user, at=excluded.at");
  sqlite3_bind_int64(q, 1, p.id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zIso, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zR, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 5, pActor->iUser);
  sqlite3_bind_text(q, 6, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  {
    json_t *o = json_pack("{ss ss}", "until", zIso, "reason", zR);
    zAfter = json_dumps(o, JSON_COMPACT|JSON_SORT_KEYS);
    json_decref(o);
  }
  if( rc==SQLITE_DONE ){
    char *zObj = xsprintf("%s/%s", p.zCode, zOffice);
    rc = audit_log(db, pActor, "period.extend", zObj, zOffice, zBefore, zAfter);
    free(zObj);
  }
  free(zBefore);
  free(zAfter);
  free(zR);
  if( (rc!=SQLITE_DONE && rc!=SQLITE_OK) || db_commit(db)!=SQLITE_OK ){
    *pzErr = xsprintf("store: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  return 0;
}

int period_extension(sqlite3 *db, long long iPeriod, const char *zOffice,
                     char zUntil[11], char **pzReason){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT until, reason FROM period_extension WHERE period_id=?1 AND office_code=?2");
  int rc = 0;
  sqlite3_bind_int64(q, 1, iPeriod);
  sqlite3_bind_text(q, 2, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    cpy(zUntil, 11, db_col_text(q, 0));
    if( pzReason ) *pzReason = xstrdup(db_col_text(q, 1));
    rc = 1;
  }
  db_finalize(q);
  return rc;
}
