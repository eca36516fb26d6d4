/*
** stats.c — computing and reconciling the statistics of a period
** (stats.h). The output formats are in stats_export.c.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/scheme.h"
#include "domain/stats.h"
#include "store/db.h"

/* ---- Row arithmetic (pure) ----------------------------------------------- */

long long stats_ranked(const StatRow *p){
  return p->aRank[1] + p->aRank[2] + p->aRank[3];
}

long long stats_out_part(const StatRow *p){
  long long n = 0;
  int e;
  for(e=0; e<SO_N; e++) n += p->aOutPart[e];
  return n;
}

long long stats_out_all(const StatRow *p){
  long long n = stats_out_part(p);
  int e;
  for(e=0; e<SO_N; e++) n += p->aOutNon[e];
  return n;
}

long long stats_all_rank(const StatRow *p, int k){
  if( k<1 || k>3 ) return 0;
  return p->aRank[k] + (k==3 ? p->nNonPart : 0);
}

double stats_pct(long long n, long long nOf){
  if( nOf<=0 || n<0 ) return 0.0;
  return round(1000.0 * (double)n / (double)nOf) / 10.0;
}

double stats_rank1_share(const StatRow *p){
  long long n = stats_ranked(p);
  return n>0 ? (double)p->aRank[1] / (double)n : 0.0;
}

int stats_ceiling(const StatRow *p){
  return stats_ranked(p)>0 && stats_rank1_share(p) > STAT_CEILING;
}

static const char *const azType[ST_NTYPE] = { "urban", "rural_ict", "total" };
static const char *const azTypeFa[ST_NTYPE] = { "پیشخوان شهری", "ICT روستایی", "همه" };
static const char *const azOut[SO_N] = { "revoked", "suspended", "other" };
static const char *const azOutFa[SO_N] = { "پروانه لغوشده", "تعلیق‌شده", "دلیل دیگر" };

const char *stats_type_code(int t){ return (t>=0 && t<ST_NTYPE) ? azType[t] : "?"; }
const char *stats_type_label(int t){ return (t>=0 && t<ST_NTYPE) ? azTypeFa[t] : "?"; }
const char *stats_out_code(int e){ return (e>=0 && e<SO_N) ? azOut[e] : "?"; }
const char *stats_out_label(int e){ return (e>=0 && e<SO_N) ? azOutFa[e] : "?"; }

void stats_period_fa(Buf *pOut, const char *z){
  int i, bOk = z && strlen(z)==6 && z[4]=='-' && (z[5]=='1' || z[5]=='2');
  for(i=0; bOk && i<4; i++) if( z[i]<'0' || z[i]>'9' ) bOk = 0;
  if( !bOk ){
    text_persian_digits(pOut, z ? z : "");
    return;
  }
  buf_puts(pOut, z[5]=='1' ? "نیمهٔ نخست " : "نیمهٔ دوم ");
  {
    char zYear[5];
    memcpy(zYear, z, 4);
    zYear[4] = 0;
    text_persian_digits(pOut, zYear);
  }
}

int stats_row_reconcile(StatRow *p){
  int nBad = 0;
  p->nDiffPart = 0;
  p->nDiffAll = 0;
  if( p->nPart>=0 ){
    p->nDiffPart = p->nPart - (stats_ranked(p) + stats_out_part(p));
    if( p->nDiffPart ) nBad++;
  }
  if( p->nOffices>=0 ){
    p->nDiffAll = p->nOffices - (stats_ranked(p) + p->nNonPart + stats_out_all(p));
    if( p->nDiffAll ) nBad++;
  }
  return nBad;
}

