/*
** rank_bench.c — time the scoring engine (bench/rank.sh runs it).
**
**   rank_bench --demo DIR --period P   the demo nation: load its snapshot from
**                                      the database, then rank it
**   rank_bench --stored DIR ID         the inputs stored with result set ID
**                                      (parsed back from canonical JSON)
**   rank_bench --synthetic N           a synthetic nation of N offices built
**                                      in memory (seeded, deterministic)
**
** Prints one line: "offices N load_ms X rank_ms X hash_ms X ... load_cpu_ms X
** maxrss_kb X"
** where rank_ms is the best of several runs of rank_assign() alone,
** hash_ms one canonical serialisation + SHA-256 of the inputs, and maxrss
** the process's peak resident set (getrusage).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <sodium.h>

#include "base/mem.h"
#include "domain/period.h"
#include "domain/rank.h"
#include "domain/result.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"
#include "store/db.h"

static double now_ms(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec*1e3 + t.tv_nsec/1e6;
}

static double cpu_ms(void){
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec*1e3 + t.tv_nsec/1e6;
}

static unsigned long long gSeed = 0x9e3779b97f4a7c15ull;
static unsigned long long rnd(void){
  gSeed ^= gSeed<<13; gSeed ^= gSeed>>7; gSeed ^= gSeed<<17;
  return gSeed;
}
static int below(int n){ return (int)(rnd()%(unsigned long long)n); }

/* A nation of n offices under scheme pS: 83 % urban, about half of them
** participating, rural ICT about a quarter; 1 % with a ruling. */
static void synthetic(Snapshot *p, const Scheme *pS, int n){
  int i, k, nFinal = 0;
  memset(p, 0, sizeof *p);
  strcpy(p->zPeriod, "1399-1");
  strcpy(p->zPeriodEnd, "2020-09-21");
  p->bSurveyMean = 1;
  p->surveyMean = 3.9;
  p->nInd = pS->nInd;
  p->azInd = xcalloc(p->nInd, sizeof(char *));
  for(k=0; k<p->nInd; k++) p->azInd[k] = xstrdup(pS->aInd[k].zKey);
  p->nOff = n;
  p->aOff = xcalloc(n, sizeof(SnapOffice));
  p->aRuling = xcalloc(n/50 + 16, sizeof(SnapRuling));
  for(i=0; i<n; i++){
    SnapOffice *pO = &p->aOff[i];
    int bUrban = below(100)<83;
    snprintf(pO->zCode, sizeof pO->zCode, "O-%07d", i+1);
    strcpy(pO->zType, bUrban ? "urban" : "rural_ict");
    strcpy(pO->zProvince, "tehran");
    strcpy(pO->zRegion, "tehran");
    strcpy(pO->zStatus, below(1000)<3 ? "suspended" : "active");
    snprintf(pO->zLicenceDate, sizeof pO->zLicenceDate, "%04d-%02d-%02d",
             2005 + below(15), 1 + below(12), 1 + below(28));
    pO->nRegFields = SNAP_REG_FIELDS;
    pO->nRegFilled = 3 + below(5);
    pO->eDecl = below(100) < (bUrban ? 58 : 23) ? SDECL_FINAL : SDECL_NONE;
    pO->iClaim = -1;
    if( pO->eDecl==SDECL_FINAL ) nFinal++;
    pO->nStaff = 1 + below(6);
    pO->nInsured = below(pO->nStaff + 1);
    pO->nDisabled = below(100)<10;
    pO->nSurvey = below(200);
    pO->surveySum = (double)pO->nSurvey*(2.5 + below(250)/100.0);
    pO->bAssoc = 1;
    pO->assoc = below(21);
    if( below(100)==0 ){
      SnapRuling *pR = &p->aRuling[p->nRuling];
      pR->id = p->nRuling + 1;
      strcpy(pR->zKind, below(3) ? "overcharging" : "forgery");
      snprintf(pR->zNo, sizeof pR->zNo, "R-%d", p->nRuling + 1);
      strcpy(pR->zState, "final");
      strcpy(pR->zFinalDate, "2020-06-01");
      pR->points = pR->zKind[0]=='o' ? -10 : -20;
      pO->iRuling = p->nRuling++;
      pO->nRuling = 1;
    }
  }
  p->nClaim = nFinal*p->nInd;
  p->aClaim = xcalloc(p->nClaim ? p->nClaim : 1, sizeof(SnapClaim));
  for(i=0, nFinal=0; i<n; i++){
    SnapOffice *pO = &p->aOff[i];
    if( pO->eDecl!=SDECL_FINAL ) continue;
    pO->iClaim = nFinal*p->nInd;
    nFinal++;
    for(k=0; k<p->nInd; k++){
      const Indicator *pI = &pS->aInd[k];
      SnapClaim *pC = &p->aClaim[pO->iClaim + k];
      if( pI->source!=SRC_DECLARED ) continue;
      pC->bClaim = 1;
      pC->bDeclared = 1;
      pC->declared = pI->kind==KIND_CHOICE ? below(pI->nChoice)
                   : pI->kind==KIND_YESNO ? below(2) : below(80);
      pC->eDecision = below(10)==0 ? SDEC_ADJUST : SDEC_ACCEPT;
      if( pC->eDecision==SDEC_ADJUST ){
        pC->bVerified = 1;
        pC->verified = pI->kind==KIND_CHOICE ? 0 : pC->declared/2;
      }
    }
  }
}

