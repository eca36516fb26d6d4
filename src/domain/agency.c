/*
** agency.c — agencies, services, availability, facilities, preferences,
** and stored allocations with versions and diffs. See agency.h.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/agency.h"
#include "domain/allocate.h"
#include "domain/geo.h"
#include "domain/period.h"
#include "domain/scheme.h"
#include "store/db.h"

/* Set *pzErr (English) and *pzFa (Persian, when asked for); return -1. */
static int fail2(char **pzErr, char **pzFa, char *zEn, const char *zFa){
  if( pzErr ) *pzErr = zEn; else free(zEn);
  if( pzFa ) *pzFa = xstrdup(zFa);
  return -1;
}

static int tableExists(sqlite3 *db, const char *zName){
  return db_int(db, 0, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name=?1", zName)>0;
}

/* A code typed by a person: normalised, lower-cased, checked to be
** nMin..nMax characters of [a-z0-9] and zExtra. Heap string or NULL. */
static char *codeCanon(const char *zIn, const char *zExtra, size_t nMin, size_t nMax){
  char *z = zIn ? text_code_dup(zIn) : 0;
  size_t i, n;
  if( z==0 ) return 0;
  n = strlen(z);
  for(i=0; i<n; i++){
    char c = z[i];
    if( c>='A' && c<='Z' ) z[i] = c = (char)(c - 'A' + 'a');
    if( !((c>='a' && c<='z') || (c>='0' && c<='9') || strchr(zExtra, c)) ){ free(z); return 0; }
  }
  if( n<nMin || n>nMax ){ free(z); return 0; }
  return z;
}

/* Normalised free text, or NULL when empty or broken. */
static char *textCanon(const char *zIn){
  char *z = zIn ? text_normalize_dup(zIn) : 0;
  if( z && z[0]==0 ){ free(z); z = 0; }
  return z;
}

/*
** Transactions that nest: a change made by the demo generator (already
** inside its one transaction) runs in a savepoint; otherwise in its own
** BEGIN IMMEDIATE. *pbOwn records which, for txEnd.
*/
static int txBegin(sqlite3 *db, int *pbOwn){
  *pbOwn = sqlite3_get_autocommit(db);
  return *pbOwn ? db_begin(db) : db_exec(db, "SAVEPOINT agency");
}
/* Commit (bCommit) or roll back. Returns 0, or non-zero when the commit failed
** (everything is then rolled back). */
static int txEnd(sqlite3 *db, int bOwn, int bCommit){
  int rc = 0;
  if( bCommit ){
    rc = bOwn ? db_commit(db) : db_exec(db, "RELEASE agency");
    if( rc==0 ) return 0;
  }
  if( bOwn ){
    db_rollback(db);
  }else{
    db_exec(db, "ROLLBACK TO agency");
    db_exec(db, "RELEASE agency");
  }
  return rc;
}

/* ---- facilities ------------------------------------------------------- */

const char *const azFacility[] = { "civil_booth", 0 };

const char *facility_label(const char *zCode){
  if( zCode && strcmp(zCode, "civil_booth")==0 ) return "باجه ثبت احوال";
  return 0;
}

int facility_has(sqlite3 *db, const char *zOffice, const char *zFacility){
  sqlite3_stmt *p = db_stmt(db, "SELECT 1 FROM office_facility WHERE office_code=?1 AND facility=?2");
  int b;
  sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zFacility, -1, SQLITE_STATIC);
  b = sqlite3_step(p)==SQLITE_ROW;
  db_release(p);
  return b;
}

int facility_set(sqlite3 *db, const Actor *pActor, const char *zOffice,
                 const char *zFacility, int bOn, char **pzErr){
  sqlite3_stmt *p;
  int rc, bOwn;
  char *zObj;
  if( facility_label(zFacility)==0 ){
    *pzErr = xsprintf("facility: unknown \"%s\" (known: civil_booth)", zFacility ? zFacility : "");
    return -1;
  }
  if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    *pzErr = xsprintf("office: no office with code \"%s\"", zOffice ? zOffice : "");
    return -1;
  }
  if( facility_has(db, zOffice, zFacility)==bOn ) return 0;
  if( txBegin(db, &bOwn) ){ *pzErr = xstrdup(sqlite3_errmsg(db)); return -1; }
  p = db_prepare(db, bOn ? "INSERT INTO office_facility(office_code, facility) VALUES(?1,?2)"
                         : "DELETE FROM office_facility WHERE office_code=?1 AND facility=?2");
  sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zFacility, -1, SQLITE_STATIC);
  rc = sqlite3_step(p);
  db_finalize(p);
  zObj = xsprintf("facility:%s:%s", zOffice, zFacility);
  if( rc==SQLITE_DONE ){
    rc = audit_log(db, pActor, bOn ? "facility.add" : "facility.remove", zObj, zOffice, 0, 0);
  }
  free(zObj);
  if( rc!=SQLITE_OK ){
    *pzErr = xstrdup(sqlite3_errmsg(db));
    txEnd(db, bOwn, 0);
    return -1;
  }
  if( txEnd(db, bOwn, 1) ){ *pzErr = xstrdup(sqlite3_errmsg(db)); return -1; }
  return 0;
}

/* ---- agencies --------------------------------------------------------- */

/* An agency as JSON text for the audit trail (heap). */
static char *agencyJson(const char *zCode, const char *zName){
  json_t *pJ = json_pack("{ss ss}", "code", zCode, "name", zName);
  char *z = json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(pJ);
  return z;
}

int agency_save(sqlite3 *db, const Actor *pActor, const char *zCodeIn,
                const char *zNameIn, char **pzErr, char **pzFa){
  char *zCode = codeCanon(zCodeIn, "_-", 2, 32);
  char *zName = textCanon(zNameIn);
  char *zOld = 0, *zAfter, *zBefore = 0, zNow[21];
  sqlite3_stmt *p;
  int rc, eOut, bOwn;
  if( zCode==0 ){
    free(zName);
    return fail2(pzErr, pzFa, xsprintf("code: \"%s\" is not 2-32 of [a-z0-9_-]", zCodeIn ? zCodeIn : ""),
                 "کد دستگاه باید ۲ تا ۳۲ نویسه از حروف کوچک لاتین، رقم، - یا _ باشد.");
  }
  if( zName==0 || strlen(zName)>200 ){
    free(zCode); free(zName);
    return fail2(pzErr, pzFa, xstrdup("name: required, at most 200 bytes"),
                 "نام دستگاه را بنویسید (حداکثر ۲۰۰ نویسه).");
  }
  zOld = db_text(db, "SELECT name_fa FROM agency WHERE code=?1", zCode);
  if( zOld && strcmp(zOld, zName)==0 ){ free(zOld); free(zCode); free(zName); return 0; }
  audit_now(zNow);
  if( txBegin(db, &bOwn) ){
    free(zOld); free(zCode); free(zName);
    return fail2(pzErr, pzFa, xstrdup(sqlite3_errmsg(db)), "خطای پایگاه داده.");
  }
  p = db_prepare(db, zOld ? "UPDATE agency SET name_fa=?2, updated_at=?3 WHERE code=?1"
                          : "INSERT INTO agency(code, name_fa, created_at, updated_at) VALUES(?1,?2,?3,?3)");
  sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zName, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(p);
  db_finalize(p);
  zAfter = agencyJson(zCode, zName);
  if( zOld ) zBefore = agencyJson(zCode, zOld);
  {
    char *zObj = xsprintf("agency:%s", zCode);
    if( rc==SQLITE_DONE ) rc = audit_log(db, pActor, zOld ? "agency.update" : "agency.create", zObj, 0, zBefore, zAfter);
    free(zObj);
  }
  eOut = zOld ? 2 : 1;
  free(zAfter); free(zBefore); free(zOld); free(zCode); free(zName);
  if( rc!=SQLITE_OK || txEnd(db, bOwn, 1) ){
    char *zE = xstrdup(sqlite3_errmsg(db));
    if( rc!=SQLITE_OK ) txEnd(db, bOwn, 0);
    return fail2(pzErr, pzFa, zE, "خطای پایگاه داده.");
  }
  return eOut;
}

