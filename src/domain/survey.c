/*
** survey.c — the survey import, per-office sums and the Bayesian average.
**
** The import is built for speed (bench/README.md). One INSERT OR IGNORE
** ... SELECT reads every row from the table-valued function survey_feed(),
** whose cursor pulls records from the CSV reader and validates them as it
** goes; because it is one statement, SQLite keeps its cursor on the last
** leaf of survey_response and a rising tracking number is appended
** without a descent from the root. A preupdate hook tells which rows were
** really inserted (INSERT OR IGNORE skips a stored tracking number without
** firing it), so each office's sums are counted in memory and written to
** survey_stat once at the end. Office codes are checked against an
** in-memory hash; answer times are parsed by hand, with the start of each
** distinct day computed once through ICU. Nothing held grows with the
** file: the office table, the day cache and one CSV record.
**
** All-or-nothing: at the first bad row the feed ends the insert; the rest
** of the file is still read to report every bad row, then the transaction
** is rolled back.
*/
#define SQLITE_ENABLE_PREUPDATE_HOOK 1   /* declares sqlite3_preupdate_hook */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/survey.h"
#include "store/db.h"

/* ---- Pure arithmetic ---------------------------------------------------- */

double survey_shrunk(long long n, double sum, double priorMean, double priorWeight){
  double w = priorWeight>0 ? priorWeight : 0;
  if( n<=0 && w==0 ) return priorMean;
  return (w*priorMean + sum) / (w + (double)n);
}

void survey_interval(long long n, double sum, double sumsq, double *pLo, double *pHi){
  double mean, var, h;
  if( n<2 ){ *pLo = 1; *pHi = 5; return; }
  mean = sum / (double)n;
  var = (sumsq - sum*sum/(double)n) / (double)(n - 1);
  if( var<0 ) var = 0;
  h = 1.96 * sqrt(var / (double)n);
  *pLo = mean - h < 1 ? 1 : mean - h;
  *pHi = mean + h > 5 ? 5 : mean + h;
}

double survey_percent(double mean){
  double v = (mean - 1.0) / 4.0 * 100.0;
  return v<0 ? 0 : v>100 ? 100 : v;
}

int survey_period_days(const char *zPeriod, Date *pFrom, Date *pTo){
  int y, h;
  if( zPeriod==0 || strlen(zPeriod)!=6 || zPeriod[4]!='-' ) return -1;
  if( sscanf(zPeriod, "%4d-%1d", &y, &h)!=2 || y<1300 || y>1500 || (h!=1 && h!=2) ) return -1;
  pFrom->y = pTo->y = y;
  if( h==1 ){
    pFrom->m = 1; pFrom->d = 1; pTo->m = 6; pTo->d = 31;
  }else{
    pFrom->m = 7; pFrom->d = 1; pTo->m = 12; pTo->d = jalali_month_days(y, 12);
  }
  return 0;
}

/* ---- Answer times ------------------------------------------------------- */

#define DAY_SLOTS 1024            /* power of two; a period has ~186 days */

struct SurveyDayCache {
  int aKey[DAY_SLOTS];            /* y*10000 + m*100 + d, 0 = empty */
  long long aStart[DAY_SLOTS];    /* UTC seconds of 00:00 Tehran that day */
  int nUsed;
  int nMiss;
  UCalendar *pCal;                /* Gregorian, Asia/Tehran; opened on need */
};

SurveyDayCache *survey_cache_new(void){
  return xcalloc(1, sizeof(SurveyDayCache));
}

void survey_cache_free(SurveyDayCache *p){
  if( p==0 ) return;
  if( p->pCal ) ucal_close(p->pCal);
  free(p);
}

int survey_cache_misses(const SurveyDayCache *p){ return p ? p->nMiss : 0; }

/*
** The UTC second at which Jalali day j starts in Asia/Tehran, into *pT.
** The day's offset is taken at its noon (Iran's clock changes fell at
** midnight). Returns 0, or -1 for an impossible date.
*/
static int dayStart(SurveyDayCache *pC, Date j, long long *pT){
  Date g;
  UErrorCode rc = U_ZERO_ERROR;
  UCalendar *pCal = pC ? pC->pCal : 0;
  UDate t;
  if( jalali_to_gregorian(j, &g) ) return -1;
  if( pCal==0 ){
    UChar aZone[32];
    u_uastrcpy(aZone, "Asia/Tehran");
    pCal = ucal_open(aZone, -1, "en_US@calendar=gregorian", UCAL_GREGORIAN, &rc);
    if( U_FAILURE(rc) ) return -1;
    if( pC ) pC->pCal = pCal;
  }
  ucal_clear(pCal);
  ucal_setDateTime(pCal, g.y, g.m - 1, g.d, 12, 0, 0, &rc);
  t = ucal_getMillis(pCal, &rc);
  if( pC==0 ) ucal_close(pCal);
  if( U_FAILURE(rc) ) return -1;
  *pT = (long long)(t / 1000.0) - 12*3600;
  if( pC ) pC->nMiss++;
  return 0;
}

