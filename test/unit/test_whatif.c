/*
** test_whatif.c — the what-if simulator's baseline cache (src/domain/
** whatif.c) on a real store: a baseline is kept while the input counter
** stays put; every kind of write to a ranking input moves the counter (the
** triggers of migration 9) and writes elsewhere do not; a changed input is
** seen at once; a baseline still held by a request outlives its
** replacement; the kept baseline is exactly what a fresh load gives; and
** workers on their own connections share one cache while inputs change.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/period.h"
#include "domain/rank.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"
#include "domain/whatif.h"
#include "store/audit.h"
#include "store/db.h"

typedef struct Fx { char zDir[32]; sqlite3 *db; Period p; } Fx;

static int setup(void **state){
  Fx *f = calloc(1, sizeof *f);
  Actor sys;
  char *zErr = 0;
  PeriodNew pn;
  PeriodState e;
  strcpy(f->zDir, "/tmp/pk-whatif-XXXXXX");
  if( mkdtemp(f->zDir)==0 ) return -1;
  f->db = db_open(f->zDir, DB_CREATE, &zErr);
  if( f->db==0 ) return -1;
  memset(&sys, 0, sizeof sys);
  sys.zUser = "test"; sys.zAddr = "";
  memset(&pn, 0, sizeof pn);
  pn.zCode = "1399-1";
  pn.zDeclareFrom = "1399/05/01"; pn.zDeclareTo = "1399/05/30"; pn.zReviewTo = "1399/06/20";
  if( db_exec(f->db,
    "INSERT INTO region(code,name_fa,name_en) VALUES('tehran','تهران','Tehran'),('south','جنوب','South');"
    "INSERT INTO province(code,region_code,name_fa,name_en) VALUES"
    " ('tehran','tehran','تهران','Tehran'),('fars','south','فارس','Fars');"
    "INSERT INTO office(code,type,name,province_code,city,updated_at) VALUES"
    " ('U-1','urban','a','tehran','تهران','x'),('U-2','urban','b','tehran','تهران','x'),"
    " ('R-1','rural_ict','c','fars','شیراز','x');")!=SQLITE_OK ) return -1;
  if( period_create(f->db, &sys, &pn, scheme_default_json(), &zErr) ) return -1;
  if( period_advance(f->db, &sys, "1399-1", &e, &zErr) ) return -1;
  if( period_load(f->db, "1399-1", &f->p) ) return -1;
  if( db_exec(f->db,
    "INSERT INTO declaration(period_id,office_code,state,created_at,updated_at) VALUES"
    " (1,'U-1','finalised','x','x'),(1,'R-1','finalised','x','x');"
    "INSERT INTO claim(declaration_id,indicator,declared,decision) VALUES"
    " (1,'floor_area','55','accept'),(1,'location','\"ground_main\"','accept'),"
    " (2,'floor_area','22','accept');"
    "INSERT INTO staff(declaration_id,seq,name,national_id,insured,disability) VALUES"
    " (1,1,'a','0000000001',1,0);"
    "INSERT INTO association_score(period_id,office_code,score,entered_at) VALUES"
    " (1,'U-1',10,'x'),(1,'R-1',5,'x');")!=SQLITE_OK ) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state){
  Fx *f = *state;
  char zCmd[64];
  db_close(f->db);
  snprintf(zCmd, sizeof zCmd, "rm -rf %s", f->zDir);
  if( system(zCmd) ){}
  free(f);
  return 0;
}

/* Office zCode's score in baseline pB. */
static double scoreOf(const WhatifBase *pB, const char *zCode){
  int i = snapshot_find(&pB->snap, zCode);
  assert_true(i>=0);
  return pB->rs.aRes[i].score;
}

