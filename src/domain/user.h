/*
** user.h — users, roles and scopes (DESIGN.md §2).
**
** A Principal is who is acting: a logged-in user with a role and the scope
** the role is bound to (one office, region, province or agency, or the
** nation). The anonymous public has no Principal (NULL).
*/
#ifndef PK_USER_H
#define PK_USER_H
#include <sqlite3.h>
#include "store/audit.h"

typedef enum Role {
  ROLE_PUBLIC = 0,     /* never stored; the anonymous visitor */
  ROLE_OFFICE,         /* office operator: one office */
  ROLE_REVIEWER,       /* region reviewer: one region */
  ROLE_MANAGER,        /* region manager: one region */
  ROLE_ASSOCIATION,    /* provincial guild association: one province */
  ROLE_COMMITTEE,      /* provincial violation committee: one province */
  ROLE_AGENCY,         /* government agency: its services */
  ROLE_HQ_REVIEWER,    /* nation */
  ROLE_HQ_ADMIN,       /* nation */
  ROLE_COUNT
} Role;

typedef struct Principal {
  long long iUser;
  char zUsername[64];
  Role role;
  char zScope[64];     /* office code, region code, province code, agency code, or "" */
  char zCsrf[72];      /* the session's CSRF token (hex), "" for bearer tokens */
  int bBearer;         /* authenticated by an API token */
} Principal;

/* What a role's scope names. */
typedef enum ScopeKind {
  SCOPE_NONE = 0,      /* the public */
  SCOPE_OFFICE,
  SCOPE_REGION,
  SCOPE_PROVINCE,
  SCOPE_AGENCY,
  SCOPE_NATION
} ScopeKind;

/* "office", "region_reviewer", ... and back; ROLE_COUNT when unknown. */
const char *role_code(Role e);
Role role_from_code(const char *z);
/* Persian name of a role, for pages. */
const char *role_label(Role e);
/* The kind of scope role e is bound to, and its code ("office", "region",
** "province", "agency", "nation", or "" for the public). */
ScopeKind role_scope_kind(Role e);
const char *scope_kind_code(ScopeKind e);

/* ---- Users (table users). See docs/users.md. ---------------------------- */

#define USER_NAME_MAX 32     /* bytes of a username */
#define USER_PW_MIN   10     /* characters (code points) of a password */
#define USER_PW_MAX   1024   /* bytes of a password */

/* Error codes of the user_* functions (negative); 0 is success. */
enum {
  USER_EBADNAME = -1,    /* username not 3-32 of [a-z0-9._-] */
  USER_EBADROLE = -2,    /* unknown role, or the public */
  USER_EBADSCOPE = -3,   /* scope missing, superfluous or not found */
  USER_EBADPW = -4,      /* password too short, too long or not UTF-8 */
  USER_EEXIST = -5,      /* username taken */
  USER_ENOTFOUND = -6,   /* no such user */
  USER_EDB = -7          /* database error */
};

/* One user as listed. */
typedef struct User {
  long long iId;
  char zUsername[USER_NAME_MAX+1];
  Role role;
  char zScope[64];
  int bDisabled;
  int bLocked;           /* its username is locked by login throttling */
  char zCreated[24];
  char zLastLogin[24];   /* "" when never */
} User;

/* Persian message for a USER_E* code (for pages). */
const char *user_error_fa(int rc);

/* Check a username / password without touching anything: 0 or USER_E*. */
int user_name_check(const char *zUser);
/* The canonical (normalised, lower-case) form of a username into
** zOut[USER_NAME_MAX+1]. Returns 0 or USER_EBADNAME. */
int user_name_canon(const char *zUser, char *zOut);
int user_password_check(const char *zPassword);

/*
** Create user zUser with role eRole bound to zScope (an office code for
** ROLE_OFFICE, a region code for the region roles, a province code for the
** association and committee, an agency code for ROLE_AGENCY, NULL or "" for
** the HQ roles). The scope is normalised and checked against the registry.
** One transaction with its audit entry. Returns the new user id (> 0), or a
** USER_E* code with *pzErr set to an English message the caller frees.
*/
long long user_create(sqlite3 *db, const Actor *pActor, const char *zUser, Role eRole,
                      const char *zScope, const char *zPassword, char **pzErr);

/* The same with the password already hashed by user_pw_hash() (the demo
** hashes once for all its accounts). */
long long user_create_hashed(sqlite3 *db, const Actor *pActor, const char *zUser, Role eRole,
                             const char *zScope, const char *zHash, char **pzErr);

/* Set a new password (ends the user's sessions). Returns 0 or USER_E*
** with *pzErr set (caller frees). */
int user_set_password(sqlite3 *db, const Actor *pActor, const char *zUser,
                      const char *zPassword, char **pzErr);

/* Disable (ends sessions; API tokens stop working) or enable a user.
** Returns 0 or USER_E* with *pzErr set (caller frees). */
int user_set_disabled(sqlite3 *db, const Actor *pActor, const char *zUser,
                      int bDisabled, char **pzErr);

/* Load one user by username. Returns 0, or USER_ENOTFOUND. */
int user_load(sqlite3 *db, const char *zUser, User *pU);

/* Every user, ordered by username. *paUser is a heap array the caller
** frees. Returns the count. */
int user_list(sqlite3 *db, User **paUser);

/*
** Passwords: Argon2id via crypto_pwhash_str with the parameters below. At
** most USER_PW_CONCURRENT hashes are computed at once in the process
** (callers beyond that wait), so that logins cannot exhaust memory.
*/
#define USER_PW_CONCURRENT 2
/* Hash zPw into zOut (crypto_pwhash_STRBYTES, 128). Returns 0 or -1. */
int user_pw_hash(const char *zPw, char *zOut);
/* 1 when zPw matches zHash, else 0. */
int user_pw_verify(const char *zHash, const char *zPw);
/* 1 when zHash was made with other parameters than the current ones. */
int user_pw_needs_rehash(const char *zHash);
/* Verify against a fixed dummy hash (same cost), for unknown users. */
void user_pw_dummy_verify(const char *zPw);

#endif
