/*
** test_rank.c — unit tests for the scoring engine (src/domain/rank.c) and
** the snapshot's canonical form (src/domain/snapshot.c).
**
** Every snapshot here is built by hand: no database. The scheme below has
** one indicator of each kind and source, so each test names the indicator
** it exercises and the points it expects.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "domain/rank.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"

/* Indicator indexes of the test scheme. */
enum { I_AREA, I_STAFF, I_LOC, I_ACC, I_COMPL, I_YEARS, I_SAT, I_ASSOC, N_IND };

static const char zScheme[] =
  "{\"name\":\"test\",\"indicators\":["
  "{\"key\":\"area\",\"label\":\"a\",\"source\":\"declared\",\"kind\":\"number\","
  " \"bands\":[{\"min\":0,\"max\":20,\"points\":0},{\"min\":20,\"max\":30,\"points\":4},"
  "  {\"min\":30,\"max\":null,\"points\":10}]},"
  "{\"key\":\"staff\",\"label\":\"s\",\"source\":\"roster\",\"roster\":\"insured\","
  " \"kind\":\"count\",\"points_each\":3,\"cap\":12},"
  "{\"key\":\"loc\",\"label\":\"l\",\"source\":\"declared\",\"kind\":\"choice\",\"options\":["
  " {\"value\":\"a\",\"label\":\"A\",\"points\":6},{\"value\":\"b\",\"label\":\"B\",\"points\":3},"
  " {\"value\":\"c\",\"label\":\"C\",\"points\":0}]},"
  "{\"key\":\"acc\",\"label\":\"x\",\"source\":\"declared\",\"kind\":\"yesno\","
  " \"yes_points\":8,\"no_points\":-5},"
  "{\"key\":\"compl\",\"label\":\"c\",\"source\":\"registry\",\"kind\":\"number\","
  " \"bands\":[{\"min\":0,\"max\":60,\"points\":0},{\"min\":60,\"max\":90,\"points\":3},"
  "  {\"min\":90,\"max\":null,\"points\":5}]},"
  "{\"key\":\"licence_years\",\"label\":\"y\",\"source\":\"registry\",\"kind\":\"number\","
  " \"bands\":[{\"min\":0,\"max\":5,\"points\":1},{\"min\":5,\"max\":null,\"points\":4}]},"
  "{\"key\":\"sat\",\"label\":\"t\",\"source\":\"survey\",\"kind\":\"number\","
  " \"bands\":[{\"min\":0,\"max\":50,\"points\":0},{\"min\":50,\"max\":80,\"points\":5},"
  "  {\"min\":80,\"max\":null,\"points\":10}]},"
  "{\"key\":\"assoc\",\"label\":\"z\",\"source\":\"association\",\"kind\":\"count\","
  " \"min\":0,\"max\":20,\"points_each\":1,\"cap\":20}],"
  "\"penalties\":[{\"kind\":\"overcharging\",\"label\":\"o\",\"points\":-10},"
  " {\"kind\":\"forgery\",\"label\":\"f\",\"points\":-20},"
  " {\"kind\":\"unapproved_address\",\"label\":\"u\",\"points\":0,\"revokes\":true}],"
  "\"thresholds\":{\"urban\":{\"rank1\":30,\"rank2\":20},\"rural_ict\":{\"rank1\":25,\"rank2\":15}},"
  "\"non_participant\":{\"score\":0,\"rank\":3},\"objection_days\":10,"
  "\"service_caps\":{\"1\":1,\"2\":0.7,\"3\":0.3},\"survey\":{\"prior_weight\":20}}";

static Scheme gScheme;

static int setup(void **state){
  char *zErr = 0;
  (void)state;
  if( scheme_parse(zScheme, strlen(zScheme), &gScheme, &zErr) ){
    fprintf(stderr, "scheme: %s\n", zErr);
    free(zErr);
    return 1;
  }
  return 0;
}
static int teardown(void **state){
  (void)state;
  scheme_clear(&gScheme);
  return 0;
}

