/*
** rank.c — `pishkhan rank --period P [--publish | --verify]`.
**
**   rank --period P             score and rank P, store a draft result set
**                               (a reviewing period becomes ranked)
**   rank --period P --publish   publish the latest draft of P (a ranked
**                               period becomes published)
**   rank --period P --verify    recompute the latest published set of P from
**                               its stored inputs: MATCH (exit 0) or the first
**                               office that differs (exit 1)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/period.h"
#include "domain/result.h"
#include "store/db.h"

/* The summary line of a set. */
static void printSet(const char *zWhat, const ResultSetInfo *p){
  printf("%s %d: inputs %s, %d offices, rank1 %d, rank2 %d, rank3 %d, unranked %d\n",
         zWhat, p->iVersion, p->zHash, p->nOffices, p->nRank1, p->nRank2, p->nRank3,
         p->nUnranked);
}

int cmd_rank(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  int bPublish = cli_option(&argc, argv, "publish", 0)!=0;
  int bVerify = cli_option(&argc, argv, "verify", 0)!=0;
  sqlite3 *db;
  ResultSetInfo info;
  char *zErr = 0;
  Actor a;
  int rc;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=1 || zPeriod==0 || zPeriod[0]==0 || (bPublish && bVerify) ){
    fprintf(stderr, "usage: pishkhan rank --period P [--publish | --verify]\n");
    return 2;
  }
  db = cli_open(zData, "rank");
  if( db==0 ) return 1;
  cli_actor(&a);
  if( bVerify ){
    rc = result_verify(db, zPeriod, &zErr);
    if( rc==0 ){
      printf("MATCH\n");
      fprintf(stderr, "rank --verify: %s\n", zErr ? zErr : "");
    }else if( rc==1 ){
      printf("DIFFERS: %s\n", zErr ? zErr : "?");
    }else{
      fprintf(stderr, "pishkhan rank --verify: %s\n", zErr ? zErr : "error");
    }
    free(zErr);
    db_close(db);
    return rc==0 ? 0 : 1;
  }
  if( bPublish ){
    rc = result_publish(db, &a, zPeriod, &info, &zErr);
    if( rc==0 ) printSet("published result set", &info);
  }else{
    rc = result_rank(db, &a, zPeriod, &info, &zErr);
    if( rc==0 ) printSet("result set", &info);
  }
  if( rc==0 ){
    /* the period's state follows its results (docs/ranking.md) */
    Period per;
    if( period_load(db, zPeriod, &per)==0 ){
      printf("period %s: %s\n", per.zCode, period_state_code(per.state));
    }
  }
  if( rc ) fprintf(stderr, "pishkhan rank: %s\n", zErr ? zErr : "error");
  free(zErr);
  db_close(db);
  return rc ? 1 : 0;
}
