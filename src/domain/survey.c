/*
** survey.c — the survey import and export, per-office sums and the
** Bayesian average.
**
** The import is built for speed (bench/README.md, docs/external.md).
** Responses are not one SQLite row each: they are kept in blocks, rows of
** survey_block holding up to BLOCK_ROWS responses of one period sorted by
** tracking number and packed in a BLOB (varints, each field a delta from
** the response before). A block owns the tracking numbers from its `lo` up
** to the next block's `lo`, so the blocks of a period never overlap.
**
** The import runs a pipeline (docs/external.md): a reader thread cuts the
** CSV into batches of whole records; two parser threads check batches into
** fixed-size records (16 bytes: the tracking number as a number, the
** answer time as seconds since the period's start, rating, office and
** service as small numbers); the importing thread takes the batches in
** order and gathers their records into chunks, sorts each chunk by
** tracking number (an ordered run plus radix-sorted exceptions), drops
** repeats within it (the first stays), then merges it into the stored
** blocks: tracking numbers past a well-filled block are simply appended
** as new blocks (exports list them in rising order, so that is the
** common case); otherwise the block that owns them is decoded, merged and
** rewritten, and a tracking number already stored is a duplicate.
** Per-office sums are kept in memory and written to survey_stat once, in
** the same transaction.
**
** Memory is bounded: NBATCH batches, one chunk with its sort and merge
** buffers (CHUNK_ROWS records each), one decoded block, the office and
** service tables, caches of day starts and SQLite's page cache. Nothing
** grows with the file.
**
** All-or-nothing: at the first bad row the importing thread stops storing;
** the rest of the file is still read to report every bad row, then the
** transaction is rolled back.
*/
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
  int iLastKey;                   /* the day looked up last, 0 = none */
  long long iLastStart;           /* ... and its start */
  long long iGuessDays;           /* survey_format_time(): last day guessed */
  Date jGuess;                    /* ... and its Jalali date */
  int bGuess;
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
  if( key==pC->iLastKey ){ *pT = pC->iLastStart; return 0; }
  h = ((unsigned)key * 2654435761u) & (DAY_SLOTS - 1);
  while( pC->aKey[h] ){
    if( pC->aKey[h]==key ){
      *pT = pC->iLastStart = pC->aStart[h];
      pC->iLastKey = key;
      return 0;
    }
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

/*
** Parse answer time z[0..n) (see survey_parse_time()) into UTC seconds *pT
** and its Jalali day *pDay. Returns 0, or -1 with *pzMsg a static message.
*/
static int parseTime(SurveyDayCache *pCache, const char *z, size_t n,
                     long long *pT, Date *pDay, const char **pzMsg){
  const char *zEnd = z + n;
  const char *zP;
  int y, m, d, hh, mi, ss = 0;
  long long t;
  Date j;
  size_t i;
  if( n==19 && z[4]=='/' && z[7]=='/' && z[10]==' ' && z[13]==':' && z[16]==':' ){
    /* the usual "1399/03/15 14:22:05" */
    static const unsigned char aPos[14] = {0,1,2,3,5,6,8,9,11,12,14,15,17,18};
    unsigned bad = 0;
    for(i=0; i<14; i++) bad |= (unsigned)(unsigned char)(z[aPos[i]] - '0') > 9;
    if( !bad ){
      y = (z[0]-'0')*1000 + (z[1]-'0')*100 + (z[2]-'0')*10 + (z[3]-'0');
      m = (z[5]-'0')*10 + (z[6]-'0');
      d = (z[8]-'0')*10 + (z[9]-'0');
      hh = (z[11]-'0')*10 + (z[12]-'0');
      mi = (z[14]-'0')*10 + (z[15]-'0');
      ss = (z[17]-'0')*10 + (z[18]-'0');
      goto check;
    }
  }
  for(i=0; i<n; i++){
    if( (unsigned char)z[i]>=0x80 ){    /* Persian digits, odd spaces */
      Buf b = {0};
      int rc;
      if( text_normalize(z, n, &b) || b.n==n ){
        buf_free(&b);
        *pzMsg = zTimeMsg;
        return -1;
      }
      rc = parseTime(pCache, buf_str(&b), b.n, pT, pDay, pzMsg);
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
check:
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
  *pT = t + hh*3600 + mi*60 + ss;
  *pDay = j;
  return 0;
bad:
  *pzMsg = zTimeMsg;
  return -1;
}

int survey_parse_time(SurveyDayCache *pCache, const char *z, size_t n,
                      char zIso[21], Date *pDay, const char **pzMsg){
  long long t;
  if( parseTime(pCache, z, n, &t, pDay, pzMsg) ) return -1;
  isoUtc(t, zIso);
  return 0;
}

/* The Jalali day after j, and the one before. */
static Date jalaliNext(Date j){
  if( ++j.d > jalali_month_days(j.y, j.m) ){
    j.d = 1;
    if( ++j.m>12 ){ j.m = 1; j.y++; }
  }
  return j;
}
static Date jalaliPrev(Date j){
  if( --j.d < 1 ){
    if( --j.m<1 ){ j.m = 12; j.y--; }
    j.d = jalali_month_days(j.y, j.m);
  }
  return j;
}

/* Days since 1970-01-01 to the civil (Gregorian) date (H. Hinnant). */
static Date civilFromDays(long long days){
  long long zd = days + 719468;
  long long era = (zd>=0 ? zd : zd - 146096) / 146097;
  unsigned doe = (unsigned)(zd - era*146097);
  unsigned yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
  unsigned doy = doe - (365*yoe + yoe/4 - yoe/100);
  unsigned mp = (5*doy + 2)/153;
  Date g;
  g.y = (int)((long long)yoe + era*400);
  g.d = (int)(doy - (153*mp + 2)/5 + 1);
  g.m = (int)(mp<10 ? mp + 3 : mp - 9);
  if( g.m<=2 ) g.y++;
  return g;
}

int survey_format_time(SurveyDayCache *pC, long long t, char z[20]){
  long long days = (t + 12600) / 86400 - ((t + 12600) % 86400 < 0);
  long long s0, s1;
  int sec;
  Date j;
  if( pC->iGuessDays==days && pC->bGuess ){
    j = pC->jGuess;
  }else{
    if( jalali_from_gregorian(civilFromDays(days), &j) ) return -1;
    pC->iGuessDays = days;
    pC->jGuess = j;
    pC->bGuess = 1;
  }
  /* the day whose start is at or before t; of two that hold t (the hour
  ** before the spring change), the earlier, as survey_parse_time() reads */
  if( dayStartCached(pC, j, &s0) ) return -1;
  while( t<s0 ){
    j = jalaliPrev(j);
    if( dayStartCached(pC, j, &s0) ) return -1;
  }
  for(;;){
    Date jn = jalaliNext(j);
    if( t - s0 < 86400 ) break;
    if( dayStartCached(pC, jn, &s1) ) return -1;
    if( t<s1 ) break;
    j = jn;
    s0 = s1;
  }
  for(;;){
    Date jp = jalaliPrev(j);
    long long sp;
    if( dayStartCached(pC, jp, &sp) ) return -1;
    if( t - sp >= 86400 ) break;
    j = jp;
    s0 = sp;
  }
  sec = (int)(t - s0);
  if( j.y<0 || j.y>9999 || sec<0 || sec>=100*3600 ) return -1;
  z[0] = (char)('0' + j.y/1000);   z[1] = (char)('0' + (j.y/100)%10);
  z[2] = (char)('0' + (j.y/10)%10); z[3] = (char)('0' + j.y%10);
  z[4] = '/';
  z[5] = (char)('0' + j.m/10);     z[6] = (char)('0' + j.m%10);
  z[7] = '/';
  z[8] = (char)('0' + j.d/10);     z[9] = (char)('0' + j.d%10);
  z[10] = ' ';
  z[11] = (char)('0' + sec/36000); z[12] = (char)('0' + (sec/3600)%10);
  z[13] = ':';
  z[14] = (char)('0' + (sec/600)%6); z[15] = (char)('0' + (sec/60)%10);
  z[16] = ':';
  z[17] = (char)('0' + (sec%60)/10); z[18] = (char)('0' + sec%10);
  z[19] = 0;
  return 0;
}

/* ---- Offices and services -------------------------------------------------- */

typedef struct OfficeSlot {
  char *zCode;
  size_t nCode;
  long long id;                  /* office.id: what blocks store */
} OfficeSlot;

/* The sums of an office's new responses in this import. */
typedef struct OfficeSum { long long n, sum, sumsq; } OfficeSum;

/* A hash slot: the code's full hash and, when it is short, the code
** itself, so a lookup touches one cache line. */
typedef struct CodeSlot {
  unsigned hash;
  unsigned idx;                  /* index+1 into OfficeMap.a, 0 = empty */
  unsigned char n;               /* the code's length when it fits z, else 0 */
  char z[7];
} CodeSlot;

typedef struct OfficeMap {
  OfficeSlot *a;
  int n;
  CodeSlot *aSlot;
  unsigned mask;
} OfficeMap;

/* Hash of code z[0..n): eight bytes at a time (the last zero-padded),
** multiply and fold. hashShort() is the same for short codes. */
static inline uint64_t hashStep(uint64_t h, uint64_t w){
  h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}
static inline unsigned hashFinal(uint64_t h){
  h ^= h >> 29;
  h *= 0x94D049BB133111EBull;
  return (unsigned)(h >> 32);
}
static unsigned hashCode(const char *z, size_t n){
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
  while( n>=8 ){
    memcpy(&w, z, 8);
    h = hashStep(h, w);
    z += 8;
    n -= 8;
  }
  if( n>0 ){
    w = 0;
    memcpy(&w, z, n);
    h = hashStep(h, w);
  }
  return hashFinal(h);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__==__ORDER_LITTLE_ENDIAN__
/* hashCode() of z[0..n) for 0 < n <= 16 when 16 bytes may be read at z:
** no byte-by-byte copy. */
static inline unsigned hashShort(const char *z, size_t n){
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w1, w2;
  memcpy(&w1, z, 8);
  memcpy(&w2, z + 8, 8);
  if( n<8 ) return hashFinal(hashStep(h, w1 & ((1ull << (8*n)) - 1)));
  h = hashStep(h, w1);
  if( n==8 ) return hashFinal(h);
  if( n<16 ) w2 &= (1ull << (8*(n - 8))) - 1;
  return hashFinal(hashStep(h, w2));
}
#else
# define hashShort hashCode
#endif

/* Add code z (id iId) to pM; the hash slots are built by officeMapIndex(). */
static void officeMapAdd(OfficeMap *pM, const char *z, long long iId, int *pnAlloc){
  if( pM->n==*pnAlloc ){
    *pnAlloc = *pnAlloc ? *pnAlloc*2 : 1024;
    pM->a = xrealloc(pM->a, sizeof(OfficeSlot)*(size_t)*pnAlloc);
  }
  memset(&pM->a[pM->n], 0, sizeof(OfficeSlot));
  pM->a[pM->n].zCode = xstrdup(z);
  pM->a[pM->n].nCode = strlen(z);
  pM->a[pM->n].id = iId;
  pM->n++;
}

/* Put entry i of pM in its hash slot. */
static void officeMapSlot(OfficeMap *pM, int i){
  const OfficeSlot *o = &pM->a[i];
  unsigned hFull = hashCode(o->zCode, o->nCode);
  unsigned h = hFull & pM->mask;
  CodeSlot *s;
  while( pM->aSlot[h].idx ) h = (h + 1) & pM->mask;
  s = &pM->aSlot[h];
  s->hash = hFull;
  s->idx = i + 1;
  if( o->nCode<=sizeof(s->z) ){
    s->n = (unsigned char)o->nCode;
    memcpy(s->z, o->zCode, o->nCode);
  }
}

/* (Re)build the hash slots of pM: at least twice as many as entries. */
static void officeMapIndex(OfficeMap *pM){
  unsigned nSlot = 16;
  int i;
  while( nSlot < (unsigned)pM->n*2 ) nSlot *= 2;
  free(pM->aSlot);
  pM->mask = nSlot - 1;
  pM->aSlot = xcalloc(nSlot, sizeof(CodeSlot));
  for(i=0; i<pM->n; i++) officeMapSlot(pM, i);
}

/* Load the rows (id, code) of query zSql into pM. */
static void officeMapLoad(sqlite3 *db, const char *zSql, OfficeMap *pM){
  sqlite3_stmt *p = db_prepare(db, zSql);
  int nAlloc = 0;
  memset(pM, 0, sizeof *pM);
  while( sqlite3_step(p)==SQLITE_ROW ){
    officeMapAdd(pM, db_col_text(p, 1), sqlite3_column_int64(p, 0), &nAlloc);
  }
  db_finalize(p);
  officeMapIndex(pM);
}

/* Index of code z[0..n) in pM, or -1. */
static int officeFindHash(const OfficeMap *pM, const char *z, size_t n, unsigned hFull){
  unsigned h = hFull & pM->mask;
  const CodeSlot *s;
  while( (s = &pM->aSlot[h])->idx!=0 ){
    if( s->hash==hFull ){
      if( s->n ){
        if( s->n==n ){
          size_t i;
          for(i=0; i<n && s->z[i]==z[i]; i++){}
          if( i==n ) return s->idx - 1;
        }
      }else{
        const OfficeSlot *o = &pM->a[s->idx-1];
        if( o->nCode==n && memcmp(o->zCode, z, n)==0 ) return s->idx - 1;
      }
    }
    h = (h + 1) & pM->mask;
  }
  return -1;
}

static int officeFind(const OfficeMap *pM, const char *z, size_t n){
  return officeFindHash(pM, z, n, hashCode(z, n));
}

static void officeMapFree(OfficeMap *pM){
  int i;
  for(i=0; i<pM->n; i++) free(pM->a[i].zCode);
  free(pM->a);
  free(pM->aSlot);
  memset(pM, 0, sizeof *pM);
}

/*
** The service codes (survey_service): code -> id, growing as the checking
** threads meet new codes (under Feed.mxSvc). A new code gets a
** provisional id after the stored ones; the importing thread renumbers
** them in the order of the file (Merge.aSvcFinal), and svcFlush() stores
** them at the end of the import.
*/
typedef struct SvcMap {
  OfficeMap m;                   /* the same hash, id = survey_service.id */
  int nAlloc;
  int nStored;                   /* entries loaded from the store */
  long long iFirst;              /* the first id for a new code */
  long long iNext;               /* id of the next new code */
} SvcMap;

#define SVC_MAX 65535            /* ids fit the record's 16 bits */

static void svcLoad(sqlite3 *db, SvcMap *pS){
  officeMapLoad(db, "SELECT id, code FROM survey_service", &pS->m);
  pS->nAlloc = pS->m.n;
  pS->nStored = pS->m.n;
  pS->iNext = db_int(db, 0, "SELECT max(id) FROM survey_service", 0) + 1;
  pS->iFirst = pS->iNext;
}

/* Add code z[0..n) with id iId to pM, with its hash slot. */
static void mapInsert(OfficeMap *pM, int *pnAlloc, const char *z, size_t n, long long iId){
  char zCode[72];
  memcpy(zCode, z, n);
  zCode[n] = 0;
  officeMapAdd(pM, zCode, iId, pnAlloc);
  if( (unsigned)pM->n*2 > pM->mask ){
    officeMapIndex(pM);
  }else{
    officeMapSlot(pM, pM->n - 1);
  }
}

/* The id of service code z[0..n) (hash h), added when new; -1 when the
** ids are used up. */
static long long svcId(SvcMap *pS, const char *z, size_t n, unsigned h){
  int k = officeFindHash(&pS->m, z, n, h);
  if( k>=0 ) return pS->m.a[k].id;
  if( pS->iNext>SVC_MAX || n>64 ) return -1;
  mapInsert(&pS->m, &pS->nAlloc, z, n, pS->iNext++);
  return pS->m.a[pS->m.n-1].id;
}

/* Store the codes met for the first time, under the ids aFinal gives
** their provisional ones (codes with none are not stored). Returns
** SQLITE_OK or an error. */
static int svcFlush(sqlite3 *db, const SvcMap *pS, const uint16_t *aFinal){
  sqlite3_stmt *p = db_prepare(db, "INSERT INTO survey_service(id, code) VALUES(?1, ?2)");
  int i, rc = SQLITE_OK;
  for(i=pS->nStored; i<pS->m.n && rc==SQLITE_OK; i++){
    if( aFinal[pS->m.a[i].id]==0 ) continue;
    sqlite3_bind_int64(p, 1, aFinal[pS->m.a[i].id]);
    sqlite3_bind_text(p, 2, pS->m.a[i].zCode, (int)pS->m.a[i].nCode, SQLITE_STATIC);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_reset(p);
  }
  db_finalize(p);
  return rc;
}

/* ---- Tracking numbers ---------------------------------------------------- */

#define TRACK_DIGITS 18          /* below 10^18: fits a signed 64-bit key */

/*
** Parse tracking number z[0..n): 1 to TRACK_DIGITS digits (Persian and
** Arabic digits too) into *pV, with the count of its leading zeros (kept
** so the number is given back as it was written) in *pnZero. Returns 0 or
** -1.
*/
static int trackParse(const char *z, size_t n, sqlite3_uint64 *pV, int *pnZero){
  sqlite3_uint64 v = 0;
  size_t i;
  int nZero = 0;
  if( n==0 ) return -1;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c>='0' && c<='9' ){
      v = v*10 + (c - '0');
      if( v==0 && i+1<n ) nZero++;
      continue;
    }
    if( c>=0x80 ){               /* Persian or Arabic digits */
      Buf b = {0};
      int rc = -1;
      if( text_normalize(z, n, &b)==0 && b.n<n ){
        rc = trackParse(buf_str(&b), b.n, pV, pnZero);
      }
      buf_free(&b);
      return rc;
    }
    return -1;
  }
  if( n>TRACK_DIGITS ) return -1;
  *pV = v;
  *pnZero = nZero;
  return 0;
}

/* Write tracking number v with nZero leading zeros into z (20 bytes at
** least); returns its length. */
static int trackFormat(sqlite3_uint64 v, int nZero, char *z){
  char a[24];
  int n = 0, k = 0;
  do{ a[n++] = (char)('0' + v%10); v /= 10; }while( v>0 );
  while( nZero-- > 0 && k<TRACK_DIGITS ) z[k++] = '0';
  while( n>0 ) z[k++] = a[--n];
  z[k] = 0;
  return k;
}

/* ---- Records, chunks and the sort ------------------------------------------ */

/*
** One checked response as the reader hands it over: 16 bytes, so a chunk
** of them sorts fast.
*/
typedef struct SRec {
  sqlite3_uint64 key;            /* the tracking number */
  uint32_t tr;                   /* seconds since the period's start << 8,
                                 ** leading zeros << 3, rating */
  uint16_t iOffice;              /* index into OfficeMap.a */
  uint16_t iSvc;                 /* survey_service.id */
} SRec;

#define OFFICE_MAX 65535         /* offices the record's 16 bits can name */

/* Default records per chunk; PISHKHAN_SURVEY_CHUNK overrides it (tests
** use a small one to cover many chunks on a small file). */
#define CHUNK_ROWS (256*1024)

/*
** Sort a[0..n) by key, stable (so of equal keys the first read stays
** first), with aTmp[0..n) as scratch: least significant digit first,
** 11 bits a pass over key - min, as many passes as the range needs.
*/
static void recSort(SRec *a, SRec *aTmp, int n){
  sqlite3_uint64 lo, hi, range;
  int i, shift, bSorted = 1;
  unsigned aCount[2048];
  SRec *pFrom = a, *pTo = aTmp;
  if( n<2 ) return;
  lo = hi = a[0].key;
  for(i=1; i<n; i++){
    sqlite3_uint64 k = a[i].key;
    if( k<a[i-1].key ) bSorted = 0;
    if( k<lo ) lo = k;
    if( k>hi ) hi = k;
  }
  if( bSorted ) return;
  range = hi - lo;
  for(shift=0; shift<64 && (range>>shift)!=0; shift+=11){
    unsigned sum = 0;
    SRec *pSwap;
    memset(aCount, 0, sizeof aCount);
    for(i=0; i<n; i++) aCount[((pFrom[i].key - lo) >> shift) & 2047]++;
    for(i=0; i<2048; i++){ unsigned c = aCount[i]; aCount[i] = sum; sum += c; }
    for(i=0; i<n; i++) pTo[aCount[((pFrom[i].key - lo) >> shift) & 2047]++] = pFrom[i];
    pSwap = pFrom; pFrom = pTo; pTo = pSwap;
  }
  if( pFrom!=a ) memcpy(a, pFrom, sizeof(SRec)*(size_t)n);
}

/* ---- Blocks ---------------------------------------------------------------- */

#define BLOCK_ROWS 4096          /* responses a block holds at most */

/* A response as stored. */
typedef struct Resp {
  sqlite3_int64 key;             /* tracking number */
  sqlite3_int64 t;               /* answered at, UTC seconds */
  sqlite3_int64 iOffice;         /* office.id */
  int iSvc;                      /* survey_service.id */
  int rating;
  int nZero;                     /* leading zeros of the tracking number */
} Resp;

static unsigned char *putVarint(unsigned char *z, sqlite3_uint64 v){
  while( v>=0x80 ){ *z++ = (unsigned char)(v | 0x80); v >>= 7; }
  *z++ = (unsigned char)v;
  return z;
}

/* Read a varint at *pz (before zEnd) into *pV. Returns 0, -1 if cut short. */
static int getVarint(const unsigned char **pz, const unsigned char *zEnd,
                     sqlite3_uint64 *pV){
  const unsigned char *z = *pz;
  sqlite3_uint64 v = 0;
  int sh = 0;
  while( z<zEnd && sh<64 ){
    unsigned char c = *z++;
    v |= (sqlite3_uint64)(c & 0x7f) << sh;
    if( (c & 0x80)==0 ){ *pz = z; *pV = v; return 0; }
    sh += 7;
  }
  return -1;
}

/*
** The block format: for each response, in rising tracking number,
**   varint  tracking number - the one before (the first: itself)
**   varint  answer time - the one before, zigzag (the first: from 0)
**   varint  office.id
**   varint  service id << 4 | (leading zeros ? 8 : 0) | rating
**   varint  leading zeros, when there are any
** Typically 6 bytes a response.
*/
#define RESP_MAXBYTES 50

/* Decode blob z[0..n) of nRec responses into a[]. Returns 0 or -1. */
static int blockDecode(const unsigned char *z, int n, int nRec, Resp *a){
  const unsigned char *zEnd = z + n;
  sqlite3_uint64 k = 0, v;
  sqlite3_int64 t = 0;
  int i;
  for(i=0; i<nRec; i++){
    if( getVarint(&z, zEnd, &v) ) return -1;
    k += v;
    a[i].key = (sqlite3_int64)k;
    if( getVarint(&z, zEnd, &v) ) return -1;
    t += (v & 1) ? -(sqlite3_int64)(v >> 1) - 1 : (sqlite3_int64)(v >> 1);
    a[i].t = t;
    if( getVarint(&z, zEnd, &v) ) return -1;
    a[i].iOffice = (sqlite3_int64)v;
    if( getVarint(&z, zEnd, &v) ) return -1;
    a[i].iSvc = (int)(v >> 4);
    a[i].rating = (int)(v & 7);
    a[i].nZero = 0;
    if( v & 8 ){
      if( getVarint(&z, zEnd, &v) ) return -1;
      a[i].nZero = (int)v;
    }
  }
  return z==zEnd ? 0 : -1;
}

/* Builds blocks from responses given in rising tracking number and
** inserts each as it fills. */
typedef struct Builder {
  sqlite3_stmt *pIns;            /* INSERT INTO survey_block */
  unsigned char *a;              /* BLOCK_ROWS * RESP_MAXBYTES */
  size_t n;
  int nRec;
  sqlite3_int64 lo, hi, t;
  int rc;                        /* first error */
} Builder;

static void builderFlush(Builder *b){
  if( b->nRec==0 ) return;
  sqlite3_bind_int64(b->pIns, 2, b->lo);
  sqlite3_bind_int64(b->pIns, 3, b->hi);
  sqlite3_bind_int(b->pIns, 4, b->nRec);
  sqlite3_bind_blob(b->pIns, 5, b->a, (int)b->n, SQLITE_STATIC);
  if( sqlite3_step(b->pIns)!=SQLITE_DONE && b->rc==SQLITE_OK ){
    b->rc = sqlite3_errcode(sqlite3_db_handle(b->pIns));
  }
  sqlite3_reset(b->pIns);
  b->nRec = 0;
  b->n = 0;
}

static void builderAdd(Builder *b, const Resp *r){
  unsigned char *z = b->a + b->n;
  sqlite3_int64 d;
  if( b->nRec==0 ){ b->lo = b->hi = 0; b->t = 0; }
  z = putVarint(z, (sqlite3_uint64)(r->key - b->hi));
  d = r->t - b->t;
  z = putVarint(z, d<0 ? ((sqlite3_uint64)(-(d + 1)) << 1) | 1 : (sqlite3_uint64)d << 1);
  z = putVarint(z, (sqlite3_uint64)r->iOffice);
  z = putVarint(z, ((sqlite3_uint64)r->iSvc << 4) | (r->nZero ? 8 : 0) | (unsigned)r->rating);
  if( r->nZero ) z = putVarint(z, (sqlite3_uint64)r->nZero);
  if( b->nRec==0 ) b->lo = r->key;
  b->hi = r->key;
  b->t = r->t;
  b->n = (size_t)(z - b->a);
  if( ++b->nRec==BLOCK_ROWS ) builderFlush(b);
}

/* ---- The feed: CSV rows, checked ---------------------------------------- */

/*
** The feed. The reader thread cuts the input into batches of whole
** records: plain lines (no quote, no CR) copied as they are, other records
** as the CSV reader split them, or its error. NWORKER parser threads check
** batches, each into an array of records and the text of its messages.
** The importing thread takes the batches in order, prints their messages
** and gathers their records into chunks, which it sorts and merges. A
** batch's records come out in the order of its lines, and batches in the
** order of the file, so "the first stays" holds as if one thread read.
*/
#define BATCH_BYTES (256*1024)   /* text of a batch (its last record may run over) */
#define BATCH_ITEMS 8192         /* records of a batch at most */
#define NBATCH 8                 /* batches in flight: bounds the memory */
#define NWORKER 2                /* parser threads */

enum { ITEM_LINE, ITEM_FIELDS, ITEM_ERROR };
enum { BATCH_FREE, BATCH_FILLED, BATCH_PARSING, BATCH_PARSED };

/* One record of a batch. */
typedef struct Item {
  size_t off, len;               /* its text in Batch.aText */
  long iLine;                    /* the line where it starts */
  int kind;                      /* ITEM_LINE, ITEM_FIELDS or ITEM_ERROR */
  int iCol;                      /* ITEM_FIELDS: fields; ITEM_ERROR: column */
} Item;

typedef struct Batch {
  Buf text;                      /* lines; fields as NUL-terminated strings; messages */
  Item aItem[BATCH_ITEMS];
  int nItem;
  SRec aRec[BATCH_ITEMS];        /* the good rows, checked */
  int nRec;
  Buf err;                       /* "LINE:COL: message" of each bad row */
  long long nBad;
  int state;                     /* BATCH_FREE ... */
} Batch;

typedef struct Feed {
  CsvReader *pCsv;               /* the reader thread's (and the header's) */
  FILE *pErr;
  const char *zPeriod;
  OfficeMap map;                 /* read-only while the threads run */
  SvcMap svc;                    /* under mxSvc */
  int iFrom, iTo;                /* the period's days as y*10000+m*100+d */
  long long tStart;              /* UTC second the period starts */
  char zFrom[16], zTo[16];       /* the same, for messages */
  long long nRead;               /* the reader's */
  long long nBad;                /* the importing thread's */
  int bStop;                     /* a bad row was seen: import no more */
  SurveyProgress xProgress;
  void *pArg;
  long long nNextProgress;
  int nChunkRows;
  Batch *aBatch;                 /* NBATCH, a ring */
  long long nFilled;             /* batches handed over by the reader */
  long long nParse;              /* batches taken by parsers */
  long long nMerged;             /* batches taken back by the importing thread */
  int bEof;                      /* the reader has handed over its last batch */
  int bAbort;                    /* the import gave up: every thread stops */
  pthread_mutex_t mx, mxSvc;
  pthread_cond_t cFilled, cParsed, cFree;
} Feed;

/* A parser thread's own state. */
typedef struct Worker {
  Feed *p;
  SurveyDayCache *pCache;
  OfficeMap svc;                 /* service codes met: code -> id */
  int nSvcAlloc;
  Batch *b;                      /* the batch being checked */
  long iLine;                    /* the line being checked */
  Buf scratch;                   /* a line split into fields */
  OfficeSum *aSum;               /* sums of the good rows it checked */
} Worker;

/* Report the header's error (before the threads start). */
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

/* Add the message of a bad row to the batch being checked. */
static void workerBad(Worker *w, int iCol, const char *zFmt, ...)
  __attribute__((format(printf, 3, 4)));
static void workerBad(Worker *w, int iCol, const char *zFmt, ...){
  va_list ap;
  w->b->nBad++;
  buf_printf(&w->b->err, "%ld:%d: ", w->iLine, iCol);
  va_start(ap, zFmt);
  buf_vprintf(&w->b->err, zFmt, ap);
  va_end(ap);
  buf_putc(&w->b->err, '\n');
}

/* The id of service code z[0..n) (hash h): from the worker's own table,
** else from the shared one (numbering it when new). -1 when the ids are
** used up. */
static long long workerSvc(Worker *w, const char *z, size_t n, unsigned h){
  int k = officeFindHash(&w->svc, z, n, h);
  long long id;
  if( k>=0 ) return w->svc.a[k].id;
  pthread_mutex_lock(&w->p->mxSvc);
  id = svcId(&w->p->svc, z, n, h);
  pthread_mutex_unlock(&w->p->mxSvc);
  if( id>=0 ) mapInsert(&w->svc, &w->nSvcAlloc, z, n, id);
  return id;
}

/* A field value shortened for a message. */
static const char *shown(const char *z, char *zBuf, size_t nBuf){
  size_t n = strlen(z);
  if( n<nBuf ) return z;
  memcpy(zBuf, z, nBuf - 4);
  memcpy(zBuf + nBuf - 4, "...", 4);
  return zBuf;
}

/* aCodeOk[c]: c may be part of a code ([A-Za-z0-9._/-]). */
static unsigned char aCodeOk[256];
static void codeInit(void){
  int c;
  for(c='0'; c<='9'; c++) aCodeOk[c] = 1;
  for(c='a'; c<='z'; c++) aCodeOk[c] = 1;
  for(c='A'; c<='Z'; c++) aCodeOk[c] = 1;
  aCodeOk['-'] = aCodeOk['_'] = aCodeOk['.'] = aCodeOk['/'] = 1;
}

/* Is z[0..n) 1..64 characters of [A-Za-z0-9._/-]? */
static int codeOk(const char *z, size_t n){
  size_t i;
  if( n==0 || n>64 ) return 0;
  for(i=0; i<n; i++) if( !aCodeOk[(unsigned char)z[i]] ) return 0;
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
** Check the fields az[0..4] (lengths an[], NUL-terminated) of a record of
** nf fields into *pR. Returns 1 for a good row, -1 for a bad one (its
** message added to the batch).
*/
static int checkFields(Worker *w, const char **az, const size_t *an, int nf, SRec *pR){
  Feed *p = w->p;
  int iDay, iOffice, nZero, rating;
  const char *z;
  size_t n;
  char zBuf[48];
  const char *zMsg;
  Date day;
  sqlite3_uint64 key;
  long long t, iSvc;
  if( nf!=5 ){
    workerBad(w, nf<5 ? nf+1 : 6, "expected 5 fields, found %d", nf);
    return -1;
  }
  z = az[0]; n = an[0];
  if( trackParse(z, n, &key, &nZero) ){
    workerBad(w, 1, "tracking_no: \"%s\" is not a number of 1 to %d digits",
              shown(z, zBuf, sizeof zBuf), TRACK_DIGITS);
    return -1;
  }
  z = az[1]; n = an[1];
  if( (iOffice = officeFind(&p->map, z, n))<0 ){
    char *zNorm = text_code_dup(z);
    if( zNorm ) iOffice = officeFind(&p->map, zNorm, strlen(zNorm));
    free(zNorm);
    if( iOffice<0 ){
      workerBad(w, 2, "office_code: unknown office \"%s\"", shown(z, zBuf, sizeof zBuf));
      return -1;
    }
  }
  z = az[2]; n = an[2];
  if( !codeOk(z, n) ){
    workerBad(w, 3, "service_code: \"%s\" is not 1 to 64 letters, digits or . _ / -",
              shown(z, zBuf, sizeof zBuf));
    return -1;
  }
  if( (iSvc = workerSvc(w, z, n, hashCode(z, n)))<0 ){
    workerBad(w, 3, "service_code: \"%s\" is one service code too many (at most %d)",
              shown(z, zBuf, sizeof zBuf), SVC_MAX);
    return -1;
  }
  z = az[3]; n = an[3];
  if( n==1 && z[0]>='1' && z[0]<='5' ){
    rating = z[0] - '0';
  }else{
    long long v;
    if( text_parse_int(z, &v) || v<1 || v>5 ){
      workerBad(w, 4, "rating: \"%s\" is not a whole number from 1 to 5",
                shown(z, zBuf, sizeof zBuf));
      return -1;
    }
    rating = (int)v;
  }
  z = az[4]; n = an[4];
  if( parseTime(w->pCache, z, n, &t, &day, &zMsg) ){
    workerBad(w, 5, "answered_at: \"%s\": %s", shown(z, zBuf, sizeof zBuf), zMsg);
    return -1;
  }
  iDay = day.y*10000 + day.m*100 + day.d;
  if( iDay<p->iFrom || iDay>p->iTo || t<p->tStart || t - p->tStart >= (1<<24) ){
    workerBad(w, 5, "answered_at: %04d/%02d/%02d is outside period %s (%s to %s)",
              day.y, day.m, day.d, p->zPeriod, p->zFrom, p->zTo);
    return -1;
  }
  pR->key = key;
  pR->tr = ((uint32_t)(t - p->tStart) << 8) | ((uint32_t)nZero << 3) | (uint32_t)rating;
  pR->iOffice = (uint16_t)iOffice;
  pR->iSvc = (uint16_t)iSvc;
  return 1;
}

/*
** The fast path: take plain line z[0..n) (no quote, no CR, no line end)
** as one row if it is an ordinary good one — a tracking number of ASCII
** digits, a known office, a code of a service, a rating digit and
** "YYYY/MM/DD HH:MM:SS" inside the period — in one pass over its bytes.
** Returns 1 with *pR set, or 0 when the row must go the slow way
** (checkFields(), which reports what is wrong, if anything).
*/
static int fastRow(Worker *w, const char *z, size_t n, SRec *pR){
  Feed *p = w->p;
  const char *zEnd = z + n, *zOff, *zSvc, *zT;
  sqlite3_uint64 v = 0;
  unsigned hOff;
  int nd = 0, nZero = 0, iOffice, rating, y, m, d, hh, mi, ss, iDay;
  long long iSvc, t;
  size_t nOff, nSvc;
  Date j;
  /* tracking number */
  while( z<zEnd && (unsigned)(*z - '0')<10 ){ v = v*10 + (unsigned)(*z - '0'); z++; nd++; }
  if( nd==0 || nd>TRACK_DIGITS || z>=zEnd || *z!=',' ) return 0;
  if( z[-nd]=='0' ){
    while( nZero<nd-1 && z[-nd+nZero]=='0' ) nZero++;
  }
  z++;
  /* office: hashed now, its slot fetched while the rest is read */
  zOff = z;
  while( z<zEnd && *z!=',' ){
    z++;
  }
  if( z>=zEnd ) return 0;
  nOff = (size_t)(z - zOff);
  if( nOff==0 ) return 0;
  hOff = nOff<=16 && zEnd - zOff>=16 ? hashShort(zOff, nOff) : hashCode(zOff, nOff);
  __builtin_prefetch(&p->map.aSlot[hOff & p->map.mask]);
  z++;
  /* service */
  zSvc = z;
  while( z<zEnd && aCodeOk[(unsigned char)*z] ) z++;
  nSvc = (size_t)(z - zSvc);
  if( z>=zEnd || *z!=',' || nSvc==0 || nSvc>64 ) return 0;
  z++;
  /* rating */
  if( zEnd - z<2 || (unsigned)(z[0] - '1')>4 || z[1]!=',' ) return 0;
  rating = z[0] - '0';
  z += 2;
  /* answered at */
  zT = z;
  if( zEnd - zT!=19 || zT[4]!='/' || zT[7]!='/' || zT[10]!=' ' || zT[13]!=':' || zT[16]!=':' ) return 0;
  if( ((unsigned)(zT[0]-'0')>9) | ((unsigned)(zT[1]-'0')>9) | ((unsigned)(zT[2]-'0')>9)
    | ((unsigned)(zT[3]-'0')>9) | ((unsigned)(zT[5]-'0')>9) | ((unsigned)(zT[6]-'0')>9)
    | ((unsigned)(zT[8]-'0')>9) | ((unsigned)(zT[9]-'0')>9) | ((unsigned)(zT[11]-'0')>9)
    | ((unsigned)(zT[12]-'0')>9) | ((unsigned)(zT[14]-'0')>9) | ((unsigned)(zT[15]-'0')>9)
    | ((unsigned)(zT[17]-'0')>9) | ((unsigned)(zT[18]-'0')>9) ) return 0;
  y = (zT[0]-'0')*1000 + (zT[1]-'0')*100 + (zT[2]-'0')*10 + (zT[3]-'0');
  m = (zT[5]-'0')*10 + (zT[6]-'0');
  d = (zT[8]-'0')*10 + (zT[9]-'0');
  hh = (zT[11]-'0')*10 + (zT[12]-'0');
  mi = (zT[14]-'0')*10 + (zT[15]-'0');
  ss = (zT[17]-'0')*10 + (zT[18]-'0');
  if( hh>23 || mi>59 || ss>59 || m<1 || m>12 || d<1 || d>31 || (m>6 && d>30) ) return 0;
  iDay = y*10000 + m*100 + d;
  if( iDay<p->iFrom || iDay>p->iTo ) return 0;
  j.y = y; j.m = m; j.d = d;
  if( dayStartCached(w->pCache, j, &t) ) return 0;
  t += hh*3600 + mi*60 + ss;
  if( t<p->tStart || t - p->tStart >= (1<<24) ) return 0;
  if( (iOffice = officeFindHash(&p->map, zOff, nOff, hOff))<0 ) return 0;
  if( (iSvc = workerSvc(w, zSvc, nSvc,
                    nSvc<=16 && zEnd - zSvc>=16 ? hashShort(zSvc, nSvc) : hashCode(zSvc, nSvc)))<0 ){
    return 0;
  }
  pR->key = v;
  pR->tr = ((uint32_t)(t - p->tStart) << 8) | ((uint32_t)nZero << 3) | (uint32_t)rating;
  pR->iOffice = (uint16_t)iOffice;
  pR->iSvc = (uint16_t)iSvc;
  return 1;
}

/* Check batch b into b->aRec and b->err. */
static void workerParse(Worker *w, Batch *b){
  int i;
  w->b = b;
  b->nRec = 0;
  b->nBad = 0;
  buf_reset(&b->err);
  for(i=0; i<b->nItem; i++){
    const Item *it = &b->aItem[i];
    const char *z = b->text.z + it->off;
    const char *az[5];
    size_t an[5];
    int nf = 0, k;
    w->iLine = it->iLine;
    if( it->kind==ITEM_ERROR ){
      workerBad(w, it->iCol, "%s", z);
      continue;
    }
    if( it->kind==ITEM_LINE ){
      char *zS;
      size_t j, iStart = 0;
      if( fastRow(w, z, it->len, &b->aRec[b->nRec]) ){
        b->nRec++;
        continue;
      }
      /* no quote, no CR: its fields are what lies between the commas */
      buf_reset(&w->scratch);
      buf_append(&w->scratch, z, it->len);
      zS = w->scratch.z;
      for(j=0; j<=it->len; j++){
        if( j==it->len || zS[j]==',' ){
          if( nf<5 ){ az[nf] = zS + iStart; an[nf] = j - iStart; }
          nf++;
          zS[j] = 0;
          iStart = j + 1;
        }
      }
    }else{
      /* fields one after another, each NUL-terminated */
      nf = it->iCol;
      for(k=0; k<nf && k<5; k++){
        az[k] = z;
        an[k] = strlen(z);
        z += an[k] + 1;
      }
    }
    for(k=nf; k<5; k++){ az[k] = ""; an[k] = 0; }
    if( checkFields(w, az, an, nf, &b->aRec[b->nRec])==1 ) b->nRec++;
  }
  for(i=0; i<b->nRec; i++){
    const SRec *r = &b->aRec[i];
    OfficeSum *s = &w->aSum[r->iOffice];
    int v = (int)(r->tr & 7);
    s->n++;
    s->sum += v;
    s->sumsq += v*v;
  }
}

/* A parser thread: check the batches the reader hands over. */
static void *feedWorker(void *pArg){
  Worker *w = (Worker *)pArg;
  Feed *p = w->p;
  for(;;){
    Batch *b;
    pthread_mutex_lock(&p->mx);
    while( !p->bAbort && p->nParse>=p->nFilled && !p->bEof ) pthread_cond_wait(&p->cFilled, &p->mx);
    if( p->bAbort || p->nParse>=p->nFilled ){
      pthread_mutex_unlock(&p->mx);
      break;
    }
    b = &p->aBatch[p->nParse % NBATCH];
    b->state = BATCH_PARSING;
    p->nParse++;
    pthread_mutex_unlock(&p->mx);
    workerParse(w, b);
    pthread_mutex_lock(&p->mx);
    b->state = BATCH_PARSED;
    pthread_cond_broadcast(&p->cParsed);
    pthread_mutex_unlock(&p->mx);
  }
  return 0;
}

/* Append n bytes at z to b's text; returns the offset. */
static size_t batchText(Batch *b, const char *z, size_t n){
  size_t off = b->text.n;
  buf_append(&b->text, z, n);
  return off;
}

/*
** Fill batch b from the CSV reader. Returns 1 at the end of the input,
** else 0.
*/
static int feedFill(Feed *p, Batch *b){
  CsvReader *pC = p->pCsv;
  b->nItem = 0;
  buf_reset(&b->text);
  while( b->nItem<BATCH_ITEMS && b->text.n<BATCH_BYTES ){
    Item *it = &b->aItem[b->nItem];
    const char *z;
    size_t n;
    if( csv_peek_line(pC, &z, &n) && n<64*1024 ){
      it->kind = ITEM_LINE;
      it->off = batchText(b, z, n + 1);
      b->text.z[b->text.n - 1] = 0;
      it->len = n;
      csv_take_line(pC);
    }else{
      int rc = csv_next(pC);
      if( rc==0 ) return 1;
      if( rc<0 ){
        it->kind = ITEM_ERROR;
        it->iCol = csv_error_column(pC);
        it->off = batchText(b, csv_error(pC), strlen(csv_error(pC)) + 1);
      }else{
        int k, nf = csv_nfield(pC);
        it->kind = ITEM_FIELDS;
        it->iCol = nf;
        it->off = b->text.n;
        for(k=0; k<nf && k<5; k++){
          batchText(b, csv_field(pC, k), csv_field_len(pC, k));
          buf_putc(&b->text, 0);
        }
      }
      it->len = b->text.n - it->off;
    }
    it->iLine = csv_line(pC);
    b->nItem++;
    p->nRead++;
    if( p->xProgress && p->nRead>=p->nNextProgress ){
      p->xProgress(p->pArg, csv_offset(pC), p->nRead);
      p->nNextProgress = p->nRead + 65536;
    }
  }
  return 0;
}

/* The reader thread: fill free batches and hand them to the parsers. */
static void *feedReader(void *pArg){
  Feed *p = (Feed *)pArg;
  int bEof = 0;
  while( !bEof ){
    Batch *b;
    pthread_mutex_lock(&p->mx);
    while( !p->bAbort && p->aBatch[p->nFilled % NBATCH].state!=BATCH_FREE ){
      pthread_cond_wait(&p->cFree, &p->mx);
    }
    if( p->bAbort ){ pthread_mutex_unlock(&p->mx); return 0; }
    b = &p->aBatch[p->nFilled % NBATCH];
    pthread_mutex_unlock(&p->mx);
    bEof = feedFill(p, b);
    pthread_mutex_lock(&p->mx);
    if( b->nItem>0 ){
      b->state = BATCH_FILLED;
      p->nFilled++;
    }
    if( bEof ) p->bEof = 1;
    pthread_cond_broadcast(&p->cFilled);
    pthread_cond_broadcast(&p->cParsed);
    pthread_mutex_unlock(&p->mx);
  }
  return 0;
}

/* The next batch in file order, checked; NULL when there are no more. */
static Batch *feedTake(Feed *p){
  Batch *b = 0;
  pthread_mutex_lock(&p->mx);
  for(;;){
    if( p->bAbort ) break;
    if( p->nMerged<p->nFilled && p->aBatch[p->nMerged % NBATCH].state==BATCH_PARSED ){
      b = &p->aBatch[p->nMerged % NBATCH];
      break;
    }
    if( p->bEof && p->nMerged>=p->nFilled ) break;
    pthread_cond_wait(&p->cParsed, &p->mx);
  }
  pthread_mutex_unlock(&p->mx);
  return b;
}

/* Give batch b (from feedTake()) back to the reader. */
static void feedGive(Feed *p, Batch *b){
  pthread_mutex_lock(&p->mx);
  b->state = BATCH_FREE;
  p->nMerged++;
  pthread_cond_broadcast(&p->cFree);
  pthread_mutex_unlock(&p->mx);
}

/* The import is over (or failed): every thread stops. */
static void feedAbort(Feed *p){
  pthread_mutex_lock(&p->mx);
  p->bAbort = 1;
  pthread_cond_broadcast(&p->cFree);
  pthread_cond_broadcast(&p->cFilled);
  pthread_cond_broadcast(&p->cParsed);
  pthread_mutex_unlock(&p->mx);
}

/* ---- Merging a chunk into the stored blocks -------------------------------- */

typedef struct Merge {
  sqlite3 *db;
  long long iPeriod;
  Feed *pF;
  Builder b;
  Resp *aBlk;                    /* one decoded block, BLOCK_ROWS */
  sqlite3_stmt *pOwner;          /* the block owning a key */
  sqlite3_stmt *pFirst;          /* the first block after a lo */
  sqlite3_stmt *pData;           /* a block's data */
  sqlite3_stmt *pDel;            /* delete a block */
  sqlite3_stmt *pLegacy;         /* a response stored by schema 5, or NULL */
  OfficeSum *aSum;               /* by index into the office map */
  uint16_t *aSvcFinal;           /* provisional service id -> final, 0 = none yet */
  long long iSvcFirst;           /* ids from here on are provisional */
  long long iSvcNext;            /* the next final id */
  long long nNew;
  long long nDup;
} Merge;

/* The stored form of chunk record r. */
static void recResp(const Merge *m, const SRec *r, Resp *pOut){
  pOut->key = (sqlite3_int64)r->key;
  pOut->t = m->pF->tStart + (r->tr >> 8);
  pOut->iOffice = m->pF->map.a[r->iOffice].id;
  pOut->iSvc = r->iSvc;
  pOut->rating = (int)(r->tr & 7);
  pOut->nZero = (int)((r->tr >> 3) & 31);
}

/* Count r as a duplicate: take it back out of its office's sums (the
** parsers counted every good row). */
static void recDup(Merge *m, const SRec *r){
  OfficeSum *s = &m->aSum[r->iOffice];
  int v = (int)(r->tr & 7);
  s->n--;
  s->sum -= v;
  s->sumsq -= v*v;
  m->nDup++;
}

/* Is r, not found among the blocks, new? (Not when the period still has
** a response of the row-per-response table of schema 5 with its tracking
** number.) Counts it either way. */
static int recIsNew(Merge *m, const SRec *r){
  if( m->pLegacy ){
    char z[24];
    int n = trackFormat(r->key, (int)((r->tr >> 3) & 31), z), bFound;
    sqlite3_bind_text(m->pLegacy, 2, z, n, SQLITE_STATIC);
    bFound = sqlite3_step(m->pLegacy)==SQLITE_ROW;
    sqlite3_reset(m->pLegacy);
    if( bFound ){ recDup(m, r); return 0; }
  }
  m->nNew++;
  return 1;
}

/* Store a[i..j) as new blocks (no stored block holds any of them). */
static void mergeAppend(Merge *m, const SRec *a, int i, int j){
  Resp r;
  for(; i<j; i++){
    if( !recIsNew(m, &a[i]) ) continue;
    recResp(m, &a[i], &r);
    builderAdd(&m->b, &r);
  }
  builderFlush(&m->b);
}

/* The block with the greatest lo <= key (bFirst: the first block with lo
** > key) into *pLo, *pHi, *pN. Returns 1 if there is one, 0 if not. */
static int blockFind(Merge *m, sqlite3_stmt *p, sqlite3_int64 key,
                     sqlite3_int64 *pLo, sqlite3_int64 *pHi, int *pN){
  int bFound;
  sqlite3_bind_int64(p, 1, m->iPeriod);
  sqlite3_bind_int64(p, 2, key);
  bFound = sqlite3_step(p)==SQLITE_ROW;
  if( bFound ){
    *pLo = sqlite3_column_int64(p, 0);
    *pHi = sqlite3_column_int64(p, 1);
    *pN = sqlite3_column_int(p, 2);
  }
  sqlite3_reset(p);
  return bFound;
}

/*
** Merge sorted, repeat-free a[0..n) into the period's blocks: each
** record goes to the block that owns its tracking number; one already
** stored is a duplicate. Returns SQLITE_OK or an error.
*/
static int mergeChunk(Merge *m, const SRec *a, int n){
  int i = 0;
  while( i<n && m->b.rc==SQLITE_OK ){
    sqlite3_int64 lo, hi, nextLo, dummyHi;
    int nBlk, nDummy, j, bNext, k, bNew;
    sqlite3_int64 key = (sqlite3_int64)a[i].key;
    if( !blockFind(m, m->pOwner, key, &lo, &hi, &nBlk) ){
      /* before the first block: new blocks up to it */
      bNext = blockFind(m, m->pFirst, key, &nextLo, &dummyHi, &nDummy);
      for(j=i; j<n && (!bNext || (sqlite3_int64)a[j].key<nextLo); j++){}
      mergeAppend(m, a, i, j);
      i = j;
      continue;
    }
    bNext = blockFind(m, m->pFirst, lo, &nextLo, &dummyHi, &nDummy);
    for(j=i; j<n && (!bNext || (sqlite3_int64)a[j].key<nextLo); j++){}
    if( key>hi && nBlk>=BLOCK_ROWS/2 ){
      /* past a well-filled block: append */
      mergeAppend(m, a, i, j);
      i = j;
      continue;
    }
    /* decode the owner, then merge a[i..j) into it */
    sqlite3_bind_int64(m->pData, 1, m->iPeriod);
    sqlite3_bind_int64(m->pData, 2, lo);
    if( sqlite3_step(m->pData)!=SQLITE_ROW
     || nBlk>BLOCK_ROWS
     || blockDecode(sqlite3_column_blob(m->pData, 0), sqlite3_column_bytes(m->pData, 0),
                    nBlk, m->aBlk) ){
      sqlite3_reset(m->pData);
      return SQLITE_CORRUPT;
    }
    sqlite3_reset(m->pData);
    /* anything new? */
    bNew = 0;
    for(k=0; !bNew && i<j; ){
      sqlite3_int64 kk = (sqlite3_int64)a[i].key;
      while( k<nBlk && m->aBlk[k].key<kk ) k++;
      if( k<nBlk && m->aBlk[k].key==kk ){ recDup(m, &a[i]); i++; }
      else bNew = 1;
    }
    if( !bNew ) continue;
    sqlite3_bind_int64(m->pDel, 1, m->iPeriod);
    sqlite3_bind_int64(m->pDel, 2, lo);
    if( sqlite3_step(m->pDel)!=SQLITE_DONE ){
      sqlite3_reset(m->pDel);
      return sqlite3_errcode(m->db);
    }
    sqlite3_reset(m->pDel);
    for(k=0; k<nBlk || i<j; ){
      if( i<j && (k>=nBlk || (sqlite3_int64)a[i].key<m->aBlk[k].key) ){
        Resp r;
        if( recIsNew(m, &a[i]) ){
          recResp(m, &a[i], &r);
          builderAdd(&m->b, &r);
        }
        i++;
      }else if( i<j && (sqlite3_int64)a[i].key==m->aBlk[k].key ){
        recDup(m, &a[i]);
        i++;
      }else{
        builderAdd(&m->b, &m->aBlk[k++]);
      }
    }
    builderFlush(&m->b);
  }
  return m->b.rc;
}

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
static int statFlush(sqlite3 *db, long long iPeriod, const Feed *pF, const OfficeSum *aSum){
  sqlite3_stmt *p = db_prepare(db,
    "INSERT INTO survey_stat(period_id,office_code,n,sum,sumsq) VALUES(?1,?2,?3,?4,?5)"
    " ON CONFLICT(period_id,office_code) DO UPDATE SET n=n+excluded.n,"
    " sum=sum+excluded.sum, sumsq=sumsq+excluded.sumsq");
  int i, rc = SQLITE_OK;
  for(i=0; i<pF->map.n && rc==SQLITE_OK; i++){
    const OfficeSlot *o = &pF->map.a[i];
    const OfficeSum *s = &aSum[i];
    if( s->n==0 ) continue;
    sqlite3_bind_int64(p, 1, iPeriod);
    sqlite3_bind_text(p, 2, o->zCode, (int)o->nCode, SQLITE_STATIC);
    sqlite3_bind_int64(p, 3, s->n);
    sqlite3_bind_int64(p, 4, s->sum);
    sqlite3_bind_int64(p, 5, s->sumsq);
    rc = sqlite3_step(p)==SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_reset(p);
  }
  db_finalize(p);
  return rc;
}

/* Records per chunk: CHUNK_ROWS, or PISHKHAN_SURVEY_CHUNK (at least 1024). */
static int chunkRows(void){
  const char *z = getenv("PISHKHAN_SURVEY_CHUNK");
  long v = z ? strtol(z, 0, 10) : 0;
  if( v<=0 ) return CHUNK_ROWS;
  return v<1024 ? 1024 : v>(1L<<24) ? (1<<24) : (int)v;
}

/*
** A chunk being gathered: the records that came in rising tracking number
** (aRun: each above the one before, so sorted and free of repeats) and
** the others (aExc: repeats, and numbers that came out of order). For a
** file in rising order aExc is small, so sorting the chunk costs little
** more than one pass.
*/
typedef struct Gather {
  SRec *aRun, *aExc, *aTmp, *aOut;   /* nChunkRows each */
  int nRun, nExc;
} Gather;

/*
** Sort and merge the gathered chunk into the store: aExc sorted (stably),
** its repeats dropped, then merged with aRun; of equal numbers the one in
** aRun came first in the file (it was taken when nothing above it had
** come yet), so it stays.
*/
static int gatherImport(Merge *m, Gather *g){
  int i = 0, j = 0, n = 0, nExc = 0;
  recSort(g->aExc, g->aTmp, g->nExc);
  for(i=0; i<g->nExc; i++){          /* drop repeats: the first stays */
    if( nExc>0 && g->aExc[nExc-1].key==g->aExc[i].key ){
      recDup(m, &g->aExc[i]);
    }else{
      g->aExc[nExc++] = g->aExc[i];
    }
  }
  i = 0;
  while( i<g->nRun || j<nExc ){
    if( j>=nExc || (i<g->nRun && g->aRun[i].key<=g->aExc[j].key) ){
      if( j<nExc && g->aRun[i].key==g->aExc[j].key ) recDup(m, &g->aExc[j++]);
      g->aOut[n++] = g->aRun[i++];
    }else{
      g->aOut[n++] = g->aExc[j++];
    }
  }
  g->nRun = g->nExc = 0;
  return mergeChunk(m, g->aOut, n);
}

/*
** Take the checked batches in order: print their messages; while no row
** was bad, gather their records into chunks and import each as it fills.
** Returns SQLITE_OK or an error.
*/
static int importBatches(Merge *m, Feed *p){
  Gather g;
  int rc = SQLITE_OK;
  Batch *b;
  g.aRun = xmalloc(sizeof(SRec)*(size_t)p->nChunkRows);
  g.aExc = xmalloc(sizeof(SRec)*(size_t)p->nChunkRows);
  g.aTmp = xmalloc(sizeof(SRec)*(size_t)p->nChunkRows);
  g.aOut = xmalloc(sizeof(SRec)*(size_t)p->nChunkRows);
  g.nRun = g.nExc = 0;
  while( (b = feedTake(p))!=0 ){
    if( b->nBad ){
      if( p->pErr ) fputs(buf_str(&b->err), p->pErr);
      p->nBad += b->nBad;
      p->bStop = 1;
    }
    if( !p->bStop ){
      int k;
      for(k=0; k<b->nRec && rc==SQLITE_OK; k++){
        SRec *r;
        if( g.nRun==0 || b->aRec[k].key>g.aRun[g.nRun-1].key ){
          r = &g.aRun[g.nRun++];
        }else{
          r = &g.aExc[g.nExc++];
        }
        *r = b->aRec[k];
        if( r->iSvc>=m->iSvcFirst ){
          /* number new service codes in the order of the file, whichever
          ** thread met them first: the same file stores the same ids */
          if( m->aSvcFinal[r->iSvc]==0 ) m->aSvcFinal[r->iSvc] = (uint16_t)m->iSvcNext++;
          r->iSvc = m->aSvcFinal[r->iSvc];
        }
        if( g.nRun + g.nExc==p->nChunkRows ) rc = gatherImport(m, &g);
      }
    }
    feedGive(p, b);
    if( rc!=SQLITE_OK ) break;
  }
  if( rc==SQLITE_OK && !p->bStop && g.nRun + g.nExc>0 ) rc = gatherImport(m, &g);
  free(g.aRun);
  free(g.aExc);
  free(g.aTmp);
  free(g.aOut);
  return rc;
}

int survey_import(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                  FILE *pIn, FILE *pErr, SurveyProgress xProgress, void *pArg,
                  SurveyStats *pStats){
  Feed f;
  Merge m;
  Date jFrom, jTo;
  long long iPeriod;
  pthread_t reader, aThread[NWORKER];
  SurveyDayCache *pCache;
  Worker aWorker[NWORKER];
  int rc, bFk, bOuter = 0, result = 0, i, k;
  char zAfter[256], zObj[64];

  memset(pStats, 0, sizeof *pStats);
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", zPeriod);
  if( iPeriod==0 || survey_period_days(zPeriod, &jFrom, &jTo) ){
    if( pErr ) fprintf(pErr, "survey import: no period %s\n", zPeriod);
    return 2;
  }
  memset(&f, 0, sizeof f);
  memset(&m, 0, sizeof m);
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
  pCache = survey_cache_new();
  f.nChunkRows = chunkRows();
  codeInit();
  officeMapLoad(db, "SELECT id, code FROM office", &f.map);
  svcLoad(db, &f.svc);
  if( f.map.n>OFFICE_MAX || dayStartCached(pCache, jFrom, &f.tStart) ){
    if( pErr ) fprintf(pErr, "survey import: %s\n",
                       f.map.n>OFFICE_MAX ? "more than 65535 offices" : "bad period start");
    result = 2;
    goto done;
  }

  /* The period was checked above; the per-row foreign key check is not
  ** needed, and PRAGMA foreign_keys only changes outside a transaction. */
  bFk = (int)db_int(db, 1, "PRAGMA foreign_keys", 0);
  if( bFk ) db_exec(db, "PRAGMA foreign_keys=OFF");

  if( feedHeader(&f) ){
    result = 1;
    goto restore;
  }
  bOuter = !sqlite3_get_autocommit(db);
  if( db_exec(db, bOuter ? "SAVEPOINT survey_import" : "BEGIN IMMEDIATE")!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "survey import: %s\n", sqlite3_errmsg(db));
    result = 2;
    goto restore;
  }
  m.db = db;
  m.iPeriod = iPeriod;
  m.pF = &f;
  m.aBlk = xmalloc(sizeof(Resp)*BLOCK_ROWS);
  m.aSum = xcalloc((size_t)f.map.n + 1, sizeof(OfficeSum));
  m.aSvcFinal = xcalloc(SVC_MAX + 1, sizeof(uint16_t));
  m.iSvcFirst = m.iSvcNext = f.svc.iFirst;
  m.b.a = xmalloc((size_t)BLOCK_ROWS*RESP_MAXBYTES);
  m.b.pIns = db_prepare(db,
    "INSERT INTO survey_block(period_id, lo, hi, n, data) VALUES(?1, ?2, ?3, ?4, ?5)");
  sqlite3_bind_int64(m.b.pIns, 1, iPeriod);
  m.pOwner = db_prepare(db, "SELECT lo, hi, n FROM survey_block"
                            " WHERE period_id=?1 AND lo<=?2 ORDER BY lo DESC LIMIT 1");
  m.pFirst = db_prepare(db, "SELECT lo, hi, n FROM survey_block"
                            " WHERE period_id=?1 AND lo>?2 ORDER BY lo LIMIT 1");
  m.pData = db_prepare(db, "SELECT data FROM survey_block WHERE period_id=?1 AND lo=?2");
  m.pDel = db_prepare(db, "DELETE FROM survey_block WHERE period_id=?1 AND lo=?2");
  if( db_int(db, 0, "SELECT EXISTS(SELECT 1 FROM survey_response WHERE period_id="
                    "(SELECT id FROM period WHERE code=?1))", zPeriod) ){
    m.pLegacy = db_prepare(db, "SELECT 1 FROM survey_response"
                               " WHERE period_id=?1 AND tracking_no=?2");
    sqlite3_bind_int64(m.pLegacy, 1, iPeriod);
  }

  f.aBatch = xcalloc(NBATCH, sizeof(Batch));
  pthread_mutex_init(&f.mx, 0);
  pthread_mutex_init(&f.mxSvc, 0);
  pthread_cond_init(&f.cFilled, 0);
  pthread_cond_init(&f.cParsed, 0);
  pthread_cond_init(&f.cFree, 0);
  memset(aWorker, 0, sizeof aWorker);
  for(i=0; i<NWORKER; i++){
    aWorker[i].p = &f;
    aWorker[i].pCache = survey_cache_new();
    aWorker[i].aSum = xcalloc((size_t)f.map.n + 1, sizeof(OfficeSum));
    officeMapIndex(&aWorker[i].svc);
  }
  if( pthread_create(&reader, 0, feedReader, &f)!=0 ){
    fprintf(stderr, "survey import: cannot start a thread\n");
    abort();
  }
  for(i=0; i<NWORKER; i++){
    if( pthread_create(&aThread[i], 0, feedWorker, &aWorker[i])!=0 ){
      fprintf(stderr, "survey import: cannot start a thread\n");
      abort();
    }
  }
  rc = importBatches(&m, &f);
  feedAbort(&f);
  pthread_join(reader, 0);
  for(i=0; i<NWORKER; i++){
    pthread_join(aThread[i], 0);
    for(k=0; k<f.map.n; k++){
      m.aSum[k].n += aWorker[i].aSum[k].n;
      m.aSum[k].sum += aWorker[i].aSum[k].sum;
      m.aSum[k].sumsq += aWorker[i].aSum[k].sumsq;
    }
    free(aWorker[i].aSum);
    survey_cache_free(aWorker[i].pCache);
    officeMapFree(&aWorker[i].svc);
    buf_free(&aWorker[i].scratch);
  }
  pthread_cond_destroy(&f.cFree);
  pthread_cond_destroy(&f.cParsed);
  pthread_cond_destroy(&f.cFilled);
  pthread_mutex_destroy(&f.mxSvc);
  pthread_mutex_destroy(&f.mx);
  for(i=0; i<NBATCH; i++){
    buf_free(&f.aBatch[i].text);
    buf_free(&f.aBatch[i].err);
  }
  free(f.aBatch);
  db_finalize(m.b.pIns);
  db_finalize(m.pOwner);
  db_finalize(m.pFirst);
  db_finalize(m.pData);
  db_finalize(m.pDel);
  if( m.pLegacy ) db_finalize(m.pLegacy);
  free(m.aBlk);
  free(m.b.a);
  if( rc!=SQLITE_OK ){
    if( pErr ) fprintf(pErr, "survey import: %s\n",
                       rc==SQLITE_CORRUPT ? "a stored block does not decode" : sqlite3_errstr(rc));
    txRollback(db, bOuter);
    result = 2;
    goto restore;
  }
  if( f.bStop ){
    txRollback(db, bOuter);
    result = 1;
    goto restore;
  }
  rc = svcFlush(db, &f.svc, m.aSvcFinal);
  if( rc==SQLITE_OK ) rc = statFlush(db, iPeriod, &f, m.aSum);
  snprintf(zObj, sizeof zObj, "period:%s", zPeriod);
  snprintf(zAfter, sizeof zAfter,
           "{\"read\":%lld,\"new\":%lld,\"duplicate\":%lld}",
           f.nRead, m.nNew, f.nRead - m.nNew);
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
    goto restore;
  }
  if( !bOuter ) db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
  pStats->nNew = m.nNew;
  pStats->nDup = f.nRead - m.nNew;

restore:
  if( bFk ) db_exec(db, "PRAGMA foreign_keys=ON");
done:
  free(m.aSum);
  free(m.aSvcFinal);
  if( xProgress ) xProgress(pArg, csv_offset(f.pCsv), f.nRead);
  if( result ){ pStats->nNew = 0; pStats->nDup = 0; }
  pStats->nRead = f.nRead;
  pStats->nBad = f.nBad;
  csv_close(f.pCsv);
  survey_cache_free(pCache);
  officeMapFree(&f.map);
  officeMapFree(&f.svc.m);
  return result;
}

/* ---- Reading the responses back ---------------------------------------- */

/* Parse ISO UTC "YYYY-MM-DDTHH:MM:SSZ" into seconds. Returns 0 or -1. */
static int isoSeconds(const char *z, long long *pT){
  int y, mo, d, h, mi, s;
  long long yy, era, days;
  unsigned yoe, doy, doe;
  if( z==0 || sscanf(z, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s)!=6 ) return -1;
  yy = mo<=2 ? y - 1 : y;
  era = (yy>=0 ? yy : yy - 399) / 400;
  yoe = (unsigned)(yy - era*400);
  doy = (unsigned)((153*(mo>2 ? mo - 3 : mo + 9) + 2)/5 + d - 1);
  doe = yoe*365 + yoe/4 - yoe/100 + doy;
  days = era*146097 + (long long)doe - 719468;
  *pT = days*86400 + h*3600 + mi*60 + s;
  return 0;
}

/* The indexes of pM's entries in rising id (to find an id's code). */
static int *idOrder(const OfficeMap *pM){
  int *a = xmalloc(sizeof(int)*(size_t)(pM->n + 1)), i, j;
  for(i=0; i<pM->n; i++){           /* insertion sort: ids mostly come sorted */
    int k = i;
    for(j=i; j>0 && pM->a[a[j-1]].id>pM->a[k].id; j--) a[j] = a[j-1];
    a[j] = k;
  }
  return a;
}

/* The code of id iId in pM (aOrder from idOrder()), or "" if there is none. */
static const char *idCode(const OfficeMap *pM, const int *aOrder, long long iId){
  int lo = 0, hi = pM->n - 1;
  while( lo<=hi ){
    int mid = (lo + hi)/2;
    long long v = pM->a[aOrder[mid]].id;
    if( v==iId ) return pM->a[aOrder[mid]].zCode;
    if( v<iId ) lo = mid + 1; else hi = mid - 1;
  }
  return "";
}

int survey_each(sqlite3 *db, long long iPeriod, const char *zOffice,
                int (*xEach)(void*, const SurveyResponse*), void *pArg){
  OfficeMap offices, services;
  sqlite3_stmt *p;
  Resp *a = xmalloc(sizeof(Resp)*BLOCK_ROWS);
  long long iOffice = -1;
  int rc = 0, i;
  char zTrack[24];
  officeMapLoad(db, "SELECT id, code FROM office ORDER BY id", &offices);
  officeMapLoad(db, "SELECT id, code FROM survey_service ORDER BY id", &services);
  if( zOffice ){
    int k = officeFind(&offices, zOffice, strlen(zOffice));
    iOffice = k>=0 ? offices.a[k].id : -2;
  }
  {
    int *aO = idOrder(&offices), *aS = idOrder(&services);
    p = db_prepare(db, "SELECT n, data FROM survey_block WHERE period_id=?1 ORDER BY lo");
    sqlite3_bind_int64(p, 1, iPeriod);
    while( rc==0 && iOffice!=-2 && sqlite3_step(p)==SQLITE_ROW ){
      int nRec = sqlite3_column_int(p, 0);
      if( nRec>BLOCK_ROWS || blockDecode(sqlite3_column_blob(p, 1), sqlite3_column_bytes(p, 1),
                                         nRec, a) ){
        rc = -1;
        break;
      }
      for(i=0; i<nRec && rc==0; i++){
        SurveyResponse r;
        if( iOffice>=0 && a[i].iOffice!=iOffice ) continue;
        trackFormat((sqlite3_uint64)a[i].key, a[i].nZero, zTrack);
        r.zTrack = zTrack;
        r.zOffice = idCode(&offices, aO, a[i].iOffice);
        r.zService = idCode(&services, aS, a[i].iSvc);
        r.rating = a[i].rating;
        r.t = a[i].t;
        rc = xEach(pArg, &r);
      }
    }
    db_finalize(p);
    free(aO);
    free(aS);
  }
  /* responses stored one row each (schema 5) before blocks */
  p = db_prepare(db, "SELECT tracking_no, office_code, service_code, rating, answered_at"
                     " FROM survey_response WHERE period_id=?1 AND (?2 IS NULL OR office_code=?2)"
                     " ORDER BY tracking_no");
  sqlite3_bind_int64(p, 1, iPeriod);
  if( zOffice ) sqlite3_bind_text(p, 2, zOffice, -1, SQLITE_STATIC);
  while( rc==0 && sqlite3_step(p)==SQLITE_ROW ){
    SurveyResponse r;
    r.zTrack = db_col_text(p, 0);
    r.zOffice = db_col_text(p, 1);
    r.zService = db_col_text(p, 2);
    r.rating = sqlite3_column_int(p, 3);
    if( isoSeconds(db_col_text(p, 4), &r.t) ){ rc = -1; break; }
    rc = xEach(pArg, &r);
  }
  db_finalize(p);
  free(a);
  officeMapFree(&offices);
  officeMapFree(&services);
  return rc;
}

typedef struct ExportCtx { FILE *pOut; SurveyDayCache *pCache; long long n; } ExportCtx;

static int exportOne(void *pArg, const SurveyResponse *r){
  ExportCtx *x = (ExportCtx *)pArg;
  char zTime[20];
  if( survey_format_time(x->pCache, r->t, zTime) ) return -1;
  fputs(r->zTrack, x->pOut);
  fputc(',', x->pOut);
  csv_write_field(x->pOut, r->zOffice);
  fputc(',', x->pOut);
  csv_write_field(x->pOut, r->zService);
  fprintf(x->pOut, ",%d,%s\n", r->rating, zTime);
  x->n++;
  return 0;
}

int survey_export(sqlite3 *db, const char *zPeriod, const char *zOffice,
                  FILE *pOut, FILE *pErr, long long *pnRow){
  ExportCtx x;
  long long iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", zPeriod);
  int rc;
  *pnRow = 0;
  if( iPeriod==0 ){
    if( pErr ) fprintf(pErr, "survey export: no period %s\n", zPeriod);
    return 2;
  }
  if( zOffice && db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    if( pErr ) fprintf(pErr, "survey export: no office %s\n", zOffice);
    return 2;
  }
  x.pOut = pOut;
  x.pCache = survey_cache_new();
  x.n = 0;
  fprintf(pOut, "%s,%s,%s,%s,%s\n", azCol[0], azCol[1], azCol[2], azCol[3], azCol[4]);
  rc = survey_each(db, iPeriod, zOffice, exportOne, &x);
  survey_cache_free(x.pCache);
  *pnRow = x.n;
  if( rc ){
    if( pErr ) fprintf(pErr, "survey export: a stored response does not decode\n");
    return 2;
  }
  return 0;
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