/* ---- Building snapshots ------------------------------------------------ */

/* A snapshot for period 1399-1 (ends 2020-09-21) with room for n offices,
** each a participant with no claims, registry 7/7, no survey (national
** mean 3), no association score. */
static void snapNew(Snapshot *p, int n){
  int i;
  memset(p, 0, sizeof *p);
  strcpy(p->zPeriod, "1399-1");
  strcpy(p->zPeriodEnd, "2020-09-21");
  p->bSurveyMean = 1;
  p->surveyMean = 3;
  p->nInd = gScheme.nInd;
  p->azInd = xcalloc(p->nInd, sizeof(char *));
  for(i=0; i<p->nInd; i++) p->azInd[i] = xstrdup(gScheme.aInd[i].zKey);
  p->nOff = n;
  p->aOff = xcalloc(n, sizeof(SnapOffice));
  p->nClaim = n*p->nInd;
  p->aClaim = xcalloc(p->nClaim, sizeof(SnapClaim));
  p->aRuling = xcalloc(16, sizeof(SnapRuling));
  for(i=0; i<n; i++){
    SnapOffice *pO = &p->aOff[i];
    snprintf(pO->zCode, sizeof pO->zCode, "U-%05d", i+1);
    strcpy(pO->zType, "urban");
    strcpy(pO->zProvince, "tehran");
    strcpy(pO->zRegion, "tehran");
    strcpy(pO->zStatus, "active");
    strcpy(pO->zLicenceDate, "2010-01-01");
    pO->nRegFilled = pO->nRegFields = 7;
    pO->eDecl = SDECL_FINAL;
    pO->iClaim = i*p->nInd;
  }
}

/* Set office i's claim on indicator k. */
static void claim(Snapshot *p, int i, int k, int eDec, int bDecl, double decl,
                  int bVer, double ver){
  SnapClaim *pC = snapshot_claim(p, i, k);
  pC->bClaim = 1;
  pC->eDecision = (unsigned char)eDec;
  pC->bDeclared = (unsigned char)bDecl; pC->declared = decl;
  pC->bVerified = (unsigned char)bVer; pC->verified = ver;
}

/* Add a ruling against office i (rulings must be added office by office). */
static void ruling(Snapshot *p, int i, const char *zKind, const char *zState,
                   const char *zFinal, double points){
  SnapRuling *pR = &p->aRuling[p->nRuling];
  memset(pR, 0, sizeof *pR);
  pR->id = p->nRuling + 1;
  strcpy(pR->zKind, zKind);
  snprintf(pR->zNo, sizeof pR->zNo, "R%d", p->nRuling + 1);
  strcpy(pR->zState, zState);
  strcpy(pR->zFinalDate, zFinal);
  pR->points = points;
  if( p->aOff[i].nRuling==0 ) p->aOff[i].iRuling = p->nRuling;
  p->aOff[i].nRuling++;
  p->nRuling++;
}

/* Run the engine on p; returns the set (caller rank_clear). */
static ResultSet run(const Snapshot *p){
  ResultSet rs;
  assert_int_equal(rank_assign(p, &gScheme, &rs), RANK_OK);
  return rs;
}

static const RankLine *line(const ResultSet *pRs, int i, int k){
  assert_true(pRs->aRes[i].iLine>=0);
  return &pRs->aLine[pRs->aRes[i].iLine + k];
}

/* ---- Each kind --------------------------------------------------------- */

