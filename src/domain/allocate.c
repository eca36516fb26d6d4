/*
** allocate.c — the pure allocation of services to offices by rank.
**
** See allocate.h for the rule. The work is done on index arrays sorted by
** code, so that the result never depends on the order of the input:
**   aLoc   the localities (province, city), each with its offices by code
**          and a byte per service: is the service available there?
**   abHas  nOffice x nService bytes: granted so far
*/
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "domain/allocate.h"

/* A locality and its offices. */
typedef struct Loc {
  const char *zProvince, *zCity;
  int *aOff; int nOff;        /* office indexes, by code */
  unsigned char *abAvail;     /* nService bytes */
} Loc;

/* Work state of one run. */
typedef struct Run {
  const AllocInput *pIn;
  AllocResult *pOut;
  int *aOffOrder;             /* office indexes by code */
  int *aPos;                  /* aPos[iOffice] = its position in aOffOrder */
  int *aSvcOrder;             /* service indexes by code */
  int *aLocOf;                /* locality of each office */
  Loc *aLoc; int nLoc;
  unsigned char *abHas;
  long long *aGrantSeq;       /* order in which each grant was made */
  int nGrantAlloc, nSkipAlloc, nGapAlloc;
} Run;

static const char *nz(const char *z){ return z ? z : ""; }

/* qsort can't take a context: sort index arrays with a small merge sort. */
typedef int (*IdxCmp)(const Run *, int, int);

static void idxSort(const Run *pR, int *a, int n, IdxCmp xCmp){
  int *aTmp, w, i;
  if( n<2 ) return;
  aTmp = xmalloc(sizeof(int)*(size_t)n);
  for(w=1; w<n; w*=2){
    for(i=0; i<n; i+=2*w){
      int lo = i, mid = i+w<n ? i+w : n, hi = i+2*w<n ? i+2*w : n;
      int a1 = lo, b1 = mid, k = lo;
      while( a1<mid && b1<hi ) aTmp[k++] = xCmp(pR, a[a1], a[b1])<=0 ? a[a1++] : a[b1++];
      while( a1<mid ) aTmp[k++] = a[a1++];
      while( b1<hi ) aTmp[k++] = a[b1++];
    }
    memcpy(a, aTmp, sizeof(int)*(size_t)n);
  }
  free(aTmp);
}

static int cmpOfficeCode(const Run *pR, int a, int b){
  return strcmp(pR->pIn->aOffice[a].zCode, pR->pIn->aOffice[b].zCode);
}
static int cmpServiceCode(const Run *pR, int a, int b){
  return strcmp(pR->pIn->aService[a].zCode, pR->pIn->aService[b].zCode);
}
/* Locality (province, city), then code. */
static int cmpOfficeLocality(const Run *pR, int a, int b){
  const AllocOffice *pA = &pR->pIn->aOffice[a], *pB = &pR->pIn->aOffice[b];
  int c = strcmp(nz(pA->zProvince), nz(pB->zProvince));
  if( c==0 ) c = strcmp(nz(pA->zCity), nz(pB->zCity));
  if( c==0 ) c = strcmp(pA->zCode, pB->zCode);
  return c;
}

/* Is service pS available in locality (zProvince, zCity)? */
static int availableIn(const AllocService *pS, const char *zProvince, const char *zCity){
  int i;
  if( pS->bEverywhere ) return 1;
  for(i=0; i<pS->nArea; i++){
    const AllocArea *pA = &pS->aArea[i];
    if( strcmp(nz(pA->zProvince), nz(zProvince))!=0 ) continue;
    if( pA->zCity==0 || pA->zCity[0]==0 || strcmp(pA->zCity, nz(zCity))==0 ) return 1;
  }
  return 0;
}

/* Does office pO have facility z? */
static int hasFacility(const AllocOffice *pO, const char *z){
  int i;
  if( z==0 || z[0]==0 ) return 1;
  for(i=0; i<pO->nFacility; i++){
    if( pO->azFacility[i] && strcmp(pO->azFacility[i], z)==0 ) return 1;
  }
  return 0;
}

/* Channel and facility: could office pO offer service pS at all? */
static int suits(const AllocOffice *pO, const AllocService *pS){
  return (pS->channel & pO->type)!=0 && hasFacility(pO, pS->zFacility);
}

