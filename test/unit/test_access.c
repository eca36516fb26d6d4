/*
** test_access.c — unit tests for src/domain/access.c: every role × every
** action, inside and outside the role's scope, and with no object.
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

#include "domain/access.h"
#include "store/db.h"

/* The expected table, written out independently of access.c. */
static const char *const azAllowed[ACT_COUNT] = {
  [ACT_LOGGED_IN]         = "office region_reviewer region_manager association committee agency hq_reviewer hq_admin",
  [ACT_OFFICE_PRIVATE]    = "office region_reviewer region_manager hq_reviewer hq_admin",
  [ACT_DECLARE]           = "office",
  [ACT_REVIEW]            = "region_reviewer",
  [ACT_CONFIRM]           = "region_manager",
  [ACT_EXTEND]            = "region_manager hq_admin",
  [ACT_FINALISE]          = "hq_reviewer",
  [ACT_OBJECTION_DECIDE]  = "hq_reviewer",
  [ACT_ASSOCIATION_SCORE] = "association",
  [ACT_RULING]            = "committee",
  [ACT_AGENCY]            = "agency hq_admin",
  [ACT_HQ_VIEW]           = "hq_reviewer hq_admin",
  [ACT_ADMIN]             = "hq_admin",
};

/* Is role code zRole a word of the list z? */
static int listed(const char *z, const char *zRole){
  size_t n = strlen(zRole);
  while( z && *z ){
    const char *zEnd = strchr(z, ' ');
    size_t k = zEnd ? (size_t)(zEnd - z) : strlen(z);
    if( k==n && strncmp(z, zRole, n)==0 ) return 1;
    z = zEnd ? zEnd+1 : 0;
  }
  return 0;
}

/* A principal of role e with the scope matching objects "in" below. */
static void principal(Role e, Principal *p){
  memset(p, 0, sizeof *p);
  p->iUser = 1;
  snprintf(p->zUsername, sizeof p->zUsername, "u-%s", role_code(e));
  p->role = e;
  switch( role_scope_kind(e) ){
    case SCOPE_OFFICE:   strcpy(p->zScope, "U-1001"); break;
    case SCOPE_REGION:   strcpy(p->zScope, "tehran"); break;
    case SCOPE_PROVINCE: strcpy(p->zScope, "tehran"); break;
    case SCOPE_AGENCY:   strcpy(p->zScope, "post"); break;
    default: break;
  }
}

static void test_matrix(void **state){
  /* Inside every scope kind at once, and outside all of them. */
  static const Object in  = { "U-1001", "tehran", "tehran", "post" };
  static const Object out = { "U-1003", "fars", "south", "tax" };
  static const Object national = { 0, 0, 0, 0 };
  int e, a;
  (void)state;
  for(a=0; a<ACT_COUNT; a++){
    for(e=ROLE_OFFICE; e<ROLE_COUNT; e++){
      Principal w;
      int bRole = listed(azAllowed[a], role_code((Role)e));
      int bNation = role_scope_kind((Role)e)==SCOPE_NATION;
      principal((Role)e, &w);
      if( access_allow(&w, (Action)a, &in)!=bRole )
        fail_msg("%s %s inside: want %d", role_code((Role)e), access_action_name((Action)a), bRole);
      if( access_allow(&w, (Action)a, &out)!=(bRole && bNation) )
        fail_msg("%s %s outside: want %d", role_code((Role)e), access_action_name((Action)a), bRole && bNation);
      if( access_allow(&w, (Action)a, &national)!=(bRole && bNation) )
        fail_msg("%s %s national object", role_code((Role)e), access_action_name((Action)a));
      if( access_allow(&w, (Action)a, 0)!=bRole )
        fail_msg("%s %s no object: want %d", role_code((Role)e), access_action_name((Action)a), bRole);
    }
    /* The anonymous public may do none of these. */
    assert_int_equal(access_allow(0, (Action)a, &in), 0);
    assert_int_equal(access_allow(0, (Action)a, 0), 0);
  }
}

static void test_scope_partial(void **state){
  Principal w;
  Object o = { "U-1002", "isfahan", "tehran", 0 };   /* another office, same region */
  (void)state;
  principal(ROLE_OFFICE, &w);
  assert_int_equal(access_allow(&w, ACT_DECLARE, &o), 0);
  principal(ROLE_REVIEWER, &w);
  assert_int_equal(access_allow(&w, ACT_REVIEW, &o), 1);
  principal(ROLE_ASSOCIATION, &w);
  assert_int_equal(access_allow(&w, ACT_ASSOCIATION_SCORE, &o), 0);
  /* An empty scope never matches an empty field. */
  principal(ROLE_AGENCY, &w);
  w.zScope[0] = 0;
  o.zAgency = "";
  assert_int_equal(access_allow(&w, ACT_AGENCY, &o), 0);
  /* Bad input. */
  w.role = ROLE_COUNT;
  assert_int_equal(access_allow(&w, ACT_LOGGED_IN, 0), 0);
  w.role = ROLE_PUBLIC;
  assert_int_equal(access_allow(&w, ACT_LOGGED_IN, 0), 0);
  principal(ROLE_HQ_ADMIN, &w);
  assert_int_equal(access_allow(&w, ACT_COUNT, 0), 0);
  assert_int_equal(access_allow(&w, (Action)-1, 0), 0);
}

static void test_names(void **state){
  int a, b;
  (void)state;
  for(a=0; a<ACT_COUNT; a++){
    assert_non_null(access_action_name((Action)a));
    assert_string_not_equal(access_action_name((Action)a), "unknown");
    for(b=0; b<a; b++) assert_string_not_equal(access_action_name((Action)a), access_action_name((Action)b));
  }
  assert_string_equal(access_action_name(ACT_COUNT), "unknown");
}

static void test_objects(void **state){
  char zDir[] = "/tmp/pk-access-XXXXXX";
  char *zErr = 0, *zCmd;
  sqlite3 *db;
  Object o;
  (void)state;
  assert_non_null(mkdtemp(zDir));
  db = db_open(zDir, DB_CREATE, &zErr);
  assert_non_null(db);
  assert_int_equal(db_exec(db,
    "INSERT INTO region(code,name_fa,name_en) VALUES('south','جنوب','South');"
    "INSERT INTO province(code,region_code,name_fa,name_en) VALUES('fars','south','فارس','Fars');"
    "INSERT INTO office(code,type,name,province_code,city,updated_at)"
    " VALUES('U-1003','urban','x','fars','شیراز','2020-01-01T00:00:00Z');"), SQLITE_OK);
  assert_int_equal(access_object_office(db, "U-1003", &o), 0);
  assert_string_equal(o.zOffice, "U-1003");
  assert_string_equal(o.zProvince, "fars");
  assert_string_equal(o.zRegion, "south");
  assert_null(o.zAgency);
  access_object_clear(&o);
  assert_int_equal(access_object_office(db, "U-9999", &o), -1);
  assert_int_equal(access_object_province(db, "fars", &o), 0);
  assert_null(o.zOffice);
  assert_string_equal(o.zRegion, "south");
  access_object_clear(&o);
  assert_int_equal(access_object_province(db, "nowhere", &o), -1);
  access_object_region("south", &o);
  assert_string_equal(o.zRegion, "south");
  access_object_clear(&o);
  db_close(db);
  zCmd = malloc(strlen(zDir) + 16);
  sprintf(zCmd, "rm -rf '%s'", zDir);
  assert_int_equal(system(zCmd), 0);
  free(zCmd);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_matrix),
    cmocka_unit_test(test_scope_partial),
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_objects),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