/* Band edges: [min, max) — the lower edge is in, the upper edge is out. */
static void test_bands(void **state){
  static const struct { double v; double pts; int iRule; } a[] = {
    { 0, 0, 0 }, { 19.99, 0, 0 }, { 20, 4, 1 }, { 29.999, 4, 1 },
    { 30, 10, 2 }, { 5000, 10, 2 }, { -1, 0, -1 },
  };
  int n = (int)(sizeof a/sizeof a[0]), i;
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, n);
  for(i=0; i<n; i++) claim(&s, i, I_AREA, SDEC_ACCEPT, 1, a[i].v, 0, 0);
  rs = run(&s);
  for(i=0; i<n; i++){
    const RankLine *pL = line(&rs, i, I_AREA);
    assert_true(pL->bValue);
    assert_true(pL->points==a[i].pts);
    assert_int_equal(pL->iRule, a[i].iRule);
  }
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Counts: n × points_each, capped. */
static void test_count_cap(void **state){
  static const struct { int n; double pts; int bCap; } a[] = {
    { 0, 0, 0 }, { 1, 3, 0 }, { 3, 9, 0 }, { 4, 12, 0 }, { 5, 12, 1 }, { 40, 12, 1 },
  };
  int n = (int)(sizeof a/sizeof a[0]), i;
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, n);
  for(i=0; i<n; i++){ s.aOff[i].nStaff = 50; s.aOff[i].nInsured = a[i].n; }
  rs = run(&s);
  for(i=0; i<n; i++){
    const RankLine *pL = line(&rs, i, I_STAFF);
    assert_int_equal(pL->eBasis, RB_ROSTER);
    assert_true(pL->value==a[i].n);
    assert_true(pL->points==a[i].pts);
    assert_int_equal(pL->bCapped, a[i].bCap);
  }
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Choices and yes/no, including an option the scheme does not know. */
static void test_choice_yesno(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 5);
  claim(&s, 0, I_LOC, SDEC_ACCEPT, 1, 0, 0, 0);    /* a: 6 */
  claim(&s, 1, I_LOC, SDEC_ACCEPT, 1, 2, 0, 0);    /* c: 0 */
  claim(&s, 2, I_LOC, SDEC_ACCEPT, 1, -1, 0, 0);   /* unknown: 0 */
  claim(&s, 3, I_ACC, SDEC_ACCEPT, 1, 1, 0, 0);    /* yes: 8 */
  claim(&s, 4, I_ACC, SDEC_ACCEPT, 1, 0, 0, 0);    /* no: -5 */
  rs = run(&s);
  assert_true(line(&rs, 0, I_LOC)->points==6);
  assert_int_equal(line(&rs, 0, I_LOC)->iRule, 0);
  assert_true(line(&rs, 1, I_LOC)->points==0);
  assert_int_equal(line(&rs, 1, I_LOC)->iRule, 2);
  assert_int_equal(line(&rs, 2, I_LOC)->iRule, -1);
  assert_true(line(&rs, 3, I_ACC)->points==8);
  assert_true(line(&rs, 4, I_ACC)->points==-5);
  /* No claim at all: no value, no points (not the "no" points). */
  assert_false(line(&rs, 0, I_ACC)->bValue);
  assert_true(line(&rs, 0, I_ACC)->points==0);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Review decisions choose the value: accept → declared, adjust → verified,
** reject → none, undecided → declared (unreviewed). A roster count is
** replaced by an adjusted value and dropped by a rejection. */
static void test_decisions(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 4);
  claim(&s, 0, I_AREA, SDEC_ACCEPT, 1, 35, 0, 0);
  claim(&s, 1, I_AREA, SDEC_ADJUST, 1, 35, 1, 25);
  claim(&s, 2, I_AREA, SDEC_REJECT, 1, 35, 0, 0);
  claim(&s, 3, I_AREA, SDEC_NONE, 1, 35, 0, 0);
  s.aOff[0].nInsured = 4;
  s.aOff[1].nInsured = 4; claim(&s, 1, I_STAFF, SDEC_ADJUST, 1, 4, 1, 1);
  s.aOff[2].nInsured = 4; claim(&s, 2, I_STAFF, SDEC_REJECT, 1, 4, 0, 0);
  rs = run(&s);
  assert_int_equal(line(&rs, 0, I_AREA)->eBasis, RB_ACCEPTED);
  assert_true(line(&rs, 0, I_AREA)->points==10);
  assert_int_equal(line(&rs, 1, I_AREA)->eBasis, RB_ADJUSTED);
  assert_true(line(&rs, 1, I_AREA)->declared==35);
  assert_true(line(&rs, 1, I_AREA)->value==25);
  assert_true(line(&rs, 1, I_AREA)->points==4);
  assert_int_equal(line(&rs, 2, I_AREA)->eBasis, RB_REJECTED);
  assert_true(line(&rs, 2, I_AREA)->points==0);
  assert_int_equal(line(&rs, 3, I_AREA)->eBasis, RB_UNREVIEWED);
  assert_true(line(&rs, 3, I_AREA)->points==10);
  assert_true(line(&rs, 0, I_STAFF)->points==12);
  assert_true(line(&rs, 1, I_STAFF)->points==3);
  assert_true(line(&rs, 2, I_STAFF)->points==0);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Registry values: completeness in percent, whole years of licence to the