/* Kept while nothing changes; a change is seen at once; the old baseline
** stays valid for whoever still holds it. */
static void test_keep_and_refresh(void **state){
  Fx *f = *state;
  WhatifCache *pC = whatif_cache_new();
  const WhatifBase *p1, *p2, *p3;
  char *zErr = 0;
  int bHit = -1;
  double s1;
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &p1, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(bHit, 0);
  assert_int_equal(p1->snap.nOff, 3);
  assert_int_equal(p1->nRegion, 2);
  assert_int_equal(p1->iSeq, whatif_input_seq(f->db));
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &p2, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(bHit, 1);
  assert_ptr_equal(p1, p2);
  whatif_base_release(pC, p2);
  s1 = scoreOf(p1, "U-1");

  /* A new association score: the next request loads, and sees it. */
  assert_int_equal(db_exec(f->db, "UPDATE association_score SET score=20 WHERE office_code='U-1'"), SQLITE_OK);
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &p3, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(bHit, 0);
  assert_ptr_not_equal(p3, p1);
  assert_true(scoreOf(p3, "U-1")==s1 + 10);
  /* p1 was replaced in the cache but is still held: still whole. */
  assert_int_equal(p1->snap.nOff, 3);
  assert_true(scoreOf(p1, "U-1")==s1);
  whatif_base_release(pC, p1);
  whatif_base_release(pC, p3);
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &p3, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(bHit, 1);
  whatif_base_release(pC, p3);

  /* Without a cache: loaded every time, freed on release. */
  assert_int_equal(whatif_base_get(0, f->db, &f->p, &p1, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(bHit, 0);
  whatif_base_release(0, p1);
  whatif_cache_free(pC);
  assert_int_equal(db_exec(f->db, "UPDATE association_score SET score=10 WHERE office_code='U-1'"), SQLITE_OK);
}

/* Every write to an input moves the counter; other writes do not. */
static void test_counter(void **state){
  Fx *f = *state;
  static const char *const azInput[] = {
    "UPDATE association_score SET score=score+1 WHERE office_code='R-1'",
    "UPDATE claim SET decision='adjust', verified='30' WHERE declaration_id=1 AND indicator='floor_area'",
    "INSERT INTO claim(declaration_id,indicator,declared) VALUES(2,'accessibility','true')",
    "DELETE FROM claim WHERE declaration_id=2 AND indicator='accessibility'",
    "UPDATE staff SET insured=0 WHERE declaration_id=1",
    "INSERT INTO staff(declaration_id,seq,name,national_id) VALUES(2,1,'b','0000000002')",
    "UPDATE declaration SET state='confirmed' WHERE office_code='R-1'",
    "UPDATE declaration SET state='finalised' WHERE office_code='R-1'",
    "UPDATE office SET status='suspended' WHERE code='U-2'",
    "UPDATE office SET status='active' WHERE code='U-2'",
    "UPDATE office SET phone='021' WHERE code='U-2'",
    "UPDATE province SET region_code='south' WHERE code='tehran'",
    "UPDATE province SET region_code='tehran' WHERE code='tehran'",
    "INSERT INTO survey_stat(period_id,office_code,n,sum,sumsq) VALUES(1,'U-1',2,9,41)",
    "INSERT INTO ruling(office_code,kind,ruling_no,ruling_date,points,state,final_date,created_at,updated_at)"
    " VALUES('U-2','overcharging','1/99','2020-06-01',-10,'final','2020-07-01','x','x')",
    "UPDATE ruling SET state='overturned' WHERE office_code='U-2'",
    "UPDATE period SET scheme_json=scheme_json WHERE code='1399-1'",
  };
  static const char *const azOther[] = {
    "UPDATE claim SET reason='checked' WHERE declaration_id=1",
    "UPDATE office SET name='another name' WHERE code='U-2'",
    "UPDATE declaration SET updated_at='y' WHERE office_code='U-1'",
    "UPDATE period SET updated_at='y' WHERE code='1399-1'",
    "INSERT INTO setting(key,value) VALUES('whatif-test','1')",
  };
  size_t i;
  long long n = whatif_input_seq(f->db);
  assert_true(n>0);
  for(i=0; i<sizeof azInput/sizeof azInput[0]; i++){
    assert_int_equal(db_exec(f->db, azInput[i]), SQLITE_OK);
    if( whatif_input_seq(f->db)<=n ) fail_msg("counter did not move: %s", azInput[i]);
    n = whatif_input_seq(f->db);
  }
  for(i=0; i<sizeof azOther/sizeof azOther[0]; i++){
    assert_int_equal(db_exec(f->db, azOther[i]), SQLITE_OK);
    if( whatif_input_seq(f->db)!=n ) fail_msg("counter moved: %s", azOther[i]);
  }
  /* A rolled-back change leaves it as it was. */
  assert_int_equal(db_exec(f->db, "BEGIN; UPDATE association_score SET score=99; ROLLBACK"), SQLITE_OK);
  assert_int_equal(whatif_input_seq(f->db), n);
}

/* The kept baseline is exactly a fresh load and run of the engine. */
static void test_same_as_fresh(void **state){
  Fx *f = *state;
  WhatifCache *pC = whatif_cache_new();
  const WhatifBase *pB;
  Scheme s;
  Snapshot snap;
  ResultSet rs;
  Buf a = {0}, b = {0};
  char *zErr = 0;
  int bHit, i;
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &pB, &bHit, &zErr), WHATIF_OK);
  assert_int_equal(period_scheme(f->db, &f->p, &s, &zErr), 0);
  assert_int_equal(snapshot_load(f->db, "1399-1", &s, &snap, &zErr), 0);
  assert_int_equal(rank_assign(&snap, &s, &rs), RANK_OK);
  snapshot_canonical(&snap, &a);
  snapshot_canonical(&pB->snap, &b);
  assert_string_equal(buf_str(&a), buf_str(&b));
  for(i=0; i<rs.nRes; i++){
    buf_reset(&a); buf_reset(&b);
    rank_result_json(&rs, &s, i, &a);
    rank_result_json(&pB->rs, &pB->scheme, i, &b);
    assert_string_equal(buf_str(&a), buf_str(&b));
  }
  buf_free(&a); buf_free(&b);
  rank_clear(&rs);
  snapshot_clear(&snap);
  scheme_clear(&s);
  whatif_base_release(pC, pB);
  whatif_cache_free(pC);
}

