/*
** test_auth.c — unit tests for users, passwords, logins, throttling,
** sessions, API tokens (src/domain/user.c, login.c) and the CSRF helpers
** of src/web/session.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/login.h"
#include "domain/user.h"
#include "store/db.h"
#include "web/session.h"

#define PW "correct horse battery"
#define T0 1700000000000LL          /* a fixed "now" in ms */

typedef struct Fx { char zDir[32]; sqlite3 *db; Actor a; LoginPolicy pol; } Fx;

static int setup(void **state){
  Fx *p = calloc(1, sizeof *p);
  char *zErr = 0;
  strcpy(p->zDir, "/tmp/pk-auth-XXXXXX");
  if( mkdtemp(p->zDir)==0 ) return -1;
  p->db = db_open(p->zDir, DB_CREATE, &zErr);
  if( p->db==0 ) return -1;
  if( db_exec(p->db,
    "INSERT INTO region(code,name_fa,name_en) VALUES('tehran','تهران','Tehran'),('south','جنوب','South');"
    "INSERT INTO province(code,region_code,name_fa,name_en) VALUES"
    " ('tehran','tehran','تهران','Tehran'),('fars','south','فارس','Fars');"
    "INSERT INTO office(code,type,name,province_code,city,updated_at)"
    " VALUES('U-1001','urban','x','tehran','تهران','2020-01-01T00:00:00Z');")!=SQLITE_OK ) return -1;
  /* Agency scopes are checked against the agency table (migration 7). */
  if( db_exec(p->db, "INSERT INTO agency(code,name_fa,created_at,updated_at)"
                     " VALUES('post','پست','2020-01-01T00:00:00Z','2020-01-01T00:00:00Z')")!=SQLITE_OK ){
    return -1;
  }
  p->a.iUser = 0;
  p->a.zUser = "test";
  p->a.zAddr = "";
  p->pol.nIdle = 1800;
  p->pol.nMax = 43200;
  p->pol.nDelayMs = 1000;
  p->pol.nUserFree = LOGIN_USER_FREE;
  p->pol.nUserLock = LOGIN_USER_LOCK;
  p->pol.nAddrFree = LOGIN_ADDR_FREE;
  p->pol.nAddrLock = LOGIN_ADDR_LOCK;
  *state = p;
  return 0;
}

static int teardown(void **state){
  Fx *p = *state;
  char zCmd[64];
  db_close(p->db);
  snprintf(zCmd, sizeof zCmd, "rm -rf '%s'", p->zDir);
  if( system(zCmd)!=0 ) return -1;
  free(p);
  return 0;
}

static long long mkUser(Fx *p, const char *zUser, Role e, const char *zScope){
  char *zErr = 0;
  long long rc = user_create(p->db, &p->a, zUser, e, zScope, PW, &zErr);
  if( rc<0 ) fail_msg("user_create %s: %s", zUser, zErr ? zErr : "?");
  free(zErr);
  return rc;
}

/* ---- Users ---- */