** period's end (2020-09-21). */
static void test_registry(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 5);
  s.aOff[0].nRegFilled = 7;                          /* 100 % → 5 */
  s.aOff[1].nRegFilled = 4;                          /* 57 % → 0 */
  s.aOff[2].nRegFilled = 5;                          /* 71 % → 3 */
  strcpy(s.aOff[0].zLicenceDate, "2015-09-21");      /* 5 years → 4 */
  strcpy(s.aOff[1].zLicenceDate, "2015-09-22");      /* 4 years → 1 */
  strcpy(s.aOff[2].zLicenceDate, "2021-01-01");      /* after the end: 0 → 1 */
  s.aOff[3].zLicenceDate[0] = 0;                     /* unknown: no value */
  rs = run(&s);
  assert_true(line(&rs, 0, I_COMPL)->value==100);
  assert_true(line(&rs, 0, I_COMPL)->points==5);
  assert_true(line(&rs, 1, I_COMPL)->value==57);
  assert_true(line(&rs, 1, I_COMPL)->points==0);
  assert_true(line(&rs, 2, I_COMPL)->points==3);
  assert_true(line(&rs, 0, I_YEARS)->value==5);
  assert_true(line(&rs, 0, I_YEARS)->points==4);
  assert_true(line(&rs, 1, I_YEARS)->value==4);
  assert_true(line(&rs, 1, I_YEARS)->points==1);
  assert_true(line(&rs, 2, I_YEARS)->value==0);
  assert_false(line(&rs, 3, I_YEARS)->bValue);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Survey: the Bayesian mean on 1..5 mapped to 0..100; association clamped. */
static void test_survey_association(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 4);
  s.surveyMean = 4;
  /* no responses: the national mean 4 → 75 → 5 points */
  s.aOff[1].nSurvey = 100; s.aOff[1].surveySum = 500;   /* (500+80)/120 → 95.83 → 10 */
  s.aOff[2].nSurvey = 2; s.aOff[2].surveySum = 2;       /* (2+80)/22 → 3.727 → 68.18 → 5 */
  s.aOff[0].bAssoc = 1; s.aOff[0].assoc = 25;           /* clamped to 20 */
  s.aOff[1].bAssoc = 1; s.aOff[1].assoc = 12.7;         /* 12 */
  rs = run(&s);
  assert_true(line(&rs, 0, I_SAT)->value==75);
  assert_true(line(&rs, 0, I_SAT)->points==5);
  assert_true(fabs(line(&rs, 1, I_SAT)->value - 95.83)<1e-9);
  assert_true(line(&rs, 1, I_SAT)->points==10);
  assert_true(fabs(line(&rs, 2, I_SAT)->value - 68.18)<1e-9);
  assert_true(line(&rs, 2, I_SAT)->points==5);
  assert_true(line(&rs, 0, I_ASSOC)->value==20);
  assert_true(line(&rs, 0, I_ASSOC)->points==20);
  assert_true(line(&rs, 1, I_ASSOC)->points==12);
  assert_false(line(&rs, 3, I_ASSOC)->bValue);
  /* No survey anywhere: no value. */
  rank_clear(&rs);
  s.bSurveyMean = 0;
  s.aOff[1].nSurvey = 0; s.aOff[2].nSurvey = 0;
  rs = run(&s);
  assert_false(line(&rs, 0, I_SAT)->bValue);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Penalties: final rulings by the period's end count; others do not; the
