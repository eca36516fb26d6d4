/*
** period.c — `pishkhan period create|list|advance|extend|scheme` and
** `pishkhan scheme check FILE` (docs/periods.md, docs/scoring.md).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "domain/period.h"
#include "domain/scheme.h"
#include "store/db.h"

/* Read a whole file (at most 4 MB) into a heap string, or NULL. */
static char *readFile(const char *zPath){
  FILE *pIn = strcmp(zPath, "-")==0 ? stdin : fopen(zPath, "rb");
  Buf b = {0};
  char a[8192];
  size_t n;
  if( pIn==0 ) return 0;
  while( (n = fread(a, 1, sizeof a, pIn))>0 ){
    buf_append(&b, a, n);
    if( b.n>4*1024*1024 ) break;
  }
  if( pIn!=stdin ) fclose(pIn);
  if( b.n>4*1024*1024 ){ buf_free(&b); return 0; }
  if( b.z==0 ) return xstrdup("");
  return buf_take(&b);
}

/* Print a multi-line error with a prefix on each line. */
static void printErr(const char *zCmd, const char *zErr){
  const char *z = zErr;
  while( z && *z ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    fprintf(stderr, "pishkhan %s: %.*s\n", zCmd, (int)n, z);
    z += n + (zEnd ? 1 : 0);
  }
}

static int periodUsage(void){
  fprintf(stderr,
    "usage: pishkhan period create CODE --declare-from JDATE --declare-to JDATE\n"
    "                              --review-to JDATE [--scheme FILE] [--deemed-confirm]\n"
    "       pishkhan period list\n"
    "       pishkhan period advance CODE\n"
    "       pishkhan period scheme CODE FILE      (replace the scheme of a draft period)\n"
    "       pishkhan period extend CODE OFFICE --until JDATE --reason TEXT\n"
    "CODE is like 1399-1; JDATE is a Jalali date like 1399/05/01. Without --scheme\n"
    "the default scheme (data/schemes/default.json) is used.\n");
  return 2;
}

int cmd_period(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zFrom = cli_option(&argc, argv, "declare-from", 1);
  const char *zTo = cli_option(&argc, argv, "declare-to", 1);
  const char *zReview = cli_option(&argc, argv, "review-to", 1);
  const char *zScheme = cli_option(&argc, argv, "scheme", 1);
  const char *zDeemed = cli_option(&argc, argv, "deemed-confirm", 0);
  const char *zUntil = cli_option(&argc, argv, "until", 1);
  const char *zReason = cli_option(&argc, argv, "reason", 1);
  sqlite3 *db;
  Actor a;
  char *zErr = 0;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc<2 ) return periodUsage();
  cli_actor(&a);

  if( strcmp(argv[1], "create")==0 ){
    PeriodNew pn;
    char *zJson;
    if( argc!=3 || !zFrom || !zTo || !zReview ) return periodUsage();
    zJson = zScheme ? readFile(zScheme) : xstrdup(scheme_default_json());
    if( zJson==0 ){
      fprintf(stderr, "pishkhan period: cannot read the scheme %s\n", zScheme);
      return 1;
    }
    db = cli_open(zData, "period");
    if( db==0 ){ free(zJson); return 1; }
    memset(&pn, 0, sizeof pn);
    pn.zCode = argv[2];
    pn.zDeclareFrom = zFrom;
    pn.zDeclareTo = zTo;
    pn.zReviewTo = zReview;
    pn.bDeemedConfirm = zDeemed!=0;
    if( period_create(db, &a, &pn, zJson, &zErr) ){
      printErr("period create", zErr);
      free(zErr);
      rc = 1;
    }else{
      Period p;
      period_load(db, argv[2], &p);
      printf("period %s: draft, declaring %s to %s, review to %s, scheme %s\n",
             p.zCode, p.zDeclareFrom, p.zDeclareTo, p.zReviewTo, p.zSchemeHash);
    }
    free(zJson);
    db_close(db);
    return rc;
  }

  if( strcmp(argv[1], "list")==0 ){
    Period *aP;
    int n, i;
    if( argc!=2 ) return periodUsage();
    db = cli_open(zData, "period");
    if( db==0 ) return 1;
    period_list(db, &aP, &n);
    for(i=0; i<n; i++){
      printf("%s\t%s\t%s\t%s\t%s\t%.12s%s\n", aP[i].zCode, period_state_code(aP[i].state),
             aP[i].zDeclareFrom, aP[i].zDeclareTo, aP[i].zReviewTo, aP[i].zSchemeHash,
             aP[i].zFrozenAt[0] ? " frozen" : "");
    }
    free(aP);
    db_close(db);
    return 0;
  }

  if( strcmp(argv[1], "advance")==0 ){
    PeriodState e;
    if( argc!=3 ) return periodUsage();
    db = cli_open(zData, "period");
    if( db==0 ) return 1;
    if( period_advance(db, &a, argv[2], &e, &zErr) ){
      printErr("period advance", zErr);
      free(zErr);
      rc = 1;
    }else{
      printf("%s\n", period_state_code(e));
    }
    db_close(db);
    return rc;
  }

  if( strcmp(argv[1], "scheme")==0 ){
    char *zJson;
    if( argc!=4 ) return periodUsage();
    zJson = readFile(argv[3]);
    if( zJson==0 ){
      fprintf(stderr, "pishkhan period: cannot read the scheme %s\n", argv[3]);
      return 1;
    }
    db = cli_open(zData, "period");
    if( db==0 ){ free(zJson); return 1; }
    if( period_set_scheme(db, &a, argv[2], zJson, &zErr) ){
      printErr("period scheme", zErr);
      free(zErr);
      rc = 1;
    }else{
      Period p;
      period_load(db, argv[2], &p);
      printf("period %s: scheme %s\n", p.zCode, p.zSchemeHash);
    }
    free(zJson);
    db_close(db);
    return rc;
  }

  if( strcmp(argv[1], "extend")==0 ){
    if( argc!=4 || !zUntil || !zReason ) return periodUsage();
    db = cli_open(zData, "period");
    if( db==0 ) return 1;
    if( period_extend(db, &a, argv[2], argv[3], zUntil, zReason, &zErr) ){
      printErr("period extend", zErr);
      free(zErr);
      rc = 1;
    }else{
      printf("period %s: office %s may declare until the end of %s\n", argv[2], argv[3], zUntil);
    }
    db_close(db);
    return rc;
  }
  return periodUsage();
}

int cmd_scheme(int argc, char **argv){
  Scheme s;
  char *zErr = 0, *zJson;
  int nErr;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=3 || strcmp(argv[1], "check")!=0 ){
    fprintf(stderr, "usage: pishkhan scheme check FILE   (- reads stdin; 'default' checks the built-in one)\n");
    return 2;
  }
  zJson = strcmp(argv[2], "default")==0 ? xstrdup(scheme_default_json()) : readFile(argv[2]);
  if( zJson==0 ){
    fprintf(stderr, "pishkhan scheme: cannot read %s\n", argv[2]);
    return 1;
  }
  nErr = scheme_parse(zJson, strlen(zJson), &s, &zErr);
  free(zJson);
  if( nErr ){
    printErr("scheme", zErr);
    fprintf(stderr, "pishkhan scheme: %d error%s\n", nErr, nErr==1 ? "" : "s");
    free(zErr);
    return 1;
  }
  printf("scheme ok: %d indicators, %d penalties, max score %g, sha256 %s\n",
         s.nInd, s.nPen, s.maxScore, s.zHash);
  scheme_clear(&s);
  return 0;
}