/* The cells of a row as an array, for column sums. Returns the count. */
#define ROW_NFIELD (5 + 2*SO_N + 1)
static int rowFields(const StatRow *p, long long *a){
  int n = 0, e;
  a[n++] = p->nOffices;
  a[n++] = p->nPart;
  a[n++] = p->aRank[1];
  a[n++] = p->aRank[2];
  a[n++] = p->aRank[3];
  a[n++] = p->nNonPart;
  for(e=0; e<SO_N; e++) a[n++] = p->aOutPart[e];
  for(e=0; e<SO_N; e++) a[n++] = p->aOutNon[e];
  return n;
}
static const char *const azField[ROW_NFIELD] = {
  "offices", "participants", "rank 1", "rank 2", "rank 3", "non-participants",
  "out (participants): revoked", "out (participants): suspended",
  "out (participants): other", "out (non-participants): revoked",
  "out (non-participants): suspended", "out (non-participants): other",
};

/* Count one check; remember it when it failed. */
static void checkOne(StatReport *p, long long nWant, long long nGot,
                     const char *zScope, const char *zType, const char *zWhat){
  p->nCheck++;
  if( nWant==nGot ) return;
  if( p->nFail<STAT_MAX_FAIL ){
    StatCheck *c = &p->aFail[p->nFail];
    snprintf(c->zWhat, sizeof c->zWhat, "%s, %s: %s", zScope, zType, zWhat);
    c->nWant = nWant;
    c->nGot = nGot;
  }
  p->nFail++;
}

/* Row and column sums of the three rows of one scope. */
static void checkScope(StatReport *p, StatRow *a, const char *zScope){
  int t, i;
  for(t=0; t<ST_NTYPE; t++){
    stats_row_reconcile(&a[t]);
    if( a[t].nPart>=0 ){
      checkOne(p, a[t].nPart, a[t].nPart - a[t].nDiffPart, zScope, azType[t],
               "participants = rank 1 + 2 + 3 + out of ranking");
    }
    if( a[t].nOffices>=0 ){
      checkOne(p, a[t].nOffices, a[t].nOffices - a[t].nDiffAll, zScope, azType[t],
               "offices = rank 1 + 2 + 3 + non-participants + out of ranking");
    }
  }
  {
    long long aU[ROW_NFIELD], aR[ROW_NFIELD], aT[ROW_NFIELD];
    int n = rowFields(&a[ST_URBAN], aU);
    rowFields(&a[ST_RURAL], aR);
    rowFields(&a[ST_TOTAL], aT);
    for(i=0; i<n; i++){
      if( aT[i]<0 || aU[i]<0 || aR[i]<0 ) continue;
      checkOne(p, aT[i], aU[i] + aR[i], zScope, "urban + rural_ict = total", azField[i]);
    }
  }
}

/* The groups aG[0..nG) add up to the nation, cell by cell. */
static void checkGroups(StatReport *p, const StatGroup *aG, int nG, const char *zKind){
  int t, i, g;
  for(t=0; t<ST_NTYPE; t++){
    long long aN[ROW_NFIELD], aSum[ROW_NFIELD], aX[ROW_NFIELD];
    int n = rowFields(&p->a[t], aN);
    memset(aSum, 0, sizeof aSum);
    for(g=0; g<nG; g++){
      rowFields(&aG[g].a[t], aX);
      for(i=0; i<n; i++) aSum[i] += aX[i];
    }
    for(i=0; i<n; i++){
      char zWhat[96];
      if( aN[i]<0 ) continue;
      snprintf(zWhat, sizeof zWhat, "sum of %s = nation: %s", zKind, azField[i]);
      checkOne(p, aN[i], aSum[i], "nation", azType[t], zWhat);
    }
  }
}

int stats_reconcile(StatReport *p){
  int i;
  char zScope[64];
  p->nCheck = 0;
  p->nFail = 0;
  checkScope(p, p->a, "nation");
  for(i=0; i<p->nRegion; i++){
    snprintf(zScope, sizeof zScope, "region %s", p->aRegion[i].zCode);
    checkScope(p, p->aRegion[i].a, zScope);
  }
  for(i=0; i<p->nProvince; i++){
    snprintf(zScope, sizeof zScope, "province %s", p->aProvince[i].zCode);
    checkScope(p, p->aProvince[i].a, zScope);
  }
  if( p->nRegion ) checkGroups(p, p->aRegion, p->nRegion, "regions");
  if( p->nProvince ) checkGroups(p, p->aProvince, p->nProvince, "provinces");
  return p->nFail;
}

