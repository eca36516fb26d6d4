/*
** review.c — `pishkhan review status|finalise` (docs/review.md): the
** review counts of a period by region, and HQ's finalisation of a region
** from the command line (audited as cli:$USER).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/period.h"
#include "domain/review.h"
#include "store/db.h"

static int reviewUsage(void){
  fprintf(stderr,
    "usage: pishkhan review status --period P [--region R]\n"
    "       pishkhan review finalise --period P --region R\n"
    "status prints, per region, the participating declarations by state;\n"
    "finalise needs every participating declaration of the region confirmed.\n");
  return 2;
}

int cmd_review(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zRegion = cli_option(&argc, argv, "region", 1);
  sqlite3 *db;
  Period p;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=2 || zPeriod==0 ) return reviewUsage();
  if( strcmp(argv[1], "status")!=0 && strcmp(argv[1], "finalise")!=0 ) return reviewUsage();
  if( strcmp(argv[1], "finalise")==0 && zRegion==0 ) return reviewUsage();
  db = cli_open(zData, "review");
  if( db==0 ) return 1;
  if( period_load(db, zPeriod, &p) ){
    fprintf(stderr, "pishkhan review: no period %s\n", zPeriod);
    db_close(db);
    return 1;
  }
  if( strcmp(argv[1], "finalise")==0 ){
    Actor a;
    DeclErr e;
    char zNow[21];
    int n = 0;
    cli_actor(&a);
    memset(&e, 0, sizeof e);
    period_now(zNow);
    if( review_finalise_region(db, &a, &p, zRegion, zNow, &n, &e) ){
      fprintf(stderr, "pishkhan review: %s\n", e.zEn);
      rc = 1;
    }else{
      printf("%s: region %s: %d declarations finalised\n", p.zCode, zRegion, n);
    }
  }else{
    sqlite3_stmt *q = db_prepare(db, "SELECT code FROM region WHERE ?1 IS NULL OR code=?1 ORDER BY code");
    int i;
    if( zRegion ) sqlite3_bind_text(q, 1, zRegion, -1, SQLITE_STATIC);
    printf("region");
    for(i=DS_SUBMITTED; i<DS_COUNT; i++) printf("\t%s", decl_state_code((DeclState)i));
    printf("\n");
    while( sqlite3_step(q)==SQLITE_ROW ){
      ReviewQuery rq;
      int a[DS_COUNT];
      memset(&rq, 0, sizeof rq);
      rq.zRegion = (const char *)sqlite3_column_text(q, 0);
      review_counts(db, &p, &rq, a);
      printf("%s", rq.zRegion);
      for(i=DS_SUBMITTED; i<DS_COUNT; i++) printf("\t%d", a[i]);
      printf("\n");
    }
    db_finalize(q);
  }
  db_close(db);
  return rc;
}
