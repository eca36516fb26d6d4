/*
** serve.c — `pishkhan serve`, `pishkhan routes`, `pishkhan audit`.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cli/cli.h"
#include "store/audit.h"
#include "store/db.h"
#include "web/server.h"

int cmd_serve(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPort = cli_option(&argc, argv, "port", 1);
  const char *zBind = cli_option(&argc, argv, "bind", 1);
  const char *zThreads = cli_option(&argc, argv, "threads", 1);
  const char *zQuiet = cli_option(&argc, argv, "quiet", 0);
  ServeOpts o;
  long long v;
  sqlite3 *db;
  if( cli_no_more_options(argc, argv) ) return 2;
  memset(&o, 0, sizeof o);
  o.zDir = db_dir(zData);
  o.zBind = zBind ? zBind : "127.0.0.1";
  o.iPort = 8080;
  o.nThread = 4;
  o.bQuiet = zQuiet!=0;
  if( zPort ){
    if( text_parse_int(zPort, &v) || v<0 || v>65535 ){
      fprintf(stderr, "pishkhan serve: --port %s: not a port number\n", zPort);
      return 2;
    }
    o.iPort = (int)v;
  }
  if( zThreads ){
    if( text_parse_int(zThreads, &v) || v<1 || v>64 ){
      fprintf(stderr, "pishkhan serve: --threads %s: must be 1 to 64\n", zThreads);
      return 2;
    }
    o.nThread = (int)v;
  }
  db = cli_open(zData, "serve");     /* refuses a missing or newer store */
  if( db==0 ) return 1;
  db_close(db);
  return server_run(&o);
}

int cmd_routes(int argc, char **argv){
  int i;
  (void)argc; (void)argv;
  for(i=0; i<nRoute; i++){
    printf("%s %s\n", aRoute[i].zMethod, aRoute[i].zPattern);
  }
  return 0;
}

/*
** `pishkhan audit verify [--anchor "ID HASH"]` recomputes the chain; with
** an anchor (a head printed earlier by `pishkhan audit head` and kept
** outside the system) it also checks that entry ID still has that hash,
** which catches a chain rewritten wholesale since. `pishkhan audit head`
** prints the head: the last entry's id and hash.
*/
int cmd_audit(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zAnchor = cli_option(&argc, argv, "anchor", 1);
  sqlite3 *db;
  long long n = 0, iBad, iAnchor = 0;
  char zAnchorHash[65] = "";
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=2 || (strcmp(argv[1], "verify")!=0 && strcmp(argv[1], "head")!=0)
   || (zAnchor && strcmp(argv[1], "verify")!=0) ){
    fprintf(stderr, "usage: pishkhan audit verify [--anchor \"ID HASH\"]\n"
                    "       pishkhan audit head\n");
    return 2;
  }
  if( zAnchor ){
    int k = 0;
    if( sscanf(zAnchor, "%lld %64[0-9a-f]%n", &iAnchor, zAnchorHash, &k)!=2
     || iAnchor<1 || strlen(zAnchorHash)!=64 || zAnchor[k]!=0 ){
      fprintf(stderr, "pishkhan audit: --anchor: must be \"ID HASH\" as `pishkhan audit head`"
                      " prints it (an entry id and 64 hex digits)\n");
      return 2;
    }
  }
  db = cli_open(zData, "audit");
  if( db==0 ) return 1;
  if( strcmp(argv[1], "head")==0 ){
    sqlite3_stmt *q = db_prepare(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    int rc = 0;
    if( sqlite3_step(q)==SQLITE_ROW ){
      printf("%lld %s\n", sqlite3_column_int64(q, 0), db_col_text(q, 1));
    }else{
      fprintf(stderr, "pishkhan audit: the chain is empty\n");
      rc = 1;
    }
    db_finalize(q);
    db_close(db);
    return rc;
  }
  {
    AuditBreak eWhy = AUDIT_INTACT;
    static const char *const azWhy[] = {
      "",
      "its content, hash or link to the previous entry was changed",
      "it is missing: deleted from the middle of the chain",
      "it is missing: the last entries were deleted",
      "the recorded head of the chain does not match the last entry",
    };
    iBad = audit_verify_why(db, &n, &eWhy);
    if( iBad ){
      db_close(db);
      printf("audit: entry %lld does not verify: %s; the chain is broken from there\n",
             iBad, azWhy[eWhy]);
      return 1;
    }
  }
  if( iAnchor ){
    char *zHash;
    char zId[24];
    snprintf(zId, sizeof zId, "%lld", iAnchor);
    zHash = db_text(db, "SELECT hash FROM audit WHERE id=?1", zId);
    db_close(db);
    if( zHash==0 ){
      printf("audit: entry %lld of the anchor is missing: the chain now has %lld entries;"
             " it was cut back or rebuilt since the anchor was taken\n", iAnchor, n);
      return 1;
    }
    if( strcmp(zHash, zAnchorHash)!=0 ){
      printf("audit: entry %lld does not match the anchor: the chain was rewritten since"
             " the anchor was taken\n", iAnchor);
      free(zHash);
      return 1;
    }
    free(zHash);
    printf("audit: %lld entries, chain intact, extends the anchor at entry %lld\n", n, iAnchor);
    return 0;
  }
  db_close(db);
  printf("audit: %lld entries, chain intact\n", n);
  return 0;
}
