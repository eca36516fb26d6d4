/*
** user.c — roles and their scopes, user accounts, password hashing.
**
** Passwords are Argon2id (libsodium crypto_pwhash_str). Hashing is bounded
** to USER_PW_CONCURRENT at once by a process-wide counting gate: the only
** shared state here, a mutex and a condition that need no owner.
*/
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/geo.h"
#include "domain/user.h"
#include "store/db.h"

static const struct {
  const char *zCode, *zLabel;
  ScopeKind eScope;
} aRole[ROLE_COUNT] = {
  { "public",          "عموم",                 SCOPE_NONE },
  { "office",          "متصدی دفتر",           SCOPE_OFFICE },
  { "region_reviewer", "کارشناس بررسی منطقه",  SCOPE_REGION },
  { "region_manager",  "مدیر منطقه",           SCOPE_REGION },
  { "association",     "انجمن صنفی استان",     SCOPE_PROVINCE },
  { "committee",       "کمیتهٔ نظارت استان",    SCOPE_PROVINCE },
  { "agency",          "دستگاه اجرایی",        SCOPE_AGENCY },
  { "hq_reviewer",     "کارشناس ستاد",         SCOPE_NATION },
  { "hq_admin",        "مدیر ستاد",            SCOPE_NATION },
};

const char *role_code(Role e){
  return (e>=0 && e<ROLE_COUNT) ? aRole[e].zCode : "unknown";
}

const char *role_label(Role e){
  return (e>=0 && e<ROLE_COUNT) ? aRole[e].zLabel : "نامعلوم";
}

Role role_from_code(const char *z){
  int i;
  for(i=1; z && i<ROLE_COUNT; i++){
    if( strcmp(z, aRole[i].zCode)==0 ) return (Role)i;
  }
  return ROLE_COUNT;
}

ScopeKind role_scope_kind(Role e){
  return (e>=0 && e<ROLE_COUNT) ? aRole[e].eScope : SCOPE_NONE;
}

const char *scope_kind_code(ScopeKind e){
  switch( e ){
    case SCOPE_OFFICE:   return "office";
    case SCOPE_REGION:   return "region";
    case SCOPE_PROVINCE: return "province";
    case SCOPE_AGENCY:   return "agency";
    case SCOPE_NATION:   return "nation";
    default:             return "";
  }
}

const char *user_error_fa(int rc){
  switch( rc ){
    case USER_EBADNAME:  return "نام کاربری باید ۳ تا ۳۲ نویسه از حروف کوچک لاتین، رقم، نقطه، خط تیره یا زیرخط باشد.";
    case USER_EBADROLE:  return "نقش نامعتبر است.";
    case USER_EBADSCOPE: return "حوزهٔ دسترسی با نقش نمی‌خواند یا در سامانه پیدا نشد (کد دفتر، منطقه، استان یا دستگاه).";
    case USER_EBADPW:    return "گذرواژه باید دست‌کم ۱۰ نویسه باشد.";
    case USER_EEXIST:    return "این نام کاربری پیش‌تر ثبت شده است.";
    case USER_ENOTFOUND: return "کاربری با این نام پیدا نشد.";
    default:             return "خطای پایگاه داده؛ دوباره تلاش کنید.";
  }
}

/* Lower-case a normalised username into zOut (USER_NAME_MAX+1). Returns 0
** or USER_EBADNAME. */
static int nameCanon(const char *zIn, char *zOut){
  char *z = zIn ? text_normalize_dup(zIn) : 0;
  size_t i, n;
  int rc = 0;
  if( z==0 ) return USER_EBADNAME;
  n = strlen(z);
  if( n<3 || n>USER_NAME_MAX ) rc = USER_EBADNAME;
  for(i=0; rc==0 && i<n; i++){
    char c = z[i];
    if( c>='A' && c<='Z' ) c = (char)(c - 'A' + 'a');
    if( !((c>='a' && c<='z') || (c>='0' && c<='9') || c=='.' || c=='-' || c=='_') ){
      rc = USER_EBADNAME;
    }
    zOut[i] = c;
  }
  if( rc==0 ) zOut[n] = 0;
  free(z);
  return rc;
}

