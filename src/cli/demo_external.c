/*
** demo_external.c — the demo nation's external scores for period 1399-1:
** citizen-satisfaction responses (through the streaming import), an
** association score for every office, and committee rulings for a few
** percent of offices, all through the functions of survey.h,
** association.h and ruling.h. Skipped (with a note) when the period does
** not exist.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/demo.h"
#include "domain/association.h"
#include "domain/period.h"
#include "domain/ruling.h"
#include "domain/survey.h"
#include "store/db.h"

#define DEMO_PERIOD "1399-1"

/* Offices that take part: those with a submitted declaration in the
** period, else every active office. Fills *pa (heap strings). */
static int demoOffices(Demo *p, long long iPeriod, char ***pa){
  sqlite3_stmt *q;
  char **a = 0;
  int n = 0, nAlloc = 0, iPass;
  for(iPass=0; iPass<2 && n==0; iPass++){
    q = db_prepare(p->db, iPass==0
      ? "SELECT office_code FROM declaration WHERE period_id=?1 AND state<>'draft' ORDER BY office_code"
      : "SELECT code FROM office WHERE status='active' ORDER BY code");
    if( iPass==0 ) sqlite3_bind_int64(q, 1, iPeriod);
    while( sqlite3_step(q)==SQLITE_ROW ){
      if( n==nAlloc ){
        nAlloc = nAlloc ? nAlloc*2 : 1024;
        a = xrealloc(a, sizeof(char*)*(size_t)nAlloc);
      }
      a[n++] = xstrdup(db_col_text(q, 0));
    }
    db_finalize(q);
  }
  *pa = a;
  return n;
}

/* Write p->nSurvey responses over the offices aCode[] to pOut, in export
** order (answer time and tracking number rising), 2 % repeated. */
static void demoSurveyCsv(Demo *p, char **aCode, int nCode, FILE *pOut){
  static const char *azSvc[] = {
    "sabt-ahval-01", "police-10", "post-01", "tax-03", "insurance-07", "judiciary-02",
  };
  double *aMean = xmalloc(sizeof(double)*(size_t)nCode);
  long long i, n = p->nSurvey, iTrack = 3990000000LL;
  char zLast[128] = "";
  int k;
  /* Each office's mean rating follows its latent quality (demo_quality),
  ** so that better offices also satisfy their citizens better. */
  for(k=0; k<nCode; k++){
    long long iId = db_int(p->db, 0, "SELECT id FROM office WHERE code=?1", aCode[k]);
    double m = 3.84 + 0.14*demo_quality(p, iId) + 0.2*(demo_unit(p) - 0.5);
    aMean[k] = m<1.6 ? 1.6 : m>4.85 ? 4.85 : m;
  }
  fputs("tracking_no,office_code,service_code,rating,answered_at\n", pOut);
  for(i=0; i<n; i++){
    long long iSec = (i * 186LL * 12 * 3600) / (n>0 ? n : 1);
    int iDay = (int)(iSec / (12*3600)), iRest = (int)(iSec % (12*3600));
    int c, r;
    if( zLast[0] && demo_below(p, 50)==0 ){       /* an overlapping export */
      fputs(zLast, pOut);
      continue;
    }
    c = demo_below(p, nCode);
    r = (int)(aMean[c] + demo_unit(p)*1.6 - 0.3);
    if( r<1 ) r = 1;
    if( r>5 ) r = 5;
    iTrack += 1 + demo_below(p, 3);
    snprintf(zLast, sizeof zLast, "%lld,%s,%s,%d,1399/%02d/%02d %02d:%02d:%02d\n",
             iTrack, aCode[c], azSvc[demo_below(p, 6)], r, 1 + iDay/31, 1 + iDay%31,
             8 + iRest/3600, (iRest/60)%60, iRest%60);
    fputs(zLast, pOut);
  }
  free(aMean);
}