/* ---- The published figures ------------------------------------------------ */

const StatPublished aStatPublished[] = {
  { "1399-1", ST_URBAN, 6630, 3860, { 2070, 1600, 202 } },
  { "1399-1", ST_RURAL, 1313,  296, {  145,   89,  35 } },
  { "1400-2", ST_TOTAL, 8719,   -1, { 5004, 3649, 104 } },
  { "1401-2", ST_TOTAL, 8957,   -1, { 5770, 3101,  44 } },
};
const int nStatPublished = sizeof(aStatPublished) / sizeof(aStatPublished[0]);

void stats_row_from_published(const StatPublished *pPub, StatRow *pRow){
  memset(pRow, 0, sizeof *pRow);
  pRow->nOffices = pPub->nOffices;
  pRow->nPart = pPub->nPart;
  pRow->aRank[1] = pPub->aRank[0];
  pRow->aRank[2] = pPub->aRank[1];
  pRow->aRank[3] = pPub->aRank[2];
  pRow->nNonPart = (pPub->nPart>=0 && pPub->nOffices>=0) ? pPub->nOffices - pPub->nPart : 0;
}

/* ---- Loading from the store ----------------------------------------------- */

int stats_have_results(sqlite3 *db){
  return db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE type='table' "
                       "AND name IN ('result_set','result')", 0)==2;
}

static int typeIndex(const char *z){
  if( strcmp(z, "urban")==0 ) return ST_URBAN;
  if( strcmp(z, "rural_ict")==0 ) return ST_RURAL;
  return -1;
}

static int outIndex(const char *z){
  if( strcmp(z, "revoked")==0 ) return SO_REVOKED;
  if( strcmp(z, "suspended")==0 ) return SO_SUSPENDED;
  return SO_OTHER;
}

static void rowAdd(StatRow *pTo, const StatRow *pFrom){
  int k;
  pTo->nOffices += pFrom->nOffices;
  pTo->nPart += pFrom->nPart;
  for(k=1; k<=3; k++) pTo->aRank[k] += pFrom->aRank[k];
  pTo->nNonPart += pFrom->nNonPart;
  for(k=0; k<SO_N; k++){
    pTo->aOutPart[k] += pFrom->aOutPart[k];
    pTo->aOutNon[k] += pFrom->aOutNon[k];
  }
}

static int groupFind(StatGroup *a, int n, const char *zCode){
  int i;
  for(i=0; i<n; i++) if( strcmp(a[i].zCode, zCode)==0 ) return i;
  return -1;
}

/* Copy at most n-1 bytes of z into zTo[n]. */
static void copyText(char *zTo, size_t n, const char *z){
  snprintf(zTo, n, "%s", z ? z : "");
}

/* Participation of a result row, as SQL over r (result) and rs (result_set):
** ranked, or out of the ranking with a finalised declaration. */
#define SQL_PART \
  "(r.status='ranked' OR (r.status<>'did_not_participate' AND EXISTS(" \
  "SELECT 1 FROM declaration d WHERE d.period_id=rs.period_id" \
  " AND d.office_code=r.office_code AND d.state='finalised')))"

