/*
** login.h — logging in: password check with throttling, sessions, API
** tokens, lock lifting. docs/users.md describes the policy.
**
** Secrets (session tokens, API tokens) are 32 random bytes, given to the
** client once as base64url text and stored only as a BLAKE2b-256 hex hash.
** Times are passed in by the caller (unix seconds or milliseconds) so that
** the rules can be tested without a clock.
*/
#ifndef PK_LOGIN_H
#define PK_LOGIN_H
#include <sqlite3.h>

#include "domain/user.h"
#include "store/audit.h"

/* Session lifetimes (seconds) and the throttle's base delay (ms). */
typedef struct LoginPolicy {
  int nIdle;          /* a session unused this long ends: 1800 */
  int nMax;           /* a session ends this long after login: 43200 */
  int nDelayMs;       /* first throttle delay, doubled per failure: 1000 */
  int nUserFree, nUserLock;   /* LOGIN_USER_FREE, LOGIN_USER_LOCK */
  int nAddrFree, nAddrLock;   /* LOGIN_ADDR_FREE, LOGIN_ADDR_LOCK */
} LoginPolicy;

/* The defaults, overridden by $PISHKHAN_SESSION_IDLE, $PISHKHAN_SESSION_MAX
** (seconds) and $PISHKHAN_LOGIN_DELAY_MS when set (for tests and sites). */
void login_policy_default(LoginPolicy *p);

/* Default throttle thresholds: failures allowed before delays start, and
** the failure count that locks (until HQ lifts it). */
#define LOGIN_USER_FREE 3
#define LOGIN_USER_LOCK 10
#define LOGIN_ADDR_FREE 10
#define LOGIN_ADDR_LOCK 50
#define LOGIN_DELAY_MAX_MS 300000    /* delays stop growing at 5 minutes */
#define LOGIN_FORGET_MS 3600000      /* unlocked failures older than this are forgotten */

/* Length of a token's text: 43 base64url characters (+ "pk_" for API tokens). */
#define LOGIN_TOKEN_CHARS 43
#define LOGIN_TOKEN_SIZE  64         /* buffer size that holds any token text */

typedef enum LoginStatus {
  LOGIN_OK = 0,
  LOGIN_BAD,          /* unknown user or wrong password: the same answer */
  LOGIN_DISABLED,     /* right password, account disabled */
  LOGIN_DELAYED,      /* too soon after failures: retry after nRetryAfter s */
  LOGIN_LOCKED,       /* locked by failures (bAddr: the address is) */
  LOGIN_ERROR         /* database error */
} LoginStatus;

typedef struct LoginResult {
  LoginStatus e;
  int nRetryAfter;              /* LOGIN_DELAYED: seconds to wait */
  int bAddr;                    /* LOGIN_DELAYED/LOCKED: because of the address */
  char zToken[LOGIN_TOKEN_SIZE];  /* LOGIN_OK: the session token for the cookie */
  Principal who;                /* LOGIN_OK: who logged in (with zCsrf) */
} LoginResult;

/*
** Try to log zUser in with zPw from address zAddr at time nowMs (unix ms).
** Applies the throttle, verifies the password (a dummy hash for unknown
** users, so that the cost is the same), rehashes a password hashed with old
** parameters, creates a session, and writes one audit entry whatever the
** outcome. Fills pR; returns pR->e.
*/
LoginStatus login_attempt(sqlite3 *db, const LoginPolicy *pPol, const char *zUser,
                          const char *zPw, const char *zAddr, long long nowMs,
                          LoginResult *pR);

/*
** Find the session of token zToken at time now (unix s). Ends it (deletes
** the row) when idle or too old. Fills pWho (with the CSRF token) and
** returns 0, or returns -1 when there is no live session.
*/
int login_session_find(sqlite3 *db, const LoginPolicy *pPol, const char *zToken,
                       long long now, Principal *pWho);

/* End the session of token zToken (logout), with an audit entry. Returns 1
** when there was one, else 0. */
int login_session_end(sqlite3 *db, const Actor *pActor, const char *zToken);

/*
** Create an API token for user zUser (an agency's machine client; any role
** may hold one). Writes the token text, shown once, into zToken
** (LOGIN_TOKEN_SIZE) and returns its id, or -1 with *pzErr set (caller
** frees).
*/
long long login_token_create(sqlite3 *db, const Actor *pActor, const char *zUser,
                             const char *zLabel, char *zToken, char **pzErr);

/* Revoke token iId. Returns 0, or -1 when there is no such live token. */
int login_token_revoke(sqlite3 *db, const Actor *pActor, long long iId);

/* Authenticate a bearer token. Fills pWho (bBearer set, zCsrf empty) and
** returns 0, or -1 when unknown, revoked, or its user disabled. */
int login_token_find(sqlite3 *db, const char *zToken, Principal *pWho);

/* API tokens as listed: one per row. */
typedef struct ApiToken {
  long long iId;
  char zUsername[USER_NAME_MAX+1];
  char zLabel[64];
  char zCreated[24];
  char zLastUsed[24];    /* "" when never */
} ApiToken;
/* Live (not revoked) tokens, of zUser or of everyone (NULL). Heap array in
** *paTok; returns the count. */
int login_token_list(sqlite3 *db, const char *zUser, ApiToken **paTok);

/* Lift the lock of a username (zKind "user") or client address ("addr")
** and forget its failures, with an audit entry. Returns 1 when something
** was locked or counted, else 0. */
int login_unlock(sqlite3 *db, const Actor *pActor, const char *zKind, const char *zKey);

/* Locked keys as listed. */
typedef struct LoginLock {
  char zKind[8];
  char zKey[72];
  int nFailures;
} LoginLock;
int login_lock_list(sqlite3 *db, LoginLock **paLock);

/* The hex BLAKE2b-256 of a token's text into zOut[65] (for tests). */
void login_token_hash(const char *zToken, char zOut[65]);

#endif