static void test_user_create(void **state){
  Fx *p = *state;
  char *zErr = 0;
  User u;
  long long rc;
  assert_true(mkUser(p, "Office.One", ROLE_OFFICE, "u-1001")>0);
  assert_int_equal(user_load(p->db, "office.one", &u), 0);
  assert_string_equal(u.zUsername, "office.one");
  assert_int_equal(u.role, ROLE_OFFICE);
  assert_string_equal(u.zScope, "U-1001");        /* canonical code */
  assert_true(mkUser(p, "assoc", ROLE_ASSOCIATION, "Fars")>0);
  assert_int_equal(user_load(p->db, "assoc", &u), 0);
  assert_string_equal(u.zScope, "fars");
  assert_true(mkUser(p, "rev", ROLE_REVIEWER, "TEHRAN")>0);
  assert_true(mkUser(p, "boss", ROLE_HQ_ADMIN, 0)>0);
  assert_true(mkUser(p, "post", ROLE_AGENCY, "post")>0);

  rc = user_create(p->db, &p->a, "office.one", ROLE_OFFICE, "U-1001", PW, &zErr);
  assert_int_equal(rc, USER_EEXIST); free(zErr);
  rc = user_create(p->db, &p->a, "x", ROLE_OFFICE, "U-1001", PW, &zErr);
  assert_int_equal(rc, USER_EBADNAME); free(zErr);
  rc = user_create(p->db, &p->a, "bad name", ROLE_OFFICE, "U-1001", PW, &zErr);
  assert_int_equal(rc, USER_EBADNAME); free(zErr);
  rc = user_create(p->db, &p->a, "nooffice", ROLE_OFFICE, "U-9999", PW, &zErr);
  assert_int_equal(rc, USER_EBADSCOPE); free(zErr);
  rc = user_create(p->db, &p->a, "noscope", ROLE_REVIEWER, 0, PW, &zErr);
  assert_int_equal(rc, USER_EBADSCOPE); free(zErr);
  rc = user_create(p->db, &p->a, "hqscope", ROLE_HQ_REVIEWER, "tehran", PW, &zErr);
  assert_int_equal(rc, USER_EBADSCOPE); free(zErr);
  rc = user_create(p->db, &p->a, "badagency", ROLE_AGENCY, "a b", PW, &zErr);
  assert_int_equal(rc, USER_EBADSCOPE); free(zErr);
  rc = user_create(p->db, &p->a, "noagency", ROLE_AGENCY, "tax", PW, &zErr);
  assert_int_equal(rc, USER_EBADSCOPE); free(zErr);
  rc = user_create(p->db, &p->a, "shortpw", ROLE_HQ_ADMIN, 0, "123456789", &zErr);
  assert_int_equal(rc, USER_EBADPW); free(zErr);
  rc = user_create(p->db, &p->a, "public", ROLE_PUBLIC, 0, PW, &zErr);
  assert_int_equal(rc, USER_EBADROLE); free(zErr);
  /* Ten Persian letters are ten characters, not twenty bytes. */
  assert_int_equal(user_password_check("گذرواژهٔ من"), 0);
  assert_int_equal(user_password_check("\xff\xfe" "aaaaaaaaaaaa"), USER_EBADPW);
  /* Every change wrote an audit entry and the chain holds. */
  {
    long long n = 0;
    assert_int_equal(audit_verify(p->db, &n), 0);
    assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='user.add'", 0), 5);
  }
  /* The stored hash is Argon2id, never the password. */
  {
    char *z = db_text(p->db, "SELECT pw_hash FROM users WHERE username='boss'", 0);
    assert_non_null(z);
    assert_true(strncmp(z, "$argon2id$", 10)==0);
    assert_null(strstr(z, PW));
    free(z);
  }
}

static void test_user_list_disable(void **state){
  Fx *p = *state;
  User *a = 0;
  char *zErr = 0;
  int n;
  mkUser(p, "bbb", ROLE_HQ_REVIEWER, 0);
  mkUser(p, "aaa", ROLE_MANAGER, "south");
  n = user_list(p->db, &a);
  assert_int_equal(n, 2);
  assert_string_equal(a[0].zUsername, "aaa");
  assert_string_equal(a[1].zScope, "");
  free(a);
  assert_int_equal(user_set_disabled(p->db, &p->a, "aaa", 1, &zErr), 0);
  assert_int_equal(user_set_disabled(p->db, &p->a, "nobody", 1, &zErr), USER_ENOTFOUND);
  free(zErr);
  n = user_list(p->db, &a);
  assert_int_equal(a[0].bDisabled, 1);
  free(a);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='user.disable'", 0), 1);
}

/* ---- Logins ---- */

static void test_login_ok_and_session(void **state){
  Fx *p = *state;
  LoginResult r;
  Principal w;
  long long now = T0/1000;
  mkUser(p, "rev", ROLE_REVIEWER, "tehran");
  assert_int_equal(login_attempt(p->db, &p->pol, "REV", PW, "10.0.0.1", T0, &r), LOGIN_OK);
  assert_int_equal((int)strlen(r.zToken), LOGIN_TOKEN_CHARS);
  assert_int_equal((int)strlen(r.who.zCsrf), 64);
  assert_string_equal(r.who.zUsername, "rev");
  assert_int_equal(r.who.role, ROLE_REVIEWER);
  /* The token is stored only as its hash. */
  {
    char zHash[65];
    login_token_hash(r.zToken, zHash);
    assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM session WHERE hash=?1", zHash), 1);
    assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM session WHERE hash=?1", r.zToken), 0);
  }
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + 10, &w), 0);
  assert_string_equal(w.zScope, "tehran");
  assert_string_equal(w.zCsrf, r.who.zCsrf);
  /* Idle: used at +1000 keeps it alive at +2500, but not 1801 s later. */
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + 1000, &w), 0);
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + 2500, &w), 0);
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + 2500 + 1801, &w), -1);
  /* Gone for good once expired. */
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM session", 0), 0);
  /* Wrong-looking tokens. */
  assert_int_equal(login_session_find(p->db, &p->pol, "", now, &w), -1);
  assert_int_equal(login_session_find(p->db, &p->pol, 0, now, &w), -1);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='login.ok'", 0), 1);
}