int agency_list(sqlite3 *db, Agency **pa){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT a.code, a.name_fa, (SELECT count(*) FROM service s WHERE s.agency_code=a.code AND s.active)"
    " FROM agency a ORDER BY a.name_fa COLLATE fa, a.code");
  int n = 0;
  *pa = 0;
  while( sqlite3_step(p)==SQLITE_ROW ){
    *pa = xrealloc(*pa, sizeof(Agency)*(size_t)(n+1));
    snprintf((*pa)[n].zCode, sizeof((*pa)[n].zCode), "%s", db_col_text(p, 0));
    (*pa)[n].zName = xstrdup(db_col_text(p, 1));
    (*pa)[n].nService = sqlite3_column_int(p, 2);
    n++;
  }
  db_finalize(p);
  return n;
}

void agency_list_free(Agency *a, int n){
  int i;
  for(i=0; i<n; i++) free(a[i].zName);
  free(a);
}

char *agency_name(sqlite3 *db, const char *zCode){
  return zCode ? db_text(db, "SELECT name_fa FROM agency WHERE code=?1", zCode) : 0;
}

/* ---- services --------------------------------------------------------- */

const char *service_channel_label(const char *z){
  if( z && strcmp(z, "urban")==0 ) return "فقط پیشخوان شهری";
  if( z && strcmp(z, "rural_ict")==0 ) return "فقط ICT روستایی";
  return "شهری و روستایی";
}

const char *service_area_label(const char *z){
  if( z && strcmp(z, "provinces")==0 ) return "برخی استان‌ها";
  if( z && strcmp(z, "localities")==0 ) return "شهرها و روستاهای فهرست‌شده";
  return "همهٔ شهرها و روستاها";
}

/* One parsed area entry. */
typedef struct AreaEnt { char *zProvince, *zCity; } AreaEnt;

static void areasFree(AreaEnt *a, int n){
  int i;
  for(i=0; i<n; i++){ free(a[i].zProvince); free(a[i].zCity); }
  free(a);
}

/* Parse the areas text for kind zArea. Returns the count, or -1 with the
** errors set. */
static int areasParse(sqlite3 *db, const char *zArea, const char *zText, AreaEnt **pa,
                      char **pzErr, char **pzFa){
  Buf b = {0};
  const char *z;
  int n = 0, bLoc = strcmp(zArea, "localities")==0;
  *pa = 0;
  if( strcmp(zArea, "all")==0 ) return 0;
  /* Turn the separators ',', '،' (U+060C) and new lines into '\n'. */
  for(z = zText ? zText : ""; *z; z++){
    if( *z==',' || *z=='\r' ){ buf_putc(&b, '\n'); continue; }
    if( (unsigned char)z[0]==0xD8 && (unsigned char)z[1]==0x8C ){ buf_putc(&b, '\n'); z++; continue; }
    buf_putc(&b, *z);
  }
  z = buf_str(&b);
  while( *z ){
    const char *zEnd = strchr(z, '\n');
    size_t nLine = zEnd ? (size_t)(zEnd - z) : strlen(z);
    char *zLine = xstrndup(z, nLine), *zSlash, *zProv, *zCity = 0, *zTrim;
    z += nLine + (zEnd ? 1 : 0);
    zTrim = textCanon(zLine);
    free(zLine);
    if( zTrim==0 ) continue;
    zSlash = strchr(zTrim, '/');
    if( zSlash ){ *zSlash = 0; zCity = textCanon(zSlash+1); }
    zProv = geo_province_code(db, zTrim);
    if( zProv==0 || (bLoc && zCity==0) || (!bLoc && zSlash) ){
      int rc = fail2(pzErr, pzFa,
        zProv==0 ? xsprintf("areas: no province \"%s\"", zTrim)
        : bLoc ? xsprintf("areas: \"%s\" needs a city or village: PROVINCE/CITY", zTrim)
               : xsprintf("areas: \"%s/...\": list whole provinces only, or choose localities", zTrim),
        zProv==0 ? "یکی از استان‌های فهرست مناطق شناخته نشد."
        : bLoc ? "هر مورد باید به شکل «استان/شهر یا روستا» باشد."
               : "برای «برخی استان‌ها» فقط نام یا کد استان بنویسید.");
      free(zTrim); free(zProv); free(zCity);
      areasFree(*pa, n); *pa = 0;
      buf_free(&b);
      return rc;
    }
    free(zTrim);
    *pa = xrealloc(*pa, sizeof(AreaEnt)*(size_t)(n+1));
    (*pa)[n].zProvince = zProv;
    (*pa)[n].zCity = zCity ? zCity : xstrdup("");
    n++;
  }
  buf_free(&b);
  if( n==0 ){
    return fail2(pzErr, pzFa, xstrdup("areas: list at least one province or locality"),
                 "دست‌کم یک استان یا شهر را بنویسید.");
  }
  return n;
}

/* The areas of a service as text, in the syntax areasParse reads. */
static char *areasText(sqlite3 *db, const char *zCode){
  sqlite3_stmt *p = db_stmt(db,
    "SELECT province_code, city FROM service_area WHERE service_code=?1 ORDER BY province_code, city");
  Buf b = {0};
  sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    const char *zCity = db_col_text(p, 1);
    buf_printf(&b, "%s%s%s%s", b.n ? ", " : "", db_col_text(p, 0), zCity[0] ? "/" : "", zCity);
  }
  db_release(p);
  return b.n ? buf_take(&b) : xstrdup("");
}

/* A service's fields as JSON text for the audit trail. */
static char *serviceJson(sqlite3 *db, const char *zCode){
  Service s;
  json_t *pJ;
  char *z;
  if( service_load(db, zCode, &s) ) return 0;
  pJ = json_pack("{ss ss ss ss si ss ss ss sb}", "code", s.zCode, "agency", s.zAgency,
                 "name", s.zName, "channel", s.zChannel, "min_rank", s.minRank,
                 "facility", s.zFacility, "area", s.zArea, "areas", s.zAreas, "active", s.bActive);
  z = json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(pJ);
  service_clear(&s);
  return z;
}