/* Look up (or compute and remember) the start of day j. */
static int dayStartCached(SurveyDayCache *pC, Date j, long long *pT){
  int key = j.y*10000 + j.m*100 + j.d;
  unsigned h;
  if( pC==0 ) return dayStart(0, j, pT);
  h = ((unsigned)key * 2654435761u) & (DAY_SLOTS - 1);
  while( pC->aKey[h] ){
    if( pC->aKey[h]==key ){ *pT = pC->aStart[h]; return 0; }
    h = (h + 1) & (DAY_SLOTS - 1);
  }
  if( dayStart(pC, j, pT) ) return -1;
  if( pC->nUsed < DAY_SLOTS/2 ){
    pC->aKey[h] = key;
    pC->aStart[h] = *pT;
    pC->nUsed++;
  }
  return 0;
}

/* Format UTC second t as "YYYY-MM-DDTHH:MM:SSZ" (days to civil date:
** H. Hinnant's algorithm). */
static void isoUtc(long long t, char z[21]){
  long long days = t>=0 ? t/86400 : (t - 86399)/86400;
  int sec = (int)(t - days*86400);
  long long zd = days + 719468;
  long long era = (zd>=0 ? zd : zd - 146096) / 146097;
  unsigned doe = (unsigned)(zd - era*146097);
  unsigned yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
  long long y = (long long)yoe + era*400;
  unsigned doy = doe - (365*yoe + yoe/4 - yoe/100);
  unsigned mp = (5*doy + 2)/153;
  unsigned d = doy - (153*mp + 2)/5 + 1;
  unsigned m = mp<10 ? mp + 3 : mp - 9;
  int hh = sec/3600, mm = (sec/60)%60, ss = sec%60;
  if( m<=2 ) y++;
  z[0] = (char)('0' + (y/1000)%10); z[1] = (char)('0' + (y/100)%10);
  z[2] = (char)('0' + (y/10)%10);   z[3] = (char)('0' + y%10);
  z[4] = '-';
  z[5] = (char)('0' + m/10); z[6] = (char)('0' + m%10);
  z[7] = '-';
  z[8] = (char)('0' + d/10); z[9] = (char)('0' + d%10);
  z[10] = 'T';
  z[11] = (char)('0' + hh/10); z[12] = (char)('0' + hh%10);
  z[13] = ':';
  z[14] = (char)('0' + mm/10); z[15] = (char)('0' + mm%10);
  z[16] = ':';
  z[17] = (char)('0' + ss/10); z[18] = (char)('0' + ss%10);
  z[19] = 'Z';
  z[20] = 0;
}

/* Read 1..nMax ASCII digits at *pz into *pV; advance. Returns digits read. */
static int digits(const char **pz, const char *zEnd, int nMax, int *pV){
  int n = 0, v = 0;
  const char *z = *pz;
  while( z<zEnd && n<nMax && *z>='0' && *z<='9' ){ v = v*10 + (*z - '0'); z++; n++; }
  *pz = z;
  *pV = v;
  return n;
}

static const char zTimeMsg[] =
  "not a Jalali date and time (YYYY/MM/DD HH:MM or HH:MM:SS)";

int survey_parse_time(SurveyDayCache *pCache, const char *z, size_t n,
                      char zIso[21], Date *pDay, const char **pzMsg){
  const char *zEnd = z + n;
  const char *zP;
  int y, m, d, hh, mi, ss = 0;
  long long t;
  Date j;
  size_t i;
  for(i=0; i<n; i++){
    if( (unsigned char)z[i]>=0x80 ){    /* Persian digits, odd spaces */
      Buf b = {0};
      int rc;
      if( text_normalize(z, n, &b) || b.n==n ){
        buf_free(&b);
        *pzMsg = zTimeMsg;
        return -1;
      }
      rc = survey_parse_time(pCache, buf_str(&b), b.n, zIso, pDay, pzMsg);
      buf_free(&b);
      return rc;
    }
  }
  while( z<zEnd && z[0]==' ' ) z++;
  while( zEnd>z && zEnd[-1]==' ' ) zEnd--;
  zP = z;
  if( digits(&zP, zEnd, 4, &y)!=4 || zP>=zEnd || (*zP!='/' && *zP!='-') ) goto bad;
  zP++;
  if( digits(&zP, zEnd, 2, &m)<1 || zP>=zEnd || (*zP!='/' && *zP!='-') ) goto bad;
  zP++;
  if( digits(&zP, zEnd, 2, &d)<1 || zP>=zEnd || (*zP!=' ' && *zP!='T') ) goto bad;
  while( zP<zEnd && (*zP==' ' || *zP=='T') ) zP++;
  if( digits(&zP, zEnd, 2, &hh)<1 || zP>=zEnd || *zP!=':' ) goto bad;
  zP++;
  if( digits(&zP, zEnd, 2, &mi)!=2 ) goto bad;
  if( zP<zEnd ){
    if( *zP!=':' ) goto bad;
    zP++;
    if( digits(&zP, zEnd, 2, &ss)!=2 || zP!=zEnd ) goto bad;
  }
  if( hh>23 || mi>59 || ss>59 ){
    *pzMsg = "time of day out of range";
    return -1;
  }
  if( y<1300 || y>1500 || m<1 || m>12 || d<1 || d>31 || (m>6 && d>30) ){
    *pzMsg = "no such Jalali date";
    return -1;
  }
  j.y = y; j.m = m; j.d = d;
  if( dayStartCached(pCache, j, &t) ){
    *pzMsg = "no such Jalali date";
    return -1;
  }
  isoUtc(t + hh*3600 + mi*60 + ss, zIso);
  *pDay = j;
  return 0;
bad:
  *pzMsg = zTimeMsg;
  return -1;
}