static void test_session_absolute_and_logout(void **state){
  Fx *p = *state;
  LoginResult r;
  Principal w;
  long long t, now = T0/1000;
  Actor a = { 1, "rev", "" };
  mkUser(p, "rev", ROLE_REVIEWER, "tehran");
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "", T0, &r), LOGIN_OK);
  /* Used every 20 minutes, it still ends 12 hours after login. */
  for(t=1200; t<=43200; t+=1200){
    assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + t, &w), 0);
  }
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now + 43201, &w), -1);
  /* Logout deletes the session. */
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "", T0, &r), LOGIN_OK);
  assert_int_equal(login_session_end(p->db, &a, r.zToken), 1);
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, now, &w), -1);
  assert_int_equal(login_session_end(p->db, &a, r.zToken), 0);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='logout'", 0), 1);
}

static void test_login_bad_disabled(void **state){
  Fx *p = *state;
  LoginResult r;
  char *zErr = 0;
  Principal w;
  mkUser(p, "off", ROLE_OFFICE, "U-1001");
  assert_int_equal(login_attempt(p->db, &p->pol, "off", "wrong password!", "a", T0, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, "ghost", PW, "a", T0, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, "", "", "a", T0, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, 0, 0, 0, T0, &r), LOGIN_BAD);
  assert_int_equal(r.zToken[0], 0);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='login.fail'", 0), 4);
  /* Disabled: told so only with the right password, and its sessions end. */
  assert_int_equal(login_attempt(p->db, &p->pol, "off", PW, "b", T0, &r), LOGIN_OK);
  assert_int_equal(user_set_disabled(p->db, &p->a, "off", 1, &zErr), 0);
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, T0/1000, &w), -1);
  assert_int_equal(login_attempt(p->db, &p->pol, "off", PW, "b", T0, &r), LOGIN_DISABLED);
  assert_int_equal(login_attempt(p->db, &p->pol, "off", "wrong password!", "b", T0, &r), LOGIN_BAD);
  /* A new password ends sessions, the old one stops working. */
  assert_int_equal(user_set_disabled(p->db, &p->a, "off", 0, &zErr), 0);
  assert_int_equal(login_attempt(p->db, &p->pol, "off", PW, "c", T0, &r), LOGIN_OK);
  assert_int_equal(user_set_password(p->db, &p->a, "off", "another passphrase", &zErr), 0);
  assert_int_equal(login_session_find(p->db, &p->pol, r.zToken, T0/1000, &w), -1);
  assert_int_equal(login_attempt(p->db, &p->pol, "off", PW, "c", T0, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, "off", "another passphrase", "c", T0, &r), LOGIN_OK);
  assert_int_equal(user_set_password(p->db, &p->a, "off", "short", &zErr), USER_EBADPW);
  free(zErr);
}

static void test_throttle_user(void **state){
  Fx *p = *state;
  LoginResult r;
  Actor a = { 0, "hq", "" };
  long long t = T0;
  int i;
  mkUser(p, "rev", ROLE_REVIEWER, "tehran");
  /* Three failures are free; then 1 s, 2 s, 4 s ... must pass. */
  for(i=0; i<LOGIN_USER_FREE; i++){
    assert_int_equal(login_attempt(p->db, &p->pol, "rev", "nope nope nope", "a", t, &r), LOGIN_BAD);
  }
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "a", t + 500, &r), LOGIN_DELAYED);
  assert_int_equal(r.nRetryAfter, 1);
  assert_int_equal(r.bAddr, 0);
  t += 1000;
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", "nope nope nope", "a", t, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "a", t + 1500, &r), LOGIN_DELAYED);
  assert_int_equal(r.nRetryAfter, 1);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "a", t + 1000, &r), LOGIN_DELAYED);
  assert_int_equal(r.nRetryAfter, 1);
  /* The delay applies to an unknown username the same way. */
  for(i=0; i<LOGIN_USER_FREE; i++){
    assert_int_equal(login_attempt(p->db, &p->pol, "ghost", "nope nope nope", "b", T0, &r), LOGIN_BAD);
  }
  assert_int_equal(login_attempt(p->db, &p->pol, "ghost", "nope nope nope", "b", T0, &r), LOGIN_DELAYED);
  /* Success after waiting resets the username's count. */
  t += 2000;
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "a", t, &r), LOGIN_OK);
  assert_int_equal(db_int(p->db, -1, "SELECT count(*) FROM login_throttle WHERE kind='user' AND key='rev'", 0), 0);
  /* Lock: nUserLock failures in a row, spaced past every delay (a small
  ** threshold: each failure costs an Argon2id hash). */
  p->pol.nUserLock = 5;
  for(i=0; i<p->pol.nUserLock; i++){
    t += LOGIN_DELAY_MAX_MS;
    assert_int_equal(login_attempt(p->db, &p->pol, "rev", "nope nope nope", "c", t, &r), LOGIN_BAD);
  }
  t += LOGIN_DELAY_MAX_MS;
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "d", t, &r), LOGIN_LOCKED);
  assert_int_equal(r.bAddr, 0);
  /* Locks do not expire; HQ lifts them. */
  t += 10LL*LOGIN_FORGET_MS;
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "d", t, &r), LOGIN_LOCKED);
  {
    LoginLock *aL = 0;
    int n = login_lock_list(p->db, &aL);
    assert_int_equal(n, 1);
    assert_string_equal(aL[0].zKind, "user");
    assert_string_equal(aL[0].zKey, "rev");
    free(aL);
  }
  assert_int_equal(login_unlock(p->db, &a, "user", "REV"), 1);
  assert_int_equal(login_unlock(p->db, &a, "user", "rev"), 0);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "d", t, &r), LOGIN_OK);
  assert_true(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='login.throttled'", 0)>=4);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='login.locked'", 0), 2);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='lock.lift'", 0), 1);
}

