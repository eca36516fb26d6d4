/*
** allocate.c — `pishkhan allocate`, `pishkhan agency` and `pishkhan service`:
** distributing services by rank, and the catalogue behind it
** (docs/allocation.md).
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/mem.h"
#include "base/text.h"
#include "cli/cli.h"
#include "domain/agency.h"
#include "store/db.h"

/* Print the grants added and removed between two stored versions. */
static void printDiff(sqlite3 *db, const Allocation *pFrom, const Allocation *pTo, FILE *pOut){
  AllocChange *aC;
  int n = allocation_diff(db, pFrom->id, pTo->id, &aC), i, nAdd = 0;
  for(i=0; i<n; i++) nAdd += aC[i].bAdded;
  fprintf(pOut, "diff from version %d to %d: %d added, %d removed\n",
          pFrom->version, pTo->version, nAdd, n - nAdd);
  for(i=0; i<n; i++){
    if( aC[i].bAdded ){
      fprintf(pOut, "+ %s %s (%s)\n", aC[i].zOffice, aC[i].zService, aC[i].zReason);
    }else{
      fprintf(pOut, "- %s %s\n", aC[i].zOffice, aC[i].zService);
    }
  }
  alloc_changes_free(aC, n);
}

/* Print version pA in zFormat ("text", "csv", "json"). */
static void printAllocation(sqlite3 *db, const Allocation *pA, const char *zFormat, FILE *pOut){
  if( strcmp(zFormat, "csv")==0 ){
    Buf b = {0};
    allocation_csv(db, pA->id, 0, &b);
    fputs(buf_str(&b), pOut);
    buf_free(&b);
  }else if( strcmp(zFormat, "json")==0 ){
    json_t *pJ = allocation_json(db, pA, 0);
    json_dumpf(pJ, pOut, JSON_INDENT(1));
    fputc('\n', pOut);
    json_decref(pJ);
  }else{
    Allocation prev;
    fprintf(pOut, "allocation %s version %d: result set %lld, %d offices, %d grants, "
                  "%d uncovered (service, locality) pairs, caps %.2f/%.2f/%.2f\n"
                  "inputs %s, made %s by %s\n",
            pA->zPeriod, pA->version, pA->iResultSet, pA->nOffice, pA->nGrant, pA->nGap,
            pA->aCap[0], pA->aCap[1], pA->aCap[2], pA->zHash, pA->zCreatedAt, pA->zCreatedBy);
    if( pA->version>1 && allocation_find(db, pA->zPeriod, pA->version-1, &prev)==0 ){
      printDiff(db, &prev, pA, pOut);
    }
  }
}

static const char *zAllocUsage =
  "usage: pishkhan allocate --period P [--format text|csv|json] [--dry-run]\n"
  "       pishkhan allocate --period P --show [--version N] [--format text|csv|json]\n"
  "       pishkhan allocate --period P --coverage [--agency A] [--version N]\n";