int service_save(sqlite3 *db, const Actor *pActor, const ServiceIn *pIn,
                 char **pzErr, char **pzFa){
  char *zCode = codeCanon(pIn->zCode, "_.-", 2, 48);
  char *zName = textCanon(pIn->zName);
  const char *zChannel = pIn->zChannel && pIn->zChannel[0] ? pIn->zChannel : "both";
  const char *zArea = pIn->zArea && pIn->zArea[0] ? pIn->zArea : "all";
  const char *zFacility = pIn->zFacility ? pIn->zFacility : "";
  char *zOldAgency = 0, *zBefore = 0, *zAfter = 0, zNow[21], *zObj;
  AreaEnt *aA = 0;
  int nA = 0, rc = -1, i, eOut, bOwn = 0;
  sqlite3_stmt *p;

  if( zCode==0 ){
    fail2(pzErr, pzFa, xsprintf("code: \"%s\" is not 2-48 of [a-z0-9_.-]", pIn->zCode ? pIn->zCode : ""),
          "کد خدمت باید ۲ تا ۴۸ نویسه از حروف کوچک لاتین، رقم، نقطه، - یا _ باشد.");
    goto done;
  }
  if( zName==0 || strlen(zName)>300 ){
    fail2(pzErr, pzFa, xstrdup("name: required, at most 300 bytes"), "نام خدمت را بنویسید.");
    goto done;
  }
  if( pIn->zAgency==0 || db_int(db, 0, "SELECT count(*) FROM agency WHERE code=?1", pIn->zAgency)==0 ){
    fail2(pzErr, pzFa, xsprintf("agency: no agency \"%s\"", pIn->zAgency ? pIn->zAgency : ""),
          "دستگاه اجرایی پیدا نشد.");
    goto done;
  }
  if( strcmp(zChannel, "urban")!=0 && strcmp(zChannel, "rural_ict")!=0 && strcmp(zChannel, "both")!=0 ){
    fail2(pzErr, pzFa, xsprintf("channel: \"%s\" must be urban, rural_ict or both", zChannel),
          "کانال ارائه باید شهری، روستایی یا هر دو باشد.");
    goto done;
  }
  if( pIn->minRank<0 || pIn->minRank>3 ){
    fail2(pzErr, pzFa, xsprintf("min_rank: %d must be 1, 2, 3 or none", pIn->minRank),
          "کمینهٔ رتبه باید ۱، ۲، ۳ یا «بدون شرط» باشد.");
    goto done;
  }
  if( zFacility[0] && facility_label(zFacility)==0 ){
    fail2(pzErr, pzFa, xsprintf("facility: unknown \"%s\" (known: civil_booth)", zFacility),
          "امکان لازم شناخته نشد.");
    goto done;
  }
  if( strcmp(zArea, "all")!=0 && strcmp(zArea, "provinces")!=0 && strcmp(zArea, "localities")!=0 ){
    fail2(pzErr, pzFa, xsprintf("area: \"%s\" must be all, provinces or localities", zArea),
          "گسترهٔ ارائه نادرست است.");
    goto done;
  }
  nA = areasParse(db, zArea, pIn->zAreas, &aA, pzErr, pzFa);
  if( nA<0 ){ nA = 0; goto done; }
  zOldAgency = db_text(db, "SELECT agency_code FROM service WHERE code=?1", zCode);
  if( zOldAgency && strcmp(zOldAgency, pIn->zAgency)!=0 ){
    fail2(pzErr, pzFa, xsprintf("code: service %s belongs to agency %s", zCode, zOldAgency),
          "این کد خدمت متعلق به دستگاه دیگری است.");
    goto done;
  }
  zBefore = zOldAgency ? serviceJson(db, zCode) : 0;
  audit_now(zNow);
  if( txBegin(db, &bOwn) ){
    fail2(pzErr, pzFa, xstrdup(sqlite3_errmsg(db)), "خطای پایگاه داده.");
    goto done;
  }
  p = db_prepare(db, zOldAgency
    ? "UPDATE service SET name_fa=?3, channel=?4, min_rank=?5, facility=?6, area=?7, active=?8,"
      " updated_at=?9 WHERE code=?1"
    : "INSERT INTO service(code, agency_code, name_fa, channel, min_rank, facility, area, active,"
      " created_at, updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)");
  sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, pIn->zAgency, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zName, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 4, zChannel, -1, SQLITE_STATIC);
  if( pIn->minRank ) sqlite3_bind_int(p, 5, pIn->minRank);
  sqlite3_bind_text(p, 6, zFacility, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 7, zArea, -1, SQLITE_STATIC);
  sqlite3_bind_int(p, 8, pIn->bActive ? 1 : 0);
  sqlite3_bind_text(p, 9, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(p);
  if( rc==SQLITE_OK ){
    p = db_prepare(db, "DELETE FROM service_area WHERE service_code=?1");
    sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    db_finalize(p);
  }
  p = db_prepare(db, "INSERT OR IGNORE INTO service_area(service_code, province_code, city) VALUES(?1,?2,?3)");
  for(i=0; rc==SQLITE_OK && i<nA; i++){
    sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 2, aA[i].zProvince, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, aA[i].zCity, -1, SQLITE_STATIC);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);
  zAfter = rc==SQLITE_OK ? serviceJson(db, zCode) : 0;
  if( rc==SQLITE_OK && zBefore && zAfter && strcmp(zBefore, zAfter)==0 ){
    txEnd(db, bOwn, 0);        /* nothing changed but the time stamp */
    rc = 0;
    goto done;
  }
  zObj = xsprintf("service:%s", zCode);
  if( rc==SQLITE_OK ) rc = audit_log(db, pActor, zBefore ? "service.update" : "service.create", zObj, 0, zBefore, zAfter);
  free(zObj);
  eOut = zBefore ? 2 : 1;
  if( rc!=SQLITE_OK || txEnd(db, bOwn, 1) ){
    fail2(pzErr, pzFa, xstrdup(sqlite3_errmsg(db)), "خطای پایگاه داده.");
    if( rc!=SQLITE_OK ) txEnd(db, bOwn, 0);
    rc = -1;
    goto done;
  }
  rc = eOut;
done:
  areasFree(aA, nA);
  free(zCode); free(zName); free(zOldAgency); free(zBefore); free(zAfter);
  return rc;
}

static void serviceFromRow(sqlite3 *db, sqlite3_stmt *p, Service *s){
  s->zCode = xstrdup(db_col_text(p, 0));
  s->zAgency = xstrdup(db_col_text(p, 1));
  s->zName = xstrdup(db_col_text(p, 2));
  s->zChannel = xstrdup(db_col_text(p, 3));
  s->minRank = sqlite3_column_int(p, 4);
  s->zFacility = xstrdup(db_col_text(p, 5));
  s->zArea = xstrdup(db_col_text(p, 6));
  s->bActive = sqlite3_column_int(p, 7);
  s->zAreas = strcmp(s->zArea, "all")==0 ? xstrdup("") : areasText(db, s->zCode);
}

#define SERVICE_COLS "code, agency_code, name_fa, channel, min_rank, facility, area, active"

int service_load(sqlite3 *db, const char *zCode, Service *s){
  sqlite3_stmt *p = db_prepare(db, "SELECT " SERVICE_COLS " FROM service WHERE code=?1");
  int rc = -1;
  memset(s, 0, sizeof *s);
  sqlite3_bind_text(p, 1, zCode ? zCode : "", -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){ serviceFromRow(db, p, s); rc = 0; }
  db_finalize(p);
  return rc;
}

void service_clear(Service *s){
  free(s->zCode); free(s->zAgency); free(s->zName); free(s->zChannel);
  free(s->zFacility); free(s->zArea); free(s->zAreas);
  memset(s, 0, sizeof *s);
}

int service_list(sqlite3 *db, const char *zAgency, Service **pa){
  sqlite3_stmt *p = db_prepare(db, "SELECT " SERVICE_COLS " FROM service"
                                   " WHERE ?1 IS NULL OR agency_code=?1 ORDER BY agency_code, code");
  int n = 0;
  *pa = 0;
  if( zAgency ) sqlite3_bind_text(p, 1, zAgency, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    *pa = xrealloc(*pa, sizeof(Service)*(size_t)(n+1));
    serviceFromRow(db, p, &(*pa)[n++]);
  }
  db_finalize(p);
  return n;
}

void service_list_free(Service *a, int n){
  int i;
  for(i=0; i<n; i++) service_clear(&a[i]);
  free(a);
}

/* ---- loading the allocation input ------------------------------------- */

/* Everything allocate_run needs, with the strings it points to. */
typedef struct Loaded {
  AllocInput in;
  AllocService *aSvc; int nSvc;
  AllocOffice *aOff; int nOff;
  const char **azStatus;      /* per office: result status or 'no_result' */
  int *abScored;              /* per office: has a result row */
  char **azPool; int nPool, nPoolAlloc;
  void **apFree; int nFree;   /* arrays to free */
} Loaded;

static const char *pool(Loaded *p, const char *z){
  if( p->nPool>=p->nPoolAlloc ){
    p->nPoolAlloc = p->nPoolAlloc ? p->nPoolAlloc*2 : 256;
    p->azPool = xrealloc(p->azPool, sizeof(char *)*(size_t)p->nPoolAlloc);
  }
  return p->azPool[p->nPool++] = xstrdup(z ? z : "");
}

static void *keep(Loaded *p, void *pMem){
  p->apFree = xrealloc(p->apFree, sizeof(void *)*(size_t)(p->nFree+1));
  p->apFree[p->nFree++] = pMem;
  return pMem;
}

static void loadedFree(Loaded *p){
  int i;
  for(i=0; i<p->nPool; i++) free(p->azPool[i]);
  for(i=0; i<p->nFree; i++) free(p->apFree[i]);
  free(p->azPool); free(p->apFree);
  free(p->aSvc); free(p->aOff); free(p->azStatus); free(p->abScored);
  memset(p, 0, sizeof *p);
}

