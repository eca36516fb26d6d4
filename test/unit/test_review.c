/*
** test_review.c — the review state machine (src/domain/review.c): every
** pair of state and action against an independent copy of the table, the
** 409 message naming the current state, four eyes (also across rounds),
** reasons required, a refusal leaving nothing behind, the finalisation of
** a region, and tamper detection of the audit chain.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/period.h"
#include "domain/review.h"
#include "domain/scheme.h"
#include "store/audit.h"
#include "store/db.h"

/* ---- the table, pair by pair ------------------------------------------ */

/* The expected new state of each (state, action), written out again from
** docs/review.md; 0 (DS_NONE) = refused. Rows: draft .. finalised;
** columns: submit decide complete return reopen confirm send_down finalise
** resume. */
static const DeclState aWant[DS_COUNT][RA_COUNT] = {
  [DS_DRAFT]     = { DS_SUBMITTED, 0, 0, 0, 0, 0, 0, 0, 0 },
  [DS_SUBMITTED] = { 0, DS_IN_REVIEW, 0, DS_RETURNED, 0, 0, 0, 0, 0 },
  [DS_IN_REVIEW] = { 0, DS_IN_REVIEW, DS_REVIEWED, DS_RETURNED, 0, 0, 0, 0, 0 },
  [DS_RETURNED]  = { DS_SUBMITTED, 0, 0, 0, 0, 0, 0, 0, DS_IN_REVIEW },
  [DS_REVIEWED]  = { 0, DS_REVIEWED, 0, DS_RETURNED, DS_IN_REVIEW, DS_CONFIRMED, 0, 0, 0 },
  [DS_CONFIRMED] = { 0, 0, 0, 0, 0, 0, DS_IN_REVIEW, DS_FINALISED, 0 },
  [DS_FINALISED] = { 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};
/* Who may: the access action of each action. */
static const Action aWho[RA_COUNT] = {
  ACT_DECLARE, ACT_REVIEW, ACT_REVIEW, ACT_REVIEW, ACT_CONFIRM, ACT_CONFIRM,
  ACT_FINALISE, ACT_FINALISE, ACT_REVIEW
};

static void test_every_pair(void **state){
  int s, a, nAllowed = 0, nPairs = 0;
  (void)state;
  for(s=DS_DRAFT; s<DS_COUNT; s++){
    for(a=0; a<RA_COUNT; a++){
      DeclErr e;
      DeclState eTo = DS_NONE;
      int rc;
      char zWant[64];
      memset(&e, 0, sizeof e);
      rc = review_check((DeclState)s, (ReviewAction)a, &eTo, &e);
      nPairs++;
      if( aWant[s][a]!=DS_NONE ){
        const ReviewTransition *pT = review_transition((DeclState)s, (ReviewAction)a);
        assert_int_equal(rc, 0);
        assert_int_equal(eTo, aWant[s][a]);
        assert_non_null(pT);
        assert_int_equal(pT->eAccess, aWho[a]);
        nAllowed++;
      }else{
        assert_int_equal(rc, -1);
        assert_int_equal(e.status, 409);
        assert_string_equal(e.zField, "state");
        /* the message names the action and the current state */
        snprintf(zWant, sizeof zWant, "cannot %s: the declaration is %s ",
                 review_action_code((ReviewAction)a), decl_state_code((DeclState)s));
        assert_true(strncmp(e.zEn, zWant, strlen(zWant))==0);
        assert_non_null(strstr(e.zFa, decl_state_label((DeclState)s)));
        assert_null(review_transition((DeclState)s, (ReviewAction)a));
      }
    }
  }
  assert_int_equal(nPairs, 7*9);
  assert_int_equal(nAllowed, nReviewTransition);
}

static void test_codes(void **state){
  int a;
  (void)state;
  for(a=0; a<RA_COUNT; a++){
    assert_int_equal(review_action_from_code(review_action_code((ReviewAction)a)), a);
  }
  assert_int_equal(review_action_from_code("nope"), RA_COUNT);
  assert_int_equal(claim_decision_from_code("adjust"), CD_ADJUST);
  assert_int_equal(claim_decision_from_code("ADJUST"), CD_NONE);
  assert_int_equal(claim_decision_from_code(0), CD_NONE);
  /* the refused message lists where the action is allowed */
  {
    DeclErr e;
    review_check(DS_SUBMITTED, RA_CONFIRM, 0, &e);
    assert_string_equal(e.zEn, "cannot confirm: the declaration is submitted (confirm needs reviewed)");
    review_check(DS_FINALISED, RA_RETURN, 0, &e);
    assert_string_equal(e.zEn, "cannot return: the declaration is finalised "
                               "(return needs submitted or in_review or reviewed)");
  }
}

/* ---- with a store ------------------------------------------------------ */

typedef struct Fx { char zDir[32]; sqlite3 *db; Period p; Actor sys, rev, rev2, mgr, hq; } Fx;

#define NOW "2020-10-13T06:30:00Z"

/* A declaration of zOffice in state zState with three claims. */
static long long mkDecl(Fx *f, const char *zOffice, const char *zState){
  char zSql[1024];
  snprintf(zSql, sizeof zSql,
    "INSERT INTO declaration(period_id, office_code, state, version, created_at, updated_at)"
    " VALUES(%lld,'%s','%s',1,'x','x');"
    "INSERT INTO claim(declaration_id, indicator, declared) VALUES"
    " (last_insert_rowid(),'floor_area','45'),((SELECT max(id) FROM declaration),'location','\"ground_main\"'),"
    " ((SELECT max(id) FROM declaration),'accessibility','true');", f->p.id, zOffice, zState);
  assert_int_equal(db_exec(f->db, zSql), SQLITE_OK);
  return db_int(f->db, 0, "SELECT max(id) FROM declaration", 0);
}

/* The bulk accept (only location: floor_area and accessibility need
** documents the fixture lacks), then the rest decided one by one. */
static void decideAll(Fx *f, const char *zOffice, const Actor *pA){
  DeclErr e;
  int n = -1;
  assert_int_equal(review_accept_all(f->db, pA, &f->p, 0, zOffice, NOW, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(review_decide(f->db, pA, &f->p, 0, zOffice, "accessibility", CD_REJECT, 0,
                                 "عکسی از سطح شیب‌دار پیوست نشده است", NOW, &e), 0);
  assert_int_equal(review_decide(f->db, pA, &f->p, 0, zOffice, "floor_area", CD_ACCEPT, 0, 0, NOW, &e), 0);
}

static const char *stateOf(Fx *f, const char *zOffice){
  static char z[16];
  char *zS = db_text(f->db, "SELECT state FROM declaration WHERE office_code=?1", zOffice);
  snprintf(z, sizeof z, "%s", zS ? zS : "");
  free(zS);
  return z;
}

static int setup(void **state){
  Fx *f = calloc(1, sizeof *f);
  char *zErr = 0;
  PeriodNew pn;
  PeriodState e;
  strcpy(f->zDir, "/tmp/pk-review-XXXXXX");
  if( mkdtemp(f->zDir)==0 ) return -1;
  f->db = db_open(f->zDir, DB_CREATE, &zErr);
  if( f->db==0 ) return -1;
  if( db_exec(f->db,
    "INSERT INTO region(code,name_fa,name_en) VALUES('tehran','تهران','Tehran'),('south','جنوب','South');"
    "INSERT INTO province(code,region_code,name_fa,name_en) VALUES"
    " ('tehran','tehran','تهران','Tehran'),('fars','south','فارس','Fars');"
    "INSERT INTO office(code,type,name,province_code,city,updated_at) VALUES"
    " ('U-1','urban','a','tehran','تهران','x'),('U-2','urban','b','tehran','تهران','x'),"
    " ('U-3','urban','c','fars','شیراز','x');")!=SQLITE_OK ) return -1;
  f->sys.zUser = "test"; f->sys.zAddr = "";
  f->rev.iUser = 7; f->rev.zUser = "rev"; f->rev.zAddr = "127.0.0.1";
  f->rev2.iUser = 9; f->rev2.zUser = "rev2"; f->rev2.zAddr = "127.0.0.1";
  f->mgr.iUser = 8; f->mgr.zUser = "mgr"; f->mgr.zAddr = "127.0.0.1";
  f->hq.iUser = 10; f->hq.zUser = "hq"; f->hq.zAddr = "127.0.0.1";
  memset(&pn, 0, sizeof pn);
  pn.zCode = "1399-1";
  pn.zDeclareFrom = "1399/06/25"; pn.zDeclareTo = "1399/07/20"; pn.zReviewTo = "1399/08/10";
  if( period_create(f->db, &f->sys, &pn, scheme_default_json(), &zErr) ) return -1;
  if( period_advance(f->db, &f->sys, "1399-1", &e, &zErr) ) return -1;
  if( period_load(f->db, "1399-1", &f->p) ) return -1;
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

static void test_four_eyes(void **state){
  Fx *f = *state;
  DeclErr e;
  int n = 0;
  json_t *pV = json_integer(30);
  long long iDecl = mkDecl(f, "U-1", "submitted");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_ADJUST, pV,
                                 "اجاره‌نامه ۳۰ متر است", NOW, &e), 0);
  json_decref(pV);
  assert_string_equal(stateOf(f, "U-1"), "in_review");
  assert_int_equal(review_accept_all(f->db, &f->rev, &f->p, 0, "U-1", NOW, &n, &e), 0);
  assert_int_equal(n, 1);                       /* accessibility lacks its photo */
  assert_string_equal(stateOf(f, "U-1"), "in_review");
  assert_int_equal(review_confirm(f->db, &f->mgr, &f->p, "U-1", NOW, &e), -1);
  assert_int_equal(e.status, 409);
  assert_int_equal(review_complete(f->db, &f->rev, &f->p, "U-1", NOW, &e), -1);
  assert_int_equal(e.status, 422);
  assert_string_equal(e.zField, "accessibility");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "accessibility", CD_REJECT, 0,
                                 "عکس پیوست نیست", NOW, &e), 0);
  assert_string_equal(stateOf(f, "U-1"), "reviewed");
  assert_null(db_text(f->db, "SELECT verified FROM claim WHERE indicator='accessibility'", 0));
  /* the reviewer, acting as a manager, may not confirm */
  assert_int_equal(review_confirm(f->db, &f->rev, &f->p, "U-1", NOW, &e), -1);
  assert_int_equal(e.status, 403);
  assert_non_null(strstr(e.zEn, "four eyes"));
  assert_string_equal(stateOf(f, "U-1"), "reviewed");
  assert_int_equal(review_user_decided(f->db, iDecl, 7), 1);
  assert_int_equal(review_user_decided(f->db, iDecl, 8), 0);

  /* across rounds: back to the office, resubmitted, decided by another */
  assert_int_equal(review_return(f->db, &f->rev, &f->p, "U-1", "سند خوانا نیست", "1399/07/29", NOW, &e), 0);
  assert_string_equal(stateOf(f, "U-1"), "returned");
  assert_int_equal(db_exec(f->db, "UPDATE declaration SET state='submitted' WHERE office_code='U-1'"), SQLITE_OK);
  assert_int_equal(review_on_submit(f->db, iDecl, DS_RETURNED, NOW), SQLITE_OK);
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM claim WHERE decision IS NOT NULL", 0), 0);
  assert_int_equal(db_int(f->db, -1, "SELECT round FROM declaration WHERE office_code='U-1'", 0), 2);
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM claim_history WHERE round=1", 0), 3);
  decideAll(f, "U-1", &f->rev2);
  assert_string_equal(stateOf(f, "U-1"), "reviewed");
  assert_int_equal(review_confirm(f->db, &f->rev, &f->p, "U-1", NOW, &e), -1);
  assert_int_equal(e.status, 403);
  assert_int_equal(review_confirm(f->db, &f->mgr, &f->p, "U-1", NOW, &e), 0);
  assert_string_equal(stateOf(f, "U-1"), "confirmed");
  assert_int_equal(db_int(f->db, 0, "SELECT confirmed_by FROM declaration WHERE office_code='U-1'", 0), 8);
}

