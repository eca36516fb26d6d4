/*
** office.c — the office registry.
*/
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/jalali.h"
#include "base/mem.h"
#include "base/natid.h"
#include "base/text.h"
#include "domain/geo.h"
#include "domain/office.h"
#include "store/db.h"

const char *const azOfficeColumn[] = {
  "code", "type", "name", "province", "city", "address", "postal_code",
  "phone", "licence_no", "licence_date", "holder_name", "holder_national_id",
  "status"
};

const char *office_type_label(const char *zType){
  if( zType && strcmp(zType, "urban")==0 ) return "پیشخوان شهری";
  if( zType && strcmp(zType, "rural_ict")==0 ) return "ICT روستایی";
  return "—";
}

const char *office_status_label(const char *zStatus){
  if( zStatus && strcmp(zStatus, "active")==0 ) return "فعال";
  if( zStatus && strcmp(zStatus, "suspended")==0 ) return "تعلیق";
  if( zStatus && strcmp(zStatus, "revoked")==0 ) return "لغو پروانه";
  return "—";
}

/* Pointers to the string fields of an Office, in column order. */
static char **officeField(Office *pO, int i){
  switch( i ){
    case OF_CODE: return &pO->zCode;
    case OF_TYPE: return &pO->zType;
    case OF_NAME: return &pO->zName;
    case OF_PROVINCE: return &pO->zProvince;
    case OF_CITY: return &pO->zCity;
    case OF_ADDRESS: return &pO->zAddress;
    case OF_POSTAL: return &pO->zPostalCode;
    case OF_PHONE: return &pO->zPhone;
    case OF_LICENCE_NO: return &pO->zLicenceNo;
    case OF_LICENCE_DATE: return &pO->zLicenceDate;
    case OF_HOLDER_NAME: return &pO->zHolderName;
    case OF_HOLDER_NID: return &pO->zHolderNid;
    default: return &pO->zStatus;
  }
}

void office_clear(Office *pO){
  int i;
  for(i=0; i<OFFICE_NCOLUMN; i++) free(*officeField(pO, i));
  free(pO->zStatusReason);
  memset(pO, 0, sizeof *pO);
}

int office_load(sqlite3 *db, const char *zCode, Office *pO){
  sqlite3_stmt *p = db_stmt(db,
    "SELECT code,type,name,province_code,city,address,postal_code,phone,"
    "licence_no,licence_date,holder_name,holder_national_id,status,status_reason"
    " FROM office WHERE code=?1");
  int i, rc = -1;
  memset(pO, 0, sizeof *pO);
  sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    for(i=0; i<OFFICE_NCOLUMN; i++){
      if( sqlite3_column_type(p, i)!=SQLITE_NULL ){
        *officeField(pO, i) = xstrdup(db_col_text(p, i));
      }
    }
    pO->zStatusReason = xstrdup(db_col_text(p, 13));
    rc = 0;
  }
  db_release(p);
  return rc;
}

/* Is z all ASCII digits, with length in [nMin, nMax]? */
static int isDigits(const char *z, size_t nMin, size_t nMax){
  size_t n = strlen(z), i;
  if( n<nMin || n>nMax ) return 0;
  for(i=0; i<n; i++) if( !isdigit((unsigned char)z[i]) ) return 0;
  return 1;
}

/* Count UTF-8 code points. */
static size_t utf8Len(const char *z){
  size_t n = 0;
  for(; *z; z++) if( ((unsigned char)*z & 0xC0)!=0x80 ) n++;
  return n;
}

#define FAIL(COL, MSG) do{ *pzMsg = (char *)(MSG); return (COL); }while(0)
#define FAILF(COL, ...) do{ *pzMsg = xsprintf(__VA_ARGS__); *pbFree = 1; return (COL); }while(0)