static void test_throttle_forget_and_addr(void **state){
  Fx *p = *state;
  LoginResult r;
  Actor a = { 0, "hq", "" };
  long long t = T0;
  int i;
  char zUser[32];
  p->pol.nDelayMs = 0;            /* no delays: only counts and locks */
  p->pol.nUserLock = 4;           /* small thresholds: each failure costs a hash */
  p->pol.nAddrLock = 6;
  mkUser(p, "rev", ROLE_REVIEWER, "tehran");
  /* Old failures are forgotten after an hour. */
  for(i=0; i<p->pol.nUserLock-1; i++){
    assert_int_equal(login_attempt(p->db, &p->pol, "rev", "nope nope nope", "x", t, &r), LOGIN_BAD);
  }
  t += LOGIN_FORGET_MS + 1;
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", "nope nope nope", "x", t, &r), LOGIN_BAD);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "x", t, &r), LOGIN_OK);
  /* One address guessing many usernames gets locked as an address. */
  t += LOGIN_FORGET_MS + 1;
  for(i=0; i<p->pol.nAddrLock; i++){
    snprintf(zUser, sizeof zUser, "guess%d", i);
    assert_int_equal(login_attempt(p->db, &p->pol, zUser, "nope nope nope", "6.6.6.6", t, &r), LOGIN_BAD);
  }
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "6.6.6.6", t, &r), LOGIN_LOCKED);
  assert_int_equal(r.bAddr, 1);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "7.7.7.7", t, &r), LOGIN_OK);
  assert_int_equal(login_unlock(p->db, &a, "addr", "6.6.6.6"), 1);
  assert_int_equal(login_attempt(p->db, &p->pol, "rev", PW, "6.6.6.6", t, &r), LOGIN_OK);
  assert_int_equal(login_unlock(p->db, &a, "bogus", "x"), 0);
}

static void test_rehash(void **state){
  Fx *p = *state;
  LoginResult r;
  char zOld[crypto_pwhash_STRBYTES];
  char *zNew;
  sqlite3_stmt *pS;
  mkUser(p, "old", ROLE_HQ_REVIEWER, 0);
  assert_int_equal(crypto_pwhash_str(zOld, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN,
                                     crypto_pwhash_MEMLIMIT_MIN), 0);
  assert_true(user_pw_needs_rehash(zOld));
  pS = db_prepare(p->db, "UPDATE users SET pw_hash=?1 WHERE username='old'");
  sqlite3_bind_text(pS, 1, zOld, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(pS), SQLITE_DONE);
  db_finalize(pS);
  assert_int_equal(login_attempt(p->db, &p->pol, "old", PW, "", T0, &r), LOGIN_OK);
  zNew = db_text(p->db, "SELECT pw_hash FROM users WHERE username='old'", 0);
  assert_string_not_equal(zNew, zOld);
  assert_false(user_pw_needs_rehash(zNew));
  assert_true(user_pw_verify(zNew, PW));
  free(zNew);
}

/* ---- API tokens ---- */