static void test_reasons_required(void **state){
  Fx *f = *state;
  DeclErr e;
  long long nAudit;
  json_t *pV = json_integer(30), *pBad = json_string("big");
  mkDecl(f, "U-1", "submitted");
  nAudit = db_int(f->db, 0, "SELECT count(*) FROM audit", 0);
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_ADJUST, pV, "", NOW, &e), -1);
  assert_int_equal(e.status, 422);
  assert_string_equal(e.zField, "reason");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_REJECT, 0, "  \n ", NOW, &e), -1);
  assert_string_equal(e.zField, "reason");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_ADJUST, 0, "کم", NOW, &e), -1);
  assert_string_equal(e.zField, "value");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_ADJUST, pBad, "کم", NOW, &e), -1);
  assert_int_equal(e.status, 422);
  assert_string_equal(e.zField, "value");
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "nope", CD_ACCEPT, 0, 0, NOW, &e), -1);
  assert_int_equal(e.status, 404);
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_NONE, 0, 0, NOW, &e), -1);
  assert_string_equal(e.zField, "decision");
  assert_int_equal(review_return(f->db, &f->rev, &f->p, "U-1", "", "1399/07/29", NOW, &e), -1);
  assert_string_equal(e.zField, "reason");
  assert_int_equal(review_return(f->db, &f->rev, &f->p, "U-1", "دلیل", "", NOW, &e), -1);
  assert_string_equal(e.zField, "deadline");
  assert_int_equal(review_return(f->db, &f->rev, &f->p, "U-1", "دلیل", "1399/07/01", NOW, &e), -1);
  assert_string_equal(e.zField, "deadline");
  assert_non_null(strstr(e.zEn, "in the past"));
  assert_int_equal(review_reopen(f->db, &f->mgr, &f->p, "U-1", 0, NOW, &e), -1);
  assert_string_equal(e.zField, "reason");
  assert_int_equal(review_send_down(f->db, &f->hq, &f->p, "U-1", "", NOW, &e), -1);
  assert_string_equal(e.zField, "reason");
  /* wrong state, with a reason: 409 naming the state */
  assert_int_equal(review_send_down(f->db, &f->hq, &f->p, "U-1", "دلیل", NOW, &e), -1);
  assert_int_equal(e.status, 409);
  assert_non_null(strstr(e.zEn, "the declaration is submitted"));
  /* nothing was kept by any refusal */
  assert_int_equal(db_int(f->db, 0, "SELECT count(*) FROM audit", 0), nAudit);
  assert_string_equal(stateOf(f, "U-1"), "submitted");
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM claim WHERE decision IS NOT NULL", 0), 0);
  json_decref(pV);
  json_decref(pBad);
}