int main(int argc, char **argv){
  Scheme sch;
  Snapshot snap;
  ResultSet rs;
  char *zErr = 0, zHash[65];
  double t0, c0 = 0, loadMs = 0, loadCpu = 0, best = 1e30, hashMs;
  int i, nRun;
  struct rusage ru;
  if( sodium_init()<0 ) return 1;
  if( argc==5 && strcmp(argv[1], "--demo")==0 && strcmp(argv[3], "--period")==0 ){
    sqlite3 *db = db_open(argv[2], DB_READONLY, &zErr);
    Period per;
    if( db==0 ){ fprintf(stderr, "%s\n", zErr); return 1; }
    if( period_load(db, argv[4], &per) || period_scheme(db, &per, &sch, &zErr) ){
      fprintf(stderr, "rank_bench: no period %s with a scheme\n", argv[4]);
      return 1;
    }
    t0 = now_ms();
    c0 = cpu_ms();
    if( snapshot_load(db, argv[4], &sch, &snap, &zErr) ){
      fprintf(stderr, "rank_bench: %s\n", zErr);
      return 1;
    }
    loadMs = now_ms() - t0;
    loadCpu = cpu_ms() - c0;
    db_close(db);
  }else if( argc==4 && strcmp(argv[1], "--stored")==0 ){
    /* The inputs stored with result set ID, parsed back (what --verify does). */
    sqlite3 *db = db_open(argv[2], DB_READONLY, &zErr);
    if( db==0 ){ fprintf(stderr, "%s\n", zErr); return 1; }
    t0 = now_ms();
    if( result_set_inputs(db, atoll(argv[3]), &snap, &sch, &zErr) ){
      fprintf(stderr, "rank_bench: %s\n", zErr);
      return 1;
    }
    loadMs = now_ms() - t0;
    db_close(db);
  }else if( argc==3 && strcmp(argv[1], "--synthetic")==0 ){
    const char *z = scheme_default_json();
    if( scheme_parse(z, strlen(z), &sch, &zErr) ){ fprintf(stderr, "%s\n", zErr); return 1; }
    synthetic(&snap, &sch, atoi(argv[2]));
  }else{
    fprintf(stderr, "usage: rank_bench --demo DIR --period P | --stored DIR ID | --synthetic N\n");
    return 2;
  }
  nRun = snap.nOff>=500000 ? 3 : snap.nOff>=50000 ? 5 : 20;
  for(i=0; i<nRun; i++){
    t0 = now_ms();
    if( rank_assign(&snap, &sch, &rs)!=RANK_OK ){ fprintf(stderr, "bad scheme\n"); return 1; }
    t0 = now_ms() - t0;
    if( t0<best ) best = t0;
    if( i<nRun-1 ) rank_clear(&rs);
  }
  t0 = now_ms();
  rank_inputs_hash(&snap, &sch, zHash);
  hashMs = now_ms() - t0;
  getrusage(RUSAGE_SELF, &ru);
  printf("offices %d load_ms %.1f rank_ms %.2f hash_ms %.1f rank1 %d rank2 %d rank3 %d"
         " unranked %d load_cpu_ms %.1f maxrss_kb %ld\n", snap.nOff, loadMs, best, hashMs, rs.nRank[1],
         rs.nRank[2], rs.nRank[3], rs.nRank[0], loadCpu, ru.ru_maxrss);
  rank_clear(&rs);
  snapshot_clear(&snap);
  scheme_clear(&sch);
  free(zErr);
  return 0;
}
