/*
** init.c — `pishkhan init`: create a data directory, or bring an existing
** one up to date, and load the region map.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "domain/geo.h"
#include "store/db.h"

/*
** Find a file shipped in data/: next to the executable first (a build tree
** or an install), then the current directory. Returns a heap path.
*/
char *cli_data_path(const char *zRel){
  char zExe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", zExe, sizeof zExe - 1);
  if( n>0 ){
    char *zSlash;
    zExe[n] = 0;
    zSlash = strrchr(zExe, '/');
    if( zSlash ){
      char *z;
      *zSlash = 0;
      z = xsprintf("%s/data/%s", zExe, zRel);
      if( access(z, R_OK)==0 ) return z;
      free(z);
      /* build-san/pishkhan lives one level down */
      z = xsprintf("%s/../data/%s", zExe, zRel);
      if( access(z, R_OK)==0 ) return z;
      free(z);
    }
  }
  return xsprintf("data/%s", zRel);
}

int cmd_init(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zRegions = cli_option(&argc, argv, "regions", 1);
  const char *zDir;
  char *zErr = 0, *zPath;
  sqlite3 *db;
  Actor a;
  int n, v0;
  if( cli_no_more_options(argc, argv) ) return 2;
  zDir = db_dir(zData);
  db = db_open(zDir, DB_CREATE, &zErr);
  if( db==0 ){
    fprintf(stderr, "pishkhan init: %s\n", zErr);
    free(zErr);
    return 1;
  }
  v0 = db_user_version(db);
  zPath = zRegions ? xstrdup(zRegions) : cli_data_path("regions.csv");
  cli_actor(&a);
  n = geo_load(db, &a, zPath, stderr);
  if( n<0 ){
    fprintf(stderr, "pishkhan init: %s: not loaded; nothing changed in the region map\n", zPath);
    free(zPath);
    db_close(db);
    return 1;
  }
  printf("pishkhan init: %s ready (schema %d), %d provinces in %lld regions from %s\n",
         zDir, v0, n, db_int(db, 0, "SELECT count(*) FROM region", 0), zPath);
  free(zPath);
  db_close(db);
  return 0;
}