** total is floored at 0; a revoking ruling takes the office out. */
static void test_penalties(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 4);
  claim(&s, 0, I_AREA, SDEC_ACCEPT, 1, 35, 0, 0);   /* sum = 10+5+1+5 = 21 */
  strcpy(s.aOff[0].zLicenceDate, "2020-01-01");
  ruling(&s, 0, "overcharging", "final", "2020-09-21", -10);     /* counts (last day) */
  ruling(&s, 0, "forgery", "under_appeal", "", -20);             /* not final */
  ruling(&s, 0, "forgery", "final", "2020-09-22", -20);          /* after the end */
  ruling(&s, 0, "forgery", "overturned", "2020-05-01", -20);     /* overturned */
  ruling(&s, 1, "forgery", "final", "2020-05-01", -20);          /* 11 - 20 → 0 */
  ruling(&s, 2, "unapproved_address", "final", "2020-05-01", 0); /* revoked */
  ruling(&s, 3, "unapproved_address", "under_appeal", "", 0);    /* still ranked */
  rs = run(&s);
  assert_true(rs.aRes[0].sum==21);
  assert_true(rs.aRes[0].penalty==-10);
  assert_true(rs.aRes[0].score==11);
  assert_int_equal(rs.aRes[0].nPen, 1);
  assert_int_equal(rs.aRes[0].iRank, 3);
  assert_true(rs.aRes[1].score==0);               /* floored */
  assert_true(rs.aRes[1].penalty==-20);
  assert_int_equal(rs.aRes[2].eStatus, RS_REVOKED);
  assert_int_equal(rs.aRes[2].iRank, 0);
  assert_int_equal(rs.aRes[2].iRevokedBy, 5);
  assert_int_equal(rs.aRes[3].eStatus, RS_RANKED);
  assert_int_equal(rs.nRank[0], 1);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Non-participants get the scheme's minimum and rank; revoked and