static int svcFind(const Loaded *p, const char *z){
  int lo = 0, hi = p->nSvc - 1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = strcmp(p->aSvc[mid].zCode, z);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -1;
}

static int offFind(const Loaded *p, const char *z){
  int lo = 0, hi = p->nOff - 1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = strcmp(p->aOff[mid].zCode, z);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -1;
}

static int channelBits(const char *z){
  if( strcmp(z, "urban")==0 ) return ALLOC_URBAN;
  if( strcmp(z, "rural_ict")==0 ) return ALLOC_RURAL;
  return ALLOC_BOTH;
}

/* The active catalogue, by code (BINARY order = strcmp order). */
static void loadCatalogue(sqlite3 *db, Loaded *pL){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT code, channel, min_rank, facility, area FROM service WHERE active ORDER BY code");
  int i;
  while( sqlite3_step(p)==SQLITE_ROW ){
    AllocService *pS;
    pL->aSvc = xrealloc(pL->aSvc, sizeof(AllocService)*(size_t)(pL->nSvc+1));
    pS = &pL->aSvc[pL->nSvc++];
    memset(pS, 0, sizeof *pS);
    pS->zCode = pool(pL, db_col_text(p, 0));
    pS->channel = channelBits(db_col_text(p, 1));
    pS->minRank = sqlite3_column_int(p, 2);
    pS->zFacility = pool(pL, db_col_text(p, 3));
    pS->bEverywhere = strcmp(db_col_text(p, 4), "all")==0;
  }
  db_finalize(p);
  p = db_prepare(db, "SELECT a.service_code, a.province_code, a.city FROM service_area a"
                     " JOIN service s ON s.code=a.service_code AND s.active"
                     " ORDER BY a.service_code, a.province_code, a.city");
  while( sqlite3_step(p)==SQLITE_ROW ){
    int iS = svcFind(pL, db_col_text(p, 0));
    AllocService *pS;
    AllocArea *aA;
    if( iS<0 ) continue;
    pS = &pL->aSvc[iS];
    /* areas of one service are contiguous: grow its own array */
    aA = (AllocArea *)pS->aArea;
    if( aA==0 ) aA = keep(pL, xmalloc(sizeof(AllocArea)));
    else{
      for(i=0; i<pL->nFree && pL->apFree[i]!=aA; i++){}
      aA = xrealloc(aA, sizeof(AllocArea)*(size_t)(pS->nArea+1));
      pL->apFree[i] = aA;
    }
    aA[pS->nArea].zProvince = pool(pL, db_col_text(p, 1));
    aA[pS->nArea].zCity = pool(pL, db_col_text(p, 2));
    pS->aArea = aA;
    pS->nArea++;
  }
  db_finalize(p);
}

/* Attach the facilities and preferences of the offices in pL (sorted by
** code). Each office's rows are contiguous in the by-office queries, so
** they are gathered into one array each and sliced. */
static void loadOfficeLists(sqlite3 *db, Loaded *pL, const char *zOnly){
  sqlite3_stmt *p = db_prepare(db, "SELECT office_code, facility FROM office_facility"
                                   " WHERE ?1 IS NULL OR office_code=?1 ORDER BY office_code, facility");
  const char **azFac = 0;
  int *aPref = 0, *aStart = xcalloc((size_t)pL->nOff+1, sizeof(int));
  int n = 0, nAlloc = 0, i;
  if( zOnly ) sqlite3_bind_text(p, 1, zOnly, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    int iO = offFind(pL, db_col_text(p, 0));
    if( iO<0 ) continue;
    if( pL->aOff[iO].nFacility==0 ) aStart[iO] = n;
    if( n>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 256;
      azFac = xrealloc(azFac, sizeof(char *)*(size_t)nAlloc);
    }
    azFac[n++] = pool(pL, db_col_text(p, 1));
    pL->aOff[iO].nFacility++;
  }
  db_finalize(p);
  for(i=0; i<pL->nOff; i++){
    if( pL->aOff[i].nFacility ) pL->aOff[i].azFacility = &azFac[aStart[i]];
  }
  if( azFac ) keep(pL, azFac);
  n = nAlloc = 0;
  p = db_prepare(db, "SELECT office_code, service_code FROM service_preference"
                     " WHERE ?1 IS NULL OR office_code=?1 ORDER BY office_code, seq");
  if( zOnly ) sqlite3_bind_text(p, 1, zOnly, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    int iO = offFind(pL, db_col_text(p, 0)), iS = svcFind(pL, db_col_text(p, 1));
    if( iO<0 || iS<0 ) continue;     /* a retired service drops out */
    if( pL->aOff[iO].nPref==0 ) aStart[iO] = n;
    if( n>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 1024;
      aPref = xrealloc(aPref, sizeof(int)*(size_t)nAlloc);
    }
    aPref[n++] = iS;
    pL->aOff[iO].nPref++;
  }
  db_finalize(p);
  for(i=0; i<pL->nOff; i++){
    if( pL->aOff[i].nPref ) pL->aOff[i].aPref = &aPref[aStart[i]];
  }
  if( aPref ) keep(pL, aPref);
  free(aStart);
}

/*
** The offices with their ranks in result set iResultSet (0: no ranks, for
** availability only; zOnly: that office only). A result with status
** 'ranked' or 'did_not_participate' gives its rank (a non-participant
** without one gets iNonPartRank); 'revoked', 'suspended', no result, or a
** licence revoked or suspended in the registry since give rank 0.
*/
static void loadOffices(sqlite3 *db, Loaded *pL, long long iResultSet, int iNonPartRank,
                        const char *zOnly){
  sqlite3_stmt *p;
  int nMax;
  if( iResultSet ){
    p = db_prepare(db,
      "SELECT o.code, o.type, o.province_code, o.city, o.status, r.rank, r.status, r.score"
      " FROM office o LEFT JOIN result r ON r.office_code=o.code AND r.result_set_id=?2"
      " WHERE ?1 IS NULL OR o.code=?1 ORDER BY o.code");
    sqlite3_bind_int64(p, 2, iResultSet);
  }else{
    p = db_prepare(db,
      "SELECT o.code, o.type, o.province_code, o.city, o.status, NULL, NULL, NULL"
      " FROM office o WHERE ?1 IS NULL OR o.code=?1 ORDER BY o.code");
  }
  if( zOnly ) sqlite3_bind_text(p, 1, zOnly, -1, SQLITE_STATIC);
  nMax = zOnly ? 1 : (int)db_int(db, 0, "SELECT count(*) FROM office", 0);
  pL->aOff = xcalloc((size_t)nMax+1, sizeof(AllocOffice));
  pL->azStatus = xcalloc((size_t)nMax+1, sizeof(char *));
  pL->abScored = xcalloc((size_t)nMax+1, sizeof(int));
  while( pL->nOff<nMax && sqlite3_step(p)==SQLITE_ROW ){
    AllocOffice *pO;
    const char *zReg = db_col_text(p, 4), *zRes = db_col_text(p, 6);
    int rank = 0;
    pO = &pL->aOff[pL->nOff];
    memset(pO, 0, sizeof *pO);
    pO->zCode = pool(pL, db_col_text(p, 0));
    pO->type = strcmp(db_col_text(p, 1), "rural_ict")==0 ? ALLOC_RURAL : ALLOC_URBAN;
    pO->zProvince = pool(pL, db_col_text(p, 2));
    pO->zCity = pool(pL, db_col_text(p, 3));
    pL->abScored[pL->nOff] = sqlite3_column_type(p, 6)!=SQLITE_NULL;
    if( strcmp(zReg, "active")!=0 ){
      pL->azStatus[pL->nOff] = pool(pL, zReg);   /* licence revoked or suspended now */
    }else if( sqlite3_column_type(p, 6)==SQLITE_NULL ){
      pL->azStatus[pL->nOff] = pool(pL, "no_result");
    }else{
      pL->azStatus[pL->nOff] = pool(pL, zRes);
      if( strcmp(zRes, "ranked")==0 || strcmp(zRes, "did_not_participate")==0 ){
        rank = sqlite3_column_type(p, 5)==SQLITE_NULL ? (strcmp(zRes, "ranked")==0 ? 0 : iNonPartRank)
                                                      : sqlite3_column_int(p, 5);
        if( rank<1 || rank>3 ) rank = 0;
      }
    }
    pO->rank = rank;
    pO->score = sqlite3_column_double(p, 7);
    pL->nOff++;
  }
  db_finalize(p);
  loadOfficeLists(db, pL, zOnly);
}