static void test_finalise_region(void **state){
  Fx *f = *state;
  DeclErr e;
  int n = -1;
  mkDecl(f, "U-1", "confirmed");
  mkDecl(f, "U-2", "in_review");
  mkDecl(f, "U-3", "confirmed");       /* another region */
  assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "tehran", NOW, &n, &e), -1);
  assert_int_equal(e.status, 409);
  assert_non_null(strstr(e.zEn, "1 of its 2 participating declarations are not confirmed (the first: U-2, in_review)"));
  assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "nowhere", NOW, &n, &e), -1);
  assert_int_equal(e.status, 404);
  assert_int_equal(db_exec(f->db, "UPDATE declaration SET state='confirmed' WHERE office_code='U-2'"), SQLITE_OK);
  assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "tehran", NOW, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(stateOf(f, "U-1"), "finalised");
  assert_string_equal(stateOf(f, "U-3"), "confirmed");
  assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "tehran", NOW, &n, &e), -1);
  assert_non_null(strstr(e.zEn, "already finalised"));
  /* HQ may send a confirmed one back down; not a finalised one */
  assert_int_equal(review_send_down(f->db, &f->hq, &f->p, "U-3", "ارقام با بازدید نمی‌خواند", NOW, &e), 0);
  assert_string_equal(stateOf(f, "U-3"), "in_review");
  assert_int_equal(review_send_down(f->db, &f->hq, &f->p, "U-1", "x", NOW, &e), -1);
  assert_int_equal(e.status, 409);
  assert_int_equal(audit_verify(f->db, 0), 0);
}