/* ---- Offices ------------------------------------------------------------ */

typedef struct OfficeSlot {
  char *zCode;
  size_t nCode;
  long long n, sum, sumsq;       /* new responses of this import */
} OfficeSlot;

typedef struct OfficeMap {
  OfficeSlot *a;
  int n;
  int *aIdx;                     /* hash slots: index+1 into a, 0 = empty */
  unsigned *aHash;               /* the full hash of each slot's code */
  unsigned mask;
} OfficeMap;

static unsigned hashCode(const char *z, size_t n){
  unsigned h = 2166136261u;
  size_t i;
  for(i=0; i<n; i++){ h ^= (unsigned char)z[i]; h *= 16777619u; }
  return h;
}

/* Load every office code of the registry into pM. */
static void officeMapLoad(sqlite3 *db, OfficeMap *pM){
  sqlite3_stmt *p = db_prepare(db, "SELECT code FROM office");
  int nAlloc = 0, i;
  unsigned nSlot = 16;
  memset(pM, 0, sizeof *pM);
  while( sqlite3_step(p)==SQLITE_ROW ){
    if( pM->n==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 1024;
      pM->a = xrealloc(pM->a, sizeof(OfficeSlot)*(size_t)nAlloc);
    }
    memset(&pM->a[pM->n], 0, sizeof(OfficeSlot));
    pM->a[pM->n].zCode = xstrdup(db_col_text(p, 0));
    pM->a[pM->n].nCode = strlen(pM->a[pM->n].zCode);
    pM->n++;
  }
  db_finalize(p);
  while( nSlot < (unsigned)pM->n*2 ) nSlot *= 2;
  pM->mask = nSlot - 1;
  pM->aIdx = xcalloc(nSlot, sizeof(int));
  pM->aHash = xcalloc(nSlot, sizeof(unsigned));
  for(i=0; i<pM->n; i++){
    unsigned hFull = hashCode(pM->a[i].zCode, pM->a[i].nCode);
    unsigned h = hFull & pM->mask;
    while( pM->aIdx[h] ) h = (h + 1) & pM->mask;
    pM->aIdx[h] = i + 1;
    pM->aHash[h] = hFull;
  }
}

/* Index of office z[0..n) in pM, or -1. */
static int officeFind(const OfficeMap *pM, const char *z, size_t n){
  unsigned hFull = hashCode(z, n);
  unsigned h = hFull & pM->mask;
  int k;
  while( (k = pM->aIdx[h])!=0 ){
    if( pM->aHash[h]==hFull ){
      const OfficeSlot *s = &pM->a[k-1];
      if( s->nCode==n && memcmp(s->zCode, z, n)==0 ) return k - 1;
    }
    h = (h + 1) & pM->mask;
  }
  return -1;
}

static void officeMapFree(OfficeMap *pM){
  int i;
  for(i=0; i<pM->n; i++) free(pM->a[i].zCode);
  free(pM->a);
  free(pM->aIdx);
  free(pM->aHash);
  memset(pM, 0, sizeof *pM);
}

/* ---- The feed: CSV rows, validated ---------------------------------------- */

/* One checked row, as handed from the reader thread to the insert. */
typedef struct Rec {
  int iOffice;                   /* index into OfficeMap.a */
  unsigned char nTrack, nSvc;
  unsigned char rating;
  char zIso[21];
  char aTrack[65];
  char aSvc[65];
} Rec;

#define BATCH_ROWS 4096
#define NBATCH 4                 /* batches in flight: bounds the memory */

typedef struct Batch { Rec a[BATCH_ROWS]; int n; } Batch;