static void loadedInput(Loaded *pL, const double aCap[3]){
  pL->in.aService = pL->aSvc; pL->in.nService = pL->nSvc;
  pL->in.aOffice = pL->aOff; pL->in.nOffice = pL->nOff;
  memcpy(pL->in.aCap, aCap, sizeof(pL->in.aCap));
}

/* ---- preferences ------------------------------------------------------ */

int office_available_services(sqlite3 *db, const char *zOffice, char ***pazSvc){
  Loaded L;
  static const double aCap[3] = { 1, 1, 1 };
  int i, n = 0;
  memset(&L, 0, sizeof L);
  *pazSvc = 0;
  loadCatalogue(db, &L);
  loadOffices(db, &L, 0, 3, zOffice);
  loadedInput(&L, aCap);
  if( L.nOff==1 ){
    *pazSvc = xmalloc(sizeof(char *)*(size_t)(L.nSvc+1));
    for(i=0; i<L.nSvc; i++){
      if( allocate_offers(&L.in, 0, i) ) (*pazSvc)[n++] = xstrdup(L.aSvc[i].zCode);
    }
  }
  loadedFree(&L);
  return n;
}

int pref_list(sqlite3 *db, const char *zOffice, char ***pazSvc){
  sqlite3_stmt *p = db_prepare(db, "SELECT service_code FROM service_preference WHERE office_code=?1 ORDER BY seq");
  int n = 0;
  *pazSvc = 0;
  sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    *pazSvc = xrealloc(*pazSvc, sizeof(char *)*(size_t)(n+1));
    (*pazSvc)[n++] = xstrdup(db_col_text(p, 0));
  }
  db_finalize(p);
  return n;
}

void pref_free(char **az, int n){
  int i;
  for(i=0; i<n; i++) free(az[i]);
  free(az);
}

static char *strListJson(char **az, int n){
  json_t *pA = json_array();
  char *z;
  int i;
  for(i=0; i<n; i++) json_array_append_new(pA, json_string(az[i]));
  z = json_dumps(pA, JSON_COMPACT);
  json_decref(pA);
  return z;
}

int pref_set(sqlite3 *db, const Actor *pActor, const char *zOffice,
             const char *const *azSvc, int n, char **pzErr, char **pzFa){
  char **azAvail = 0, **azOld = 0, *zBefore, *zAfter, *zObj;
  int nAvail, nOld, i, j, rc = SQLITE_OK, bOwn;
  sqlite3_stmt *p;
  if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    return fail2(pzErr, pzFa, xsprintf("office: no office \"%s\"", zOffice ? zOffice : ""),
                 "دفتری با این کد نیست.");
  }
  nAvail = office_available_services(db, zOffice, &azAvail);
  for(i=0; i<n; i++){
    for(j=0; j<nAvail && strcmp(azAvail[j], azSvc[i])!=0; j++){}
    if( j==nAvail ){
      pref_free(azAvail, nAvail);
      return fail2(pzErr, pzFa, xsprintf("services[%d]: \"%s\" is not a service available to office %s",
                                         i+1, azSvc[i], zOffice),
                   "یکی از خدمت‌های انتخاب‌شده در محل یا کانال این دفتر ارائه نمی‌شود.");
    }
    for(j=0; j<i; j++){
      if( strcmp(azSvc[j], azSvc[i])==0 ){
        pref_free(azAvail, nAvail);
        return fail2(pzErr, pzFa, xsprintf("services[%d]: \"%s\" is listed twice", i+1, azSvc[i]),
                     "یک خدمت دو بار آمده است.");
      }
    }
  }
  pref_free(azAvail, nAvail);
  nOld = pref_list(db, zOffice, &azOld);
  zBefore = strListJson(azOld, nOld);
  zAfter = strListJson((char **)azSvc, n);
  pref_free(azOld, nOld);
  if( strcmp(zBefore, zAfter)==0 ){ free(zBefore); free(zAfter); return 0; }
  if( txBegin(db, &bOwn) ){
    free(zBefore); free(zAfter);
    return fail2(pzErr, pzFa, xstrdup(sqlite3_errmsg(db)), "خطای پایگاه داده.");
  }
  p = db_prepare(db, "DELETE FROM service_preference WHERE office_code=?1");
  sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
  db_finalize(p);
  p = db_prepare(db, "INSERT INTO service_preference(office_code, seq, service_code) VALUES(?1,?2,?3)");
  for(i=0; rc==SQLITE_OK && i<n; i++){
    sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_int(p, 2, i+1);
    sqlite3_bind_text(p, 3, azSvc[i], -1, SQLITE_STATIC);
    if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);
  zObj = xsprintf("preferences:%s", zOffice);
  if( rc==SQLITE_OK ) rc = audit_log(db, pActor, "service.preferences", zObj, zOffice, zBefore, zAfter);
  free(zObj); free(zBefore); free(zAfter);
  if( rc!=SQLITE_OK || txEnd(db, bOwn, 1) ){
    char *zE = xstrdup(sqlite3_errmsg(db));
    if( rc!=SQLITE_OK ) txEnd(db, bOwn, 0);
    return fail2(pzErr, pzFa, zE, "خطای پایگاه داده.");
  }
  return 0;
}

/* ---- allocations ------------------------------------------------------ */

static const char *whyCode(AllocWhy e){
  switch( e ){
    case ALLOC_NOT_AVAILABLE:  return "not_available";
    case ALLOC_BELOW_MIN_RANK: return "below_min_rank";
    case ALLOC_CAP_REACHED:    return "cap_reached";
    case ALLOC_UNRANKED:       return "unranked";
    case ALLOC_DUPLICATE:      return "duplicate";
  }
  return "unknown";
}

static const char *gapCode(AllocGapWhy e){
  switch( e ){
    case ALLOC_GAP_NO_OFFICE: return "no_office";
    case ALLOC_GAP_MIN_RANK:  return "min_rank";
    case ALLOC_GAP_NO_ROOM:   return "no_room";
  }
  return "unknown";
}

const char *alloc_why_label(const char *z){
  if( z==0 ) return "";
  if( strcmp(z, "not_available")==0 ) return "در محل، کانال یا با امکانات این دفتر ارائه نمی‌شود";
  if( strcmp(z, "below_min_rank")==0 ) return "رتبهٔ دفتر به کمینهٔ رتبهٔ این خدمت نمی‌رسد";
  if( strcmp(z, "cap_reached")==0 ) return "سقف خدمات این رتبه پر شده است";
  if( strcmp(z, "unranked")==0 ) return "دفتر رتبه ندارد";
  if( strcmp(z, "duplicate")==0 ) return "تکراری";
  return z;
}

const char *alloc_gap_label(const char *z){
  if( z==0 ) return "";
  if( strcmp(z, "no_office")==0 ) return "دفتر رتبه‌دار مناسبی در این محل نیست";
  if( strcmp(z, "min_rank")==0 ) return "هیچ دفتری در این محل به کمینهٔ رتبه نمی‌رسد";
  if( strcmp(z, "no_room")==0 ) return "سقف همهٔ دفاتر مناسب این محل پر است";
  return z;
}

