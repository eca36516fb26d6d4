/*
** cli.c — option handling shared by the subcommands.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "store/db.h"

const char *cli_option(int *pArgc, char **argv, const char *zName, int bArg){
  int i, n = (int)strlen(zName);
  for(i=1; i<*pArgc; i++){
    const char *z = argv[i];
    const char *zVal = 0;
    int nTake = 1;
    if( strcmp(z, "--")==0 ) break;
    if( z[0]!='-' || z[1]!='-' || strncmp(z+2, zName, (size_t)n)!=0 ) continue;
    if( z[2+n]==0 ){
      if( bArg ){
        if( i+1>=*pArgc ){
          fprintf(stderr, "pishkhan: option --%s needs a value\n", zName);
          exit(2);
        }
        zVal = argv[i+1];
        nTake = 2;
      }else{
        zVal = "";
      }
    }else if( z[2+n]=='=' && bArg ){
      zVal = z + 3 + n;
    }else{
      continue;
    }
    memmove(&argv[i], &argv[i+nTake], sizeof(char *)*(size_t)(*pArgc - i - nTake + 1));
    *pArgc -= nTake;
    return zVal;
  }
  return 0;
}

int cli_no_more_options(int argc, char **argv){
  int i;
  for(i=1; i<argc; i++){
    if( strcmp(argv[i], "--")==0 ) break;
    if( argv[i][0]=='-' && argv[i][1]=='-' ){
      fprintf(stderr, "pishkhan %s: unknown option %s (see 'pishkhan help')\n", argv[0], argv[i]);
      return 1;
    }
  }
  return 0;
}

sqlite3 *cli_open(const char *zData, const char *zCmd){
  char *zErr = 0;
  sqlite3 *db = db_open(db_dir(zData), 0, &zErr);
  if( db==0 ){
    fprintf(stderr, "pishkhan %s: %s\n", zCmd, zErr);
    free(zErr);
  }
  return db;
}

void cli_actor(Actor *pA){
  static __thread char zName[80];
  const char *zUser = getenv("USER");
  snprintf(zName, sizeof zName, "cli:%s", zUser && zUser[0] ? zUser : "root");
  pA->iUser = 0;
  pA->zUser = zName;
  pA->zAddr = "";
}

int cli_isatty(int fd){ return isatty(fd); }
