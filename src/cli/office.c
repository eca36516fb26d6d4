/*
** office.c — `pishkhan office import FILE.csv` and `pishkhan office export`.
*/
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/office.h"
#include "store/db.h"

int cmd_office(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  sqlite3 *db;
  int rc;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc<2 || (strcmp(argv[1], "import")!=0 && strcmp(argv[1], "export")!=0) ){
    fprintf(stderr, "usage: pishkhan office import FILE.csv | pishkhan office export > FILE.csv\n");
    return 2;
  }
  if( strcmp(argv[1], "import")==0 ){
    FILE *pIn;
    ImportStats st;
    Actor a;
    if( argc!=3 ){
      fprintf(stderr, "usage: pishkhan office import FILE.csv   (- reads stdin)\n");
      return 2;
    }
    pIn = strcmp(argv[2], "-")==0 ? stdin : fopen(argv[2], "rb");
    if( pIn==0 ){
      fprintf(stderr, "pishkhan office import: cannot open %s\n", argv[2]);
      return 1;
    }
    db = cli_open(zData, "office import");
    if( db==0 ){ if( pIn!=stdin ) fclose(pIn); return 1; }
    cli_actor(&a);
    rc = office_import(db, &a, pIn, stderr, &st);
    if( pIn!=stdin ) fclose(pIn);
    if( rc==0 ){
      printf("office import: read %d, new %d, changed %d, unchanged %d\n",
             st.nRead, st.nNew, st.nChanged, st.nSame);
    }else{
      fprintf(stderr, "office import: %d bad row%s; nothing was stored\n",
              st.nBad, st.nBad==1 ? "" : "s");
    }
    db_close(db);
    return rc ? 1 : 0;
  }
  if( argc!=2 ){
    fprintf(stderr, "usage: pishkhan office export > FILE.csv\n");
    return 2;
  }
  db = cli_open(zData, "office export");
  if( db==0 ) return 1;
  rc = office_export(db, stdout);
  db_close(db);
  return rc ? 1 : 0;
}
