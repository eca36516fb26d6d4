/*
** external.c — `pishkhan association ...` and `pishkhan ruling ...`
** (docs/external.md).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/jalali.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "domain/association.h"
#include "domain/period.h"
#include "domain/ruling.h"
#include "store/db.h"

/*
** Load period zCode (or the current period when NULL) and its scheme.
** Returns 0, or 1 with the message printed.
*/
static int loadPeriod(sqlite3 *db, const char *zCmd, const char *zCode, Period *pP,
                      Scheme *pS){
  char *zErr = 0;
  if( zCode ? period_load(db, zCode, pP) : period_current(db, pP) ){
    fprintf(stderr, "pishkhan %s: no period %s\n", zCmd, zCode ? zCode : "(none yet)");
    return 1;
  }
  if( period_scheme(db, pP, pS, &zErr) ){
    fprintf(stderr, "pishkhan %s: period %s: %s\n", zCmd, pP->zCode, zErr ? zErr : "bad scheme");
    free(zErr);
    return 1;
  }
  return 0;
}

int cmd_association(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zProvince = cli_option(&argc, argv, "province", 1);
  int bOverride = cli_option(&argc, argv, "override", 0)!=0;
  sqlite3 *db;
  Period per;
  Scheme sch;
  AssocRule rule;
  int rc;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc<2 || zPeriod==0
   || !((strcmp(argv[1], "import")==0 && argc==3) || (strcmp(argv[1], "list")==0 && argc==2)) ){
    fprintf(stderr, "usage: pishkhan association import --period P [--province X] [--override] FILE.csv\n"
                    "       pishkhan association list --period P [--province X]\n");
    return 2;
  }
  db = cli_open(zData, "association");
  if( db==0 ) return 1;
  if( loadPeriod(db, "association", zPeriod, &per, &sch) ){ db_close(db); return 1; }
  if( association_rule(&sch, &rule) ){
    char *z = association_error_en(ASSOC_ENOIND, 0);
    fprintf(stderr, "pishkhan association: %s\n", z);
    free(z);
    scheme_clear(&sch);
    db_close(db);
    return 1;
  }
  if( strcmp(argv[1], "import")==0 ){
    FILE *pIn = strcmp(argv[2], "-")==0 ? stdin : fopen(argv[2], "rb");
    AssocStats st;
    Actor a;
    char zNow[21];
    if( pIn==0 ){
      fprintf(stderr, "pishkhan association import: cannot open %s\n", argv[2]);
      rc = 1;
    }else{
      cli_actor(&a);
      period_now(zNow);
      rc = association_import(db, &a, &per, &rule, zProvince, bOverride, zNow, pIn, stderr, &st);
      if( pIn!=stdin ) fclose(pIn);
      if( rc==1 ) fprintf(stderr, "association import: %d bad row%s; nothing was stored\n",
                          st.nBad, st.nBad==1 ? "" : "s");
      printf("association import: read %d, changed %d, unchanged %d, rejected %d\n",
             st.nRead, st.nChanged, st.nSame, st.nBad);
      rc = rc ? 1 : 0;
    }
  }else{
    AssocRow *a;
    int n = association_rows(db, per.id, zProvince, "code", &a), i;
    printf("office_code,score,note\n");
    for(i=0; i<n; i++){
      if( !a[i].bHas ) continue;
      csv_write_field(stdout, a[i].zCode);
      printf(",%g,", a[i].score);
      csv_write_field(stdout, a[i].zNote);
      putchar('\n');
    }
    association_rows_free(a, n);
    rc = 0;
  }
  scheme_clear(&sch);
  db_close(db);
  return rc;
}

int cmd_ruling(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zOffice = cli_option(&argc, argv, "office", 1);
  const char *zKind = cli_option(&argc, argv, "kind", 1);
  const char *zNo = cli_option(&argc, argv, "no", 1);
  const char *zDate = cli_option(&argc, argv, "date", 1);
  const char *zState = cli_option(&argc, argv, "state", 1);
  const char *zNote = cli_option(&argc, argv, "note", 1);
  const char *zProvince = cli_option(&argc, argv, "province", 1);
  sqlite3 *db;
  Period per;
  Scheme sch;
  Actor a;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc<2 || !((strcmp(argv[1], "add")==0 && argc==2)
                || (strcmp(argv[1], "state")==0 && argc==4)
                || (strcmp(argv[1], "list")==0 && argc==2)) ){
    fprintf(stderr,
      "usage: pishkhan ruling add --office C --kind K --no N --date JDATE [--state final|under_appeal|overturned] [--note T] [--period P]\n"
      "       pishkhan ruling state ID final|under_appeal|overturned [--date JDATE] [--period P]\n"
      "       pishkhan ruling list [--office C] [--province X]\n");
    return 2;
  }
  db = cli_open(zData, "ruling");
  if( db==0 ) return 1;
  cli_actor(&a);
  if( strcmp(argv[1], "list")==0 ){
    Ruling *aR;
    int n = ruling_list(db, zProvince, zOffice, &aR), i;
    printf("id,office_code,kind,ruling_no,ruling_date,points,state,final_date,note\n");
    for(i=0; i<n; i++){
      printf("%lld,%s,%s,", aR[i].id, aR[i].zOffice, aR[i].zKind);
      csv_write_field(stdout, aR[i].zNo);
      printf(",%s,%g,%s,%s,", aR[i].zDate, aR[i].points, aR[i].zState, aR[i].zFinalDate);
      csv_write_field(stdout, aR[i].zNote);
      putchar('\n');
    }
    ruling_list_free(aR, n);
    db_close(db);
    return 0;
  }
  if( loadPeriod(db, "ruling", zPeriod, &per, &sch) ){ db_close(db); return 1; }
  if( strcmp(argv[1], "add")==0 ){
    RulingNew rn;
    long long id;
    memset(&rn, 0, sizeof rn);
    rn.zOffice = zOffice; rn.zKind = zKind; rn.zNo = zNo; rn.zDate = zDate;
    rn.zState = zState; rn.zNote = zNote;
    id = ruling_add(db, &a, &sch, 0, &rn);
    if( id<0 ){
      fprintf(stderr, "pishkhan ruling add: %s\n", ruling_error_en((int)id));
      rc = 1;
    }else{
      printf("ruling %lld recorded\n", id);
    }
  }else{
    long long id = atoll(argv[2]);
    int e = ruling_set_state(db, &a, &sch, 0, id, argv[3], zDate);
    if( e ){
      fprintf(stderr, "pishkhan ruling state: %s\n", ruling_error_en(e));
      rc = 1;
    }else{
      printf("ruling %lld is now %s\n", id, argv[3]);
    }
  }
  scheme_clear(&sch);
  db_close(db);
  return rc;
}
