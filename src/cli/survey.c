/*
** survey.c — `pishkhan survey import --period P FILE.csv` and
** `pishkhan survey export --period P [--office CODE]` (docs/external.md).
*/
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "domain/survey.h"
#include "store/db.h"

/* The progress bar's state: the input's size (0 when unknown). */
typedef struct Bar { long long nSize; int bShown; } Bar;

/* Draw the progress bar on stderr (a terminal). */
static void barDraw(void *pArg, long long nByte, long long nRow){
  Bar *p = (Bar *)pArg;
  p->bShown = 1;
  if( p->nSize>0 ){
    int i, w = (int)(40.0 * (double)nByte / (double)p->nSize);
    if( w>40 ) w = 40;
    fputs("\r[", stderr);
    for(i=0; i<40; i++) fputc(i<w ? '#' : '.', stderr);
    fprintf(stderr, "] %3d%%  %lld rows", (int)(100.0*(double)nByte/(double)p->nSize), nRow);
  }else{
    fprintf(stderr, "\r%lld rows", nRow);
  }
  fflush(stderr);
}

/* survey export: every kept response of the period as CSV on stdout. */
static int surveyExport(const char *zData, const char *zPeriod, const char *zOffice){
  sqlite3 *db = cli_open(zData, "survey export");
  long long n;
  int rc;
  if( db==0 ) return 1;
  rc = survey_export(db, zPeriod, zOffice, stdout, stderr, &n);
  db_close(db);
  if( fflush(stdout)!=0 || ferror(stdout) ){
    fprintf(stderr, "survey export: cannot write the output\n");
    return 1;
  }
  return rc ? 1 : 0;
}

int cmd_survey(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zPeriod = cli_option(&argc, argv, "period", 1);
  const char *zOffice = cli_option(&argc, argv, "office", 1);
  FILE *pIn;
  sqlite3 *db;
  SurveyStats st;
  Actor a;
  Bar bar = {0, 0};
  struct stat sb;
  int rc;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc==2 && strcmp(argv[1], "export")==0 && zPeriod ){
    return surveyExport(zData, zPeriod, zOffice);
  }
  if( argc!=3 || strcmp(argv[1], "import")!=0 || zPeriod==0 || zOffice ){
    fprintf(stderr, "usage: pishkhan survey import --period P FILE.csv   (- reads stdin)\n"
                    "       pishkhan survey export --period P [--office CODE]\n");
    return 2;
  }
  pIn = strcmp(argv[2], "-")==0 ? stdin : fopen(argv[2], "rb");
  if( pIn==0 ){
    fprintf(stderr, "pishkhan survey import: cannot open %s\n", argv[2]);
    return 1;
  }
  if( fstat(fileno(pIn), &sb)==0 && S_ISREG(sb.st_mode) ) bar.nSize = (long long)sb.st_size;
  db = cli_open(zData, "survey import");
  if( db==0 ){ if( pIn!=stdin ) fclose(pIn); return 1; }
  cli_actor(&a);
  rc = survey_import(db, &a, zPeriod, pIn, stderr,
                     cli_isatty(2) ? barDraw : 0, &bar, &st);
  if( pIn!=stdin ) fclose(pIn);
  db_close(db);
  if( bar.bShown ) fputc('\n', stderr);
  if( rc==1 ){
    fprintf(stderr, "survey import: %lld bad row%s; nothing was stored\n",
            st.nBad, st.nBad==1 ? "" : "s");
  }
  printf("survey import: read %lld, new %lld, duplicate %lld, rejected %lld\n",
         st.nRead, st.nNew, st.nDup, st.nBad);
  return rc ? 1 : 0;
}