int stats_load(sqlite3 *db, const char *zPeriod, StatReport *p){
  sqlite3_stmt *q;
  int i, t, rc = 0;
  memset(p, 0, sizeof *p);
  copyText(p->zPeriod, sizeof p->zPeriod, zPeriod);
  if( db_int(db, 0, "SELECT count(*) FROM period WHERE code=?1", zPeriod)==0 ){
    return STAT_ENOPERIOD;
  }
  if( !stats_have_results(db) ) return STAT_ENORESULT;
  q = db_prepare(db,
    "SELECT rs.id, rs.version, coalesce(rs.published_at,''), coalesce(rs.inputs_hash,'')"
    " FROM result_set rs JOIN period p ON p.id=rs.period_id"
    " WHERE p.code=?1 AND rs.state='published' ORDER BY rs.version DESC LIMIT 1");
  sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    p->iResultSet = sqlite3_column_int64(q, 0);
    p->iVersion = sqlite3_column_int(q, 1);
    copyText(p->zPublishedAt, sizeof p->zPublishedAt, db_col_text(q, 2));
    copyText(p->zInputsHash, sizeof p->zInputsHash, db_col_text(q, 3));
  }else{
    rc = STAT_ENORESULT;
  }
  db_finalize(q);
  if( rc ) return rc;

  /* Regions and provinces, every one, in code order. */
  p->nRegion = (int)db_int(db, 0, "SELECT count(*) FROM region", 0);
  p->nProvince = (int)db_int(db, 0, "SELECT count(*) FROM province", 0);
  p->aRegion = xcalloc((size_t)p->nRegion + 1, sizeof(StatGroup));
  p->aProvince = xcalloc((size_t)p->nProvince + 1, sizeof(StatGroup));
  q = db_prepare(db, "SELECT code, name_fa, name_en FROM region ORDER BY code");
  for(i=0; i<p->nRegion && sqlite3_step(q)==SQLITE_ROW; i++){
    copyText(p->aRegion[i].zCode, sizeof p->aRegion[i].zCode, db_col_text(q, 0));
    copyText(p->aRegion[i].zNameFa, sizeof p->aRegion[i].zNameFa, db_col_text(q, 1));
    copyText(p->aRegion[i].zNameEn, sizeof p->aRegion[i].zNameEn, db_col_text(q, 2));
  }
  p->nRegion = i;
  db_finalize(q);
  q = db_prepare(db, "SELECT code, name_fa, name_en, region_code FROM province ORDER BY code");
  for(i=0; i<p->nProvince && sqlite3_step(q)==SQLITE_ROW; i++){
    copyText(p->aProvince[i].zCode, sizeof p->aProvince[i].zCode, db_col_text(q, 0));
    copyText(p->aProvince[i].zNameFa, sizeof p->aProvince[i].zNameFa, db_col_text(q, 1));
    copyText(p->aProvince[i].zNameEn, sizeof p->aProvince[i].zNameEn, db_col_text(q, 2));
    copyText(p->aProvince[i].zRegion, sizeof p->aProvince[i].zRegion, db_col_text(q, 3));
  }
  p->nProvince = i;
  db_finalize(q);

  /* The buckets, by province and type. */
  q = db_prepare(db,
    "SELECT o.province_code, o.type, r.status, r.rank,"
    "  EXISTS(SELECT 1 FROM declaration d WHERE d.period_id=rs.period_id"
    "         AND d.office_code=r.office_code AND d.state='finalised'),"
    "  count(*)"
    " FROM result r JOIN result_set rs ON rs.id=r.result_set_id"
    " JOIN office o ON o.code=r.office_code"
    " WHERE r.result_set_id=?1 GROUP BY 1,2,3,4,5");
  sqlite3_bind_int64(q, 1, p->iResultSet);
  while( sqlite3_step(q)==SQLITE_ROW ){
    int g = groupFind(p->aProvince, p->nProvince, db_col_text(q, 0));
    const char *zStatus = db_col_text(q, 2);
    int bNullRank = sqlite3_column_type(q, 3)==SQLITE_NULL;
    int iRank = sqlite3_column_int(q, 3);
    int bFin = sqlite3_column_int(q, 4);
    long long n = sqlite3_column_int64(q, 5);
    StatRow *pR;
    t = typeIndex(db_col_text(q, 1));
    if( g<0 || t<0 ) continue;            /* the checks will show it */
    pR = &p->aProvince[g].a[t];
    if( strcmp(zStatus, "ranked")==0 ){
      if( !bNullRank && iRank>=1 && iRank<=3 ) pR->aRank[iRank] += n;
      /* else: a ranked office without a rank is in no bucket (a check fails) */
    }else if( strcmp(zStatus, "did_not_participate")==0 ){
      pR->nNonPart += n;
    }else if( bFin ){
      pR->aOutPart[outIndex(zStatus)] += n;
    }else{
      pR->aOutNon[outIndex(zStatus)] += n;
    }
  }
  db_finalize(q);

  /* Offices and participants, counted apart from the buckets. */
  q = db_prepare(db,
    "SELECT o.province_code, o.type, count(*), sum(" SQL_PART ")"
    " FROM result r JOIN result_set rs ON rs.id=r.result_set_id"
    " JOIN office o ON o.code=r.office_code"
    " WHERE r.result_set_id=?1 GROUP BY 1,2");
  sqlite3_bind_int64(q, 1, p->iResultSet);
  while( sqlite3_step(q)==SQLITE_ROW ){
    int g = groupFind(p->aProvince, p->nProvince, db_col_text(q, 0));
    t = typeIndex(db_col_text(q, 1));
    if( g<0 || t<0 ) continue;
    p->aProvince[g].a[t].nOffices += sqlite3_column_int64(q, 2);
    p->aProvince[g].a[t].nPart += sqlite3_column_int64(q, 3);
  }
  db_finalize(q);

  /* Province totals, regions, and the nation by type. */
  for(i=0; i<p->nProvince; i++){
    StatGroup *pP = &p->aProvince[i];
    int g = groupFind(p->aRegion, p->nRegion, pP->zRegion);
    rowAdd(&pP->a[ST_TOTAL], &pP->a[ST_URBAN]);
    rowAdd(&pP->a[ST_TOTAL], &pP->a[ST_RURAL]);
    for(t=0; t<ST_NTYPE; t++){
      if( g>=0 ) rowAdd(&p->aRegion[g].a[t], &pP->a[t]);
    }
  }
  for(i=0; i<p->nRegion; i++){
    for(t=0; t<ST_NTYPE; t++) rowAdd(&p->a[t], &p->aRegion[i].a[t]);
  }
  /* The nation's totals once more, straight from the result set: an office
  ** lost on the way (no province, no region) makes a check fail. */
  q = db_prepare(db,
    "SELECT o.type, count(*), sum(" SQL_PART ")"
    " FROM result r JOIN result_set rs ON rs.id=r.result_set_id"
    " LEFT JOIN office o ON o.code=r.office_code"
    " WHERE r.result_set_id=?1 GROUP BY 1");
  sqlite3_bind_int64(q, 1, p->iResultSet);
  {
    long long aN[ST_NTYPE] = {0}, aP[ST_NTYPE] = {0};
    while( sqlite3_step(q)==SQLITE_ROW ){
      t = sqlite3_column_type(q, 0)==SQLITE_NULL ? -1 : typeIndex(db_col_text(q, 0));
      if( t>=0 ){
        aN[t] += sqlite3_column_int64(q, 1);
        aP[t] += sqlite3_column_int64(q, 2);
      }
      aN[ST_TOTAL] += sqlite3_column_int64(q, 1);
      aP[ST_TOTAL] += sqlite3_column_int64(q, 2);
    }
    for(t=0; t<ST_NTYPE; t++){
      p->a[t].nOffices = aN[t];
      p->a[t].nPart = aP[t];
    }
  }
  db_finalize(q);
  stats_reconcile(p);
  return 0;
}