int allocate_offers(const AllocInput *pIn, int iOffice, int iService){
  const AllocOffice *pO = &pIn->aOffice[iOffice];
  const AllocService *pS = &pIn->aService[iService];
  return suits(pO, pS) && availableIn(pS, pO->zProvince, pO->zCity);
}

int allocate_cap(const AllocInput *pIn, int iOffice, int nAvailable){
  int r = pIn->aOffice[iOffice].rank;
  if( r<1 || r>3 ) return 0;
  /* The epsilon keeps 0.7 * 10 at 7 whatever the rounding of 0.7. */
  return (int)floor(pIn->aCap[r-1] * nAvailable + 1e-9);
}

static int meetsMinRank(const AllocOffice *pO, const AllocService *pS){
  return pS->minRank==0 || (pO->rank>=1 && pO->rank<=pS->minRank);
}

static void addGrant(Run *pR, int iOffice, int iService, AllocKind e, int iPref, char *zReason){
  AllocResult *p = pR->pOut;
  if( p->nGrant>=pR->nGrantAlloc ){
    pR->nGrantAlloc = pR->nGrantAlloc ? pR->nGrantAlloc*2 : 64;
    p->aGrant = xrealloc(p->aGrant, sizeof(AllocGrant)*(size_t)pR->nGrantAlloc);
  }
  p->aGrant[p->nGrant].iOffice = iOffice;
  p->aGrant[p->nGrant].iService = iService;
  p->aGrant[p->nGrant].eKind = e;
  p->aGrant[p->nGrant].iPref = iPref;
  p->aGrant[p->nGrant].zReason = zReason;
  p->nGrant++;
  pR->abHas[(size_t)iOffice*(size_t)pR->pIn->nService + (size_t)iService] = 1;
  p->aOffice[iOffice].nGranted++;
}

static void addSkip(Run *pR, int iOffice, int iService, int iPref, AllocWhy e, char *zReason){
  AllocResult *p = pR->pOut;
  if( p->nSkip>=pR->nSkipAlloc ){
    pR->nSkipAlloc = pR->nSkipAlloc ? pR->nSkipAlloc*2 : 64;
    p->aSkip = xrealloc(p->aSkip, sizeof(AllocSkip)*(size_t)pR->nSkipAlloc);
  }
  p->aSkip[p->nSkip].iOffice = iOffice;
  p->aSkip[p->nSkip].iService = iService;
  p->aSkip[p->nSkip].iPref = iPref;
  p->aSkip[p->nSkip].eWhy = e;
  p->aSkip[p->nSkip].zReason = zReason;
  p->nSkip++;
}

static void addGap(Run *pR, int iService, const char *zProvince, const char *zCity,
                   AllocGapWhy e){
  AllocResult *p = pR->pOut;
  if( p->nGap>=pR->nGapAlloc ){
    pR->nGapAlloc = pR->nGapAlloc ? pR->nGapAlloc*2 : 64;
    p->aGap = xrealloc(p->aGap, sizeof(AllocGap)*(size_t)pR->nGapAlloc);
  }
  p->aGap[p->nGap].iService = iService;
  p->aGap[p->nGap].zProvince = zProvince;
  p->aGap[p->nGap].zCity = zCity;
  p->aGap[p->nGap].eWhy = e;
  p->nGap++;
}

