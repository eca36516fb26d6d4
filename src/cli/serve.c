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

int cmd_audit(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  sqlite3 *db;
  long long n = 0, iBad;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=2 || strcmp(argv[1], "verify")!=0 ){
    fprintf(stderr, "usage: pishkhan audit verify\n");
    return 2;
  }
  db = cli_open(zData, "audit");
  if( db==0 ) return 1;
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
    db_close(db);
    if( iBad ){
      printf("audit: entry %lld does not verify: %s; the chain is broken from there\n",
             iBad, azWhy[eWhy]);
      return 1;
    }
  }
  printf("audit: %lld entries, chain intact\n", n);
  return 0;
}