int office_parse(sqlite3 *db, const char *const *azF, Office *pO,
                 char **pzMsg, int *pbFree){
  int i;
  char *z;
  memset(pO, 0, sizeof *pO);
  *pbFree = 0;
  for(i=0; i<OFFICE_NCOLUMN; i++){
    char *zN = text_normalize_dup(azF[i] ? azF[i] : "");
    if( zN==0 ) FAILF(i, "%s: broken UTF-8", azOfficeColumn[i]);
    *officeField(pO, i) = zN;
  }
  /* code */
  z = pO->zCode;
  if( z[0]==0 ) FAIL(OF_CODE, "code: required");
  if( strlen(z)>32 ) FAIL(OF_CODE, "code: at most 32 characters");
  for(i=0; z[i]; i++){
    if( !isalnum((unsigned char)z[i]) && z[i]!='-' && z[i]!='_' ){
      FAILF(OF_CODE, "code: \"%s\": only letters A-Z, digits, '-' and '_'", z);
    }
  }
  /* type */
  if( pO->zType[0]==0 ) FAIL(OF_TYPE, "type: required (urban or rural_ict)");
  if( strcmp(pO->zType, "urban")!=0 && strcmp(pO->zType, "rural_ict")!=0 ){
    FAILF(OF_TYPE, "type: \"%s\": must be urban or rural_ict", pO->zType);
  }
  /* name */
  if( pO->zName[0]==0 ) FAIL(OF_NAME, "name: required");
  if( utf8Len(pO->zName)>200 ) FAIL(OF_NAME, "name: at most 200 characters");
  /* province */
  if( pO->zProvince[0]==0 ) FAIL(OF_PROVINCE, "province: required");
  z = geo_province_code(db, pO->zProvince);
  if( z==0 ) FAILF(OF_PROVINCE, "province: unknown province \"%s\" (see data/regions.csv)", pO->zProvince);
  free(pO->zProvince);
  pO->zProvince = z;
  /* city */
  if( pO->zCity[0]==0 ) FAIL(OF_CITY, "city: required");
  if( utf8Len(pO->zCity)>100 ) FAIL(OF_CITY, "city: at most 100 characters");
  if( utf8Len(pO->zAddress)>500 ) FAIL(OF_ADDRESS, "address: at most 500 characters");
  if( pO->zPostalCode[0] && !isDigits(pO->zPostalCode, 10, 10) ){
    FAILF(OF_POSTAL, "postal_code: \"%s\": must be 10 digits", pO->zPostalCode);
  }
  if( pO->zPhone[0] && !isDigits(pO->zPhone, 8, 11) ){
    FAILF(OF_PHONE, "phone: \"%s\": must be 8 to 11 digits", pO->zPhone);
  }
  if( utf8Len(pO->zLicenceNo)>40 ) FAIL(OF_LICENCE_NO, "licence_no: at most 40 characters");
  /* licence_date: Jalali in, ISO stored */
  if( pO->zLicenceDate[0] ){
    char *zIso = jalali_to_iso(pO->zLicenceDate);
    if( zIso==0 ) FAILF(OF_LICENCE_DATE, "licence_date: \"%s\": not a Jalali date like 1395/04/12", pO->zLicenceDate);
    free(pO->zLicenceDate);
    pO->zLicenceDate = zIso;
  }else{
    free(pO->zLicenceDate);
    pO->zLicenceDate = 0;
  }
  if( utf8Len(pO->zHolderName)>120 ) FAIL(OF_HOLDER_NAME, "holder_name: at most 120 characters");
  if( pO->zHolderNid[0] && !natid_valid(pO->zHolderNid) ){
    FAILF(OF_HOLDER_NID, "holder_national_id: \"%s\": not a valid national ID (checksum)", pO->zHolderNid);
  }
  /* status */
  if( pO->zStatus[0]==0 ){
    free(pO->zStatus);
    pO->zStatus = xstrdup("active");
  }else if( strcmp(pO->zStatus, "active")!=0 && strcmp(pO->zStatus, "suspended")!=0
         && strcmp(pO->zStatus, "revoked")!=0 ){
    FAILF(OF_STATUS, "status: \"%s\": must be active, suspended or revoked", pO->zStatus);
  }
  pO->zStatusReason = xstrdup("");
  return -1;
}