/* Check the input's own rules. Returns 0 or ALLOC_EBADINPUT. */
static int checkInput(const Run *pR){
  const AllocInput *pIn = pR->pIn;
  int i, k;
  for(i=0; i<3; i++){
    if( !(pIn->aCap[i]>=0.0 && pIn->aCap[i]<=1.0) ) return ALLOC_EBADINPUT;
  }
  for(i=0; i<pIn->nService; i++){
    if( pIn->aService[i].zCode==0 ) return ALLOC_EBADINPUT;
    if( pIn->aService[i].minRank<0 || pIn->aService[i].minRank>3 ) return ALLOC_EBADINPUT;
  }
  for(i=0; i<pIn->nOffice; i++){
    const AllocOffice *pO = &pIn->aOffice[i];
    if( pO->zCode==0 || pO->rank<0 || pO->rank>3 ) return ALLOC_EBADINPUT;
    for(k=0; k<pO->nPref; k++){
      if( pO->aPref[k]<0 || pO->aPref[k]>=pIn->nService ) return ALLOC_EBADINPUT;
    }
  }
  for(i=1; i<pIn->nOffice; i++){
    if( strcmp(pIn->aOffice[pR->aOffOrder[i-1]].zCode, pIn->aOffice[pR->aOffOrder[i]].zCode)==0 ){
      return ALLOC_EBADINPUT;
    }
  }
  for(i=1; i<pIn->nService; i++){
    if( strcmp(pIn->aService[pR->aSvcOrder[i-1]].zCode, pIn->aService[pR->aSvcOrder[i]].zCode)==0 ){
      return ALLOC_EBADINPUT;
    }
  }
  return 0;
}

/* Group the offices into localities; mark what is available where. */
static void buildLocalities(Run *pR){
  const AllocInput *pIn = pR->pIn;
  int *aByLoc = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
  int i, s;
  for(i=0; i<pIn->nOffice; i++) aByLoc[i] = i;
  idxSort(pR, aByLoc, pIn->nOffice, cmpOfficeLocality);
  pR->aLoc = xcalloc((size_t)pIn->nOffice+1, sizeof(Loc));
  for(i=0; i<pIn->nOffice; i++){
    const AllocOffice *pO = &pIn->aOffice[aByLoc[i]];
    Loc *pL = pR->nLoc ? &pR->aLoc[pR->nLoc-1] : 0;
    if( pL==0 || strcmp(pL->zProvince, nz(pO->zProvince))!=0 || strcmp(pL->zCity, nz(pO->zCity))!=0 ){
      pL = &pR->aLoc[pR->nLoc++];
      pL->zProvince = nz(pO->zProvince);
      pL->zCity = nz(pO->zCity);
      pL->aOff = &aByLoc[i];    /* offices of a locality are contiguous, by code */
      pL->abAvail = xcalloc((size_t)pIn->nService+1, 1);
      for(s=0; s<pIn->nService; s++){
        pL->abAvail[s] = (unsigned char)availableIn(&pIn->aService[s], pL->zProvince, pL->zCity);
      }
    }
    pL->nOff++;
    pR->aLocOf[aByLoc[i]] = (int)(pL - pR->aLoc);
  }
  if( pR->nLoc==0 ) free(aByLoc);
}

/* Step 1: each office's preferences, in order, up to its cap. */
static void grantPreferences(Run *pR){
  const AllocInput *pIn = pR->pIn;
  int i, k, s;
  for(i=0; i<pIn->nOffice; i++){
    int iO = pR->aOffOrder[i];
    const AllocOffice *pO = &pIn->aOffice[iO];
    const Loc *pL = &pR->aLoc[pR->aLocOf[iO]];
    AllocOfficeOut *pOut = &pR->pOut->aOffice[iO];
    int n = 0;
    for(s=0; s<pIn->nService; s++){
      if( pL->abAvail[s] && suits(pO, &pIn->aService[s]) ) n++;
    }
    pOut->nAvailable = n;
    pOut->cap = allocate_cap(pIn, iO, n);
    for(k=0; k<pO->nPref; k++){
      int iS = pO->aPref[k], j, bDup = 0;
      const AllocService *pS = &pIn->aService[iS];
      for(j=0; j<k && !bDup; j++) bDup = pO->aPref[j]==iS;
      if( bDup ){
        addSkip(pR, iO, iS, k+1, ALLOC_DUPLICATE, xstrdup("listed twice"));
      }else if( pO->rank<1 ){
        addSkip(pR, iO, iS, k+1, ALLOC_UNRANKED, xstrdup("office is unranked"));
      }else if( !pL->abAvail[iS] || !suits(pO, pS) ){
        addSkip(pR, iO, iS, k+1, ALLOC_NOT_AVAILABLE,
                xstrdup("not available to this office (locality, channel or facility)"));
      }else if( !meetsMinRank(pO, pS) ){
        addSkip(pR, iO, iS, k+1, ALLOC_BELOW_MIN_RANK,
                xsprintf("needs rank %d or better", pS->minRank));
      }else if( pOut->nGranted>=pOut->cap ){
        addSkip(pR, iO, iS, k+1, ALLOC_CAP_REACHED,
                xsprintf("cap %d of %d reached", pOut->cap, n));
      }else{
        addGrant(pR, iO, iS, ALLOC_PREFERENCE, k+1,
                 xsprintf("preference %d, within cap %d of %d", k+1, pOut->cap, n));
      }
    }
  }
}