** suspended offices are not ranked, with the reason. Counts sum. */
static void test_participation(void **state){
  Snapshot s;
  ResultSet rs;
  Buf b = {0};
  (void)state;
  snapNew(&s, 5);
  s.aOff[0].eDecl = SDECL_NONE; s.aOff[0].iClaim = -1;
  s.aOff[1].eDecl = SDECL_OPEN; s.aOff[1].iClaim = -1;
  strcpy(s.aOff[2].zStatus, "revoked");
  s.aOff[2].zStatusReason = xstrdup("حکم دادگاه");
  strcpy(s.aOff[3].zStatus, "suspended");
  claim(&s, 4, I_AREA, SDEC_ACCEPT, 1, 35, 0, 0);
  rs = run(&s);
  assert_int_equal(rs.aRes[0].eStatus, RS_NOT_PARTICIPATED);
  assert_true(rs.aRes[0].score==0);
  assert_int_equal(rs.aRes[0].iRank, 3);
  assert_int_equal(rs.aRes[0].iPlace, 0);
  assert_int_equal(rs.aRes[1].eStatus, RS_NOT_PARTICIPATED);
  assert_string_equal(rank_reason(&rs, &gScheme, 1), "declaration not finalised");
  assert_int_equal(rs.aRes[2].eStatus, RS_REVOKED);
  assert_int_equal(rs.aRes[3].eStatus, RS_SUSPENDED);
  assert_int_equal(rs.aRes[4].eStatus, RS_RANKED);
  assert_int_equal(rs.aRes[4].iPlace, 1);
  assert_int_equal(rs.nRank[0] + rs.nRank[1] + rs.nRank[2] + rs.nRank[3], 5);
  assert_int_equal(rs.nNonPart, 2);
  assert_int_equal(rs.aCount[0][RANK_COL_UNRANKED], 2);
  rank_result_json(&rs, &gScheme, 2, &b);
  assert_non_null(strstr(buf_str(&b), "\"status\":\"revoked\""));
  assert_non_null(strstr(buf_str(&b), "حکم دادگاه"));
  assert_non_null(strstr(buf_str(&b), "\"indicators\":[]"));
  buf_free(&b);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Thresholds per type, at their edges. */
static void test_thresholds(void **state){
  static const struct { const char *zType; double assoc; int iRank; } a[] = {
    /* base: compl 5 + years 4 + sat (mean 3 → 50) 5 = 14, plus assoc */
    { "urban", 16, 1 },      /* 30 ≥ 30 */
    { "urban", 15, 2 },      /* 29 */
    { "urban", 6, 2 },       /* 20 ≥ 20 */
    { "urban", 5, 3 },       /* 19 */
    { "rural_ict", 11, 1 },  /* 25 ≥ 25 */
    { "rural_ict", 10, 2 },  /* 24 */
    { "rural_ict", 1, 2 },   /* 15 */
    { "rural_ict", 0, 3 },   /* 14 */
  };
  int n = (int)(sizeof a/sizeof a[0]), i;
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, n);
  for(i=0; i<n; i++){
    strcpy(s.aOff[i].zType, a[i].zType);
    s.aOff[i].bAssoc = 1;
    s.aOff[i].assoc = a[i].assoc;
  }
  rs = run(&s);
  for(i=0; i<n; i++){
    assert_true(rs.aRes[i].score==14 + a[i].assoc);
    assert_int_equal(rs.aRes[i].iRank, a[i].iRank);
  }
  assert_int_equal(rs.aCount[0][RANK_COL_1], 1);
  assert_int_equal(rs.aCount[1][RANK_COL_3], 1);
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* Ties: equal scores are placed by fewer penalty points, then more survey
** points, then the earlier licence, then the code. */
static void test_ties(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 5);
  /* All score 14 + extras: office 0 has 24 with a -10 penalty (34 - 10);
  ** office 1 has 24 with no penalty; office 2, 3, 4 have 24 too. */
  s.aOff[0].bAssoc = 1; s.aOff[0].assoc = 20;
  ruling(&s, 0, "overcharging", "final", "2020-01-01", -10);
  s.aOff[1].bAssoc = 1; s.aOff[1].assoc = 10;
  /* office 2: more survey points (4.9 over 1000 answers → 10), less assoc */
  s.aOff[2].nSurvey = 1000; s.aOff[2].surveySum = 4900;
  s.aOff[2].bAssoc = 1; s.aOff[2].assoc = 5;
  /* offices 3 and 4: same everything, 4 has the earlier licence */
  s.aOff[3].bAssoc = 1; s.aOff[3].assoc = 10;
  s.aOff[4].bAssoc = 1; s.aOff[4].assoc = 10;
  strcpy(s.aOff[4].zLicenceDate, "2009-01-01");
  rs = run(&s);
  assert_true(rs.aRes[0].score==24);
  assert_true(rs.aRes[1].score==24);
  assert_true(rs.aRes[2].score==24);
  assert_int_equal(rs.aRes[2].iPlace, 1);      /* no penalty, most survey points */
  assert_int_equal(rs.aRes[4].iPlace, 2);      /* earlier licence */
  assert_int_equal(rs.aRes[1].iPlace, 3);      /* U-00002 before U-00004 */
  assert_int_equal(rs.aRes[3].iPlace, 4);
  assert_int_equal(rs.aRes[0].iPlace, 5);      /* the penalty */
  rank_clear(&rs);
  snapshot_clear(&s);
}

