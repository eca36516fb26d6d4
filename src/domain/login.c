/*
** login.c — password logins with throttling, sessions, API tokens.
**
** The Argon2id check runs outside any transaction (it takes tens of
** milliseconds); what it decides is then written in one transaction with
** its audit entry.
*/
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "domain/login.h"
#include "store/db.h"

/* Integer from environment variable zName when set and in [lo,hi]. */
static int envInt(const char *zName, int iDflt, int lo, int hi){
  const char *z = getenv(zName);
  char *zEnd = 0;
  long v;
  if( z==0 || z[0]==0 ) return iDflt;
  v = strtol(z, &zEnd, 10);
  if( *zEnd || v<lo || v>hi ) return iDflt;
  return (int)v;
}

void login_policy_default(LoginPolicy *p){
  p->nIdle = envInt("PISHKHAN_SESSION_IDLE", 1800, 1, 86400*30);
  p->nMax = envInt("PISHKHAN_SESSION_MAX", 43200, 1, 86400*365);
  p->nDelayMs = envInt("PISHKHAN_LOGIN_DELAY_MS", 1000, 0, 600000);
  p->nUserFree = LOGIN_USER_FREE;
  p->nUserLock = LOGIN_USER_LOCK;
  p->nAddrFree = LOGIN_ADDR_FREE;
  p->nAddrLock = LOGIN_ADDR_LOCK;
}

void login_token_hash(const char *zToken, char zOut[65]){
  unsigned char a[32];
  crypto_generichash(a, sizeof a, (const unsigned char *)zToken, strlen(zToken), 0, 0);
  sodium_bin2hex(zOut, 65, a, sizeof a);
}