int cmd_allocate(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zFormat = cli_option(&argc, argv, "format", 1);
  const char *zVersion = cli_option(&argc, argv, "version", 1);
  const char *zAgency = cli_option(&argc, argv, "agency", 1);
  int bShow = cli_option(&argc, argv, "show", 0)!=0;
  int bCoverage = cli_option(&argc, argv, "coverage", 0)!=0;
  int bDry = cli_option(&argc, argv, "dry-run", 0)!=0;
  long long iVersion = 0;
  sqlite3 *db;
  Allocation a;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=1 || zPeriod==0 ){ fputs(zAllocUsage, stderr); return 2; }
  if( zFormat==0 ) zFormat = "text";
  if( strcmp(zFormat, "text")!=0 && strcmp(zFormat, "csv")!=0 && strcmp(zFormat, "json")!=0 ){
    fprintf(stderr, "pishkhan allocate: --format %s: must be text, csv or json\n", zFormat);
    return 2;
  }
  if( zVersion && (text_parse_int(zVersion, &iVersion) || iVersion<1 || iVersion>1000000) ){
    fprintf(stderr, "pishkhan allocate: --version %s: must be a whole number >= 1\n", zVersion);
    return 2;
  }
  if( (zVersion || zAgency) && !bShow && !bCoverage ){
    fprintf(stderr, "pishkhan allocate: --version and --agency go with --show or --coverage\n");
    return 2;
  }
  db = cli_open(zData, "allocate");
  if( db==0 ) return 1;
  if( bShow || bCoverage ){
    if( allocation_find(db, zPeriod, (int)iVersion, &a) ){
      fprintf(stderr, "pishkhan allocate: period %s has no allocation%s\n", zPeriod,
              iVersion ? " of that version" : "");
      rc = 1;
    }else if( bCoverage ){
      Buf b = {0};
      coverage_csv(db, a.id, zAgency, &b);
      fputs(buf_str(&b), stdout);
      buf_free(&b);
    }else{
      printAllocation(db, &a, zFormat, stdout);
    }
  }else{
    AllocOutcome o;
    char *zErr = 0;
    Actor act;
    cli_actor(&act);
    if( allocation_run(db, &act, zPeriod, bDry, &o, &zErr) ){
      fprintf(stderr, "pishkhan allocate: %s\n", zErr);
      free(zErr);
      rc = 1;
    }else{
      /* The summary goes to stderr when stdout carries data. */
      FILE *pSum = strcmp(zFormat, "text")==0 ? stdout : stderr;
      if( bDry ){
        fprintf(pSum, "allocation %s: dry run, would be version %d: %d grants, "
                      "%d added and %d removed against version %d; nothing stored\n",
                zPeriod, o.a.version, o.a.nGrant, o.nAdded, o.nRemoved, o.iPrevVersion);
      }else if( !o.bNew ){
        fprintf(pSum, "allocation %s: inputs unchanged, version %d stands\n", zPeriod, o.a.version);
        if( pSum!=stdout ) printAllocation(db, &o.a, zFormat, stdout);
      }else{
        fprintf(pSum, "allocation %s: version %d stored (%d added, %d removed)\n",
                zPeriod, o.a.version, o.nAdded, o.nRemoved);
        printAllocation(db, &o.a, zFormat, stdout);
      }
    }
  }
  db_close(db);
  return rc;
}

/* ---- agencies ---------------------------------------------------------- */

int cmd_agency(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  sqlite3 *db;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc==4 && strcmp(argv[1], "add")==0 ){
    char *zErr = 0;
    Actor act;
    int r;
    db = cli_open(zData, "agency");
    if( db==0 ) return 1;
    cli_actor(&act);
    r = agency_save(db, &act, argv[2], argv[3], &zErr, 0);
    if( r<0 ){
      fprintf(stderr, "pishkhan agency add: %s\n", zErr);
      free(zErr);
      rc = 1;
    }else{
      printf("agency %s: %s\n", argv[2], r==1 ? "created" : r==2 ? "renamed" : "unchanged");
    }
  }else if( argc==2 && strcmp(argv[1], "list")==0 ){
    Agency *aA;
    int n, i;
    db = cli_open(zData, "agency");
    if( db==0 ) return 1;
    n = agency_list(db, &aA);
    for(i=0; i<n; i++) printf("%s\t%d\t%s\n", aA[i].zCode, aA[i].nService, aA[i].zName);
    agency_list_free(aA, n);
  }else{
    fprintf(stderr, "usage: pishkhan agency add CODE NAME | pishkhan agency list\n");
    return 2;
  }
  db_close(db);
  return rc;
}

/* ---- services ---------------------------------------------------------- */

static const char *zServiceUsage =
  "usage: pishkhan service add CODE --agency A --name NAME [--channel urban|rural_ict|both]\n"
  "            [--min-rank 1|2|3] [--facility civil_booth] [--provinces LIST | --localities LIST]\n"
  "            [--inactive]       create, or replace every field of, a service\n"
  "       pishkhan service list [--agency A]\n"
  "       pishkhan service prefs OFFICE [SERVICE...] [--clear]   show or set an office's preferences\n"
  "       pishkhan service facility OFFICE FACILITY [--remove]\n"
  "LIST: comma-separated provinces (code or name), or PROVINCE/CITY localities\n";