/* A scheme that is not the snapshot's is refused. */
static void test_bad_scheme(void **state){
  Snapshot s;
  ResultSet rs;
  (void)state;
  snapNew(&s, 1);
  free(s.azInd[3]);
  s.azInd[3] = xstrdup("other");
  assert_int_equal(rank_assign(&s, &gScheme, &rs), RANK_EBADSCHEME);
  assert_int_equal(rs.nRes, 0);
  snapshot_clear(&s);
}

/* A mixed nation of n offices, from a seed. */
static void snapMixed(Snapshot *p, int n, unsigned seed){
  int i, k;
  snapNew(p, n);
  for(i=0; i<n; i++){
    SnapOffice *pO = &p->aOff[i];
    seed = seed*1103515245u + 12345u;
    if( i%3==0 ) strcpy(pO->zType, "rural_ict");
    if( seed%7==0 ){ pO->eDecl = SDECL_NONE; pO->iClaim = -1; continue; }
    pO->nInsured = (int)(seed>>8)%6;
    pO->nSurvey = (seed>>4)%50;
    pO->surveySum = pO->nSurvey*(1 + (seed>>12)%5);
    pO->bAssoc = 1; pO->assoc = (seed>>16)%21;
    for(k=0; k<N_IND; k++){
      if( k==I_AREA ) claim(p, i, k, (int)(seed%4), 1, (seed>>3)%80, 1, (seed>>5)%40);
      if( k==I_LOC ) claim(p, i, k, SDEC_ACCEPT, 1, (seed>>6)%3, 0, 0);
      if( k==I_ACC ) claim(p, i, k, SDEC_ADJUST, 1, 1, 1, (seed>>7)%2);
    }
  }
  strcpy(p->aOff[1].zStatus, "revoked");
  ruling(p, 2, "overcharging", "final", "2020-02-02", -10);
}

/* The same snapshot and scheme give byte-identical results and hash; the
** canonical snapshot round-trips through snapshot_parse. */
static void test_determinism(void **state){
  Snapshot s, s2;
  ResultSet a, b;
  Buf ba = {0}, bb = {0}, c1 = {0}, c2 = {0};
  char zH1[65], zH2[65], *zErr = 0;
  int i;
  (void)state;
  snapMixed(&s, 500, 42);
  a = run(&s);
  b = run(&s);
  for(i=0; i<a.nRes; i++){
    rank_result_json(&a, &gScheme, i, &ba);
    rank_result_json(&b, &gScheme, i, &bb);
  }
  assert_int_equal(ba.n, bb.n);
  assert_memory_equal(ba.z, bb.z, ba.n);
  rank_inputs_hash(&s, &gScheme, zH1);
  snapshot_canonical(&s, &c1);
  assert_int_equal(snapshot_parse(c1.z, c1.n, &s2, &zErr), 0);
  snapshot_canonical(&s2, &c2);
  assert_string_equal(c1.z, c2.z);
  rank_inputs_hash(&s2, &gScheme, zH2);
  assert_string_equal(zH1, zH2);
  /* The parsed snapshot ranks to the same bytes. */
  rank_clear(&b);
  b = run(&s2);
  buf_reset(&bb);
  for(i=0; i<b.nRes; i++) rank_result_json(&b, &gScheme, i, &bb);
  assert_string_equal(ba.z, bb.z);
  /* One changed input changes the hash. */
  s2.aClaim[s2.aOff[3].iClaim + I_AREA].verified += 1;
  rank_inputs_hash(&s2, &gScheme, zH2);
  assert_string_not_equal(zH1, zH2);
  buf_free(&ba); buf_free(&bb); buf_free(&c1); buf_free(&c2);
  rank_clear(&a); rank_clear(&b);
  snapshot_clear(&s); snapshot_clear(&s2);
}

/* The canonical scheme parses back to the same hash (what --verify relies on). */
static void test_scheme_roundtrip(void **state){
  Scheme s2;
  char *zCanon = scheme_canonical(&gScheme), *zErr = 0;
  (void)state;
  assert_int_equal(scheme_parse(zCanon, strlen(zCanon), &s2, &zErr), 0);
  assert_string_equal(s2.zHash, gScheme.zHash);
  scheme_clear(&s2);
  free(zCanon);
}