void stats_clear(StatReport *p){
  free(p->aRegion);
  free(p->aProvince);
  p->aRegion = p->aProvince = 0;
  p->nRegion = p->nProvince = 0;
}

int stats_periods(sqlite3 *db, char ***pazCode){
  sqlite3_stmt *q;
  char **az = 0;
  int n = 0, nAlloc = 0;
  *pazCode = 0;
  if( !stats_have_results(db) ) return 0;
  q = db_prepare(db,
    "SELECT DISTINCT p.code FROM period p JOIN result_set rs ON rs.period_id=p.id"
    " WHERE rs.state='published' ORDER BY p.code DESC");
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( n==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 8;
      az = xrealloc(az, sizeof(char *) * (size_t)nAlloc);
    }
    az[n++] = xstrdup(db_col_text(q, 0));
  }
  db_finalize(q);
  *pazCode = az;
  return n;
}

void stats_strings_free(char **az, int n){
  int i;
  for(i=0; i<n; i++) free(az[i]);
  free(az);
}

int stats_trends(sqlite3 *db, StatTrend **pa){
  char **az;
  int n = stats_periods(db, &az), i, nOut = 0;
  StatTrend *a = xcalloc((size_t)n + 1, sizeof(StatTrend));
  for(i=n-1; i>=0; i--){
    StatReport rep;
    if( stats_load(db, az[i], &rep)==0 ){
      StatTrend *pT = &a[nOut++];
      copyText(pT->zPeriod, sizeof pT->zPeriod, rep.zPeriod);
      pT->iVersion = rep.iVersion;
      memcpy(pT->a, rep.a, sizeof pT->a);
      pT->bReconciles = rep.nFail==0;
    }
    stats_clear(&rep);
  }
  stats_strings_free(az, n);
  *pa = a;
  return nOut;
}