int user_name_canon(const char *zUser, char *zOut){
  return nameCanon(zUser, zOut);
}

int user_name_check(const char *zUser){
  char z[USER_NAME_MAX+1];
  return nameCanon(zUser, z);
}

int user_password_check(const char *zPw){
  size_t n, i, nChar = 0;
  if( zPw==0 ) return USER_EBADPW;
  n = strlen(zPw);
  if( n>USER_PW_MAX || !text_utf8_valid(zPw, n) ) return USER_EBADPW;
  for(i=0; i<n; i++) if( ((unsigned char)zPw[i] & 0xC0)!=0x80 ) nChar++;
  return nChar<USER_PW_MIN ? USER_EBADPW : 0;
}

/* ---- Password hashing --------------------------------------------------- */

#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

static pthread_mutex_t pwMx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pwCv = PTHREAD_COND_INITIALIZER;
static int pwBusy = 0;

static void pwEnter(void){
  pthread_mutex_lock(&pwMx);
  while( pwBusy>=USER_PW_CONCURRENT ) pthread_cond_wait(&pwCv, &pwMx);
  pwBusy++;
  pthread_mutex_unlock(&pwMx);
}

static void pwLeave(void){
  pthread_mutex_lock(&pwMx);
  pwBusy--;
  pthread_cond_signal(&pwCv);
  pthread_mutex_unlock(&pwMx);
}

int user_pw_hash(const char *zPw, char *zOut){
  int rc;
  pwEnter();
  rc = crypto_pwhash_str(zOut, zPw, strlen(zPw), PW_OPS, PW_MEM);
  pwLeave();
  return rc==0 ? 0 : -1;
}

int user_pw_verify(const char *zHash, const char *zPw){
  int rc;
  pwEnter();
  rc = crypto_pwhash_str_verify(zHash, zPw, strlen(zPw));
  pwLeave();
  return rc==0;
}

int user_pw_needs_rehash(const char *zHash){
  return crypto_pwhash_str_needs_rehash(zHash, PW_OPS, PW_MEM)!=0;
}

/* The dummy hash, computed once per process. */
static pthread_once_t dummyOnce = PTHREAD_ONCE_INIT;
static char zDummyHash[crypto_pwhash_STRBYTES];
static void dummyInit(void){
  unsigned char a[16];
  char zPw[33];
  randombytes_buf(a, sizeof a);
  sodium_bin2hex(zPw, sizeof zPw, a, sizeof a);
  if( user_pw_hash(zPw, zDummyHash) ) abort();
}

void user_pw_dummy_verify(const char *zPw){
  pthread_once(&dummyOnce, dummyInit);
  (void)user_pw_verify(zDummyHash, zPw);
}

/* ---- Accounts ----------------------------------------------------------- */