typedef struct Feed {
  /* the reader thread's */
  CsvReader *pCsv;
  FILE *pErr;
  const char *zPeriod;
  OfficeMap map;                 /* codes read by both threads; sums by the insert */
  SurveyDayCache *pCache;
  int iFrom, iTo;                /* the period's days as y*10000+m*100+d */
  char zFrom[16], zTo[16];       /* the same, for messages */
  long long nRead, nBad;
  int bStop;                     /* a bad row was seen: hand over no more */
  SurveyProgress xProgress;
  void *pArg;
  long long nNextProgress;
  /* the queue of batches between the threads */
  Batch *aBatch;                 /* NBATCH batches */
  int iFill, iTake, nFull;
  int bDone;                     /* the reader has handed over its last batch */
  int bAbort;                    /* the insert gave up: the reader stops */
  pthread_mutex_t mx;
  pthread_cond_t cFull, cEmpty;
  /* the insert's */
  Batch *pCur;                   /* batch being inserted, or NULL */
  int iCur;                      /* next row of pCur */
  const Rec *pRow;               /* the row being inserted */
  long long nNew;
  int bHook;                     /* the insert is running: count new rows */
} Feed;

/* Report a bad row. */
static void feedBad(Feed *p, int iCol, const char *zFmt, ...)
  __attribute__((format(printf, 3, 4)));
static void feedBad(Feed *p, int iCol, const char *zFmt, ...){
  va_list ap;
  p->nBad++;
  p->bStop = 1;
  if( p->pErr==0 ) return;
  fprintf(p->pErr, "%ld:%d: ", csv_line(p->pCsv), iCol);
  va_start(ap, zFmt);
  vfprintf(p->pErr, zFmt, ap);
  va_end(ap);
  fputc('\n', p->pErr);
}

/* A field value shortened for a message. */
static const char *shown(const char *z, char *zBuf, size_t nBuf){
  size_t n = strlen(z);
  if( n<nBuf ) return z;
  memcpy(zBuf, z, nBuf - 4);
  memcpy(zBuf + nBuf - 4, "...", 4);
  return zBuf;
}

/* Is z[0..n) 1..64 characters of [A-Za-z0-9._/-]? */
static int codeOk(const char *z, size_t n){
  static unsigned char aOk[256];
  size_t i;
  if( aOk['0']==0 ){
    int c;
    for(c='0'; c<='9'; c++) aOk[c] = 1;
    for(c='a'; c<='z'; c++) aOk[c] = 1;
    for(c='A'; c<='Z'; c++) aOk[c] = 1;
    aOk['-'] = aOk['_'] = aOk['.'] = aOk['/'] = 1;
  }
  if( n==0 || n>64 ) return 0;
  for(i=0; i<n; i++) if( !aOk[(unsigned char)z[i]] ) return 0;
  return 1;
}

static const char *const azCol[] = {
  "tracking_no", "office_code", "service_code", "rating", "answered_at"
};

/*
** Read and check the header. Returns 0, or -1 (reported) when it is
** missing or wrong.
*/
static int feedHeader(Feed *p){
  int rc = csv_next(p->pCsv), i;
  if( rc==0 ){
    p->nBad++;
    if( p->pErr ) fprintf(p->pErr, "1:1: empty file: expected the header %s,%s,%s,%s,%s\n",
                          azCol[0], azCol[1], azCol[2], azCol[3], azCol[4]);
    return -1;
  }
  if( rc<0 ){
    feedBad(p, csv_error_column(p->pCsv), "%s", csv_error(p->pCsv));
    return -1;
  }
  for(i=0; i<5; i++){
    char *z = text_normalize_dup(csv_field(p->pCsv, i));
    int bOk = z && strcasecmp(z, azCol[i])==0;
    free(z);
    if( !bOk ){
      feedBad(p, i+1, "expected the header %s,%s,%s,%s,%s (column %d is %s)",
              azCol[0], azCol[1], azCol[2], azCol[3], azCol[4], i+1, azCol[i]);
      return -1;
    }
  }
  if( csv_nfield(p->pCsv)!=5 ){
    feedBad(p, 6, "the header has %d columns; expected 5", csv_nfield(p->pCsv));
    return -1;
  }
  return 0;
}

