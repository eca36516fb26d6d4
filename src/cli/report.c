/*
** report.c — `pishkhan report`: the statistics of a period as text, CSV,
** JSON or XLSX (docs/statistics.md).
**
**   pishkhan report --period P [--format text|csv|json|xlsx]
**                   [--by region|province] [--out FILE]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "domain/stats.h"
#include "store/db.h"

/* Copy the file zPath to stdout. Returns 0 or -1. */
static int catFile(const char *zPath){
  FILE *pIn = fopen(zPath, "rb");
  char a[65536];
  size_t n;
  if( pIn==0 ) return -1;
  while( (n = fread(a, 1, sizeof a, pIn))>0 ){
    if( fwrite(a, 1, n, stdout)!=n ){ fclose(pIn); return -1; }
  }
  fclose(pIn);
  return fflush(stdout)==0 ? 0 : -1;
}

/* Write z[0..n) to zOut, or stdout when NULL. Returns 0 or -1. */
static int writeOut(const char *zOut, const char *z, size_t n){
  FILE *p = zOut ? fopen(zOut, "wb") : stdout;
  int rc = 0;
  if( p==0 ) return -1;
  if( fwrite(z, 1, n, p)!=n ) rc = -1;
  if( zOut ){ if( fclose(p)!=0 ) rc = -1; }
  else if( fflush(p)!=0 ) rc = -1;
  return rc;
}

int cmd_report(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zFormat = cli_option(&argc, argv, "format", 1);
  const char *zBy = cli_option(&argc, argv, "by", 1);
  const char *zOut = cli_option(&argc, argv, "out", 1);
  StatBy eBy = STAT_BY_NONE;
  StatReport rep;
  StatTrend *aTrend = 0;
  int nTrend, rc = 0;
  char *zLatest = 0;
  sqlite3 *db;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc>1 ){
    fprintf(stderr, "pishkhan report: unexpected argument %s\n", argv[1]);
    return 2;
  }
  if( zFormat==0 ) zFormat = "text";
  if( strcmp(zFormat, "text") && strcmp(zFormat, "csv") && strcmp(zFormat, "json")
   && strcmp(zFormat, "xlsx") ){
    fprintf(stderr, "pishkhan report: --format %s: must be text, csv, json or xlsx\n", zFormat);
    return 2;
  }
  if( zBy ){
    if( strcmp(zBy, "region")==0 ) eBy = STAT_BY_REGION;
    else if( strcmp(zBy, "province")==0 ) eBy = STAT_BY_PROVINCE;
    else{
      fprintf(stderr, "pishkhan report: --by %s: must be region or province\n", zBy);
      return 2;
    }
  }
  if( strcmp(zFormat, "xlsx")==0 && zOut==0 && cli_isatty(1) ){
    fprintf(stderr, "pishkhan report: --format xlsx writes a binary file: give --out FILE\n");
    return 2;
  }
  db = cli_open(zData, "report");
  if( db==0 ) return 1;
  if( zPeriod==0 ){
    char **az;
    int n = stats_periods(db, &az);
    if( n==0 ){
      fprintf(stderr, "pishkhan report: no period has a published result set yet; "
                      "name one with --period\n");
      db_close(db);
      return 1;
    }
    zLatest = xstrdup(az[0]);
    zPeriod = zLatest;
    stats_strings_free(az, n);
  }
  rc = stats_load(db, zPeriod, &rep);
  if( rc==STAT_ENOPERIOD ){
    fprintf(stderr, "pishkhan report: --period %s: no such period\n", zPeriod);
    db_close(db);
    free(zLatest);
    return 1;
  }
  if( rc==STAT_ENORESULT ){
    fprintf(stderr, "pishkhan report: period %s has no published result set "
                    "(rank and publish it first)\n", zPeriod);
    db_close(db);
    free(zLatest);
    return 1;
  }
  nTrend = stats_trends(db, &aTrend);
  if( strcmp(zFormat, "xlsx")==0 ){
    char zTmp[] = "/tmp/pishkhan-report-XXXXXX";
    const char *zPath = zOut;
    int fd = -1;
    if( zPath==0 ){
      fd = mkstemp(zTmp);
      if( fd<0 ){ perror("pishkhan report: temporary file"); rc = 1; goto done; }
      close(fd);
      zPath = zTmp;
    }
    if( stats_xlsx(&rep, aTrend, nTrend, zPath) ){
      fprintf(stderr, "pishkhan report: cannot write %s\n", zPath);
      rc = 1;
    }else if( zOut==0 && catFile(zPath) ){
      fprintf(stderr, "pishkhan report: cannot write to stdout\n");
      rc = 1;
    }else{
      rc = 0;
    }
    if( zOut==0 ) unlink(zTmp);
  }else{
    Buf b = {0};
    if( strcmp(zFormat, "text")==0 ){
      stats_text(&b, &rep, eBy, aTrend, nTrend);
    }else if( strcmp(zFormat, "csv")==0 ){
      stats_csv(&b, &rep, eBy);
    }else{
      json_t *pDoc = stats_json(&rep, aTrend, nTrend);
      char *z = json_dumps(pDoc, JSON_COMPACT | JSON_REAL_PRECISION(12));
      buf_puts(&b, z ? z : "{}");
      buf_putc(&b, '\n');
      free(z);
      json_decref(pDoc);
    }
    rc = 0;
    if( writeOut(zOut, buf_str(&b), b.n) ){
      fprintf(stderr, "pishkhan report: cannot write %s\n", zOut ? zOut : "to stdout");
      rc = 1;
    }
    buf_free(&b);
  }
done:
  free(aTrend);
  stats_clear(&rep);
  db_close(db);
  free(zLatest);
  return rc;
}
