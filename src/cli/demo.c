/*
** demo.c — `pishkhan demo [--seed N] [--surveys N]`: fill an empty data
** directory with a national dataset, built only through the domain
** functions the product itself uses (office_save, ...), so that every page,
** report and benchmark has real content.
**
** Deterministic: one PRNG (splitmix64) seeded by --seed drives every choice,
** and the generator walks provinces, cities and names in file order, so the
** same seed gives byte-identical exports.
*/
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/jalali.h"
#include "base/mem.h"
#include "base/natid.h"
#include "base/text.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "domain/geo.h"
#include "domain/office.h"
#include "store/db.h"

/* ---- deterministic randomness ---------------------------------------- */

unsigned long long demo_rand(Demo *p){
  unsigned long long z = (p->iState += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Uniform integer in [0, n). */
int demo_below(Demo *p, int n){
  return n<=1 ? 0 : (int)(demo_rand(p) % (unsigned long long)n);
}

/* Uniform double in [0, 1). */
double demo_unit(Demo *p){
  return (double)(demo_rand(p) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- name lists ------------------------------------------------------ */

/* Read column iCol of every row of data/demo/FILE whose first column equals
** zKey (or every row when zKey is NULL) into a list. */
static void listLoad(StrList *pL, const char *zFile, int iCol, const char *zKey){
  char *zPath = cli_data_path(zFile);
  FILE *pIn = fopen(zPath, "rb");
  CsvReader *pCsv;
  int rc, bHeader = 1;
  memset(pL, 0, sizeof *pL);
  if( pIn==0 ){
    fprintf(stderr, "pishkhan demo: cannot open %s\n", zPath);
    exit(1);
  }
  pCsv = csv_open(pIn);
  while( (rc = csv_next(pCsv))!=0 ){
    if( rc<0 || bHeader ){ bHeader = 0; continue; }
    if( csv_nfield(pCsv)<=iCol ) continue;
    if( zKey && strcmp(csv_field(pCsv, 0), zKey)!=0 ) continue;
    if( pL->n>=pL->nAlloc ){
      pL->nAlloc = pL->nAlloc ? pL->nAlloc*2 : 64;
      pL->az = xrealloc(pL->az, sizeof(char *)*(size_t)pL->nAlloc);
    }
    pL->az[pL->n++] = xstrdup(csv_field(pCsv, iCol));
  }
  csv_close(pCsv);
  fclose(pIn);
  free(zPath);
}

void demo_list_free(StrList *pL){
  int i;
  for(i=0; i<pL->n; i++) free(pL->az[i]);
  free(pL->az);
  memset(pL, 0, sizeof *pL);
}

const char *demo_pick(Demo *p, const StrList *pL){
  return pL->n ? pL->az[demo_below(p, pL->n)] : "";
}

/* A person's full name. */
const char *demo_person(Demo *p, char *zBuf, size_t nBuf){
  const StrList *pFirst = demo_below(p, 2) ? &p->male : &p->female;
  snprintf(zBuf, nBuf, "%s %s", demo_pick(p, pFirst), demo_pick(p, &p->last));
  return zBuf;
}

/* A valid national ID. */
void demo_natid(Demo *p, char z[11]){
  natid_make((unsigned long)(demo_rand(p) % 1000000000ULL), z);
}

/* A Jalali date, uniformly between years y0 and y1 (inclusive), as ASCII. */
void demo_jdate(Demo *p, int y0, int y1, char *zBuf, size_t nBuf){
  int y = y0 + demo_below(p, y1 - y0 + 1);
  int m = 1 + demo_below(p, 12);
  int d = 1 + demo_below(p, jalali_month_days(y, m));
  snprintf(zBuf, nBuf, "%04d/%02d/%02d", y, m, d);
}

/* ---- offices --------------------------------------------------------- */

typedef struct Prov {
  char *zCode, *zRegion;
  double rUrbanW, rRuralW;   /* weights for urban and rural offices */
  int nUrban, nRural;        /* offices given */
  StrList cities, villages;
  int iArea;                 /* phone area code */
} Prov;

/* Split nTotal among the provinces in proportion to weight, largest
** remainder first, at least one each. Writes into the field at offset. */
static void apportion(Prov *a, int n, int nTotal, int bRural){
  double rSum = 0, *aRem = xcalloc((size_t)n, sizeof(double));
  int i, nGiven = 0;
  for(i=0; i<n; i++) rSum += bRural ? a[i].rRuralW : a[i].rUrbanW;
  for(i=0; i<n; i++){
    double rQ = (bRural ? a[i].rRuralW : a[i].rUrbanW) / rSum * nTotal;
    int k = (int)floor(rQ);
    if( k<1 ) k = 1;
    aRem[i] = rQ - floor(rQ);
    if( bRural ) a[i].nRural = k; else a[i].nUrban = k;
    nGiven += k;
  }
  while( nGiven!=nTotal ){
    int iBest = 0;
    for(i=1; i<n; i++){
      if( nGiven<nTotal ? aRem[i]>aRem[iBest] : aRem[i]<aRem[iBest] ) iBest = i;
    }
    if( nGiven<nTotal ){
      if( bRural ) a[iBest].nRural++; else a[iBest].nUrban++;
      nGiven++;
      aRem[iBest] -= 1.0;
    }else{
      int *pN = bRural ? &a[iBest].nRural : &a[iBest].nUrban;
      if( *pN>1 ){ (*pN)--; nGiven--; }
      aRem[iBest] += 1.0;
    }
  }
  free(aRem);
}

/*
** Create the demo registry: nUrban urban and nRural rural ICT offices over
** the provinces, urban by population and rural ICT by rural population.
*/
static int demoOffices(Demo *p, int nUrban, int nRural){
  sqlite3_stmt *pQ = db_prepare(p->db,
    "SELECT code, region_code, population, rural_share FROM province ORDER BY code");
  Prov *aProv = 0;
  int nProv = 0, i, k, iUrban = 0, iRural = 0;
  while( sqlite3_step(pQ)==SQLITE_ROW ){
    Prov *pP;
    double rPop = sqlite3_column_double(pQ, 2), rShare = sqlite3_column_double(pQ, 3);
    aProv = xrealloc(aProv, sizeof(Prov)*(size_t)(nProv+1));
    pP = &aProv[nProv];
    memset(pP, 0, sizeof *pP);
    pP->zCode = xstrdup(db_col_text(pQ, 0));
    pP->zRegion = xstrdup(db_col_text(pQ, 1));
    pP->rUrbanW = rPop * (1.0 - rShare) + 0.25 * rPop * rShare;
    pP->rRuralW = rPop * rShare * rShare;   /* weighted toward rural provinces */
    pP->iArea = 11 + (nProv * 7) % 80;
    listLoad(&pP->cities, "demo/cities.csv", 1, pP->zCode);
    listLoad(&pP->villages, "demo/villages.csv", 1, pP->zCode);
    nProv++;
  }
  db_finalize(pQ);
  if( nProv==0 ){
    fprintf(stderr, "pishkhan demo: no provinces (was data/regions.csv loaded?)\n");
    return 1;
  }
  apportion(aProv, nProv, nUrban, 0);
  apportion(aProv, nProv, nRural, 1);

  for(i=0; i<nProv; i++){
    Prov *pP = &aProv[i];
    for(k=0; k<pP->nUrban + pP->nRural; k++){
      int bRural = k>=pP->nUrban;
      char zCode[16], zName[200], zCity[100], zAddr[300], zPostal[11], zPhone[12];
      char zLicNo[24], zLicDate[12], zHolder[120], zNid[11], zStatus[12];
      const char *zPlace;
      Office o;
      char *zMsg = 0;
      int bFree = 0, rc, j;
      const char *azF[OFFICE_NCOLUMN];
      double r;
      if( bRural ){
        snprintf(zCode, sizeof zCode, "R-%05d", ++iRural);
        zPlace = demo_pick(p, &pP->villages);
        snprintf(zName, sizeof zName, "دفتر ICT روستایی %s", zPlace);
        snprintf(zAddr, sizeof zAddr, "روستای %s، جنب دهیاری", zPlace);
      }else{
        snprintf(zCode, sizeof zCode, "U-%05d", ++iUrban);
        /* the capital (first listed) gets about a third of the offices */
        zPlace = demo_below(p, 3)==0 ? pP->cities.az[0] : demo_pick(p, &pP->cities);
        snprintf(zName, sizeof zName, "دفتر پیشخوان خدمات دولت %s %s",
                 demo_pick(p, &p->last), zPlace);
        snprintf(zAddr, sizeof zAddr, "%s، خیابان %s، پلاک %d", zPlace,
                 demo_pick(p, &p->streets), 1 + demo_below(p, 400));
      }
      snprintf(zCity, sizeof zCity, "%s", zPlace);
      snprintf(zPostal, sizeof zPostal, "%d%09d", 1 + demo_below(p, 9), demo_below(p, 1000000000));
      snprintf(zPhone, sizeof zPhone, "0%02d%08d", pP->iArea, 30000000 + demo_below(p, 60000000));
      demo_jdate(p, 1390, 1398, zLicDate, sizeof zLicDate);
      snprintf(zLicNo, sizeof zLicNo, "%s-%.4s-%04d", bRural ? "ICT" : "PK", zLicDate, 1 + demo_below(p, 9999));
      demo_person(p, zHolder, sizeof zHolder);
      demo_natid(p, zNid);
      r = demo_unit(p);
      snprintf(zStatus, sizeof zStatus, "%s", r<0.004 ? "revoked" : r<0.014 ? "suspended" : "active");
      for(j=0; j<OFFICE_NCOLUMN; j++) azF[j] = "";
      azF[OF_CODE] = zCode; azF[OF_TYPE] = bRural ? "rural_ict" : "urban";
      azF[OF_NAME] = zName; azF[OF_PROVINCE] = pP->zCode; azF[OF_CITY] = zCity;
      azF[OF_ADDRESS] = zAddr; azF[OF_POSTAL] = zPostal; azF[OF_PHONE] = zPhone;
      azF[OF_LICENCE_NO] = zLicNo; azF[OF_LICENCE_DATE] = zLicDate;
      azF[OF_HOLDER_NAME] = zHolder; azF[OF_HOLDER_NID] = zNid; azF[OF_STATUS] = zStatus;
      if( office_parse(p->db, azF, &o, &zMsg, &bFree)>=0 ){
        fprintf(stderr, "pishkhan demo: generated office %s is invalid: %s\n", zCode, zMsg);
        if( bFree ) free(zMsg);
        office_clear(&o);
        return 1;
      }
      rc = office_save(p->db, &p->actor, &o);
      office_clear(&o);
      if( rc<0 ){
        fprintf(stderr, "pishkhan demo: %s: %s\n", zCode, sqlite3_errmsg(p->db));
        return 1;
      }
    }
  }
  for(i=0; i<nProv; i++){
    free(aProv[i].zCode);
    free(aProv[i].zRegion);
    demo_list_free(&aProv[i].cities);
    demo_list_free(&aProv[i].villages);
  }
  free(aProv);
  printf("demo: %d urban and %d rural ICT offices in %d provinces\n", iUrban, iRural, nProv);
  return 0;
}

/* ---- the command ----------------------------------------------------- */

/* 1 when zDir does not exist or is an empty directory. */
static int dirEmptyOrMissing(const char *zDir){
  DIR *pD = opendir(zDir);
  struct dirent *pE;
  int bEmpty = 1;
  if( pD==0 ) return errno==ENOENT;
  while( (pE = readdir(pD))!=0 ){
    if( strcmp(pE->d_name, ".")!=0 && strcmp(pE->d_name, "..")!=0 ){ bEmpty = 0; break; }
  }
  closedir(pD);
  return bEmpty;
}

static int rmOne(const char *zPath, const struct stat *pSt, int flag, struct FTW *pFtw){
  (void)pSt; (void)flag; (void)pFtw;
  return remove(zPath);
}

/* Remove a directory tree (a failed demo's half-built one). */
static void rmTree(const char *zDir){
  nftw(zDir, rmOne, 16, FTW_DEPTH|FTW_PHYS);
}

static double elapsed(const struct timespec *t0){
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
** The triggers that count changes to the ranking inputs (schema 9, for the
** what-if's kept baselines) cost several statements on every row the demo
** writes, and a new store has no kept baseline to protect. So the demo
** lifts them while it builds and puts the same triggers back, from their
** own stored SQL, before its commit, with the counters moved on as if
** every office had changed.
*/
typedef struct Lifted { int n; char **azSql; } Lifted;

static int triggersLift(sqlite3 *db, Lifted *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT name, sql FROM sqlite_master"
                                   " WHERE type='trigger' AND name GLOB 'input_*' ORDER BY name");
  char **azName = 0;
  int i, rc = 0;
  memset(p, 0, sizeof *p);
  while( sqlite3_step(q)==SQLITE_ROW ){
    p->azSql = xrealloc(p->azSql, sizeof(char *)*(size_t)(p->n+1));
    azName = xrealloc(azName, sizeof(char *)*(size_t)(p->n+1));
    azName[p->n] = xstrdup(db_col_text(q, 0));
    p->azSql[p->n] = xstrdup(db_col_text(q, 1));
    p->n++;
  }
  db_finalize(q);
  for(i=0; i<p->n; i++){
    char *zDrop = xsprintf("DROP TRIGGER \"%s\"", azName[i]);
    if( rc==0 && db_exec(db, zDrop)!=SQLITE_OK ) rc = -1;
    free(zDrop);
    free(azName[i]);
  }
  free(azName);
  return rc;
}

static int triggersRestore(sqlite3 *db, Lifted *p){
  int i, rc = 0;
  for(i=0; i<p->n; i++){
    if( rc==0 && db_exec(db, p->azSql[i])!=SQLITE_OK ) rc = -1;
    free(p->azSql[i]);
  }
  free(p->azSql);
  memset(p, 0, sizeof *p);
  if( rc==0 && db_exec(db, "UPDATE input_change SET n=n+1, g=n+1 WHERE id=1")!=SQLITE_OK ) rc = -1;
  return rc;
}

/*
** The demo builds with foreign keys off (every insert would look up its
** parents) and checks them all once at the end instead: 1 after naming
** the first row that refers to nothing, else 0.
*/
static int foreignKeysBroken(sqlite3 *db){
  sqlite3_stmt *q = db_prepare(db, "PRAGMA foreign_key_check");
  int bBad = 0;
  if( sqlite3_step(q)==SQLITE_ROW ){
    fprintf(stderr, "pishkhan demo: table %s, row %lld refers to a missing row of %s\n",
            db_col_text(q, 0), sqlite3_column_int64(q, 1), db_col_text(q, 2));
    bBad = 1;
  }
  db_finalize(q);
  return bBad;
}

int cmd_demo(int argc, char **argv){
  const char *zData = cli_option(&argc, argv, "data", 1);
  const char *zSeed = cli_option(&argc, argv, "seed", 1);
  const char *zSurveys = cli_option(&argc, argv, "surveys", 1);
  const char *zDir;
  char *zErr = 0, *zRegions, *zTmp;
  Demo d;
  Lifted lifted = {0, 0};
  long long v;
  struct timespec t0;
  int rc = 0;
  if( cli_no_more_options(argc, argv) ) return 2;
  if( argc!=1 ){
    fprintf(stderr, "usage: pishkhan demo [--data DIR] [--seed N] [--surveys N]\n");
    return 2;
  }
  memset(&d, 0, sizeof d);
  d.iSeed = 1399;
  d.nSurvey = 200000;
  if( zSeed ){
    if( text_parse_int(zSeed, &v) || v<0 ){
      fprintf(stderr, "pishkhan demo: --seed %s: must be a whole number >= 0\n", zSeed);
      return 2;
    }
    d.iSeed = (unsigned long long)v;
  }
  if( zSurveys ){
    if( text_parse_int(zSurveys, &v) || v<0 || v>100000000 ){
      fprintf(stderr, "pishkhan demo: --surveys %s: must be 0 to 100000000\n", zSurveys);
      return 2;
    }
    d.nSurvey = (long long)v;
  }
  d.iState = d.iSeed * 0x2545F4914F6CDD1DULL + 1;
  clock_gettime(CLOCK_MONOTONIC, &t0);

  zDir = db_dir(zData);
  if( !dirEmptyOrMissing(zDir) ){
    fprintf(stderr, "pishkhan demo: %s is not empty; the demo fills only an empty "
                    "or missing data directory\n", zDir);
    return 1;
  }
  /* Build beside the target and rename at the end: a failed or interrupted
  ** demo leaves nothing half-built behind. */
  zTmp = xsprintf("%s.building-%d", zDir, (int)getpid());
  rmTree(zTmp);
  d.db = db_open(zTmp, DB_CREATE, &zErr);
  if( d.db==0 ){
    fprintf(stderr, "pishkhan demo: %s\n", zErr);
    free(zErr);
    free(zTmp);
    return 1;
  }
  d.zDir = zTmp;
  d.actor.iUser = 0;
  d.actor.zUser = "demo";
  d.actor.zAddr = "";
  zRegions = cli_data_path("regions.csv");
  if( geo_load(d.db, &d.actor, zRegions, stderr)<0 ) rc = 1;
  free(zRegions);
  listLoad(&d.male, "demo/names.csv", 1, "male");
  listLoad(&d.female, "demo/names.csv", 1, "female");
  listLoad(&d.last, "demo/names.csv", 1, "last");
  listLoad(&d.streets, "demo/streets.csv", 0, 0);

  /* The building directory is thrown away on any failure, so it needs no
  ** crash safety while it is built: no journal on disk, no syncs, and a
  ** page cache big enough for the whole nation, so that each page is
  ** written once, at the commit (WAL would write it twice: log, then
  ** checkpoint). The store goes back to WAL before it is moved in place. */
  db_exec(d.db, "PRAGMA foreign_keys=OFF");    /* checked once at the end: foreignKeysBroken */
  db_exec(d.db, "PRAGMA journal_mode=MEMORY");
  db_exec(d.db, "PRAGMA temp_store=MEMORY");     /* savepoint journals too */
  db_exec(d.db, "PRAGMA synchronous=OFF");
  db_exec(d.db, "PRAGMA cache_size=-524288");
  if( rc==0 && db_begin(d.db) ){
    fprintf(stderr, "pishkhan demo: %s\n", sqlite3_errmsg(d.db));
    rc = 1;
  }
  /* One transaction for the whole nation: the domain functions' own
  ** transactions nest inside it as savepoints. */
  if( rc==0 && triggersLift(d.db, &lifted) ){
    fprintf(stderr, "pishkhan demo: %s\n", sqlite3_errmsg(d.db));
    rc = 1;
  }
  if( rc==0 ) rc = demoOffices(&d, 6630, 1313);
  if( rc==0 ) rc = demo_stages(&d);
  if( rc==0 && foreignKeysBroken(d.db) ) rc = 1;
  if( triggersRestore(d.db, &lifted) && rc==0 ){
    fprintf(stderr, "pishkhan demo: %s\n", sqlite3_errmsg(d.db));
    rc = 1;
  }
  if( rc==0 && db_commit(d.db) ){
    fprintf(stderr, "pishkhan demo: %s\n", sqlite3_errmsg(d.db));
    rc = 1;
  }
  db_rollback(d.db);
  db_exec(d.db, "PRAGMA cache_size=-16384");
  db_exec(d.db, "PRAGMA foreign_keys=ON");
  if( rc==0 ){
    char *zMode = db_text(d.db, "PRAGMA journal_mode=WAL", 0);
    if( zMode==0 || strcmp(zMode, "wal")!=0 ){
      fprintf(stderr, "pishkhan demo: cannot switch the store to WAL: %s\n", sqlite3_errmsg(d.db));
      rc = 1;
    }
    free(zMode);
  }
  db_exec(d.db, "PRAGMA synchronous=NORMAL");
  demo_list_free(&d.male);
  demo_list_free(&d.female);
  demo_list_free(&d.last);
  demo_list_free(&d.streets);
  free(d.aOff);
  db_close(d.db);
  if( rc==0 ){
    rmdir(zDir);   /* an empty target directory gives way */
    if( rename(zTmp, zDir)!=0 ){
      fprintf(stderr, "pishkhan demo: cannot move %s to %s: %s\n", zTmp, zDir, strerror(errno));
      rc = 1;
    }
  }
  if( rc ){
    rmTree(zTmp);
    fprintf(stderr, "pishkhan demo: failed; nothing was stored\n");
  }else{
    printf("demo: seed %llu, built %s in %.1f s\n", d.iSeed, zDir, elapsed(&t0));
    demo_print_users(&d);
  }
  free(zTmp);
  return rc;
}