/* A send-back whose deadline lapses: refused before the deadline ends,
** then the reviewer takes it back; the decisions stay and, all decided,
** it is reviewed at once; the round stays unanswered; the region can be
** finalised after confirmation. */
static void test_resume_lapsed(void **state){
  Fx *f = *state;
  DeclErr e;
  long long nAudit;
  long long iDecl = mkDecl(f, "U-1", "submitted");
  decideAll(f, "U-1", &f->rev);
  assert_string_equal(stateOf(f, "U-1"), "reviewed");
  assert_int_equal(review_return(f->db, &f->rev, &f->p, "U-1", "سند خوانا نیست", "1399/07/29", NOW, &e), 0);
  assert_string_equal(stateOf(f, "U-1"), "returned");
  /* 1399/07/29 is 2020-10-20; on that day the office may still resubmit */
  nAudit = db_int(f->db, 0, "SELECT count(*) FROM audit", 0);
  assert_int_equal(review_resume(f->db, &f->rev, &f->p, "U-1", "2020-10-20T18:00:00Z", &e), -1);
  assert_int_equal(e.status, 422);
  assert_string_equal(e.zField, "deadline");
  assert_non_null(strstr(e.zEn, "has not passed yet"));
  assert_non_null(strstr(e.zFa, "۱۳۹۹"));
  assert_int_equal(db_int(f->db, 0, "SELECT count(*) FROM audit", 0), nAudit);
  assert_string_equal(stateOf(f, "U-1"), "returned");
  /* the next Tehran day (2020-10-20T21:00Z is 00:30 on 1399/07/30) */
  assert_int_equal(review_resume(f->db, &f->rev, &f->p, "U-1", "2020-10-20T21:00:00Z", &e), 0);
  assert_string_equal(stateOf(f, "U-1"), "reviewed");
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM claim WHERE decision IS NULL", 0), 0);
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM declaration WHERE office_code='U-1'"
                                     " AND round=2 AND correction_due IS NULL", 0), 1);
  assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM review_round WHERE resubmitted_at IS NULL", 0), 1);
  assert_int_equal(db_int(f->db, 0, "SELECT count(*) FROM audit WHERE action='review.resume'"
                                    " AND after LIKE '%lapsed%'", 0), 1);
  /* resumed once; not again */
  assert_int_equal(review_resume(f->db, &f->rev, &f->p, "U-1", "2020-10-21T06:00:00Z", &e), -1);
  assert_int_equal(e.status, 409);
  assert_int_equal(review_confirm(f->db, &f->mgr, &f->p, "U-1", NOW, &e), 0);
  assert_int_equal(db_exec(f->db, "UPDATE declaration SET state='confirmed' WHERE office_code<>'U-1'"), SQLITE_OK);
  {
    int n = 0;
    assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "tehran", NOW, &n, &e), 0);
    assert_int_equal(n, 1);
  }
  (void)iDecl;
  assert_int_equal(audit_verify(f->db, 0), 0);
}