int cmd_service(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zAgency = cli_option(&argc, argv, "agency", 1);
  const char *zName = cli_option(&argc, argv, "name", 1);
  const char *zChannel = cli_option(&argc, argv, "channel", 1);
  const char *zMinRank = cli_option(&argc, argv, "min-rank", 1);
  const char *zFacility = cli_option(&argc, argv, "facility", 1);
  const char *zProvinces = cli_option(&argc, argv, "provinces", 1);
  const char *zLocalities = cli_option(&argc, argv, "localities", 1);
  int bInactive = cli_option(&argc, argv, "inactive", 0)!=0;
  int bClear = cli_option(&argc, argv, "clear", 0)!=0;
  int bRemove = cli_option(&argc, argv, "remove", 0)!=0;
  const char *zSub = argc>1 ? argv[1] : "";
  sqlite3 *db;
  Actor act;
  char *zErr = 0;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  cli_actor(&act);
  if( strcmp(zSub, "add")==0 && argc==3 ){
    ServiceIn in;
    long long v = 0;
    int r;
    if( zMinRank && (text_parse_int(zMinRank, &v) || v<1 || v>3) ){
      fprintf(stderr, "pishkhan service add: --min-rank %s: must be 1, 2 or 3\n", zMinRank);
      return 2;
    }
    if( zProvinces && zLocalities ){
      fprintf(stderr, "pishkhan service add: give --provinces or --localities, not both\n");
      return 2;
    }
    memset(&in, 0, sizeof in);
    in.zCode = argv[2];
    in.zAgency = zAgency;
    in.zName = zName;
    in.zChannel = zChannel;
    in.minRank = (int)v;
    in.zFacility = zFacility;
    in.zArea = zProvinces ? "provinces" : zLocalities ? "localities" : "all";
    in.zAreas = zProvinces ? zProvinces : zLocalities;
    in.bActive = !bInactive;
    db = cli_open(zData, "service");
    if( db==0 ) return 1;
    r = service_save(db, &act, &in, &zErr, 0);
    if( r<0 ){
      fprintf(stderr, "pishkhan service add: %s\n", zErr);
      rc = 1;
    }else{
      printf("service %s: %s\n", argv[2], r==1 ? "created" : r==2 ? "updated" : "unchanged");
    }
  }else if( strcmp(zSub, "list")==0 && argc==2 ){
    Service *aS;
    int n, i;
    db = cli_open(zData, "service");
    if( db==0 ) return 1;
    n = service_list(db, zAgency, &aS);
    printf("code,agency,name,channel,min_rank,facility,area,areas,active\n");
    for(i=0; i<n; i++){
      printf("%s,%s,", aS[i].zCode, aS[i].zAgency);
      csv_write_field(stdout, aS[i].zName);
      printf(",%s,", aS[i].zChannel);
      if( aS[i].minRank ) printf("%d", aS[i].minRank);
      printf(",%s,%s,", aS[i].zFacility, aS[i].zArea);
      csv_write_field(stdout, aS[i].zAreas);
      printf(",%d\n", aS[i].bActive);
    }
    service_list_free(aS, n);
  }else if( strcmp(zSub, "prefs")==0 && argc>=3 ){
    db = cli_open(zData, "service");
    if( db==0 ) return 1;
    if( argc>3 || bClear ){
      if( pref_set(db, &act, argv[2], (const char *const *)&argv[3], argc-3, &zErr, 0) ){
        fprintf(stderr, "pishkhan service prefs: %s\n", zErr);
        rc = 1;
      }
    }
    if( rc==0 ){
      char **az;
      int n = pref_list(db, argv[2], &az), i;
      for(i=0; i<n; i++) printf("%d\t%s\n", i+1, az[i]);
      pref_free(az, n);
    }
  }else if( strcmp(zSub, "facility")==0 && argc==4 ){
    db = cli_open(zData, "service");
    if( db==0 ) return 1;
    if( facility_set(db, &act, argv[2], argv[3], !bRemove, &zErr) ){
      fprintf(stderr, "pishkhan service facility: %s\n", zErr);
      rc = 1;
    }
  }else{
    fputs(zServiceUsage, stderr);
    return 2;
  }
  free(zErr);
  db_close(db);
  return rc;
}