/* Is office iA a better coverage candidate than iB? Lower rank, higher
** score, smaller code. */
static int betterCandidate(const AllocInput *pIn, int iA, int iB){
  const AllocOffice *pA = &pIn->aOffice[iA], *pB = &pIn->aOffice[iB];
  if( pA->rank!=pB->rank ) return pA->rank < pB->rank;
  if( pA->score!=pB->score ) return pA->score > pB->score;
  return strcmp(pA->zCode, pB->zCode) < 0;
}

/* Step 2: each locality's uncovered services, to the best office with room. */
static void grantCoverage(Run *pR){
  const AllocInput *pIn = pR->pIn;
  size_t nS = (size_t)pIn->nService;
  int l, k, j;
  for(l=0; l<pR->nLoc; l++){
    const Loc *pL = &pR->aLoc[l];
    for(k=0; k<pIn->nService; k++){
      int iS = pR->aSvcOrder[k], iBest = -1, bSuits = 0, bRank = 0, bChannel = 0;
      const AllocService *pS = &pIn->aService[iS];
      if( !pL->abAvail[iS] ) continue;
      for(j=0; j<pL->nOff; j++){
        if( pR->abHas[(size_t)pL->aOff[j]*nS + (size_t)iS] ) break;
        if( pS->channel & pIn->aOffice[pL->aOff[j]].type ) bChannel = 1;
      }
      if( j<pL->nOff ) continue;             /* covered */
      if( !bChannel ) continue;              /* not a locality of its channel */
      for(j=0; j<pL->nOff; j++){
        int iO = pL->aOff[j];
        const AllocOffice *pO = &pIn->aOffice[iO];
        const AllocOfficeOut *pOut = &pR->pOut->aOffice[iO];
        if( pO->rank<1 || !suits(pO, pS) ) continue;
        bSuits = 1;
        if( !meetsMinRank(pO, pS) ) continue;
        bRank = 1;
        if( pOut->nGranted>=pOut->cap ) continue;
        if( iBest<0 || betterCandidate(pIn, iO, iBest) ) iBest = iO;
      }
      if( iBest>=0 ){
        addGrant(pR, iBest, iS, ALLOC_COVERAGE, 0, xsprintf("coverage of %s", pL->zCity));
      }else{
        addGap(pR, iS, pL->zProvince, pL->zCity,
               !bSuits ? ALLOC_GAP_NO_OFFICE : !bRank ? ALLOC_GAP_MIN_RANK : ALLOC_GAP_NO_ROOM);
      }
    }
  }
}

/* Named localities of the catalogue where there is no office at all. */
static void gapsWithoutOffices(Run *pR){
  const AllocInput *pIn = pR->pIn;
  int k, a, l;
  for(k=0; k<pIn->nService; k++){
    int iS = pR->aSvcOrder[k];
    const AllocService *pS = &pIn->aService[iS];
    if( pS->bEverywhere ) continue;
    for(a=0; a<pS->nArea; a++){
      const AllocArea *pA = &pS->aArea[a];
      int b;
      if( pA->zCity==0 || pA->zCity[0]==0 ) continue;
      for(b=0; b<a; b++){   /* the same locality listed twice */
        if( strcmp(nz(pS->aArea[b].zProvince), nz(pA->zProvince))==0
         && strcmp(nz(pS->aArea[b].zCity), pA->zCity)==0 ) break;
      }
      if( b<a ) continue;
      for(l=0; l<pR->nLoc; l++){
        if( strcmp(pR->aLoc[l].zProvince, nz(pA->zProvince))==0
         && strcmp(pR->aLoc[l].zCity, pA->zCity)==0 ) break;
      }
      if( l==pR->nLoc ) addGap(pR, iS, nz(pA->zProvince), pA->zCity, ALLOC_GAP_NO_OFFICE);
    }
  }
}