/*
** Read the next data row and check it. Returns 1 for a good row (the
** current row is set), -1 for a bad one (reported), 0 at the end.
*/
static int feedRow(Feed *p, Rec *pR){
  CsvReader *pC = p->pCsv;
  int rc = csv_next(pC), nf, iDay;
  const char *z;
  size_t n;
  char zBuf[48];
  const char *zMsg;
  Date day;
  if( rc==0 ) return 0;
  p->nRead++;
  if( p->xProgress && p->nRead>=p->nNextProgress ){
    p->xProgress(p->pArg, csv_offset(pC), p->nRead);
    p->nNextProgress = p->nRead + 65536;
  }
  if( rc<0 ){
    feedBad(p, csv_error_column(pC), "%s", csv_error(pC));
    return -1;
  }
  nf = csv_nfield(pC);
  if( nf!=5 ){
    feedBad(p, nf<5 ? nf+1 : 6, "expected 5 fields, found %d", nf);
    return -1;
  }
  z = csv_field(pC, 0); n = csv_field_len(pC, 0);
  if( !codeOk(z, n) ){
    feedBad(p, 1, "tracking_no: \"%s\" is not 1 to 64 letters, digits or . _ / -",
            shown(z, zBuf, sizeof zBuf));
    return -1;
  }
  pR->nTrack = (unsigned char)n;
  memcpy(pR->aTrack, z, n);
  z = csv_field(pC, 1); n = csv_field_len(pC, 1);
  if( (pR->iOffice = officeFind(&p->map, z, n))<0 ){
    char *zNorm = text_code_dup(z);
    if( zNorm ) pR->iOffice = officeFind(&p->map, zNorm, strlen(zNorm));
    free(zNorm);
    if( pR->iOffice<0 ){
      feedBad(p, 2, "office_code: unknown office \"%s\"", shown(z, zBuf, sizeof zBuf));
      return -1;
    }
  }
  z = csv_field(pC, 2); n = csv_field_len(pC, 2);
  if( !codeOk(z, n) ){
    feedBad(p, 3, "service_code: \"%s\" is not 1 to 64 letters, digits or . _ / -",
            shown(z, zBuf, sizeof zBuf));
    return -1;
  }
  pR->nSvc = (unsigned char)n;
  memcpy(pR->aSvc, z, n);
  z = csv_field(pC, 3); n = csv_field_len(pC, 3);
  if( n==1 && z[0]>='1' && z[0]<='5' ){
    pR->rating = (unsigned char)(z[0] - '0');
  }else{
    long long v;
    if( text_parse_int(z, &v) || v<1 || v>5 ){
      feedBad(p, 4, "rating: \"%s\" is not a whole number from 1 to 5",
              shown(z, zBuf, sizeof zBuf));
      return -1;
    }
    pR->rating = (unsigned char)v;
  }
  z = csv_field(pC, 4); n = csv_field_len(pC, 4);
  if( survey_parse_time(p->pCache, z, n, pR->zIso, &day, &zMsg) ){
    feedBad(p, 5, "answered_at: \"%s\": %s", shown(z, zBuf, sizeof zBuf), zMsg);
    return -1;
  }
  iDay = day.y*10000 + day.m*100 + day.d;
  if( iDay<p->iFrom || iDay>p->iTo ){
    feedBad(p, 5, "answered_at: %04d/%02d/%02d is outside period %s (%s to %s)",
            day.y, day.m, day.d, p->zPeriod, p->zFrom, p->zTo);
    return -1;
  }
  return 1;
}

/* Count the row being inserted (called by SQLite for inserted rows only). */
static void feedHook(void *pArg, sqlite3 *db, int op, const char *zDb,
                     const char *zTab, sqlite3_int64 k1, sqlite3_int64 k2){
  Feed *p = (Feed *)pArg;
  OfficeSlot *s;
  (void)db; (void)zDb; (void)k1; (void)k2;
  if( !p->bHook || op!=SQLITE_INSERT || strcmp(zTab, "survey_response")!=0 ) return;
  s = &p->map.a[p->pRow->iOffice];
  s->n++;
  s->sum += p->pRow->rating;
  s->sumsq += p->pRow->rating * p->pRow->rating;
  p->nNew++;
}

/* ---- The reader thread and the queue ------------------------------------------ */

/*
** The reader thread: fill batches with checked rows and hand them over.
** At the first bad row it hands over what it has and marks the queue
** done, then reads on only to report every further bad row.
*/
static void *feedReader(void *pArg){
  Feed *p = (Feed *)pArg;
  int bEnd = 0;
  while( !bEnd ){
    Batch *b;
    int n = 0, rc = 0;
    pthread_mutex_lock(&p->mx);
    while( p->nFull==NBATCH && !p->bAbort ) pthread_cond_wait(&p->cEmpty, &p->mx);
    if( p->bAbort ){ pthread_mutex_unlock(&p->mx); return 0; }
    b = &p->aBatch[p->iFill];
    pthread_mutex_unlock(&p->mx);
    while( n<BATCH_ROWS && (rc = feedRow(p, &b->a[n]))==1 ) n++;
    bEnd = n<BATCH_ROWS;           /* end of input, or a bad row */
    pthread_mutex_lock(&p->mx);
    b->n = n;
    p->iFill = (p->iFill + 1) % NBATCH;
    p->nFull++;
    if( bEnd ) p->bDone = 1;
    pthread_cond_signal(&p->cFull);
    pthread_mutex_unlock(&p->mx);
  }
  if( p->bStop ){
    Rec r;
    while( feedRow(p, &r)!=0 ){}
  }
  return 0;
}