/* ---- Fairness ------------------------------------------------------------- */

static int nearCmp(const void *pA, const void *pB){
  const StatNear *a = pA, *b = pB;
  double da = fabs(a->score - a->threshold), dbb = fabs(b->score - b->threshold);
  if( da<dbb ) return -1;
  if( da>dbb ) return 1;
  return strcmp(a->zOffice, b->zOffice);
}

int stats_fairness(sqlite3 *db, const StatReport *pRep, StatFairness *pF){
  sqlite3_stmt *q;
  long long iPeriod;
  int nAlloc = 0, t;
  char *zScheme;
  memset(pF, 0, sizeof *pF);
  for(t=0; t<2; t++) pF->aThr[t][0] = pF->aThr[t][1] = -1;
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", pRep->zPeriod);

  /* Each reviewer's decisions in the period, with the reviewer's region. */
  q = db_prepare(db,
    "SELECT c.reviewer_id, coalesce(u.username, '#' || c.reviewer_id),"
    "  CASE WHEN u.role IN ('region_reviewer','region_manager') THEN u.scope ELSE '' END,"
    "  count(*), sum(c.decision='adjust'), sum(c.decision='reject')"
    " FROM claim c JOIN declaration d ON d.id=c.declaration_id"
    " LEFT JOIN users u ON u.id=c.reviewer_id"
    " WHERE d.period_id=?1 AND c.decision IS NOT NULL AND c.reviewer_id IS NOT NULL"
    " GROUP BY c.reviewer_id ORDER BY 3, 2");
  sqlite3_bind_int64(q, 1, iPeriod);
  while( sqlite3_step(q)==SQLITE_ROW ){
    StatReviewer *pR;
    if( pF->nRev==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 16;
      pF->aRev = xrealloc(pF->aRev, sizeof(StatReviewer) * (size_t)nAlloc);
    }
    pR = &pF->aRev[pF->nRev++];
    memset(pR, 0, sizeof *pR);
    pR->iUser = sqlite3_column_int64(q, 0);
    copyText(pR->zUser, sizeof pR->zUser, db_col_text(q, 1));
    copyText(pR->zRegion, sizeof pR->zRegion, db_col_text(q, 2));
    pR->nClaim = sqlite3_column_int64(q, 3);
    pR->nAdjust = sqlite3_column_int64(q, 4);
    pR->nReject = sqlite3_column_int64(q, 5);
  }
  db_finalize(q);

  /* The same by the region of the office reviewed. */
  nAlloc = 0;
  q = db_prepare(db,
    "SELECT pr.region_code, count(*), sum(c.decision='adjust'), sum(c.decision='reject')"
    " FROM claim c JOIN declaration d ON d.id=c.declaration_id"
    " JOIN office o ON o.code=d.office_code JOIN province pr ON pr.code=o.province_code"
    " WHERE d.period_id=?1 AND c.decision IS NOT NULL GROUP BY 1 ORDER BY 1");
  sqlite3_bind_int64(q, 1, iPeriod);
  while( sqlite3_step(q)==SQLITE_ROW ){
    StatReviewRegion *pR;
    if( pF->nReg==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 16;
      pF->aReg = xrealloc(pF->aReg, sizeof(StatReviewRegion) * (size_t)nAlloc);
    }
    pR = &pF->aReg[pF->nReg++];
    memset(pR, 0, sizeof *pR);
    copyText(pR->zRegion, sizeof pR->zRegion, db_col_text(q, 0));
    pR->nClaim = sqlite3_column_int64(q, 1);
    pR->nAdjust = sqlite3_column_int64(q, 2);
    pR->nReject = sqlite3_column_int64(q, 3);
    pF->all.nClaim += pR->nClaim;
    pF->all.nAdjust += pR->nAdjust;
    pF->all.nReject += pR->nReject;
  }
  db_finalize(q);

  /* Thresholds of the period's scheme. */
  zScheme = db_text(db, "SELECT scheme_json FROM period WHERE code=?1", pRep->zPeriod);
  if( zScheme ){
    Scheme s;
    char *zErr = 0;
    if( scheme_parse(zScheme, strlen(zScheme), &s, &zErr)==0 ){
      int i;
      for(i=0; i<s.nThr; i++){
        t = typeIndex(s.aThr[i].zType);
        if( t<0 || t>=2 ) continue;
        pF->aThr[t][0] = s.aThr[i].rank1;
        pF->aThr[t][1] = s.aThr[i].rank2;
      }
      scheme_clear(&s);
    }
    free(zErr);
    free(zScheme);
  }

  /* Ranked offices within STAT_NEAR points of a threshold of their type. */
  if( pRep->iResultSet ){
    nAlloc = 0;
    q = db_prepare(db,
      "SELECT r.office_code, o.name, o.type, o.province_code, r.score, r.rank"
      " FROM result r JOIN office o ON o.code=r.office_code"
      " WHERE r.result_set_id=?1 AND r.status='ranked' AND r.score IS NOT NULL");
    sqlite3_bind_int64(q, 1, pRep->iResultSet);
    while( sqlite3_step(q)==SQLITE_ROW ){
      double score = sqlite3_column_double(q, 4);
      int k;
      t = typeIndex(db_col_text(q, 2));
      if( t<0 ) continue;
      for(k=0; k<2; k++){
        double thr = pF->aThr[t][k];
        StatNear *pN;
        if( thr<0 || fabs(score - thr) > STAT_NEAR + 1e-9 ) continue;
        pF->aNearCount[t]++;
        pF->aNearCount[ST_TOTAL]++;
        if( pF->nNear==nAlloc ){
          nAlloc = nAlloc ? nAlloc*2 : 32;
          pF->aNear = xrealloc(pF->aNear, sizeof(StatNear) * (size_t)nAlloc);
        }
        pN = &pF->aNear[pF->nNear++];
        memset(pN, 0, sizeof *pN);
        copyText(pN->zOffice, sizeof pN->zOffice, db_col_text(q, 0));
        copyText(pN->zName, sizeof pN->zName, db_col_text(q, 1));
        copyText(pN->zProvince, sizeof pN->zProvince, db_col_text(q, 3));
        pN->t = t;
        pN->score = score;
        pN->iRank = sqlite3_column_int(q, 5);
        pN->iBoundary = k + 1;
        pN->threshold = thr;
        break;   /* the two thresholds are far apart: one is near at most */
      }
    }
    db_finalize(q);
    if( pF->nNear>1 ) qsort(pF->aNear, (size_t)pF->nNear, sizeof(StatNear), nearCmp);
    if( pF->nNear>200 ) pF->nNear = 200;
  }
  return 0;
}

void stats_fairness_clear(StatFairness *pF){
  free(pF->aRev);
  free(pF->aReg);
  free(pF->aNear);
  memset(pF, 0, sizeof *pF);
}