/* Sort contexts (qsort has none; these are set by the single caller). */
static int cmpGrant(const void *pA, const void *pB, void *pCtx){
  const Run *pR = pCtx;
  const AllocGrant *a = pA, *b = pB;
  int c = pR->aPos[a->iOffice] - pR->aPos[b->iOffice];
  if( c ) return c;
  /* Within an office: preferences first in their order, then coverage by
  ** service code. */
  if( a->eKind!=b->eKind ) return a->eKind==ALLOC_PREFERENCE ? -1 : 1;
  if( a->eKind==ALLOC_PREFERENCE ) return a->iPref - b->iPref;
  return strcmp(pR->pIn->aService[a->iService].zCode, pR->pIn->aService[b->iService].zCode);
}
static int cmpSkip(const void *pA, const void *pB, void *pCtx){
  const Run *pR = pCtx;
  const AllocSkip *a = pA, *b = pB;
  int c = pR->aPos[a->iOffice] - pR->aPos[b->iOffice];
  return c ? c : a->iPref - b->iPref;
}
static int cmpGap(const void *pA, const void *pB, void *pCtx){
  const Run *pR = pCtx;
  const AllocGap *a = pA, *b = pB;
  int c = strcmp(a->zProvince, b->zProvince);
  if( c==0 ) c = strcmp(a->zCity, b->zCity);
  if( c==0 ) c = strcmp(pR->pIn->aService[a->iService].zCode, pR->pIn->aService[b->iService].zCode);
  return c;
}

int allocate_run(const AllocInput *pIn, AllocResult *pOut){
  Run r;
  int i, rc;
  memset(pOut, 0, sizeof *pOut);
  memset(&r, 0, sizeof r);
  r.pIn = pIn;
  r.pOut = pOut;
  if( pIn->nOffice<0 || pIn->nService<0 ) return ALLOC_EBADINPUT;
  r.aOffOrder = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
  r.aPos = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
  r.aSvcOrder = xmalloc(sizeof(int)*(size_t)(pIn->nService+1));
  for(i=0; i<pIn->nOffice; i++) r.aOffOrder[i] = i;
  for(i=0; i<pIn->nService; i++) r.aSvcOrder[i] = i;
  idxSort(&r, r.aOffOrder, pIn->nOffice, cmpOfficeCode);
  idxSort(&r, r.aSvcOrder, pIn->nService, cmpServiceCode);
  for(i=0; i<pIn->nOffice; i++) r.aPos[r.aOffOrder[i]] = i;
  rc = checkInput(&r);
  if( rc==0 ){
    r.aLocOf = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
    r.abHas = xcalloc((size_t)pIn->nOffice*(size_t)pIn->nService+1, 1);
    pOut->nOffice = pIn->nOffice;
    pOut->aOffice = xcalloc((size_t)pIn->nOffice+1, sizeof(AllocOfficeOut));
    buildLocalities(&r);
    grantPreferences(&r);
    grantCoverage(&r);
    gapsWithoutOffices(&r);
    if( pOut->nGrant>1 ) qsort_r(pOut->aGrant, (size_t)pOut->nGrant, sizeof(AllocGrant), cmpGrant, &r);
    if( pOut->nSkip>1 ) qsort_r(pOut->aSkip, (size_t)pOut->nSkip, sizeof(AllocSkip), cmpSkip, &r);
    if( pOut->nGap>1 ) qsort_r(pOut->aGap, (size_t)pOut->nGap, sizeof(AllocGap), cmpGap, &r);
  }
  if( r.nLoc ) free(r.aLoc[0].aOff);
  for(i=0; i<r.nLoc; i++) free(r.aLoc[i].abAvail);
  free(r.aLoc);
  free(r.aLocOf);
  free(r.abHas);
  free(r.aOffOrder);
  free(r.aPos);
  free(r.aSvcOrder);
  return rc;
}

void allocate_free(AllocResult *p){
  int i;
  for(i=0; i<p->nGrant; i++) free(p->aGrant[i].zReason);
  for(i=0; i<p->nSkip; i++) free(p->aSkip[i].zReason);
  free(p->aGrant);
  free(p->aSkip);
  free(p->aGap);
  free(p->aOffice);
  memset(p, 0, sizeof *p);
}