static void allocationFromRow(sqlite3 *db, sqlite3_stmt *p, Allocation *pA){
  memset(pA, 0, sizeof *pA);
  pA->id = sqlite3_column_int64(p, 0);
  snprintf(pA->zPeriod, sizeof pA->zPeriod, "%s", db_col_text(p, 1));
  pA->version = sqlite3_column_int(p, 2);
  pA->iResultSet = sqlite3_column_int64(p, 3);
  snprintf(pA->zHash, sizeof pA->zHash, "%s", db_col_text(p, 4));
  pA->aCap[0] = sqlite3_column_double(p, 5);
  pA->aCap[1] = sqlite3_column_double(p, 6);
  pA->aCap[2] = sqlite3_column_double(p, 7);
  snprintf(pA->zCreatedAt, sizeof pA->zCreatedAt, "%s", db_col_text(p, 8));
  snprintf(pA->zCreatedBy, sizeof pA->zCreatedBy, "%s", db_col_text(p, 9));
  pA->nOffice = (int)db_int(db, 0, "SELECT count(*) FROM allocation_office WHERE allocation_id=?1",
                            db_col_text(p, 0));
  pA->nGrant = (int)db_int(db, 0, "SELECT count(*) FROM allocation_grant WHERE allocation_id=?1",
                           db_col_text(p, 0));
  pA->nGap = (int)db_int(db, 0, "SELECT count(*) FROM allocation_gap WHERE allocation_id=?1",
                         db_col_text(p, 0));
}

#define ALLOC_COLS "a.id, p.code, a.version, a.result_set_id, a.inputs_hash, a.cap1, a.cap2, a.cap3," \
                   " a.created_at, a.created_by"

int allocation_find(sqlite3 *db, const char *zPeriod, int iVersion, Allocation *pA){
  sqlite3_stmt *p = db_prepare(db, "SELECT " ALLOC_COLS " FROM allocation a JOIN period p ON p.id=a.period_id"
                                   " WHERE p.code=?1 AND (?2=0 OR a.version=?2) ORDER BY a.version DESC LIMIT 1");
  int rc = -1;
  sqlite3_bind_text(p, 1, zPeriod ? zPeriod : "", -1, SQLITE_STATIC);
  sqlite3_bind_int(p, 2, iVersion);
  if( sqlite3_step(p)==SQLITE_ROW ){ allocationFromRow(db, p, pA); rc = 0; }
  db_finalize(p);
  return rc;
}

int allocation_latest(sqlite3 *db, Allocation *pA){
  sqlite3_stmt *p = db_prepare(db, "SELECT " ALLOC_COLS " FROM allocation a JOIN period p ON p.id=a.period_id"
                                   " ORDER BY p.code DESC, a.version DESC LIMIT 1");
  int rc = -1;
  if( sqlite3_step(p)==SQLITE_ROW ){ allocationFromRow(db, p, pA); rc = 0; }
  db_finalize(p);
  return rc;
}

int allocation_diff(sqlite3 *db, long long iFrom, long long iTo, AllocChange **pa){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT office_code, service_code, 1, reason FROM allocation_grant n WHERE allocation_id=?2"
    "   AND NOT EXISTS(SELECT 1 FROM allocation_grant o WHERE o.allocation_id=?1"
    "                  AND o.office_code=n.office_code AND o.service_code=n.service_code)"
    " UNION ALL "
    "SELECT office_code, service_code, 0, '' FROM allocation_grant o WHERE allocation_id=?1"
    "   AND NOT EXISTS(SELECT 1 FROM allocation_grant n WHERE n.allocation_id=?2"
    "                  AND n.office_code=o.office_code AND n.service_code=o.service_code)"
    " ORDER BY 1, 2");
  int n = 0;
  *pa = 0;
  sqlite3_bind_int64(p, 1, iFrom);
  sqlite3_bind_int64(p, 2, iTo);
  while( sqlite3_step(p)==SQLITE_ROW ){
    AllocChange *pC;
    *pa = xrealloc(*pa, sizeof(AllocChange)*(size_t)(n+1));
    pC = &(*pa)[n++];
    snprintf(pC->zOffice, sizeof pC->zOffice, "%s", db_col_text(p, 0));
    snprintf(pC->zService, sizeof pC->zService, "%s", db_col_text(p, 1));
    pC->bAdded = sqlite3_column_int(p, 2);
    pC->zReason = xstrdup(db_col_text(p, 3));
  }
  db_finalize(p);
  return n;
}

void alloc_changes_free(AllocChange *a, int n){
  int i;
  for(i=0; i<n; i++) free(a[i].zReason);
  free(a);
}