/* The next row for the insert, or NULL when there are no more. */
static const Rec *feedTake(Feed *p){
  for(;;){
    if( p->pCur && p->iCur<p->pCur->n ) return &p->pCur->a[p->iCur++];
    pthread_mutex_lock(&p->mx);
    if( p->pCur ){                 /* give the used batch back */
      p->pCur = 0;
      p->iTake = (p->iTake + 1) % NBATCH;
      p->nFull--;
      pthread_cond_signal(&p->cEmpty);
    }
    while( p->nFull==0 && !p->bDone ) pthread_cond_wait(&p->cFull, &p->mx);
    if( p->nFull>0 ){
      p->pCur = &p->aBatch[p->iTake];
      p->iCur = 0;
    }
    pthread_mutex_unlock(&p->mx);
    if( p->pCur==0 ) return 0;
  }
}

/* The insert is over (or failed): let the reader finish. */
static void feedAbort(Feed *p){
  pthread_mutex_lock(&p->mx);
  p->bAbort = 1;
  pthread_cond_signal(&p->cEmpty);
  pthread_mutex_unlock(&p->mx);
}

/* ---- survey_feed(): the table-valued function over a Feed ----------------- */

typedef struct FeedCursor {
  sqlite3_vtab_cursor base;
  Feed *p;
  int bEof;
  sqlite3_int64 iRow;
} FeedCursor;

static int feedConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                       sqlite3_vtab **ppVtab, char **pzErr){
  sqlite3_vtab *pNew;
  int rc;
  (void)pAux; (void)argc; (void)argv; (void)pzErr;
  rc = sqlite3_declare_vtab(db, "CREATE TABLE x(tracking_no, office_code, service_code,"
                                " rating, answered_at, feed HIDDEN)");
  if( rc!=SQLITE_OK ) return rc;
  pNew = sqlite3_malloc(sizeof *pNew);
  if( pNew==0 ) return SQLITE_NOMEM;
  memset(pNew, 0, sizeof *pNew);
  *ppVtab = pNew;
  return SQLITE_OK;
}

static int feedDisconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

/* The feed argument (column 5) must be given: survey_feed(?). */
static int feedBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int i;
  (void)pVtab;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if( c->iColumn==5 && c->op==SQLITE_INDEX_CONSTRAINT_EQ && c->usable ){
      pInfo->aConstraintUsage[i].argvIndex = 1;
      pInfo->aConstraintUsage[i].omit = 1;
      pInfo->estimatedCost = 1e6;
      return SQLITE_OK;
    }
  }
  return SQLITE_CONSTRAINT;
}

static int feedOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCur){
  FeedCursor *c = sqlite3_malloc(sizeof *c);
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  *ppCur = &c->base;
  return SQLITE_OK;
}

static int feedClose(sqlite3_vtab_cursor *pCur){
  sqlite3_free(pCur);
  return SQLITE_OK;
}

static int feedNext(sqlite3_vtab_cursor *pCur){
  FeedCursor *c = (FeedCursor *)pCur;
  if( c->p==0 || (c->p->pRow = feedTake(c->p))==0 ){
    c->bEof = 1;
  }
  c->iRow++;
  return SQLITE_OK;
}

static int feedFilter(sqlite3_vtab_cursor *pCur, int idxNum, const char *idxStr,
                      int argc, sqlite3_value **argv){
  FeedCursor *c = (FeedCursor *)pCur;
  (void)idxNum; (void)idxStr;
  c->p = argc>0 ? (Feed *)sqlite3_value_pointer(argv[0], "survey_feed") : 0;
  c->bEof = 0;
  return feedNext(pCur);
}

static int feedEof(sqlite3_vtab_cursor *pCur){
  return ((FeedCursor *)pCur)->bEof;
}

