/*
** geo.c — load the region map and look provinces up by name.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/geo.h"
#include "store/db.h"

static const char *const azGeoCol[] = {
  "region_code", "region_fa", "region_en", "province_code", "province_fa",
  "province_en", "population", "rural_share"
};
#define GEO_NCOL 8

int geo_load(sqlite3 *db, const Actor *pActor, const char *zFile, FILE *pErr){
  FILE *pIn = fopen(zFile, "rb");
  CsvReader *pCsv;
  sqlite3_stmt *pReg, *pProv;
  int nBad = 0, nProv = 0, nChanged = 0, rc, i;
  if( pIn==0 ){
    fprintf(pErr, "%s: cannot open\n", zFile);
    return -1;
  }
  pCsv = csv_open(pIn);
  rc = csv_next(pCsv);
  for(i=0; rc==1 && i<GEO_NCOL; i++){
    if( i>=csv_nfield(pCsv) || strcmp(csv_field(pCsv, i), azGeoCol[i])!=0 ) break;
  }
  if( rc!=1 || i<GEO_NCOL ){
    fprintf(pErr, "%s:1:%d: header must be %s,...\n", zFile, i+1, azGeoCol[0]);
    csv_close(pCsv);
    fclose(pIn);
    return -1;
  }
  db_begin(db);
  pReg = db_prepare(db,
    "INSERT INTO region(code,name_fa,name_en) VALUES(?1,?2,?3)"
    " ON CONFLICT(code) DO UPDATE SET name_fa=excluded.name_fa, name_en=excluded.name_en"
    " WHERE name_fa IS NOT excluded.name_fa OR name_en IS NOT excluded.name_en");
  pProv = db_prepare(db,
    "INSERT INTO province(code,region_code,name_fa,name_en,population,rural_share)"
    " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(code) DO UPDATE SET"
    " region_code=excluded.region_code, name_fa=excluded.name_fa,"
    " name_en=excluded.name_en, population=excluded.population,"
    " rural_share=excluded.rural_share"
    " WHERE region_code IS NOT excluded.region_code OR name_fa IS NOT excluded.name_fa"
    " OR name_en IS NOT excluded.name_en OR population IS NOT excluded.population"
    " OR rural_share IS NOT excluded.rural_share");
  while( (rc = csv_next(pCsv))!=0 ){
    char *az[GEO_NCOL];
    double rShare = 0;
    long long nPop = 0;
    int bad = 0;
    if( rc<0 ){
      fprintf(pErr, "%s:%ld:%d: %s\n", zFile, csv_line(pCsv), csv_error_column(pCsv), csv_error(pCsv));
      nBad++;
      continue;
    }
    if( csv_nfield(pCsv)!=GEO_NCOL ){
      fprintf(pErr, "%s:%ld:%d: expected %d columns, found %d\n", zFile, csv_line(pCsv),
              csv_nfield(pCsv) < GEO_NCOL ? csv_nfield(pCsv)+1 : GEO_NCOL+1, GEO_NCOL, csv_nfield(pCsv));
      nBad++;
      continue;
    }
    for(i=0; i<GEO_NCOL; i++){
      az[i] = text_normalize_dup(csv_field(pCsv, i));
      if( az[i]==0 || (az[i][0]==0 && i<6) ){
        if( !bad ) fprintf(pErr, "%s:%ld:%d: %s: %s\n", zFile, csv_line(pCsv), i+1, azGeoCol[i],
                           az[i] ? "must not be empty" : "broken UTF-8");
        bad = 1;
      }
    }
    if( !bad && (text_parse_int(az[6], &nPop) || text_parse_double(az[7], &rShare)
                 || rShare<0 || rShare>1) ){
      fprintf(pErr, "%s:%ld:7: population and rural_share must be numbers (0 <= rural_share <= 1)\n",
              zFile, csv_line(pCsv));
      bad = 1;
    }
    if( !bad ){
      sqlite3_bind_text(pReg, 1, az[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pReg, 2, az[1], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pReg, 3, az[2], -1, SQLITE_TRANSIENT);
      sqlite3_step(pReg);
      nChanged += sqlite3_changes(db);
      sqlite3_reset(pReg);
      sqlite3_bind_text(pProv, 1, az[3], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pProv, 2, az[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pProv, 3, az[4], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pProv, 4, az[5], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(pProv, 5, nPop);
      sqlite3_bind_double(pProv, 6, rShare);
      if( sqlite3_step(pProv)!=SQLITE_DONE ){
        fprintf(pErr, "%s:%ld:4: %s\n", zFile, csv_line(pCsv), sqlite3_errmsg(db));
        bad = 1;
      }else{
        nChanged += sqlite3_changes(db);
      }
      sqlite3_reset(pProv);
      nProv++;
    }
    if( bad ) nBad++;
    for(i=0; i<GEO_NCOL; i++) free(az[i]);
  }
  db_finalize(pReg);
  db_finalize(pProv);
  csv_close(pCsv);
  fclose(pIn);
  if( nBad==0 && nChanged>0 ){
    /* one entry for the load: what changed is the file's content */
    const char *zBase = strrchr(zFile, '/');
    json_t *pAfter = json_pack("{ss si si}", "file", zBase ? zBase+1 : zFile,
                               "provinces", nProv, "rows_changed", nChanged);
    char *zAfter = pAfter ? json_dumps(pAfter, JSON_COMPACT|JSON_SORT_KEYS) : 0;
    json_decref(pAfter);
    if( audit_log(db, pActor, "geo.load", "regions", 0, 0, zAfter)!=SQLITE_OK ){
      fprintf(pErr, "%s: %s\n", zFile, sqlite3_errmsg(db));
      nBad++;
    }
    free(zAfter);
  }
  if( nBad ){
    db_rollback(db);
    return -1;
  }
  db_commit(db);
  return nProv;
}

char *geo_province_code(sqlite3 *db, const char *zName){
  sqlite3_stmt *p;
  char *zN = text_normalize_dup(zName);
  char *zCode = 0;
  if( zN==0 || zN[0]==0 ){ free(zN); return 0; }
  /* the common case first: a code or the Persian name as written */
  p = db_stmt(db, "SELECT code FROM province WHERE code=?1 OR name_fa=?1");
  sqlite3_bind_text(p, 1, zN, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ) zCode = xstrdup(db_col_text(p, 0));
  db_release(p);
  if( zCode ){ free(zN); return zCode; }
  p = db_stmt(db,
    "SELECT code FROM province WHERE code=?1 OR name_fa=?1"
    " OR lower(name_en)=lower(?1) OR replace(name_fa,' ','')=replace(?1,' ','')"
    " OR replace(replace(name_fa,'\xe2\x80\x8c',''),' ','')=replace(replace(?1,'\xe2\x80\x8c',''),' ','')");
  sqlite3_bind_text(p, 1, zN, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ) zCode = xstrdup(db_col_text(p, 0));
  db_release(p);
  free(zN);
  return zCode;
}