static void test_tokens(void **state){
  Fx *p = *state;
  char zTok[LOGIN_TOKEN_SIZE], zTok2[LOGIN_TOKEN_SIZE];
  char *zErr = 0;
  Principal w;
  ApiToken *aT = 0;
  long long iId, iId2;
  mkUser(p, "post", ROLE_AGENCY, "post");
  iId = login_token_create(p->db, &p->a, "post", "nightly sync", zTok, &zErr);
  assert_true(iId>0);
  assert_int_equal((int)strlen(zTok), 3 + LOGIN_TOKEN_CHARS);
  assert_memory_equal(zTok, "pk_", 3);
  iId2 = login_token_create(p->db, &p->a, "post", 0, zTok2, &zErr);
  assert_true(iId2>iId);
  assert_string_not_equal(zTok, zTok2);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM api_token WHERE hash=?1", zTok), 0);
  assert_int_equal(login_token_find(p->db, zTok, &w), 0);
  assert_int_equal(w.bBearer, 1);
  assert_int_equal(w.role, ROLE_AGENCY);
  assert_string_equal(w.zScope, "post");
  assert_string_equal(w.zCsrf, "");
  assert_int_equal(login_token_list(p->db, "post", &aT), 2);
  assert_string_equal(aT[0].zLabel, "nightly sync");
  free(aT);
  /* Revoked: gone; the other still works. */
  assert_int_equal(login_token_revoke(p->db, &p->a, iId), 0);
  assert_int_equal(login_token_revoke(p->db, &p->a, iId), -1);
  assert_int_equal(login_token_find(p->db, zTok, &w), -1);
  assert_int_equal(login_token_find(p->db, zTok2, &w), 0);
  /* Disabled user: no token works. */
  assert_int_equal(user_set_disabled(p->db, &p->a, "post", 1, &zErr), 0);
  assert_int_equal(login_token_find(p->db, zTok2, &w), -1);
  assert_true(login_token_create(p->db, &p->a, "post", 0, zTok, &zErr)<0);
  free(zErr); zErr = 0;
  assert_true(login_token_create(p->db, &p->a, "nobody", 0, zTok, &zErr)<0);
  free(zErr);
  /* Malformed. */
  assert_int_equal(login_token_find(p->db, "pk_", &w), -1);
  assert_int_equal(login_token_find(p->db, 0, &w), -1);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='token.create'", 0), 2);
  assert_int_equal(db_int(p->db, 0, "SELECT count(*) FROM audit WHERE action='token.revoke'", 0), 1);
}

/* ---- CSRF helpers ---- */

static void test_origin(void **state){
  (void)state;
  assert_true(session_origin_ok(0, 0, "example.org"));
  assert_true(session_origin_ok("", "", 0));
  assert_true(session_origin_ok("http://127.0.0.1:8080", 0, "127.0.0.1:8080"));
  assert_true(session_origin_ok("https://Example.ORG", 0, "example.org"));
  assert_true(session_origin_ok(0, "http://127.0.0.1:8080/admin/users?x=1", "127.0.0.1:8080"));
  assert_false(session_origin_ok("http://127.0.0.1:8081", 0, "127.0.0.1:8080"));
  assert_false(session_origin_ok("http://evil.example", 0, "example.org"));
  assert_false(session_origin_ok("http://example.org.evil.example", 0, "example.org"));
  assert_false(session_origin_ok("null", 0, "example.org"));
  assert_false(session_origin_ok("http://example.org", 0, 0));
  assert_false(session_origin_ok(0, "http://evil.example/http://example.org", "example.org"));
  assert_false(session_origin_ok(0, "ftp://example.org/", "example.org"));
  /* Origin decides when both are present. */
  assert_false(session_origin_ok("http://evil.example", "http://example.org/", "example.org"));
}

static void test_token_eq(void **state){
  (void)state;
  assert_true(session_token_eq("abc", "abc"));
  assert_false(session_token_eq("abc", "abd"));
  assert_false(session_token_eq("abc", "abcd"));
  assert_false(session_token_eq("", ""));
  assert_false(session_token_eq(0, "abc"));
  assert_false(session_token_eq("abc", 0));
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_user_create, setup, teardown),
    cmocka_unit_test_setup_teardown(test_user_list_disable, setup, teardown),
    cmocka_unit_test_setup_teardown(test_login_ok_and_session, setup, teardown),
    cmocka_unit_test_setup_teardown(test_session_absolute_and_logout, setup, teardown),
    cmocka_unit_test_setup_teardown(test_login_bad_disabled, setup, teardown),
    cmocka_unit_test_setup_teardown(test_throttle_user, setup, teardown),
    cmocka_unit_test_setup_teardown(test_throttle_forget_and_addr, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rehash, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
    cmocka_unit_test(test_origin),
    cmocka_unit_test(test_token_eq),
  };
  if( sodium_init()<0 ) return 1;
  return cmocka_run_group_tests(tests, 0, 0);
}