int demo_external(Demo *p){
  Period per;
  Scheme sch;
  AssocRule rule;
  SurveyStats st;
  char **aCode = 0, **aAll = 0;
  char *zErr = 0;
  char zNow[21];
  int nCode, nAll, i, rc = 0, nRuling = 0;
  FILE *pTmp;
  sqlite3_stmt *q;

  if( period_load(p->db, DEMO_PERIOD, &per) ){
    fprintf(stderr, "demo: no period %s yet: survey, association and rulings skipped\n", DEMO_PERIOD);
    return 0;
  }
  if( period_scheme(p->db, &per, &sch, &zErr) ){
    fprintf(stderr, "demo: period %s: %s\n", DEMO_PERIOD, zErr ? zErr : "bad scheme");
    free(zErr);
    return 1;
  }

  /* Citizen satisfaction, through the streaming import. */
  nCode = demoOffices(p, per.id, &aCode);
  if( p->nSurvey>0 && nCode>0 ){
    pTmp = tmpfile();
    if( pTmp==0 ){ perror("demo: tmpfile"); rc = 1; goto done; }
    demoSurveyCsv(p, aCode, nCode, pTmp);
    rewind(pTmp);
    if( survey_import(p->db, &p->actor, DEMO_PERIOD, pTmp, stderr, 0, 0, &st) ){
      fclose(pTmp);
      rc = 1;
      goto done;
    }
    fclose(pTmp);
  }

  /* Association scores for every office, entered by HQ for the demo. */
  period_now(zNow);
  if( association_rule(&sch, &rule)==0 ){
    q = db_prepare(p->db, "SELECT code FROM office ORDER BY code");
    nAll = 0;
    while( sqlite3_step(q)==SQLITE_ROW ){
      aAll = xrealloc(aAll, sizeof(char*)*(size_t)(nAll + 1));
      aAll[nAll++] = xstrdup(db_col_text(q, 0));
    }
    db_finalize(q);
    for(i=0; i<nAll && rc==0; i++){
      long long iId = db_int(p->db, 0, "SELECT id FROM office WHERE code=?1", aAll[i]);
      double f = 0.78 + 0.06*demo_quality(p, iId) + 0.10*(demo_unit(p) - 0.5);
      double v = rule.min + (rule.max - rule.min)*(f<0.3 ? 0.3 : f>1.0 ? 1.0 : f);
      char zScore[32];
      if( rule.bInteger ) snprintf(zScore, sizeof zScore, "%d", (int)v);
      else snprintf(zScore, sizeof zScore, "%.1f", v);
      if( association_set(p->db, &p->actor, &per, &rule, 0, aAll[i], zScore,
                          demo_below(p, 10)==0 ? "بازدید میدانی انجام شد" : "", 1, zNow)<0 ){
        fprintf(stderr, "demo: association score for %s failed\n", aAll[i]);
        rc = 1;
      }
    }
    /* Committee rulings for about 3 % of offices. */
    for(i=0; i<nAll && rc==0 && sch.nPen>0; i++){
      RulingNew rn;
      char zNo[32], zDate[32];
      long long id;
      int k, iRoll;
      if( demo_below(p, 100)>=3 ) continue;
      k = demo_below(p, sch.nPen);
      if( sch.aPen[k].bRevokes && demo_below(p, 4)!=0 ) k = 0;   /* revocations are rare */
      iRoll = demo_below(p, 10);
      memset(&rn, 0, sizeof rn);
      snprintf(zNo, sizeof zNo, "%d/%04d", 99, 100 + nRuling);
      snprintf(zDate, sizeof zDate, "1399/%02d/%02d", 1 + demo_below(p, 6), 1 + demo_below(p, 28));
      rn.zOffice = aAll[i];
      rn.zKind = sch.aPen[k].zKind;
      rn.zNo = zNo;
      rn.zDate = zDate;
      rn.zState = iRoll<7 ? "final" : "under_appeal";
      rn.zNote = "رأی کمیتهٔ نظارت استان";
      id = ruling_add(p->db, &p->actor, &sch, 0, &rn);
      if( id<0 ){
        fprintf(stderr, "demo: ruling for %s: %s\n", aAll[i], ruling_error_en((int)id));
        rc = 1;
        break;
      }
      if( iRoll==9 ) ruling_set_state(p->db, &p->actor, &sch, 0, id, "overturned", 0);
      nRuling++;
    }
    for(i=0; i<nAll; i++) free(aAll[i]);
    free(aAll);
  }
done:
  for(i=0; i<nCode; i++) free(aCode[i]);
  free(aCode);
  scheme_clear(&sch);
  return rc;
}