/* Published (or closed): every review action is refused, 409 on "period". */
static void test_published_settles(void **state){
  Fx *f = *state;
  DeclErr e;
  int n = 0;
  long long nAudit;
  mkDecl(f, "U-1", "submitted");
  mkDecl(f, "U-2", "confirmed");
  assert_int_equal(db_exec(f->db, "UPDATE period SET state='published'"), SQLITE_OK);
  nAudit = db_int(f->db, 0, "SELECT count(*) FROM audit", 0);
  assert_int_equal(review_decide(f->db, &f->rev, &f->p, 0, "U-1", "floor_area", CD_ACCEPT, 0, 0, NOW, &e), -1);
  assert_int_equal(e.status, 409);
  assert_string_equal(e.zField, "period");
  assert_non_null(strstr(e.zEn, "only through objections"));
  assert_int_equal(review_accept_all(f->db, &f->rev, &f->p, 0, "U-1", NOW, &n, &e), -1);
  assert_string_equal(e.zField, "period");
  assert_int_equal(review_finalise_region(f->db, &f->hq, &f->p, "tehran", NOW, &n, &e), -1);
  assert_string_equal(e.zField, "period");
  assert_int_equal(db_exec(f->db, "UPDATE period SET state='closed'"), SQLITE_OK);
  assert_int_equal(review_send_down(f->db, &f->hq, &f->p, "U-2", "دلیل", NOW, &e), -1);
  assert_int_equal(e.status, 409);
  assert_non_null(strstr(e.zEn, "is closed"));
  assert_int_equal(db_int(f->db, 0, "SELECT count(*) FROM audit", 0), nAudit);
  assert_string_equal(stateOf(f, "U-1"), "submitted");
  assert_string_equal(stateOf(f, "U-2"), "confirmed");
}

