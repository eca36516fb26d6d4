/*
** user.c — `pishkhan user`: accounts, passwords, login locks, API tokens.
**
**   user add --username U --role ROLE [--region|--province|--office|--agency CODE]
**   user passwd U | user disable U | user enable U | user list
**   user unlock U | user unlock --addr ADDRESS
**   user token U [--label TEXT] | user tokens [U] | user revoke-token ID
**
** Passwords come from stdin (one line; without echo and asked twice on a
** terminal), never from the command line.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/text.h"
#include "cli/cli.h"
#include "domain/login.h"
#include "domain/user.h"
#include "store/db.h"

static const char zUsage[] =
  "usage: pishkhan user add --username U --role ROLE [--region|--province|--office|--agency CODE]\n"
  "       pishkhan user passwd U | disable U | enable U | list\n"
  "       pishkhan user unlock U | unlock --addr ADDRESS\n"
  "       pishkhan user token U [--label TEXT] | tokens [U] | revoke-token ID\n"
  "roles: office region_reviewer region_manager association committee agency hq_reviewer hq_admin\n"
  "The password is read from stdin (one line, at least 10 characters).\n";

/* Read one line into z[nZ] (without the newline), echo off on a terminal.
** Returns 0, or -1 at end of input. */
static int readLine(const char *zPrompt, char *z, int nZ){
  struct termios old, quiet;
  int bTty = isatty(0), rc = 0;
  size_t n;
  if( bTty ){
    fprintf(stderr, "%s", zPrompt);
    fflush(stderr);
    tcgetattr(0, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(0, TCSAFLUSH, &quiet);
  }
  if( fgets(z, nZ, stdin)==0 ) rc = -1;
  if( bTty ){
    tcsetattr(0, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if( rc ) return -1;
  n = strlen(z);
  while( n>0 && (z[n-1]=='\n' || z[n-1]=='\r') ) z[--n] = 0;
  return 0;
}

/* Read and check a new password for zUser into z[nZ]. Returns 0 or prints
** the error and returns -1. */
static int readPassword(const char *zCmd, const char *zUser, char *z, int nZ){
  char zPrompt[128];
  snprintf(zPrompt, sizeof zPrompt, "New password for %s: ", zUser);
  if( readLine(zPrompt, z, nZ) ){
    fprintf(stderr, "pishkhan user %s: no password on stdin\n", zCmd);
    return -1;
  }
  if( user_password_check(z) ){
    fprintf(stderr, "pishkhan user %s: the password must have at least %d characters\n",
            zCmd, USER_PW_MIN);
    return -1;
  }
  if( isatty(0) ){
    char zAgain[USER_PW_MAX+2];
    if( readLine("Again: ", zAgain, sizeof zAgain) || strcmp(z, zAgain)!=0 ){
      fprintf(stderr, "pishkhan user %s: the passwords differ\n", zCmd);
      return -1;
    }
  }
  return 0;
}

static int userAdd(sqlite3 *db, int argc, char **argv){
  const char *zUser = cli_option(&argc, argv, "username", 1);
  const char *zRole = cli_option(&argc, argv, "role", 1);
  const char *azScope[4];
  const char *zScope = 0;
  char zPw[USER_PW_MAX+2];
  char *zErr = 0;
  Role e;
  Actor a;
  long long rc;
  int i, nScope = 0;
  azScope[0] = cli_option(&argc, argv, "region", 1);
  azScope[1] = cli_option(&argc, argv, "province", 1);
  azScope[2] = cli_option(&argc, argv, "office", 1);
  azScope[3] = cli_option(&argc, argv, "agency", 1);
  if( cli_no_more_options(argc, argv) ) return 2;
  if( zUser==0 || zRole==0 || argc!=2 ){ fputs(zUsage, stderr); return 2; }
  for(i=0; i<4; i++) if( azScope[i] ){ zScope = azScope[i]; nScope++; }
  e = role_from_code(zRole);
  if( e==ROLE_COUNT ){
    fprintf(stderr, "pishkhan user add: unknown role \"%s\"\n%s", zRole, zUsage);
    return 2;
  }
  if( nScope>1 ){
    fprintf(stderr, "pishkhan user add: give one scope option only\n");
    return 2;
  }
  {
    static const ScopeKind aK[4] = { SCOPE_REGION, SCOPE_PROVINCE, SCOPE_OFFICE, SCOPE_AGENCY };
    ScopeKind k = role_scope_kind(e);
    for(i=0; i<4; i++){
      if( azScope[i] && aK[i]!=k ){
        if( k==SCOPE_NATION ){
          fprintf(stderr, "pishkhan user add: role %s has the whole nation as scope: give no scope option\n", zRole);
        }else{
          fprintf(stderr, "pishkhan user add: role %s takes --%s CODE\n", zRole, scope_kind_code(k));
        }
        return 2;
      }
    }
  }
  if( user_name_check(zUser) ){
    fprintf(stderr, "pishkhan user add: username \"%s\": use 3 to 32 of a-z 0-9 . - _\n", zUser);
    return 2;
  }
  if( readPassword("add", zUser, zPw, sizeof zPw) ) return 1;
  cli_actor(&a);
  rc = user_create(db, &a, zUser, e, zScope, zPw, &zErr);
  memset(zPw, 0, sizeof zPw);
  if( rc<0 ){
    fprintf(stderr, "pishkhan user add: %s\n", zErr ? zErr : "failed");
    free(zErr);
    return 1;
  }
  printf("user %s added (id %lld, role %s%s%s)\n", zUser, rc, role_code(e),
         zScope ? ", scope " : "", zScope ? zScope : "");
  return 0;
}

static int userPasswd(sqlite3 *db, const char *zUser){
  char zPw[USER_PW_MAX+2];
  char *zErr = 0;
  User u;
  Actor a;
  int rc;
  if( user_load(db, zUser, &u) ){
    fprintf(stderr, "pishkhan user passwd: no user \"%s\"\n", zUser);
    return 1;
  }
  if( readPassword("passwd", u.zUsername, zPw, sizeof zPw) ) return 1;
  cli_actor(&a);
  rc = user_set_password(db, &a, u.zUsername, zPw, &zErr);
  memset(zPw, 0, sizeof zPw);
  if( rc ){
    fprintf(stderr, "pishkhan user passwd: %s\n", zErr ? zErr : "failed");
    free(zErr);
    return 1;
  }
  printf("password of %s changed; its sessions are ended\n", u.zUsername);
  return 0;
}

static int userDisable(sqlite3 *db, const char *zUser, int bDisabled){
  char *zErr = 0;
  Actor a;
  cli_actor(&a);
  if( user_set_disabled(db, &a, zUser, bDisabled, &zErr) ){
    fprintf(stderr, "pishkhan user %s: %s\n", bDisabled ? "disable" : "enable", zErr ? zErr : "failed");
    free(zErr);
    return 1;
  }
  printf("user %s %s\n", zUser, bDisabled ? "disabled" : "enabled");
  return 0;
}

static int userList(sqlite3 *db){
  User *a = 0;
  int n = user_list(db, &a), i;
  printf("%-24s %-16s %-16s %-9s %s\n", "USERNAME", "ROLE", "SCOPE", "STATE", "LAST LOGIN");
  for(i=0; i<n; i++){
    printf("%-24s %-16s %-16s %-9s %s\n", a[i].zUsername, role_code(a[i].role),
           a[i].zScope[0] ? a[i].zScope : "-",
           a[i].bDisabled ? "disabled" : a[i].bLocked ? "locked" : "active",
           a[i].zLastLogin[0] ? a[i].zLastLogin : "-");
  }
  free(a);
  return 0;
}

static int userTokens(sqlite3 *db, const char *zUser){
  ApiToken *a = 0;
  int n = login_token_list(db, zUser, &a), i;
  printf("%-6s %-24s %-20s %-21s %s\n", "ID", "USERNAME", "LABEL", "CREATED", "LAST USED");
  for(i=0; i<n; i++){
    printf("%-6lld %-24s %-20s %-21s %s\n", a[i].iId, a[i].zUsername,
           a[i].zLabel[0] ? a[i].zLabel : "-", a[i].zCreated,
           a[i].zLastUsed[0] ? a[i].zLastUsed : "-");
  }
  free(a);
  return 0;
}

int cmd_user(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zSub;
  sqlite3 *db;
  int rc = 2;
  if( argc<2 ){ fputs(zUsage, stderr); return 2; }
  zSub = argv[1];
  db = 0;
  if( strcmp(zSub, "add")==0 ){
    if( (db = cli_open(zData, "user"))==0 ) return 1;
    rc = userAdd(db, argc, argv);
  }else if( strcmp(zSub, "unlock")==0 ){
    const char *zAddr = cli_option(&argc, argv, "addr", 1);
    Actor a;
    if( cli_no_more_options(argc, argv) ) return 2;
    if( (zAddr==0)==(argc!=3) ){ fputs(zUsage, stderr); return 2; }
    if( (db = cli_open(zData, "user"))==0 ) return 1;
    cli_actor(&a);
    if( login_unlock(db, &a, zAddr ? "addr" : "user", zAddr ? zAddr : argv[2]) ){
      printf("lock of %s %s lifted\n", zAddr ? "address" : "user", zAddr ? zAddr : argv[2]);
    }else{
      printf("%s %s was not locked and had no failed logins\n", zAddr ? "address" : "user",
             zAddr ? zAddr : argv[2]);
    }
    rc = 0;
  }else if( strcmp(zSub, "token")==0 ){
    const char *zLabel = cli_option(&argc, argv, "label", 1);
    char zTok[LOGIN_TOKEN_SIZE];
    char *zErr = 0;
    long long iId;
    Actor a;
    if( cli_no_more_options(argc, argv) ) return 2;
    if( argc!=3 ){ fputs(zUsage, stderr); return 2; }
    if( (db = cli_open(zData, "user"))==0 ) return 1;
    cli_actor(&a);
    iId = login_token_create(db, &a, argv[2], zLabel, zTok, &zErr);
    if( iId<0 ){
      fprintf(stderr, "pishkhan user token: %s\n", zErr ? zErr : "failed");
      free(zErr);
      rc = 1;
    }else{
      fprintf(stderr, "token %lld for %s (shown once; send as \"Authorization: Bearer TOKEN\"):\n",
              iId, argv[2]);
      printf("%s\n", zTok);
      rc = 0;
    }
  }else if( strcmp(zSub, "revoke-token")==0 ){
    long long iId;
    Actor a;
    if( cli_no_more_options(argc, argv) ) return 2;
    if( argc!=3 || text_parse_int(argv[2], &iId) ){ fputs(zUsage, stderr); return 2; }
    if( (db = cli_open(zData, "user"))==0 ) return 1;
    cli_actor(&a);
    if( login_token_revoke(db, &a, iId) ){
      fprintf(stderr, "pishkhan user revoke-token: no live token %lld\n", iId);
      rc = 1;
    }else{
      printf("token %lld revoked\n", iId);
      rc = 0;
    }
  }else{
    if( cli_no_more_options(argc, argv) ) return 2;
    if( strcmp(zSub, "list")==0 && argc==2 ){
      if( (db = cli_open(zData, "user"))==0 ) return 1;
      rc = userList(db);
    }else if( strcmp(zSub, "tokens")==0 && argc<=3 ){
      if( (db = cli_open(zData, "user"))==0 ) return 1;
      rc = userTokens(db, argc==3 ? argv[2] : 0);
    }else if( argc==3 && strcmp(zSub, "passwd")==0 ){
      if( (db = cli_open(zData, "user"))==0 ) return 1;
      rc = userPasswd(db, argv[2]);
    }else if( argc==3 && (strcmp(zSub, "disable")==0 || strcmp(zSub, "enable")==0) ){
      if( (db = cli_open(zData, "user"))==0 ) return 1;
      rc = userDisable(db, argv[2], zSub[0]=='d');
    }else{
      fputs(zUsage, stderr);
      return 2;
    }
  }
  db_close(db);
  return rc;
}