/* ---- the canonical input and its hash -------------------------------- */

static void canonStr(Buf *p, const char *z){
  buf_printf(p, "%zu:%s", strlen(nz(z)), nz(z));
}

static int cmpStr(const void *a, const void *b){
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append the sorted, length-prefixed strings az[0..n) to p. */
static void canonSet(Buf *p, const char **az, int n){
  int i;
  qsort(az, (size_t)n, sizeof(char *), cmpStr);
  buf_printf(p, "[%d", n);
  for(i=0; i<n; i++){ buf_putc(p, ' '); canonStr(p, az[i]); }
  buf_putc(p, ']');
}

void allocate_hash(const AllocInput *pIn, char zHex[65]){
  Run r;
  Buf b = {0};
  int i, k;
  unsigned char aHash[crypto_hash_sha256_BYTES];
  memset(&r, 0, sizeof r);
  r.pIn = pIn;
  r.aOffOrder = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
  r.aSvcOrder = xmalloc(sizeof(int)*(size_t)(pIn->nService+1));
  for(i=0; i<pIn->nOffice; i++) r.aOffOrder[i] = i;
  for(i=0; i<pIn->nService; i++) r.aSvcOrder[i] = i;
  idxSort(&r, r.aOffOrder, pIn->nOffice, cmpOfficeCode);
  idxSort(&r, r.aSvcOrder, pIn->nService, cmpServiceCode);
  buf_printf(&b, "pishkhan-allocation-1\ncaps %.17g %.17g %.17g\n",
             pIn->aCap[0], pIn->aCap[1], pIn->aCap[2]);
  for(i=0; i<pIn->nService; i++){
    const AllocService *pS = &pIn->aService[r.aSvcOrder[i]];
    const char **az = xmalloc(sizeof(char *)*(size_t)(pS->nArea+1));
    buf_puts(&b, "S ");
    canonStr(&b, pS->zCode);
    buf_printf(&b, " %d %d ", pS->channel, pS->minRank);
    canonStr(&b, pS->zFacility);
    if( pS->bEverywhere ){
      buf_puts(&b, " *");
    }else{
      for(k=0; k<pS->nArea; k++){
        az[k] = xsprintf("%zu:%s/%zu:%s", strlen(nz(pS->aArea[k].zProvince)),
                         nz(pS->aArea[k].zProvince), strlen(nz(pS->aArea[k].zCity)),
                         nz(pS->aArea[k].zCity));
      }
      buf_putc(&b, ' ');
      canonSet(&b, az, pS->nArea);
      for(k=0; k<pS->nArea; k++) free((char *)az[k]);
    }
    free(az);
    buf_putc(&b, '\n');
  }
  for(i=0; i<pIn->nOffice; i++){
    const AllocOffice *pO = &pIn->aOffice[r.aOffOrder[i]];
    const char **az = xmalloc(sizeof(char *)*(size_t)(pO->nFacility+1));
    buf_puts(&b, "O ");
    canonStr(&b, pO->zCode);
    buf_putc(&b, ' ');
    canonStr(&b, pO->zProvince);
    buf_putc(&b, ' ');
    canonStr(&b, pO->zCity);
    buf_printf(&b, " %d %d %.17g ", pO->type, pO->rank, pO->score);
    for(k=0; k<pO->nFacility; k++) az[k] = nz(pO->azFacility[k]);
    canonSet(&b, az, pO->nFacility);
    free(az);
    buf_printf(&b, " [%d", pO->nPref);
    for(k=0; k<pO->nPref; k++){
      buf_putc(&b, ' ');
      canonStr(&b, pO->aPref[k]>=0 && pO->aPref[k]<pIn->nService
                   ? pIn->aService[pO->aPref[k]].zCode : "");
    }
    buf_puts(&b, "]\n");
  }
  crypto_hash_sha256(aHash, (const unsigned char *)buf_str(&b), b.n);
  sodium_bin2hex(zHex, 65, aHash, sizeof aHash);
  buf_free(&b);
  free(r.aOffOrder);
  free(r.aSvcOrder);
}