/* The office as a JSON object (for audit before/after). Caller frees. */
static char *officeJson(const Office *pO){
  json_t *p = json_object();
  char *z;
  int i;
  for(i=0; i<OFFICE_NCOLUMN; i++){
    const char *zV = *officeField((Office *)pO, i);
    json_object_set_new(p, azOfficeColumn[i], zV ? json_string(zV) : json_null());
  }
  z = json_dumps(p, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(p);
  return z;
}

static int strEq(const char *a, const char *b){
  return strcmp(a ? a : "", b ? b : "")==0 && ((a==0)==(b==0) || (a && b));
}

int office_save(sqlite3 *db, const Actor *pActor, const Office *pO){
  Office old;
  int bOld = office_load(db, pO->zCode, &old)==0;
  int i, bSame = bOld, rc;
  sqlite3_stmt *p;
  char zNow[21];
  char *zBefore = 0, *zAfter;
  if( bOld ){
    for(i=0; i<OFFICE_NCOLUMN && bSame; i++){
      bSame = strEq(*officeField(&old, i), *officeField((Office *)pO, i));
    }
    if( bSame ){ office_clear(&old); return 0; }
    zBefore = officeJson(&old);
    office_clear(&old);
  }
  audit_now(zNow);
  p = db_stmt(db,
    "INSERT INTO office(code,type,name,province_code,city,address,postal_code,"
    "phone,licence_no,licence_date,holder_name,holder_national_id,status,"
    "status_reason,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"
    " ON CONFLICT(code) DO UPDATE SET type=excluded.type, name=excluded.name,"
    " province_code=excluded.province_code, city=excluded.city,"
    " address=excluded.address, postal_code=excluded.postal_code,"
    " phone=excluded.phone, licence_no=excluded.licence_no,"
    " licence_date=excluded.licence_date, holder_name=excluded.holder_name,"
    " holder_national_id=excluded.holder_national_id, status=excluded.status,"
    " status_reason=excluded.status_reason, updated_at=excluded.updated_at");
  for(i=0; i<OFFICE_NCOLUMN; i++){
    const char *zV = *officeField((Office *)pO, i);
    if( zV ) sqlite3_bind_text(p, i+1, zV, -1, SQLITE_STATIC);
  }
  sqlite3_bind_text(p, 14, pO->zStatusReason ? pO->zStatusReason : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 15, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(p);
  db_release(p);
  if( rc!=SQLITE_DONE ){ free(zBefore); return -1; }
  zAfter = officeJson(pO);
  rc = audit_log(db, pActor, bOld ? "office.update" : "office.create",
                 pO->zCode, pO->zCode, zBefore, zAfter);
  free(zBefore);
  free(zAfter);
  if( rc!=SQLITE_OK ) return -1;
  return bOld ? 2 : 1;
}

/* A small hash set of codes seen in a file, with the line of each. */
typedef struct SeenSet { char **az; long *aLine; size_t n, nSlot; } SeenSet;

static size_t strHash(const char *z){
  size_t h = 5381;
  while( *z ) h = h*33 + (unsigned char)*z++;
  return h;
}

/* Insert zCode seen on iLine; returns the earlier line if already there. */
static long seenAdd(SeenSet *p, const char *zCode, long iLine){
  size_t i;
  if( 2*(p->n+1) > p->nSlot ){
    SeenSet q = {0};
    size_t k;
    q.nSlot = p->nSlot ? p->nSlot*2 : 1024;
    q.az = xcalloc(q.nSlot, sizeof(char *));
    q.aLine = xcalloc(q.nSlot, sizeof(long));
    for(k=0; k<p->nSlot; k++){
      if( p->az[k] ){
        i = strHash(p->az[k]) & (q.nSlot-1);
        while( q.az[i] ) i = (i+1) & (q.nSlot-1);
        q.az[i] = p->az[k];
        q.aLine[i] = p->aLine[k];
      }
    }
    q.n = p->n;
    free(p->az);
    free(p->aLine);
    *p = q;
  }
  i = strHash(zCode) & (p->nSlot-1);
  while( p->az[i] ){
    if( strcmp(p->az[i], zCode)==0 ) return p->aLine[i];
    i = (i+1) & (p->nSlot-1);
  }
  p->az[i] = xstrdup(zCode);
  p->aLine[i] = iLine;
  p->n++;
  return 0;
}

static void seenFree(SeenSet *p){
  size_t i;
  for(i=0; i<p->nSlot; i++) free(p->az[i]);
  free(p->az);
  free(p->aLine);
}

int office_import(sqlite3 *db, const Actor *pActor, FILE *pIn, FILE *pErr,
                  ImportStats *pStats){
  CsvReader *pCsv = csv_open(pIn);
  int aMap[OFFICE_NCOLUMN];   /* column of the file for each field */
  int nCol, i, j, rc;
  int rcOut = 0;
  SeenSet seen = {0};
  memset(pStats, 0, sizeof *pStats);

  rc = csv_next(pCsv);
  if( rc!=1 ){
    fprintf(pErr, "1:1: %s\n", rc<0 ? csv_error(pCsv) : "empty file: expected a header row");
    csv_close(pCsv);
    pStats->nBad = 1;
    return 1;
  }
  nCol = csv_nfield(pCsv);
  for(i=0; i<OFFICE_NCOLUMN; i++) aMap[i] = -1;
  for(j=0; j<nCol; j++){
    char *zH = text_normalize_dup(csv_field(pCsv, j));
    for(i=0; zH && i<OFFICE_NCOLUMN; i++){
      if( strcmp(zH, azOfficeColumn[i])==0 ) break;
    }
    if( zH==0 || i==OFFICE_NCOLUMN ){
      fprintf(pErr, "1:%d: unknown column \"%s\" (expected: code,type,name,province,city,"
                    "address,postal_code,phone,licence_no,licence_date,holder_name,"
                    "holder_national_id,status)\n", j+1, zH ? zH : "?");
      rcOut = 1;
    }else if( aMap[i]>=0 ){
      fprintf(pErr, "1:%d: column \"%s\" appears twice\n", j+1, zH);
      rcOut = 1;
    }else{
      aMap[i] = j;
    }
    free(zH);
  }
  for(i=0; i<OFFICE_NCOLUMN; i++){
    if( aMap[i]<0 && i<=OF_CITY ){
      fprintf(pErr, "1:%d: missing required column \"%s\"\n", nCol+1, azOfficeColumn[i]);
      rcOut = 1;
    }
  }
  if( rcOut ){
    csv_close(pCsv);
    pStats->nBad = 1;
    return 1;
  }

  if( db_begin(db)!=SQLITE_OK ){
    fprintf(pErr, "store: %s\n", sqlite3_errmsg(db));
    csv_close(pCsv);
    return 2;
  }
  while( (rc = csv_next(pCsv))!=0 ){
    const char *azF[OFFICE_NCOLUMN];
    Office o;
    char *zMsg = 0;
    int bFree = 0, iBad;
    long iPrev;
    long iLine = csv_line(pCsv);
    pStats->nRead++;
    if( rc<0 ){
      fprintf(pErr, "%ld:%d: %s\n", iLine, csv_error_column(pCsv), csv_error(pCsv));
      pStats->nBad++;
      continue;
    }
    if( csv_nfield(pCsv)!=nCol ){
      fprintf(pErr, "%ld:%d: expected %d columns, found %d\n", iLine,
              csv_nfield(pCsv)<nCol ? csv_nfield(pCsv)+1 : nCol+1, nCol, csv_nfield(pCsv));
      pStats->nBad++;
      continue;
    }
    for(i=0; i<OFFICE_NCOLUMN; i++){
      azF[i] = aMap[i]>=0 ? csv_field(pCsv, aMap[i]) : "";
    }
    iBad = office_parse(db, azF, &o, &zMsg, &bFree);
    if( iBad>=0 ){
      fprintf(pErr, "%ld:%d: %s\n", iLine, aMap[iBad]+1, zMsg);
      if( bFree ) free(zMsg);
      office_clear(&o);
      pStats->nBad++;
      continue;
    }
    iPrev = seenAdd(&seen, o.zCode, iLine);
    if( iPrev ){
      fprintf(pErr, "%ld:%d: code: duplicate code \"%s\" (first on line %ld)\n",
              iLine, aMap[OF_CODE]+1, o.zCode, iPrev);
      office_clear(&o);
      pStats->nBad++;
      continue;
    }
    if( pStats->nBad==0 ){
      int r = office_save(db, pActor, &o);
      if( r<0 ){
        fprintf(pErr, "%ld: store: %s\n", iLine, sqlite3_errmsg(db));
        office_clear(&o);
        rcOut = 2;
        break;
      }
      if( r==1 ) pStats->nNew++;
      else if( r==2 ) pStats->nChanged++;
      else pStats->nSame++;
    }
    office_clear(&o);
  }
  seenFree(&seen);
  csv_close(pCsv);
  if( rcOut==0 && pStats->nBad ) rcOut = 1;
  if( rcOut ){
    db_rollback(db);
    pStats->nNew = pStats->nChanged = pStats->nSame = 0;
    return rcOut;
  }
  if( db_commit(db)!=SQLITE_OK ){
    fprintf(pErr, "store: %s\n", sqlite3_errmsg(db));
    db_rollback(db);
    return 2;
  }
  return 0;
}

int office_export(sqlite3 *db, FILE *pOut){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT o.code,o.type,o.name,p.name_fa,o.city,o.address,o.postal_code,o.phone,"
    "o.licence_no,o.licence_date,o.holder_name,o.holder_national_id,o.status"
    " FROM office o JOIN province p ON p.code=o.province_code ORDER BY o.code");
  int i;
  for(i=0; i<OFFICE_NCOLUMN; i++){
    if( i ) fputc(',', pOut);
    fputs(azOfficeColumn[i], pOut);
  }
  fputc('\n', pOut);
  while( sqlite3_step(p)==SQLITE_ROW ){
    for(i=0; i<OFFICE_NCOLUMN; i++){
      if( i ) fputc(',', pOut);
      if( i==OF_LICENCE_DATE ){
        Date g, j;
        if( iso_parse(db_col_text(p, i), &g)==0 && jalali_from_gregorian(g, &j)==0 ){
          fprintf(pOut, "%04d/%02d/%02d", j.y, j.m, j.d);
        }
      }else{
        csv_write_field(pOut, db_col_text(p, i));
      }
    }
    fputc('\n', pOut);
  }
  db_finalize(p);
  return ferror(pOut) ? -1 : 0;
}

int office_search(sqlite3 *db, const OfficeQuery *pQ, OfficeHit **paHit, int *pnHit){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT o.code,o.name,o.type,o.province_code,p.name_fa,o.city,o.status,"
    " count(*) OVER ()"
    " FROM office o JOIN province p ON p.code=o.province_code"
    " WHERE (?1 IS NULL OR o.code LIKE ?1||'%' OR instr(o.name,?1)>0"
    "        OR instr(o.city,?1)>0)"
    "   AND (?2 IS NULL OR o.province_code=?2)"
    "   AND (?3 IS NULL OR o.type=?3)"
    " ORDER BY o.name COLLATE fa, o.code LIMIT ?4 OFFSET ?5");
  int nAlloc = pQ->nPerPage>0 ? pQ->nPerPage : 20;
  int iPage = pQ->iPage>0 ? pQ->iPage : 1;
  int nTotal = 0, n = 0;
  OfficeHit *a = xcalloc((size_t)nAlloc, sizeof(OfficeHit));
  if( pQ->zQ && pQ->zQ[0] ) sqlite3_bind_text(p, 1, pQ->zQ, -1, SQLITE_STATIC);
  if( pQ->zProvince && pQ->zProvince[0] ) sqlite3_bind_text(p, 2, pQ->zProvince, -1, SQLITE_STATIC);
  if( pQ->zType && pQ->zType[0] ) sqlite3_bind_text(p, 3, pQ->zType, -1, SQLITE_STATIC);
  sqlite3_bind_int(p, 4, nAlloc);
  sqlite3_bind_int64(p, 5, (long long)(iPage-1) * nAlloc);
  while( sqlite3_step(p)==SQLITE_ROW && n<nAlloc ){
    a[n].zCode = xstrdup(db_col_text(p, 0));
    a[n].zName = xstrdup(db_col_text(p, 1));
    a[n].zType = xstrdup(db_col_text(p, 2));
    a[n].zProvince = xstrdup(db_col_text(p, 3));
    a[n].zProvinceFa = xstrdup(db_col_text(p, 4));
    a[n].zCity = xstrdup(db_col_text(p, 5));
    a[n].zStatus = xstrdup(db_col_text(p, 6));
    nTotal = sqlite3_column_int(p, 7);
    n++;
  }
  db_finalize(p);
  if( n==0 && iPage>1 ){
    /* Past the last page: still report the total. */
    OfficeQuery q = *pQ;
    OfficeHit *aTmp;
    int nTmp;
    q.iPage = 1;
    q.nPerPage = 1;
    nTotal = office_search(db, &q, &aTmp, &nTmp);
    office_hits_free(aTmp, nTmp);
  }
  *paHit = a;
  *pnHit = n;
  return nTotal;
}

void office_hits_free(OfficeHit *a, int n){
  int i;
  for(i=0; i<n; i++){
    free(a[i].zCode); free(a[i].zName); free(a[i].zType); free(a[i].zProvince);
    free(a[i].zProvinceFa); free(a[i].zCity); free(a[i].zStatus);
  }
  free(a);
}