/* A new random token: zPrefix then 43 base64url characters, into zOut. */
static void tokenNew(char *zOut, const char *zPrefix){
  unsigned char a[32];
  size_t n = strlen(zPrefix);
  randombytes_buf(a, sizeof a);
  memcpy(zOut, zPrefix, n);
  sodium_bin2base64(zOut+n, LOGIN_TOKEN_SIZE-n, a, sizeof a,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(a, sizeof a);
}

/* ISO UTC text of unix time t into z[21]. */
static void isoAt(long long t, char z[21]){
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(z, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Run one statement of a transaction; 0 on success. */
static int stepDone(sqlite3_stmt *p){
  int rc = sqlite3_step(p);
  db_finalize(p);
  return rc==SQLITE_DONE ? 0 : -1;
}

/* ---- Throttle ----------------------------------------------------------- */

typedef struct Thr { int nFail; long long lastMs; int bLocked; } Thr;

/* Load the throttle state of (zKind, zKey), forgetting old failures. */
static void thrLoad(sqlite3 *db, const char *zKind, const char *zKey, long long nowMs, Thr *pT){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT failures, last_fail_ms, locked FROM login_throttle WHERE kind=?1 AND key=?2");
  memset(pT, 0, sizeof *pT);
  sqlite3_bind_text(p, 1, zKind, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zKey, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    pT->nFail = sqlite3_column_int(p, 0);
    pT->lastMs = sqlite3_column_int64(p, 1);
    pT->bLocked = sqlite3_column_int(p, 2);
  }
  db_finalize(p);
  if( !pT->bLocked && nowMs - pT->lastMs > LOGIN_FORGET_MS ) pT->nFail = 0;
}

/* Milliseconds still to wait before the next attempt (0: none). */
static long long thrWait(const Thr *pT, int nFree, int nDelayMs, long long nowMs){
  long long d;
  int k;
  if( pT->nFail<nFree || nDelayMs<=0 ) return 0;
  k = pT->nFail - nFree;
  d = nDelayMs;
  while( k-- > 0 && d<LOGIN_DELAY_MAX_MS ) d *= 2;
  if( d>LOGIN_DELAY_MAX_MS ) d = LOGIN_DELAY_MAX_MS;
  d = pT->lastMs + d - nowMs;
  return d>0 ? d : 0;
}

/* Count one failure of (zKind, zKey) in the open transaction. Returns the
** new failure count (negative on error); sets *pbLocked. */
static int thrFail(sqlite3 *db, const char *zKind, const char *zKey, long long nowMs,
                   int nLock, int *pbLocked){
  Thr t;
  sqlite3_stmt *p;
  thrLoad(db, zKind, zKey, nowMs, &t);
  t.nFail++;
  t.bLocked = t.bLocked || t.nFail>=nLock;
  p = db_prepare(db,
    "INSERT INTO login_throttle(kind,key,failures,last_fail_ms,locked) VALUES(?1,?2,?3,?4,?5)"
    " ON CONFLICT(kind,key) DO UPDATE SET failures=excluded.failures,"
    " last_fail_ms=excluded.last_fail_ms, locked=excluded.locked");
  sqlite3_bind_text(p, 1, zKind, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zKey, -1, SQLITE_STATIC);
  sqlite3_bind_int(p, 3, t.nFail);
  sqlite3_bind_int64(p, 4, nowMs);
  sqlite3_bind_int(p, 5, t.bLocked);
  *pbLocked = t.bLocked;
  return stepDone(p) ? -1 : t.nFail;
}

/* Write one audit entry in its own transaction. */
static int auditAlone(sqlite3 *db, const Actor *pA, const char *zAction,
                      const char *zObj, const char *zAfter){
  if( db_begin(db) ) return -1;
  if( audit_log(db, pA, zAction, zObj, 0, 0, zAfter)!=SQLITE_OK || db_commit(db) ){
    db_rollback(db);
    return -1;
  }
  return 0;
}

/* ---- Login -------------------------------------------------------------- */

LoginStatus login_attempt(sqlite3 *db, const LoginPolicy *pPol, const char *zUser,
                          const char *zPw, const char *zAddr, long long nowMs,
                          LoginResult *pR){
  char zName[USER_NAME_MAX+1], zObj[64], zNewHash[crypto_pwhash_STRBYTES];
  char zHash[crypto_pwhash_STRBYTES] = "";
  char zNow[21], zSessHash[65];
  unsigned char aCsrf[32];
  Thr tU, tA;
  Actor a;
  long long iUser = 0, now = nowMs/1000, wU, wA;
  int bValid, bFound = 0, bDisabled = 0, bOk, bRehash = 0;
  Role eRole = ROLE_COUNT;
  char zScope[64] = "";
  sqlite3_stmt *p;

  memset(pR, 0, sizeof *pR);
  if( zAddr==0 ) zAddr = "";
  if( zPw==0 ) zPw = "";
  bValid = user_name_canon(zUser, zName)==0;
  if( !bValid ) snprintf(zName, sizeof zName, "%s", "");
  snprintf(zObj, sizeof zObj, "user:%s", bValid ? zName : "?");
  a.iUser = 0;
  a.zUser = "anonymous";
  a.zAddr = zAddr;

  if( bValid ){
    p = db_prepare(db, "SELECT id, role, scope, pw_hash, disabled FROM users WHERE username=?1");
    sqlite3_bind_text(p, 1, zName, -1, SQLITE_STATIC);
    if( sqlite3_step(p)==SQLITE_ROW ){
      bFound = 1;
      iUser = sqlite3_column_int64(p, 0);
      eRole = role_from_code(db_col_text(p, 1));
      snprintf(zScope, sizeof zScope, "%s", db_col_text(p, 2));
      snprintf(zHash, sizeof zHash, "%s", db_col_text(p, 3));
      bDisabled = sqlite3_column_int(p, 4);
    }
    db_finalize(p);
  }
  if( bFound ){ a.iUser = iUser; a.zUser = zName; }

  /* 1. The throttle, before any password check. */
  if( bValid ) thrLoad(db, "user", zName, nowMs, &tU); else memset(&tU, 0, sizeof tU);
  thrLoad(db, "addr", zAddr, nowMs, &tA);
  if( tA.bLocked || tU.bLocked ){
    pR->e = LOGIN_LOCKED;
    pR->bAddr = tA.bLocked;
    auditAlone(db, &a, "login.locked", zObj, pR->bAddr ? "{\"by\":\"addr\"}" : "{\"by\":\"user\"}");
    return pR->e;
  }
  wU = thrWait(&tU, pPol->nUserFree, pPol->nDelayMs, nowMs);
  wA = thrWait(&tA, pPol->nAddrFree, pPol->nDelayMs, nowMs);
  if( wU>0 || wA>0 ){
    long long w = wU>wA ? wU : wA;
    pR->e = LOGIN_DELAYED;
    pR->bAddr = wA>wU;
    pR->nRetryAfter = (int)((w + 999)/1000);
    auditAlone(db, &a, "login.throttled", zObj, pR->bAddr ? "{\"by\":\"addr\"}" : "{\"by\":\"user\"}");
    return pR->e;
  }

  /* 2. The password: the same cost whether or not the user exists. */
  if( bFound && zHash[0] ){
    bOk = user_pw_verify(zHash, zPw);
  }else{
    user_pw_dummy_verify(zPw);
    bOk = 0;
  }

  if( !bOk ){
    int nU = 0, nA, bLU = 0, bLA = 0;
    char zAfter[96];
    pR->e = LOGIN_BAD;
    if( db_begin(db) ){ pR->e = LOGIN_ERROR; return pR->e; }
    if( bValid ) nU = thrFail(db, "user", zName, nowMs, pPol->nUserLock, &bLU);
    nA = thrFail(db, "addr", zAddr, nowMs, pPol->nAddrLock, &bLA);
    snprintf(zAfter, sizeof zAfter, "{\"addr_failures\":%d,\"failures\":%d,\"locked\":%s}",
             nA, nU, (bLU||bLA) ? "true" : "false");
    if( nU<0 || nA<0 || audit_log(db, &a, "login.fail", zObj, 0, 0, zAfter)!=SQLITE_OK
     || db_commit(db) ){
      db_rollback(db);
      pR->e = LOGIN_ERROR;
    }
    return pR->e;
  }
  if( bDisabled || eRole==ROLE_COUNT ){
    pR->e = LOGIN_DISABLED;
    auditAlone(db, &a, "login.disabled", zObj, 0);
    return pR->e;
  }

  /* 3. Success: rehash if needed, open a session. */
  if( user_pw_needs_rehash(zHash) && user_pw_hash(zPw, zNewHash)==0 ) bRehash = 1;
  tokenNew(pR->zToken, "");
  login_token_hash(pR->zToken, zSessHash);
  randombytes_buf(aCsrf, sizeof aCsrf);
  sodium_bin2hex(pR->who.zCsrf, sizeof pR->who.zCsrf, aCsrf, sizeof aCsrf);
  isoAt(now, zNow);
  if( db_begin(db) ){ pR->e = LOGIN_ERROR; return pR->e; }
  p = db_prepare(db, "DELETE FROM session WHERE seen<?1 OR created<?2");
  sqlite3_bind_int64(p, 1, now - pPol->nIdle);
  sqlite3_bind_int64(p, 2, now - pPol->nMax);
  if( stepDone(p) ) goto fail;
  p = db_prepare(db, "INSERT INTO session(hash,user_id,csrf,created,seen,addr) VALUES(?1,?2,?3,?4,?4,?5)");
  sqlite3_bind_text(p, 1, zSessHash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 2, iUser);
  sqlite3_bind_text(p, 3, pR->who.zCsrf, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 4, now);
  sqlite3_bind_text(p, 5, zAddr, -1, SQLITE_STATIC);
  if( stepDone(p) ) goto fail;
  p = db_prepare(db, "UPDATE users SET last_login_at=?1, pw_hash=coalesce(?2,pw_hash) WHERE id=?3");
  sqlite3_bind_text(p, 1, zNow, -1, SQLITE_STATIC);
  if( bRehash ) sqlite3_bind_text(p, 2, zNewHash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 3, iUser);
  if( stepDone(p) ) goto fail;
  p = db_prepare(db, "DELETE FROM login_throttle WHERE kind='user' AND key=?1");
  sqlite3_bind_text(p, 1, zName, -1, SQLITE_STATIC);
  if( stepDone(p) ) goto fail;
  if( audit_log(db, &a, "login.ok", zObj, 0, 0, bRehash ? "{\"rehashed\":true}" : 0)!=SQLITE_OK ) goto fail;
  if( db_commit(db) ) goto fail;
  pR->e = LOGIN_OK;
  pR->who.iUser = iUser;
  snprintf(pR->who.zUsername, sizeof pR->who.zUsername, "%s", zName);
  pR->who.role = eRole;
  snprintf(pR->who.zScope, sizeof pR->who.zScope, "%s", zScope);
  return pR->e;

fail:
  db_rollback(db);
  memset(pR, 0, sizeof *pR);
  pR->e = LOGIN_ERROR;
  return pR->e;
}

/* ---- Sessions ----------------------------------------------------------- */

int login_session_find(sqlite3 *db, const LoginPolicy *pPol, const char *zToken,
                       long long now, Principal *pWho){
  char zHash[65];
  sqlite3_stmt *p;
  long long iSess = 0, created = 0, seen = 0;
  int bDead = 0, rc = -1, nTouch;
  memset(pWho, 0, sizeof *pWho);
  if( zToken==0 || strlen(zToken)!=LOGIN_TOKEN_CHARS ) return -1;
  login_token_hash(zToken, zHash);
  p = db_prepare(db,
    "SELECT s.id, s.created, s.seen, s.csrf, u.id, u.username, u.role, u.scope, u.disabled"
    " FROM session s JOIN users u ON u.id=s.user_id WHERE s.hash=?1");
  sqlite3_bind_text(p, 1, zHash, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    iSess = sqlite3_column_int64(p, 0);
    created = sqlite3_column_int64(p, 1);
    seen = sqlite3_column_int64(p, 2);
    snprintf(pWho->zCsrf, sizeof pWho->zCsrf, "%s", db_col_text(p, 3));
    pWho->iUser = sqlite3_column_int64(p, 4);
    snprintf(pWho->zUsername, sizeof pWho->zUsername, "%s", db_col_text(p, 5));
    pWho->role = role_from_code(db_col_text(p, 6));
    snprintf(pWho->zScope, sizeof pWho->zScope, "%s", db_col_text(p, 7));
    bDead = sqlite3_column_int(p, 8) || pWho->role==ROLE_COUNT
         || now - seen > pPol->nIdle || now - created > pPol->nMax;
    rc = 0;
  }
  db_finalize(p);
  if( rc ) return -1;
  if( bDead ){
    p = db_prepare(db, "DELETE FROM session WHERE id=?1");
    sqlite3_bind_int64(p, 1, iSess);
    stepDone(p);
    memset(pWho, 0, sizeof *pWho);
    return -1;
  }
  /* Note the use, at most about 30 times per idle period. */
  nTouch = pPol->nIdle/30;
  if( nTouch>60 ) nTouch = 60;
  if( now - seen > nTouch ){
    p = db_prepare(db, "UPDATE session SET seen=?1 WHERE id=?2");
    sqlite3_bind_int64(p, 1, now);
    sqlite3_bind_int64(p, 2, iSess);
    stepDone(p);
  }
  return 0;
}

int login_session_end(sqlite3 *db, const Actor *pActor, const char *zToken){
  char zHash[65], zObj[48];
  sqlite3_stmt *p;
  int n;
  if( zToken==0 ) return 0;
  login_token_hash(zToken, zHash);
  if( db_begin(db) ) return 0;
  p = db_prepare(db, "DELETE FROM session WHERE hash=?1");
  sqlite3_bind_text(p, 1, zHash, -1, SQLITE_STATIC);
  stepDone(p);
  n = sqlite3_changes(db);
  snprintf(zObj, sizeof zObj, "user:%s", pActor && pActor->zUser ? pActor->zUser : "");
  if( n>0 && audit_log(db, pActor, "logout", zObj, 0, 0, 0)!=SQLITE_OK ){
    db_rollback(db);
    return 0;
  }
  if( db_commit(db) ){ db_rollback(db); return 0; }
  return n>0;
}

/* ---- API tokens --------------------------------------------------------- */

long long login_token_create(sqlite3 *db, const Actor *pActor, const char *zUser,
                             const char *zLabel, char *zToken, char **pzErr){
  User u;
  char zHash[65], zNow[21], zObj[48];
  sqlite3_stmt *p;
  long long iId;
  json_t *pJ;
  char *zAfter;
  int rc;
  *pzErr = 0;
  zToken[0] = 0;
  if( user_load(db, zUser, &u) ){
    *pzErr = xsprintf("no user \"%s\"", zUser ? zUser : "");
    return -1;
  }
  if( u.bDisabled ){
    *pzErr = xsprintf("user \"%s\" is disabled", u.zUsername);
    return -1;
  }
  if( zLabel==0 ) zLabel = "";
  if( strlen(zLabel)>60 ){
    *pzErr = xsprintf("the label is longer than 60 bytes");
    return -1;
  }
  tokenNew(zToken, "pk_");
  login_token_hash(zToken, zHash);
  audit_now(zNow);
  if( db_begin(db) ){ *pzErr = xsprintf("database: %s", sqlite3_errmsg(db)); return -1; }
  p = db_prepare(db, "INSERT INTO api_token(hash,user_id,label,created_at) VALUES(?1,?2,?3,?4)");
  sqlite3_bind_text(p, 1, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 2, u.iId);
  sqlite3_bind_text(p, 3, zLabel, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 4, zNow, -1, SQLITE_STATIC);
  rc = stepDone(p);
  iId = sqlite3_last_insert_rowid(db);
  pJ = json_pack("{ss ss}", "user", u.zUsername, "label", zLabel);
  zAfter = pJ ? json_dumps(pJ, JSON_COMPACT|JSON_SORT_KEYS) : 0;
  json_decref(pJ);
  snprintf(zObj, sizeof zObj, "token:%lld", iId);
  if( rc || audit_log(db, pActor, "token.create", zObj, 0, 0, zAfter)!=SQLITE_OK || db_commit(db) ){
    *pzErr = xsprintf("database: %s", sqlite3_errmsg(db));
    db_rollback(db);
    free(zAfter);
    zToken[0] = 0;
    return -1;
  }
  free(zAfter);
  return iId;
}

int login_token_revoke(sqlite3 *db, const Actor *pActor, long long iId){
  char zNow[21], zObj[48];
  sqlite3_stmt *p;
  int n;
  audit_now(zNow);
  if( db_begin(db) ) return -1;
  p = db_prepare(db, "UPDATE api_token SET revoked_at=?1 WHERE id=?2 AND revoked_at IS NULL");
  sqlite3_bind_text(p, 1, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 2, iId);
  stepDone(p);
  n = sqlite3_changes(db);
  snprintf(zObj, sizeof zObj, "token:%lld", iId);
  if( n!=1 || audit_log(db, pActor, "token.revoke", zObj, 0, 0, 0)!=SQLITE_OK || db_commit(db) ){
    db_rollback(db);
    return -1;
  }
  return 0;
}

int login_token_find(sqlite3 *db, const char *zToken, Principal *pWho){
  char zHash[65], zCut[21];
  sqlite3_stmt *p;
  long long iTok = 0;
  int rc = -1, bTouch = 0;
  memset(pWho, 0, sizeof *pWho);
  if( zToken==0 || strncmp(zToken, "pk_", 3)!=0 || strlen(zToken)!=3+LOGIN_TOKEN_CHARS ) return -1;
  login_token_hash(zToken, zHash);
  isoAt((long long)time(0) - 60, zCut);
  p = db_prepare(db,
    "SELECT t.id, u.id, u.username, u.role, u.scope,"
    " coalesce(t.last_used_at,'')<?2"
    " FROM api_token t JOIN users u ON u.id=t.user_id"
    " WHERE t.hash=?1 AND t.revoked_at IS NULL AND u.disabled=0");
  sqlite3_bind_text(p, 1, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zCut, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    iTok = sqlite3_column_int64(p, 0);
    pWho->iUser = sqlite3_column_int64(p, 1);
    snprintf(pWho->zUsername, sizeof pWho->zUsername, "%s", db_col_text(p, 2));
    pWho->role = role_from_code(db_col_text(p, 3));
    snprintf(pWho->zScope, sizeof pWho->zScope, "%s", db_col_text(p, 4));
    pWho->bBearer = 1;
    bTouch = sqlite3_column_int(p, 5);
    rc = pWho->role==ROLE_COUNT ? -1 : 0;
  }
  db_finalize(p);
  if( rc ){ memset(pWho, 0, sizeof *pWho); return -1; }
  if( bTouch ){
    char zNow[21];
    audit_now(zNow);
    p = db_prepare(db, "UPDATE api_token SET last_used_at=?1 WHERE id=?2");
    sqlite3_bind_text(p, 1, zNow, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 2, iTok);
    stepDone(p);
  }
  return 0;
}

int login_token_list(sqlite3 *db, const char *zUser, ApiToken **paTok){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT t.id, u.username, t.label, t.created_at, coalesce(t.last_used_at,'')"
    " FROM api_token t JOIN users u ON u.id=t.user_id"
    " WHERE t.revoked_at IS NULL AND (?1 IS NULL OR u.username=?1) ORDER BY t.id");
  ApiToken *a = 0;
  int n = 0, nAlloc = 0;
  if( zUser ) sqlite3_bind_text(p, 1, zUser, -1, SQLITE_STATIC);
  while( sqlite3_step(p)==SQLITE_ROW ){
    ApiToken *pT;
    if( n>=nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 8;
      a = xrealloc(a, sizeof(ApiToken)*(size_t)nAlloc);
    }
    pT = &a[n++];
    memset(pT, 0, sizeof *pT);
    pT->iId = sqlite3_column_int64(p, 0);
    snprintf(pT->zUsername, sizeof pT->zUsername, "%s", db_col_text(p, 1));
    snprintf(pT->zLabel, sizeof pT->zLabel, "%s", db_col_text(p, 2));
    snprintf(pT->zCreated, sizeof pT->zCreated, "%s", db_col_text(p, 3));
    snprintf(pT->zLastUsed, sizeof pT->zLastUsed, "%s", db_col_text(p, 4));
  }
  db_finalize(p);
  *paTok = a;
  return n;
}

/* ---- Locks -------------------------------------------------------------- */

int login_unlock(sqlite3 *db, const Actor *pActor, const char *zKind, const char *zKey){
  char zName[USER_NAME_MAX+1], zObj[96];
  sqlite3_stmt *p;
  int n;
  if( zKey==0 ) return 0;
  if( strcmp(zKind, "user")==0 ){
    if( user_name_canon(zKey, zName) ) return 0;
    zKey = zName;
  }else if( strcmp(zKind, "addr")!=0 ){
    return 0;
  }
  if( db_begin(db) ) return 0;
  p = db_prepare(db, "DELETE FROM login_throttle WHERE kind=?1 AND key=?2");
  sqlite3_bind_text(p, 1, zKind, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zKey, -1, SQLITE_STATIC);
  stepDone(p);
  n = sqlite3_changes(db);
  snprintf(zObj, sizeof zObj, "%s:%s", zKind, zKey);
  if( n>0 && audit_log(db, pActor, "lock.lift", zObj, 0, 0, 0)!=SQLITE_OK ){
    db_rollback(db);
    return 0;
  }
  if( db_commit(db) ){ db_rollback(db); return 0; }
  return n>0;
}

int login_lock_list(sqlite3 *db, LoginLock **paLock){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT kind, key, failures FROM login_throttle WHERE locked ORDER BY kind, key");
  LoginLock *a = 0;
  int n = 0, nAlloc = 0;
  while( sqlite3_step(p)==SQLITE_ROW ){
    if( n>=nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 8;
      a = xrealloc(a, sizeof(LoginLock)*(size_t)nAlloc);
    }
    snprintf(a[n].zKind, sizeof a[n].zKind, "%s", db_col_text(p, 0));
    snprintf(a[n].zKey, sizeof a[n].zKey, "%s", db_col_text(p, 1));
    a[n].nFailures = sqlite3_column_int(p, 2);
    n++;
  }
  db_finalize(p);
  *paLock = a;
  return n;
}