/* Store the result pR of pL as version iVersion of period iPeriod. */
static int storeAllocation(sqlite3 *db, const Loaded *pL, const AllocResult *pR,
                           long long iPeriod, int iVersion, long long iResultSet,
                           const char *zHash, const char *zBy, long long *piAlloc){
  sqlite3_stmt *p;
  char zNow[21];
  long long iAlloc;
  int i, rc = SQLITE_OK, iSeq = 0, iPrev = -1;
  audit_now(zNow);
  p = db_prepare(db, "INSERT INTO allocation(period_id, version, result_set_id, inputs_hash,"
                     " cap1, cap2, cap3, created_at, created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  sqlite3_bind_int64(p, 1, iPeriod);
  sqlite3_bind_int(p, 2, iVersion);
  sqlite3_bind_int64(p, 3, iResultSet);
  sqlite3_bind_text(p, 4, zHash, -1, SQLITE_STATIC);
  for(i=0; i<3; i++) sqlite3_bind_double(p, 5+i, pL->in.aCap[i]);
  sqlite3_bind_text(p, 8, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 9, zBy, -1, SQLITE_STATIC);
  if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
  db_finalize(p);
  iAlloc = sqlite3_last_insert_rowid(db);
  *piAlloc = iAlloc;

  p = db_prepare(db, "INSERT INTO allocation_office(allocation_id, office_code, type, province_code, city,"
                     " rank, status, score, available, cap, granted) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  for(i=0; rc==SQLITE_OK && i<pL->nOff; i++){
    const AllocOffice *pO = &pL->aOff[i];
    sqlite3_bind_int64(p, 1, iAlloc);
    sqlite3_bind_text(p, 2, pO->zCode, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, pO->type==ALLOC_RURAL ? "rural_ict" : "urban", -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 4, pO->zProvince, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 5, pO->zCity, -1, SQLITE_STATIC);
    if( pO->rank ) sqlite3_bind_int(p, 6, pO->rank); else sqlite3_bind_null(p, 6);
    sqlite3_bind_text(p, 7, pL->azStatus[i], -1, SQLITE_STATIC);
    if( pL->abScored[i] ) sqlite3_bind_double(p, 8, pO->score); else sqlite3_bind_null(p, 8);
    sqlite3_bind_int(p, 9, pR->aOffice[i].nAvailable);
    sqlite3_bind_int(p, 10, pR->aOffice[i].cap);
    sqlite3_bind_int(p, 11, pR->aOffice[i].nGranted);
    if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);

  p = db_prepare(db, "INSERT INTO allocation_grant(allocation_id, office_code, service_code, seq, kind,"
                     " pref, reason) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  for(i=0; rc==SQLITE_OK && i<pR->nGrant; i++){
    const AllocGrant *pG = &pR->aGrant[i];
    iSeq = pG->iOffice==iPrev ? iSeq+1 : 1;
    iPrev = pG->iOffice;
    sqlite3_bind_int64(p, 1, iAlloc);
    sqlite3_bind_text(p, 2, pL->aOff[pG->iOffice].zCode, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, pL->aSvc[pG->iService].zCode, -1, SQLITE_STATIC);
    sqlite3_bind_int(p, 4, iSeq);
    sqlite3_bind_text(p, 5, pG->eKind==ALLOC_PREFERENCE ? "preference" : "coverage", -1, SQLITE_STATIC);
    if( pG->iPref ) sqlite3_bind_int(p, 6, pG->iPref); else sqlite3_bind_null(p, 6);
    sqlite3_bind_text(p, 7, pG->zReason, -1, SQLITE_STATIC);
    if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);

  p = db_prepare(db, "INSERT INTO allocation_skip(allocation_id, office_code, pref, service_code, why, reason)"
                     " VALUES(?1,?2,?3,?4,?5,?6)");
  for(i=0; rc==SQLITE_OK && i<pR->nSkip; i++){
    const AllocSkip *pS = &pR->aSkip[i];
    sqlite3_bind_int64(p, 1, iAlloc);
    sqlite3_bind_text(p, 2, pL->aOff[pS->iOffice].zCode, -1, SQLITE_STATIC);
    sqlite3_bind_int(p, 3, pS->iPref);
    sqlite3_bind_text(p, 4, pL->aSvc[pS->iService].zCode, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 5, whyCode(pS->eWhy), -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 6, pS->zReason, -1, SQLITE_STATIC);
    if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);

  p = db_prepare(db, "INSERT INTO allocation_gap(allocation_id, service_code, province_code, city, why)"
                     " VALUES(?1,?2,?3,?4,?5)");
  for(i=0; rc==SQLITE_OK && i<pR->nGap; i++){
    const AllocGap *pG = &pR->aGap[i];
    sqlite3_bind_int64(p, 1, iAlloc);
    sqlite3_bind_text(p, 2, pL->aSvc[pG->iService].zCode, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, pG->zProvince, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 4, pG->zCity, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 5, gapCode(pG->eWhy), -1, SQLITE_STATIC);
    if( sqlite3_step(p)!=SQLITE_DONE ) rc = SQLITE_ERROR;
    sqlite3_reset(p);
  }
  db_finalize(p);
  return rc;
}

int allocation_run(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                   int bDryRun, AllocOutcome *pOut, char **pzErr){
  Period per;
  Scheme sch;
  Loaded L;
  AllocResult res;
  Allocation prev;
  char zHash[65], *zE = 0;
  memset(&prev, 0, sizeof prev);
  long long iResultSet, iAlloc = 0;
  int bPrev, rc, bOwn;
  AllocChange *aC = 0;
  int nC, i;

  memset(pOut, 0, sizeof *pOut);
  if( zPeriod==0 || period_load(db, zPeriod, &per) ){
    *pzErr = xsprintf("period: no period \"%s\"", zPeriod ? zPeriod : "");
    return -1;
  }
  if( period_scheme(db, &per, &sch, &zE) ){
    *pzErr = xsprintf("period %s: its scheme does not parse: %s", per.zCode, zE ? zE : "");
    free(zE);
    return -1;
  }
  iResultSet = !tableExists(db, "result_set") ? 0 : db_int(db, 0,
    "SELECT id FROM result_set WHERE period_id=(SELECT id FROM period WHERE code=?1)"
    " AND state='published' ORDER BY version DESC LIMIT 1", per.zCode);
  if( iResultSet==0 ){
    *pzErr = xsprintf("period %s has no published result set: rank and publish it first", per.zCode);
    scheme_clear(&sch);
    return -1;
  }
  memset(&L, 0, sizeof L);
  loadCatalogue(db, &L);
  loadOffices(db, &L, iResultSet, sch.nonParticipantRank, 0);
  loadedInput(&L, sch.aServiceCap);
  scheme_clear(&sch);
  allocate_hash(&L.in, zHash);

  bPrev = allocation_find(db, per.zCode, 0, &prev)==0;
  if( bPrev && strcmp(prev.zHash, zHash)==0 ){
    pOut->a = prev;
    pOut->iPrevVersion = prev.version;
    loadedFree(&L);
    return 0;
  }
  if( allocate_run(&L.in, &res) ){
    *pzErr = xstrdup("allocation: the loaded input is inconsistent (duplicate code?)");
    loadedFree(&L);
    return -1;
  }
  if( txBegin(db, &bOwn) ){
    *pzErr = xstrdup(sqlite3_errmsg(db));
    allocate_free(&res);
    loadedFree(&L);
    return -1;
  }
  rc = storeAllocation(db, &L, &res, per.id, bPrev ? prev.version+1 : 1, iResultSet, zHash,
                       pActor->zUser ? pActor->zUser : "", &iAlloc);
  nC = bPrev ? allocation_diff(db, prev.id, iAlloc, &aC) : 0;
  for(i=0; i<nC; i++){
    if( aC[i].bAdded ) pOut->nAdded++; else pOut->nRemoved++;
  }
  alloc_changes_free(aC, nC);
  if( !bPrev ) pOut->nAdded = res.nGrant;
  if( rc==SQLITE_OK && !bDryRun ){
    json_t *pJ = json_pack("{ss si sI ss si si si si}", "period", per.zCode,
                           "version", bPrev ? prev.version+1 : 1, "result_set", (json_int_t)iResultSet,
                           "inputs_hash", zHash, "offices", L.nOff, "grants", res.nGrant,
                           "added", pOut->nAdded, "removed", pOut->nRemoved);
    char *zAfter = json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS);
    char *zObj = xsprintf("allocation:%s:%d", per.zCode, bPrev ? prev.version+1 : 1);
    json_decref(pJ);
    rc = audit_log(db, pActor, "allocation.run", zObj, 0, 0, zAfter);
    free(zAfter);
    free(zObj);
  }
  if( rc==SQLITE_OK ){
    if( allocation_find(db, per.zCode, 0, &pOut->a) ) rc = SQLITE_ERROR;
  }
  pOut->bNew = 1;
  pOut->iPrevVersion = bPrev ? prev.version : 0;
  allocate_free(&res);
  loadedFree(&L);
  if( rc!=SQLITE_OK || bDryRun ){
    if( rc!=SQLITE_OK ) *pzErr = xstrdup(sqlite3_errmsg(db));
    txEnd(db, bOwn, 0);
    if( bDryRun && rc==SQLITE_OK ){ pOut->a.id = 0; pOut->bNew = 0; return 0; }
    return -1;
  }
  if( txEnd(db, bOwn, 1) ){
    *pzErr = xstrdup(sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

/* ---- exports ---------------------------------------------------------- */

/* Append z as one CSV field. */
static void csvField(Buf *p, const char *z){
  if( strpbrk(z, ",\"\r\n")==0 ){ buf_puts(p, z); return; }
  buf_putc(p, '"');
  for(; *z; z++){
    if( *z=='"' ) buf_putc(p, '"');
    buf_putc(p, *z);
  }
  buf_putc(p, '"');
}

void allocation_csv(sqlite3 *db, long long iAlloc, const char *zOffice, Buf *pOut){
  sqlite3_stmt *pO = db_prepare(db,
    "SELECT office_code, rank, available, cap, granted FROM allocation_office"
    " WHERE allocation_id=?1 AND (?2 IS NULL OR office_code=?2) ORDER BY office_code");
  sqlite3_stmt *pG = db_prepare(db,
    "SELECT office_code, service_code FROM allocation_grant"
    " WHERE allocation_id=?1 AND (?2 IS NULL OR office_code=?2) ORDER BY office_code, seq");
  int bG;
  sqlite3_bind_int64(pO, 1, iAlloc);
  sqlite3_bind_int64(pG, 1, iAlloc);
  if( zOffice ){
    sqlite3_bind_text(pO, 2, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_text(pG, 2, zOffice, -1, SQLITE_STATIC);
  }
  buf_puts(pOut, "office_code,rank,available,cap,granted,services\n");
  bG = sqlite3_step(pG)==SQLITE_ROW;
  while( sqlite3_step(pO)==SQLITE_ROW ){
    const char *zCode = db_col_text(pO, 0);
    int n = 0;
    csvField(pOut, zCode);
    buf_printf(pOut, ",%s,%d,%d,%d,", db_col_text(pO, 1), sqlite3_column_int(pO, 2),
               sqlite3_column_int(pO, 3), sqlite3_column_int(pO, 4));
    while( bG && strcmp(db_col_text(pG, 0), zCode)<0 ) bG = sqlite3_step(pG)==SQLITE_ROW;
    while( bG && strcmp(db_col_text(pG, 0), zCode)==0 ){
      if( n++ ) buf_putc(pOut, ';');
      buf_puts(pOut, db_col_text(pG, 1));
      bG = sqlite3_step(pG)==SQLITE_ROW;
    }
    buf_putc(pOut, '\n');
  }
  db_finalize(pO);
  db_finalize(pG);
}

static json_t *allocationHead(const Allocation *p){
  return json_pack("{ss si sI ss s{sf sf sf} ss ss}", "period", p->zPeriod, "version", p->version,
                   "result_set", (json_int_t)p->iResultSet, "inputs_hash", p->zHash,
                   "caps", "1", p->aCap[0], "2", p->aCap[1], "3", p->aCap[2],
                   "created_at", p->zCreatedAt, "created_by", p->zCreatedBy);
}

json_t *allocation_json(sqlite3 *db, const Allocation *pA, const char *zOffice){
  json_t *pRoot = allocationHead(pA), *pOffices = json_array();
  sqlite3_stmt *pO = db_prepare(db,
    "SELECT office_code, type, province_code, city, rank, status, available, cap, granted"
    " FROM allocation_office WHERE allocation_id=?1 AND (?2 IS NULL OR office_code=?2) ORDER BY office_code");
  sqlite3_stmt *pG = db_prepare(db,
    "SELECT office_code, service_code, kind, pref, reason FROM allocation_grant"
    " WHERE allocation_id=?1 AND (?2 IS NULL OR office_code=?2) ORDER BY office_code, seq");
  sqlite3_stmt *pS = db_prepare(db,
    "SELECT office_code, service_code, pref, why, reason FROM allocation_skip"
    " WHERE allocation_id=?1 AND (?2 IS NULL OR office_code=?2) ORDER BY office_code, pref");
  int bG, bS;
  sqlite3_bind_int64(pO, 1, pA->id);
  sqlite3_bind_int64(pG, 1, pA->id);
  sqlite3_bind_int64(pS, 1, pA->id);
  if( zOffice ){
    sqlite3_bind_text(pO, 2, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_text(pG, 2, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_text(pS, 2, zOffice, -1, SQLITE_STATIC);
  }
  bG = sqlite3_step(pG)==SQLITE_ROW;
  bS = sqlite3_step(pS)==SQLITE_ROW;
  while( sqlite3_step(pO)==SQLITE_ROW ){
    const char *zCode = db_col_text(pO, 0);
    json_t *pGr = json_array(), *pUn = json_array();
    while( bG && strcmp(db_col_text(pG, 0), zCode)<0 ) bG = sqlite3_step(pG)==SQLITE_ROW;
    while( bG && strcmp(db_col_text(pG, 0), zCode)==0 ){
      json_t *pOne = json_pack("{ss ss ss}", "service", db_col_text(pG, 1), "kind", db_col_text(pG, 2),
                               "reason", db_col_text(pG, 4));
      if( sqlite3_column_type(pG, 3)!=SQLITE_NULL ){
        json_object_set_new(pOne, "preference", json_integer(sqlite3_column_int(pG, 3)));
      }
      json_array_append_new(pGr, pOne);
      bG = sqlite3_step(pG)==SQLITE_ROW;
    }
    while( bS && strcmp(db_col_text(pS, 0), zCode)<0 ) bS = sqlite3_step(pS)==SQLITE_ROW;
    while( bS && strcmp(db_col_text(pS, 0), zCode)==0 ){
      json_array_append_new(pUn, json_pack("{ss si ss ss}", "service", db_col_text(pS, 1),
                            "preference", sqlite3_column_int(pS, 2), "why", db_col_text(pS, 3),
                            "reason", db_col_text(pS, 4)));
      bS = sqlite3_step(pS)==SQLITE_ROW;
    }
    json_array_append_new(pOffices, json_pack("{ss ss ss ss so ss si si so so}",
      "code", zCode, "type", db_col_text(pO, 1), "province", db_col_text(pO, 2),
      "city", db_col_text(pO, 3),
      "rank", sqlite3_column_type(pO, 4)==SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int(pO, 4)),
      "status", db_col_text(pO, 5), "available", sqlite3_column_int(pO, 6),
      "cap", sqlite3_column_int(pO, 7), "granted", pGr, "unmet_preferences", pUn));
  }
  db_finalize(pO);
  db_finalize(pG);
  db_finalize(pS);
  json_object_set_new(pRoot, "offices", pOffices);
  return pRoot;
}

/* Offering offices and uncovered localities per (service, province). */
#define COVERAGE_SQL \
  "SELECT svc, prov, sum(n_off), sum(n_gap) FROM (" \
  "  SELECT g.service_code svc, ao.province_code prov, 1 n_off, 0 n_gap" \
  "    FROM allocation_grant g JOIN allocation_office ao" \
  "      ON ao.allocation_id=g.allocation_id AND ao.office_code=g.office_code" \
  "   WHERE g.allocation_id=?1" \
  "  UNION ALL SELECT service_code, province_code, 0, 1 FROM allocation_gap WHERE allocation_id=?1" \
  ") JOIN service s ON s.code=svc WHERE ?2 IS NULL OR s.agency_code=?2" \
  " GROUP BY svc, prov ORDER BY svc, prov"

void coverage_csv(sqlite3 *db, long long iAlloc, const char *zAgency, Buf *pOut){
  sqlite3_stmt *p = db_prepare(db, COVERAGE_SQL);
  sqlite3_bind_int64(p, 1, iAlloc);
  if( zAgency ) sqlite3_bind_text(p, 2, zAgency, -1, SQLITE_STATIC);
  buf_puts(pOut, "service_code,province_code,offices,uncovered_localities\n");
  while( sqlite3_step(p)==SQLITE_ROW ){
    csvField(pOut, db_col_text(p, 0));
    buf_putc(pOut, ',');
    csvField(pOut, db_col_text(p, 1));
    buf_printf(pOut, ",%d,%d\n", sqlite3_column_int(p, 2), sqlite3_column_int(p, 3));
  }
  db_finalize(p);
}

json_t *coverage_json(sqlite3 *db, const Allocation *pA, const char *zAgency){
  json_t *pRoot = allocationHead(pA), *pSvcs = json_object(), *pArr = json_array();
  sqlite3_stmt *p = db_prepare(db, COVERAGE_SQL);
  const char *zKey;
  json_t *pV;
  if( zAgency ) json_object_set_new(pRoot, "agency", json_string(zAgency));
  sqlite3_bind_int64(p, 1, pA->id);
  if( zAgency ) sqlite3_bind_text(p, 2, zAgency, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    json_t *pS = json_object_get(pSvcs, db_col_text(p, 0));
    if( pS==0 ){
      pS = json_pack("{ss s[] s[]}", "service", db_col_text(p, 0), "provinces", "uncovered");
      json_object_set_new(pSvcs, db_col_text(p, 0), pS);
    }
    json_array_append_new(json_object_get(pS, "provinces"),
      json_pack("{ss si si}", "province", db_col_text(p, 1), "offices", sqlite3_column_int(p, 2),
                "uncovered_localities", sqlite3_column_int(p, 3)));
  }
  db_finalize(p);
  p = db_prepare(db, "SELECT g.service_code, g.province_code, g.city, g.why FROM allocation_gap g"
                     " JOIN service s ON s.code=g.service_code"
                     " WHERE g.allocation_id=?1 AND (?2 IS NULL OR s.agency_code=?2)"
                     " ORDER BY 1, 2, 3");
  sqlite3_bind_int64(p, 1, pA->id);
  if( zAgency ) sqlite3_bind_text(p, 2, zAgency, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    json_t *pS = json_object_get(pSvcs, db_col_text(p, 0));
    if( pS ){
      json_array_append_new(json_object_get(pS, "uncovered"),
        json_pack("{ss ss ss}", "province", db_col_text(p, 1), "city", db_col_text(p, 2),
                  "why", db_col_text(p, 3)));
    }
  }
  db_finalize(p);
  json_object_foreach(pSvcs, zKey, pV){
    (void)zKey;
    json_array_append(pArr, pV);
  }
  json_decref(pSvcs);
  json_object_set_new(pRoot, "services", pArr);
  return pRoot;
}