/* The canonical snapshot and every result of baseline pB, in one string. */
static char *baseText(const WhatifBase *pB){
  Buf b = {0};
  int i;
  snapshot_canonical(&pB->snap, &b);
  for(i=0; i<pB->rs.nRes; i++){
    buf_putc(&b, '\n');
    rank_result_json(&pB->rs, &pB->scheme, i, &b);
  }
  return buf_take(&b);
}

/* After each change, the kept baseline brought up to date (only the marked
** offices read again, or all when the change concerns every office) is
** exactly a fresh load. */
static void test_refresh_equals_load(void **state){
  Fx *f = *state;
  static const struct { int bAll; const char *zSql; } aStep[] = {
    { 0, "UPDATE claim SET decision='adjust', verified='30' WHERE declaration_id=1 AND indicator='floor_area'" },
    { 0, "UPDATE claim SET decision='reject' WHERE declaration_id=2" },
    { 0, "INSERT INTO claim(declaration_id,indicator,declared,decision) VALUES(1,'accessibility','true','accept')" },
    { 0, "DELETE FROM claim WHERE declaration_id=1 AND indicator='location'" },
    { 0, "UPDATE declaration SET state='confirmed' WHERE office_code='R-1'" },
    { 0, "UPDATE declaration SET state='finalised' WHERE office_code='R-1'" },
    { 0, "INSERT INTO declaration(period_id,office_code,state,created_at,updated_at)"
         " VALUES(1,'U-2','finalised','x','x');"
         "INSERT INTO claim(declaration_id,indicator,declared,decision)"
         " VALUES((SELECT id FROM declaration WHERE office_code='U-2'),'floor_area','80',NULL)" },
    { 0, "INSERT INTO staff(declaration_id,seq,name,national_id,insured,disability)"
         " VALUES((SELECT id FROM declaration WHERE office_code='U-2'),1,'x','0000000009',1,1)" },
    { 0, "UPDATE staff SET disability=1 WHERE declaration_id=1" },
    { 0, "INSERT INTO association_score(period_id,office_code,score,entered_at) VALUES(1,'U-2',7,'x')" },
    { 0, "DELETE FROM association_score WHERE office_code='R-1'" },
    { 0, "INSERT INTO ruling(office_code,kind,ruling_no,ruling_date,points,state,final_date,created_at,updated_at)"
         " VALUES('U-1','overcharging','1/99','2020-06-01',-10,'final','2020-07-01','x','x'),"
         " ('U-1','overcharging','2/99','2020-06-01',-5,'final','2020-12-01','x','x')" },
    { 0, "UPDATE ruling SET state='under_appeal' WHERE ruling_no='1/99'" },
    { 0, "UPDATE office SET status='revoked', status_reason='by the regulator' WHERE code='U-2'" },
    { 0, "UPDATE office SET licence_date='2011-01-01', address='a street' WHERE code='U-1'" },
    { 0, "UPDATE claim SET decision='accept' WHERE declaration_id=1;"
         "UPDATE association_score SET score=3 WHERE office_code='U-1'" },
    { 1, "INSERT INTO survey_stat(period_id,office_code,n,sum,sumsq) VALUES(1,'U-1',4,17,75)" },
    { 0, "UPDATE declaration SET state='returned' WHERE office_code='U-1'" },
    { 1, "UPDATE province SET region_code='south' WHERE code='tehran'" },
    { 1, "INSERT INTO office(code,type,name,province_code,city,updated_at)"
         " VALUES('U-9','urban','n','fars','شیراز','x')" },
    { 0, "UPDATE office SET phone='071' WHERE code='U-9'" },
    { 1, "DELETE FROM office WHERE code='U-9'" },
  };
  WhatifCache *pC = whatif_cache_new();
  const WhatifBase *pB, *pF;
  char *zErr = 0;
  int bHit;
  size_t i;
  assert_int_equal(whatif_base_get(pC, f->db, &f->p, &pB, &bHit, &zErr), WHATIF_OK);
  whatif_base_release(pC, pB);
  for(i=0; i<sizeof aStep/sizeof aStep[0]; i++){
    char *zKept, *zFresh;
    if( db_exec(f->db, aStep[i].zSql)!=SQLITE_OK ) fail_msg("%s: %s", aStep[i].zSql, sqlite3_errmsg(f->db));
    assert_int_equal(whatif_base_get(pC, f->db, &f->p, &pB, &bHit, &zErr), WHATIF_OK);
    assert_int_equal(bHit, 0);
    if( aStep[i].bAll ? pB->nRefreshed!=-1 : pB->nRefreshed<1 ){
      fail_msg("step %d: %d offices read again", (int)i, pB->nRefreshed);
    }
    assert_int_equal(whatif_base_get(0, f->db, &f->p, &pF, &bHit, &zErr), WHATIF_OK);
    zKept = baseText(pB);
    zFresh = baseText(pF);
    if( strcmp(zKept, zFresh)!=0 ) fail_msg("step %d differs:\n%s\n---\n%s", (int)i, zKept, zFresh);
    free(zKept);
    free(zFresh);
    whatif_base_release(0, pF);
    whatif_base_release(pC, pB);
  }
  whatif_cache_free(pC);
}