static int feedColumn(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx, int i){
  Feed *p = ((FeedCursor *)pCur)->p;
  const Rec *r = p->pRow;
  switch( i ){
    case 0: sqlite3_result_text(ctx, r->aTrack, r->nTrack, SQLITE_STATIC); break;
    case 1: {
      const OfficeSlot *s = &p->map.a[r->iOffice];
      sqlite3_result_text(ctx, s->zCode, (int)s->nCode, SQLITE_STATIC);
      break;
    }
    case 2: sqlite3_result_text(ctx, r->aSvc, r->nSvc, SQLITE_STATIC); break;
    case 3: sqlite3_result_int(ctx, r->rating); break;
    case 4: sqlite3_result_text(ctx, r->zIso, 20, SQLITE_STATIC); break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

static int feedRowid(sqlite3_vtab_cursor *pCur, sqlite3_int64 *pRowid){
  *pRowid = ((FeedCursor *)pCur)->iRow;
  return SQLITE_OK;
}

static sqlite3_module feedModule = {
  .iVersion = 0,
  .xCreate = 0,                 /* eponymous only */
  .xConnect = feedConnect,
  .xBestIndex = feedBestIndex,
  .xDisconnect = feedDisconnect,
  .xOpen = feedOpen,
  .xClose = feedClose,
  .xFilter = feedFilter,
  .xNext = feedNext,
  .xEof = feedEof,
  .xColumn = feedColumn,
  .xRowid = feedRowid,
};

/* ---- The import ------------------------------------------------------------ */

/* Undo the import's transaction, or its savepoint inside the caller's. */
static void txRollback(sqlite3 *db, int bOuter){
  if( bOuter ){
    db_exec(db, "ROLLBACK TO survey_import");
    db_exec(db, "RELEASE survey_import");
  }else{
    db_rollback(db);
  }
}

/* Write the in-memory sums of pF into survey_stat. Returns SQLITE_OK or an error. */
static int statFlush(sqlite3 *db, long long iPeriod, const Feed *pF){
  sqlite3_stmt *p = db_prepare(db,
    "INSERT INTO survey_stat(period_id,office_code,n,sum,sumsq) VALUES(?1,?2,?3,?4,?5)"
    " ON CONFLICT(period_id,office_code) DO UPDATE SET n=n+excluded.n,"
    " sum=sum+excluded.sum, sumsq=sumsq+excluded.sumsq");
  int i, rc = SQLITE_OK;
  for(i=0; i<pF->map.n && rc==SQLITE_OK; i++){
    const OfficeSlot *s = &pF->map.a[i];
    if( s->n==0 ) continue;
    sqlite3_bind_int64(p, 1, iPeriod);
    sqlite3_bind_text(p, 2, s->zCode, (int)s->nCode, SQLITE_STATIC);
    sqlite3_bind_int64(p, 3, s->n);
    sqlite3_bind_int64(p, 4, s->sum);
    sqlite3_bind_int64(p, 5, s->sumsq);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_reset(p);
  }
  db_finalize(p);
  return rc;
}

int survey_import(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                  FILE *pIn, FILE *pErr, SurveyProgress xProgress, void *pArg,
                  SurveyStats *pStats){
  Feed f;
  Date jFrom, jTo;
  long long iPeriod;
  sqlite3_stmt *p;
  pthread_t reader;
  int rc, bFk, bOuter = 0, result = 0;
  char zAfter[256], zObj[64];

  memset(pStats, 0, sizeof *pStats);
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", zPeriod);
  if( iPeriod==0 || survey_period_days(zPeriod, &jFrom, &jTo) ){
    if( pErr ) fprintf(pErr, "survey import: no period %s\n", zPeriod);
    return 2;
  }
  memset(&f, 0, sizeof f);
  f.pErr = pErr;
  f.zPeriod = zPeriod;
  f.iFrom = jFrom.y*10000 + jFrom.m*100 + jFrom.d;
  f.iTo = jTo.y*10000 + jTo.m*100 + jTo.d;
  snprintf(f.zFrom, sizeof f.zFrom, "%04d/%02d/%02d", jFrom.y, jFrom.m, jFrom.d);
  snprintf(f.zTo, sizeof f.zTo, "%04d/%02d/%02d", jTo.y, jTo.m, jTo.d);
  f.xProgress = xProgress;
  f.pArg = pArg;
  f.pCsv = csv_open(pIn);
  csv_set_max_record(f.pCsv, 64*1024);
  f.pCache = survey_cache_new();
  officeMapLoad(db, &f.map);

  /* The period was checked above; the per-row foreign key check is not
  ** needed, and PRAGMA foreign_keys only changes outside a transaction. */
  bFk = (int)db_int(db, 1, "PRAGMA foreign_keys", 0);
  if( bFk ) db_exec(db, "PRAGMA foreign_keys=OFF");
  db_exec(db, "PRAGMA cache_size=-65536");
  sqlite3_create_module(db, "survey_feed", &feedModule, 0);   /* again is harmless */

  if( feedHeader(&f) ){
    result = 1;
    goto done;
  }
  bOuter = !sqlite3_get_autocommit(db);
  if( db_exec(db, bOuter ? "SAVEPOINT survey_import" : "BEGIN IMMEDIATE")!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "survey import: %s\n", sqlite3_errmsg(db));
    result = 2;
    goto done;
  }
  f.aBatch = xmalloc(sizeof(Batch)*NBATCH);
  pthread_mutex_init(&f.mx, 0);
  pthread_cond_init(&f.cFull, 0);
  pthread_cond_init(&f.cEmpty, 0);
  if( pthread_create(&reader, 0, feedReader, &f)!=0 ){
    fprintf(stderr, "survey import: cannot start a thread\n");
    abort();
  }
  sqlite3_preupdate_hook(db, feedHook, &f);
  p = db_prepare(db,
    "INSERT OR IGNORE INTO survey_response"
    "(period_id,tracking_no,office_code,service_code,rating,answered_at)"
    " SELECT ?1, tracking_no, office_code, service_code, rating, answered_at"
    " FROM survey_feed(?2)");
  sqlite3_bind_int64(p, 1, iPeriod);
  sqlite3_bind_pointer(p, 2, &f, "survey_feed", 0);
  f.bHook = 1;
  rc = sqlite3_step(p);
  f.bHook = 0;
  db_finalize(p);
  sqlite3_preupdate_hook(db, 0, 0);
  feedAbort(&f);
  pthread_join(reader, 0);
  pthread_cond_destroy(&f.cEmpty);
  pthread_cond_destroy(&f.cFull);
  pthread_mutex_destroy(&f.mx);
  free(f.aBatch);
  if( rc!=SQLITE_DONE ){
    if( pErr ) fprintf(pErr, "survey import: %s\n", sqlite3_errmsg(db));
    txRollback(db, bOuter);
    result = 2;
    goto done;
  }
  if( f.bStop ){
    txRollback(db, bOuter);
    result = 1;
    goto done;
  }
  rc = statFlush(db, iPeriod, &f);
  snprintf(zObj, sizeof zObj, "period:%s", zPeriod);
  snprintf(zAfter, sizeof zAfter,
           "{\"read\":%lld,\"new\":%lld,\"duplicate\":%lld}",
           f.nRead, f.nNew, f.nRead - f.nNew);
  if( rc==SQLITE_OK ) rc = audit_log(db, pActor, "survey.import", zObj, 0, 0, zAfter);
  if( bOuter ){
    /* Inside the caller's transaction (the demo): its commit decides. */
    if( rc==SQLITE_OK ) rc = db_exec(db, "RELEASE survey_import");
  }else{
    /* Durable when we return: in WAL mode FULL syncs the log at commit. */
    db_exec(db, "PRAGMA synchronous=FULL");
    if( rc==SQLITE_OK ) rc = db_commit(db);
    db_exec(db, "PRAGMA synchronous=NORMAL");
  }
  if( rc!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "survey import: %s\n", sqlite3_errmsg(db));
    txRollback(db, bOuter);
    result = 2;
    goto done;
  }
  if( !bOuter ) db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
  pStats->nNew = f.nNew;
  pStats->nDup = f.nRead - f.nNew;

done:
  if( xProgress ) xProgress(pArg, csv_offset(f.pCsv), f.nRead);
  if( result ){ pStats->nNew = 0; pStats->nDup = 0; }
  pStats->nRead = f.nRead;
  pStats->nBad = f.nBad;
  db_exec(db, "PRAGMA cache_size=-2000");
  if( bFk ) db_exec(db, "PRAGMA foreign_keys=ON");
  csv_close(f.pCsv);
  survey_cache_free(f.pCache);
  officeMapFree(&f.map);
  return result;
}