/* What-if knobs: scaling an indicator and moving thresholds. */
static void test_whatif(void **state){
  Scheme w;
  Snapshot s;
  ResultSet a, b;
  char *zCanon = scheme_canonical(&gScheme), *zErr = 0;
  (void)state;
  assert_int_equal(scheme_parse(zCanon, strlen(zCanon), &w, &zErr), 0);
  free(zCanon);
  snapNew(&s, 1);
  s.aOff[0].bAssoc = 1; s.aOff[0].assoc = 10;      /* 14 + 10 = 24: rank 2 */
  a = run(&s);
  assert_int_equal(a.aRes[0].iRank, 2);
  rank_scale_indicator(&w, I_ASSOC, 1.5);          /* 14 + 15 = 29 */
  assert_int_equal(rank_assign(&s, &w, &b), RANK_OK);
  assert_true(b.aRes[0].score==29);
  rank_clear(&b);
  assert_int_equal(rank_set_thresholds(&w, "urban", 29, 10), 0);
  assert_int_equal(rank_set_thresholds(&w, "urban", 10, 29), -1);
  assert_int_equal(rank_set_thresholds(&w, "nope", 30, 10), -1);
  assert_int_equal(rank_assign(&s, &w, &b), RANK_OK);
  assert_int_equal(b.aRes[0].iRank, 1);
  assert_true(w.maxScore==gScheme.maxScore + 10);
  rank_clear(&a); rank_clear(&b);
  snapshot_clear(&s);
  scheme_clear(&w);
}

/* The period's end: the last day of the Jalali half-year. */
static void test_period_end(void **state){
  char z[11];
  (void)state;
  assert_int_equal(snapshot_period_end("1399-1", z), 0);
  assert_string_equal(z, "2020-09-21");            /* 1399/06/31 */
  assert_int_equal(snapshot_period_end("1399-2", z), 0);
  assert_string_equal(z, "2021-03-20");            /* 1399/12/30 (leap) */
  assert_int_equal(snapshot_period_end("1400-2", z), 0);
  assert_string_equal(z, "2022-03-20");            /* 1400/12/29 */
  assert_int_equal(snapshot_period_end("1400-3", z), -1);
  assert_int_equal(snapshot_period_end("14001", z), -1);
}

/* Numbers in canonical text: shortest round-trip, no "-0". */
static void test_numbers(void **state){
  Buf b = {0};
  (void)state;
  rank_num(&b, 12); buf_putc(&b, ' ');
  rank_num(&b, 0.1); buf_putc(&b, ' ');
  rank_num(&b, -0.0); buf_putc(&b, ' ');
  rank_num(&b, 95.83); buf_putc(&b, ' ');
  rank_num(&b, 1.0/3);
  assert_string_equal(b.z, "12 0.1 0 95.83 0.3333333333333333");
  buf_reset(&b);
  rank_json_str(&b, "a\"b\\c\n\x01");
  assert_string_equal(b.z, "\"a\\\"b\\\\c\\u000a\\u0001\"");
  buf_free(&b);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_bands),
    cmocka_unit_test(test_count_cap),
    cmocka_unit_test(test_choice_yesno),
    cmocka_unit_test(test_decisions),
    cmocka_unit_test(test_registry),
    cmocka_unit_test(test_survey_association),
    cmocka_unit_test(test_penalties),
    cmocka_unit_test(test_participation),
    cmocka_unit_test(test_thresholds),
    cmocka_unit_test(test_ties),
    cmocka_unit_test(test_bad_scheme),
    cmocka_unit_test(test_determinism),
    cmocka_unit_test(test_scheme_roundtrip),
    cmocka_unit_test(test_whatif),
    cmocka_unit_test(test_period_end),
    cmocka_unit_test(test_numbers),
  };
  return cmocka_run_group_tests(aTest, setup, teardown);
}