/* Has table zName been created (by a later migration)? */
static int tableExists(sqlite3 *db, const char *zName){
  return db_int(db, 0, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name=?1", zName)>0;
}

/*
** Check and canonicalise the scope of role e into zOut[64]. Returns 0 or
** USER_EBADSCOPE with *pzErr set.
*/
static int scopeCanon(sqlite3 *db, Role e, const char *zIn, char *zOut, char **pzErr){
  ScopeKind k = role_scope_kind(e);
  char *z = 0;
  int ok = 0;
  zOut[0] = 0;
  if( k==SCOPE_NATION ){
    if( zIn && zIn[0] ){
      *pzErr = xsprintf("role %s has the whole nation as scope: give no --region/--province/--office/--agency", role_code(e));
      return USER_EBADSCOPE;
    }
    return 0;
  }
  if( zIn==0 || zIn[0]==0 ){
    *pzErr = xsprintf("role %s needs a scope: --%s CODE", role_code(e), scope_kind_code(k));
    return USER_EBADSCOPE;
  }
  if( k==SCOPE_PROVINCE ){
    /* a code or a Persian or English name */
    z = geo_province_code(db, zIn);
    ok = z!=0 && strlen(z)<64;
  }else if( (z = text_code_dup(zIn))!=0 && strlen(z)<64 ){
    size_t i;
    switch( k ){
      case SCOPE_OFFICE: {
        char *zC = db_text(db, "SELECT code FROM office WHERE code=?1 COLLATE NOCASE", z);
        if( zC ){ free(z); z = zC; ok = 1; }
        break;
      }
      case SCOPE_REGION:
        for(i=0; z[i]; i++) if( z[i]>='A' && z[i]<='Z' ) z[i] = (char)(z[i]-'A'+'a');
        ok = db_int(db, 0, "SELECT count(*) FROM region WHERE code=?1", z)>0;
        break;
      case SCOPE_AGENCY:
        ok = 1;
        for(i=0; z[i]; i++){
          char c = z[i];
          if( c>='A' && c<='Z' ) z[i] = c = (char)(c-'A'+'a');
          if( !((c>='a' && c<='z') || (c>='0' && c<='9') || c=='-' || c=='_') ) ok = 0;
        }
        if( ok && tableExists(db, "agency") ){
          ok = db_int(db, 0, "SELECT count(*) FROM agency WHERE code=?1", z)>0;
        }
        break;
      default:
        break;
    }
  }
  if( !ok ){
    *pzErr = xsprintf("no %s with code \"%s\"", scope_kind_code(k), zIn);
    free(z);
    return USER_EBADSCOPE;
  }
  snprintf(zOut, 64, "%s", z);
  free(z);
  return 0;
}

/* JSON text of a user's public fields for the audit trail (heap). */
static char *userJson(const char *zUser, Role e, const char *zScope, int bDisabled){
  json_t *p = json_pack("{ss ss ss sb}", "username", zUser, "role", role_code(e),
                        "scope", zScope ? zScope : "", "disabled", bDisabled);
  char *z = json_dumps(p, JSON_COMPACT|JSON_SORT_KEYS);
  json_decref(p);
  if( z==0 ) abort();
  return z;
}

long long user_create(sqlite3 *db, const Actor *pActor, const char *zUser, Role eRole,
                      const char *zScope, const char *zPassword, char **pzErr){
  char zHash[crypto_pwhash_STRBYTES];
  *pzErr = 0;
  if( user_password_check(zPassword) ){
    *pzErr = xsprintf("the password must have at least %d characters (and at most %d bytes)",
                      USER_PW_MIN, USER_PW_MAX);
    return USER_EBADPW;
  }
  if( user_pw_hash(zPassword, zHash) ){
    *pzErr = xsprintf("cannot hash the password (out of memory?)");
    return USER_EDB;
  }
  return user_create_hashed(db, pActor, zUser, eRole, zScope, zHash, pzErr);
}

/*
** user_create() with the password already hashed by user_pw_hash() (one
** hash for many accounts, as the demo does). Same contract.
*/
long long user_create_hashed(sqlite3 *db, const Actor *pActor, const char *zUser, Role eRole,
                             const char *zScope, const char *zHash, char **pzErr){
  char zName[USER_NAME_MAX+1], zSc[64], zNow[21];
  char *zAfter;
  sqlite3_stmt *p;
  long long iId;
  int rc;
  *pzErr = 0;
  if( nameCanon(zUser, zName) ){
    *pzErr = xsprintf("username \"%s\": use 3 to 32 of a-z 0-9 . - _", zUser ? zUser : "");
    return USER_EBADNAME;
  }
  if( eRole<=ROLE_PUBLIC || eRole>=ROLE_COUNT ){
    *pzErr = xsprintf("unknown role");
    return USER_EBADROLE;
  }
  if( (rc = scopeCanon(db, eRole, zScope, zSc, pzErr))!=0 ) return rc;
  if( zHash==0 || strncmp(zHash, "$argon2id$", 10)!=0 ){
    *pzErr = xsprintf("not an Argon2id password hash");
    return USER_EBADPW;
  }
  if( db_int(db, 0, "SELECT count(*) FROM users WHERE username=?1", zName)>0 ){
    *pzErr = xsprintf("username \"%s\" is taken", zName);
    return USER_EEXIST;
  }
  audit_now(zNow);
  if( db_begin(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    return USER_EDB;
  }
  p = db_prepare(db, "INSERT INTO users(username,role,scope,pw_hash,created_at,updated_at)"
                     " VALUES(?1,?2,?3,?4,?5,?5)");
  sqlite3_bind_text(p, 1, zName, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, role_code(eRole), -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zSc, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 4, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 5, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(p);
  db_finalize(p);
  if( rc!=SQLITE_DONE ){
    int bDup = (sqlite3_extended_errcode(db)==SQLITE_CONSTRAINT_UNIQUE);
    *pzErr = bDup ? xsprintf("username \"%s\" is taken", zName)
                  : xsprintf("database: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return bDup ? USER_EEXIST : USER_EDB;
  }
  iId = sqlite3_last_insert_rowid(db);
  zAfter = userJson(zName, eRole, zSc, 0);
  {
    char zObj[48];
    snprintf(zObj, sizeof zObj, "user:%s", zName);
    rc = audit_log(db, pActor, "user.add", zObj,
                   role_scope_kind(eRole)==SCOPE_OFFICE ? zSc : 0, 0, zAfter);
  }
  free(zAfter);
  if( rc!=SQLITE_OK || db_commit(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return USER_EDB;
  }
  return iId;
}

int user_load(sqlite3 *db, const char *zUser, User *pU){
  char zName[USER_NAME_MAX+1];
  sqlite3_stmt *p;
  int rc = USER_ENOTFOUND;
  memset(pU, 0, sizeof *pU);
  if( nameCanon(zUser, zName) ) return USER_ENOTFOUND;
  p = db_prepare(db,
    "SELECT u.id, u.username, u.role, u.scope, u.disabled, u.created_at,"
    " coalesce(u.last_login_at,''), coalesce(t.locked,0)"
    " FROM users u LEFT JOIN login_throttle t ON t.kind='user' AND t.key=u.username"
    " WHERE u.username=?1");
  sqlite3_bind_text(p, 1, zName, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    pU->iId = sqlite3_column_int64(p, 0);
    snprintf(pU->zUsername, sizeof pU->zUsername, "%s", db_col_text(p, 1));
    pU->role = role_from_code(db_col_text(p, 2));
    snprintf(pU->zScope, sizeof pU->zScope, "%s", db_col_text(p, 3));
    pU->bDisabled = sqlite3_column_int(p, 4);
    snprintf(pU->zCreated, sizeof pU->zCreated, "%s", db_col_text(p, 5));
    snprintf(pU->zLastLogin, sizeof pU->zLastLogin, "%s", db_col_text(p, 6));
    pU->bLocked = sqlite3_column_int(p, 7);
    rc = 0;
  }
  db_finalize(p);
  return rc;
}

int user_list(sqlite3 *db, User **paUser){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT u.id, u.username, u.role, u.scope, u.disabled, u.created_at,"
    " coalesce(u.last_login_at,''), coalesce(t.locked,0)"
    " FROM users u LEFT JOIN login_throttle t ON t.kind='user' AND t.key=u.username"
    " ORDER BY u.username");
  User *a = 0;
  int n = 0, nAlloc = 0;
  while( sqlite3_step(p)==SQLITE_ROW ){
    User *pU;
    if( n>=nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 16;
      a = xrealloc(a, sizeof(User)*(size_t)nAlloc);
    }
    pU = &a[n++];
    memset(pU, 0, sizeof *pU);
    pU->iId = sqlite3_column_int64(p, 0);
    snprintf(pU->zUsername, sizeof pU->zUsername, "%s", db_col_text(p, 1));
    pU->role = role_from_code(db_col_text(p, 2));
    snprintf(pU->zScope, sizeof pU->zScope, "%s", db_col_text(p, 3));
    pU->bDisabled = sqlite3_column_int(p, 4);
    snprintf(pU->zCreated, sizeof pU->zCreated, "%s", db_col_text(p, 5));
    snprintf(pU->zLastLogin, sizeof pU->zLastLogin, "%s", db_col_text(p, 6));
    pU->bLocked = sqlite3_column_int(p, 7);
  }
  db_finalize(p);
  *paUser = a;
  return n;
}

int user_set_password(sqlite3 *db, const Actor *pActor, const char *zUser,
                      const char *zPassword, char **pzErr){
  User u;
  char zHash[crypto_pwhash_STRBYTES], zNow[21], zObj[48];
  sqlite3_stmt *p;
  int rc;
  *pzErr = 0;
  if( user_load(db, zUser, &u) ){
    *pzErr = xsprintf("no user \"%s\"", zUser ? zUser : "");
    return USER_ENOTFOUND;
  }
  if( user_password_check(zPassword) ){
    *pzErr = xsprintf("the password must have at least %d characters (and at most %d bytes)",
                      USER_PW_MIN, USER_PW_MAX);
    return USER_EBADPW;
  }
  if( user_pw_hash(zPassword, zHash) ){
    *pzErr = xsprintf("cannot hash the password (out of memory?)");
    return USER_EDB;
  }
  audit_now(zNow);
  if( db_begin(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    return USER_EDB;
  }
  p = db_prepare(db, "UPDATE users SET pw_hash=?1, updated_at=?2 WHERE id=?3");
  sqlite3_bind_text(p, 1, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 3, u.iId);
  rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(p);
  if( rc==SQLITE_OK ){
    p = db_prepare(db, "DELETE FROM session WHERE user_id=?1");
    sqlite3_bind_int64(p, 1, u.iId);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    db_finalize(p);
  }
  snprintf(zObj, sizeof zObj, "user:%s", u.zUsername);
  if( rc==SQLITE_OK ) rc = audit_log(db, pActor, "user.passwd", zObj, 0, 0, 0);
  if( rc!=SQLITE_OK || db_commit(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return USER_EDB;
  }
  return 0;
}

int user_set_disabled(sqlite3 *db, const Actor *pActor, const char *zUser,
                      int bDisabled, char **pzErr){
  User u;
  char zNow[21], zObj[48];
  char *zBefore, *zAfter;
  sqlite3_stmt *p;
  int rc;
  *pzErr = 0;
  if( user_load(db, zUser, &u) ){
    *pzErr = xsprintf("no user \"%s\"", zUser ? zUser : "");
    return USER_ENOTFOUND;
  }
  bDisabled = bDisabled!=0;
  if( u.bDisabled==bDisabled ) return 0;
  audit_now(zNow);
  if( db_begin(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    return USER_EDB;
  }
  p = db_prepare(db, "UPDATE users SET disabled=?1, updated_at=?2 WHERE id=?3");
  sqlite3_bind_int(p, 1, bDisabled);
  sqlite3_bind_text(p, 2, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 3, u.iId);
  rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  db_finalize(p);
  if( rc==SQLITE_OK && bDisabled ){
    p = db_prepare(db, "DELETE FROM session WHERE user_id=?1");
    sqlite3_bind_int64(p, 1, u.iId);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    db_finalize(p);
  }
  zBefore = userJson(u.zUsername, u.role, u.zScope, u.bDisabled);
  zAfter = userJson(u.zUsername, u.role, u.zScope, bDisabled);
  snprintf(zObj, sizeof zObj, "user:%s", u.zUsername);
  if( rc==SQLITE_OK ){
    rc = audit_log(db, pActor, bDisabled ? "user.disable" : "user.enable", zObj, 0, zBefore, zAfter);
  }
  free(zBefore);
  free(zAfter);
  if( rc!=SQLITE_OK || db_commit(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return USER_EDB;
  }
  return 0;
}