/* ---- Reading the sums ------------------------------------------------------ */

int survey_national_mean(sqlite3 *db, long long periodId, double *pMean){
  sqlite3_stmt *p = db_stmt(db,
    "SELECT sum(n), sum(sum) FROM survey_stat WHERE period_id=?1");
  int rc = -1;
  *pMean = 3.0;
  sqlite3_bind_int64(p, 1, periodId);
  if( sqlite3_step(p)==SQLITE_ROW && sqlite3_column_int64(p, 0)>0 ){
    *pMean = sqlite3_column_double(p, 1) / (double)sqlite3_column_int64(p, 0);
    rc = 0;
  }
  db_release(p);
  return rc;
}

int survey_office_stat(sqlite3 *db, long long periodId, const char *zOffice,
                       double priorWeight, SurveyOfficeStat *pS){
  sqlite3_stmt *p = db_stmt(db,
    "SELECT n, sum, sumsq FROM survey_stat WHERE period_id=?1 AND office_code=?2");
  double sum = 0, sumsq = 0;
  memset(pS, 0, sizeof *pS);
  sqlite3_bind_int64(p, 1, periodId);
  sqlite3_bind_text(p, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    pS->n = sqlite3_column_int64(p, 0);
    sum = sqlite3_column_double(p, 1);
    sumsq = sqlite3_column_double(p, 2);
  }
  db_release(p);
  survey_national_mean(db, periodId, &pS->national);
  pS->priorWeight = priorWeight;
  pS->mean = pS->n>0 ? sum / (double)pS->n : 0;
  survey_interval(pS->n, sum, sumsq, &pS->lo, &pS->hi);
  pS->shrunk = survey_shrunk(pS->n, sum, pS->national, priorWeight);
  return 0;
}