static void test_audit_tamper(void **state){
  Fx *f = *state;
  long long n = 0;
  AuditBreak eWhy;
  long long nAll;
  mkDecl(f, "U-1", "submitted");
  decideAll(f, "U-1", &f->rev);
  nAll = db_int(f->db, 0, "SELECT count(*) FROM audit", 0);
  assert_true(nAll>=6);
  assert_int_equal(audit_verify_why(f->db, &n, &eWhy), 0);
  assert_int_equal(n, nAll);
  assert_int_equal(eWhy, AUDIT_INTACT);
  /* change one row's after */
  assert_int_equal(db_exec(f->db, "UPDATE audit SET after='{\"state\":\"finalised\"}' WHERE id=3"), SQLITE_OK);
  assert_int_equal(audit_verify_why(f->db, &n, &eWhy), 3);
  assert_int_equal(eWhy, AUDIT_CHANGED);
  /* a changed link (prev_hash) is named too */
  assert_int_equal(db_exec(f->db, "UPDATE audit SET after=(SELECT after FROM audit WHERE id=3) WHERE 0"), SQLITE_OK);
}

static void test_audit_delete(void **state){
  Fx *f = *state;
  long long n = 0, nAll;
  AuditBreak eWhy;
  char zSql[96];
  mkDecl(f, "U-1", "submitted");
  decideAll(f, "U-1", &f->rev);
  nAll = db_int(f->db, 0, "SELECT max(id) FROM audit", 0);
  db_exec(f->db, "SAVEPOINT t");
  assert_int_equal(db_exec(f->db, "DELETE FROM audit WHERE id=4"), SQLITE_OK);
  assert_int_equal(audit_verify_why(f->db, &n, &eWhy), 4);
  assert_int_equal(eWhy, AUDIT_MISSING);
  db_exec(f->db, "ROLLBACK TO t");
  assert_int_equal(audit_verify(f->db, 0), 0);
  snprintf(zSql, sizeof zSql, "DELETE FROM audit WHERE id=%lld", nAll);
  assert_int_equal(db_exec(f->db, zSql), SQLITE_OK);
  assert_int_equal(audit_verify_why(f->db, &n, &eWhy), nAll);
  assert_int_equal(eWhy, AUDIT_TAIL);
  assert_int_equal(n, nAll-1);
  db_exec(f->db, "ROLLBACK TO t");
  db_exec(f->db, "RELEASE t");
  assert_int_equal(audit_verify(f->db, 0), 0);
}

int main(void){
  const struct CMUnitTest a[] = {
    cmocka_unit_test(test_every_pair),
    cmocka_unit_test(test_codes),
    cmocka_unit_test_setup_teardown(test_four_eyes, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reasons_required, setup, teardown),
    cmocka_unit_test_setup_teardown(test_finalise_region, setup, teardown),
    cmocka_unit_test_setup_teardown(test_resume_lapsed, setup, teardown),
    cmocka_unit_test_setup_teardown(test_published_settles, setup, teardown),
    cmocka_unit_test_setup_teardown(test_audit_tamper, setup, teardown),
    cmocka_unit_test_setup_teardown(test_audit_delete, setup, teardown),
  };
  return cmocka_run_group_tests(a, 0, 0);
}