/* Workers on their own connections share a cache while inputs change. */
typedef struct Worker { const char *zDir; WhatifCache *pC; const Period *pP; int nHit, nBad; } Worker;

static void *workerMain(void *pArg){
  Worker *w = pArg;
  char *zErr = 0;
  sqlite3 *db = db_open(w->zDir, 0, &zErr);
  int i;
  if( db==0 ){ w->nBad++; free(zErr); return 0; }
  for(i=0; i<40; i++){
    const WhatifBase *pB;
    int bHit;
    long long nBefore = whatif_input_seq(db);
    if( whatif_base_get(w->pC, db, w->pP, &pB, &bHit, &zErr)!=WHATIF_OK ){ w->nBad++; free(zErr); continue; }
    /* never older than the counter read before asking */
    if( pB->snap.nOff!=3 || pB->iSeq<nBefore ) w->nBad++;
    w->nHit += bHit;
    whatif_base_release(w->pC, pB);
  }
  db_close(db);
  return 0;
}

static void test_threads(void **state){
  Fx *f = *state;
  WhatifCache *pC = whatif_cache_new();
  pthread_t at[3];
  Worker aw[3];
  int i, nHit = 0;
  for(i=0; i<3; i++){
    aw[i].zDir = f->zDir; aw[i].pC = pC; aw[i].pP = &f->p; aw[i].nHit = aw[i].nBad = 0;
    assert_int_equal(pthread_create(&at[i], 0, workerMain, &aw[i]), 0);
  }
  for(i=0; i<10; i++){
    assert_int_equal(db_exec(f->db, "UPDATE association_score SET score=score+1 WHERE office_code='R-1'"), SQLITE_OK);
    usleep(2000);
  }
  for(i=0; i<3; i++){
    pthread_join(at[i], 0);
    assert_int_equal(aw[i].nBad, 0);
    nHit += aw[i].nHit;
  }
  assert_true(nHit>0);
  whatif_cache_free(pC);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test_setup_teardown(test_keep_and_refresh, setup, teardown),
    cmocka_unit_test_setup_teardown(test_counter, setup, teardown),
    cmocka_unit_test_setup_teardown(test_same_as_fresh, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refresh_equals_load, setup, teardown),
    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
