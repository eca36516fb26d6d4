/*
** whatif.c — the what-if simulator's baseline and its cache (whatif.h).
**
** The cache is a few slots, one period each, under one mutex. The mutex is
** held only to look a slot up or to swap one in, never while a baseline is
** loaded (tens of milliseconds): two requests that miss at once may both
** load, and the one read at the later counter is kept.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/whatif.h"
#include "store/db.h"

#define WHATIF_SLOTS 2        /* periods kept at once */
#define WHATIF_MAX_PATCH 200  /* more changed offices than this: load whole */

struct WhatifCache {
  pthread_mutex_t mx;
  WhatifBase *aSlot[WHATIF_SLOTS];
  unsigned long long aUsed[WHATIF_SLOTS];  /* tick of the last use */
  unsigned long long iTick;
};

int whatif_col(const RankResult *pR){
  return pR->iRank>=1 && pR->iRank<=3 ? pR->iRank-1 : RANK_COL_UNRANKED;
}

static void freeCodes(char **az, int n){
  int i;
  for(i=0; az && i<n; i++) free(az[i]);
  free(az);
}

static void baseFree(WhatifBase *p){
  if( p==0 ) return;
  rank_clear(&p->rs);
  snapshot_clear(&p->snap);
  scheme_clear(&p->scheme);
  free(p->aiRegion);
  free(p);
}

WhatifCache *whatif_cache_new(void){
  WhatifCache *p = xcalloc(1, sizeof *p);
  pthread_mutex_init(&p->mx, 0);
  return p;
}

void whatif_cache_free(WhatifCache *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<WHATIF_SLOTS; i++){
    if( p->aSlot[i] && --p->aSlot[i]->nRef==0 ) baseFree(p->aSlot[i]);
  }
  pthread_mutex_destroy(&p->mx);
  free(p);
}

long long whatif_input_seq(sqlite3 *db){
  sqlite3_stmt *q;
  long long n = -1;
  if( sqlite3_prepare_v2(db, "SELECT n FROM input_change WHERE id=1", -1, &q, 0)!=SQLITE_OK ){
    return -1;                            /* before migration 9 */
  }
  if( sqlite3_step(q)==SQLITE_ROW ) n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

/* The counters n and g of input_change into *pN, *pG; -1 when none. */
static void inputCounters(sqlite3 *db, long long *pN, long long *pG){
  sqlite3_stmt *q;
  *pN = *pG = -1;
  if( sqlite3_prepare_v2(db, "SELECT n, g FROM input_change WHERE id=1", -1, &q, 0)!=SQLITE_OK ){
    return;
  }
  if( sqlite3_step(q)==SQLITE_ROW ){
    *pN = sqlite3_column_int64(q, 0);
    *pG = sqlite3_column_int64(q, 1);
  }
  sqlite3_finalize(q);
}

/*
** The offices marked changed after counter n0 (input_change_office) into
** *pazCode (heap, each string too), at most WHATIF_MAX_PATCH of them.
** Returns their number, or -1 when there are more.
*/
static int changedOffices(sqlite3 *db, long long n0, char ***pazCode){
  sqlite3_stmt *q = db_prepare(db, "SELECT office_code FROM input_change_office WHERE n>?1");
  char **az = 0;
  int n = 0;
  sqlite3_bind_int64(q, 1, n0);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( n>=WHATIF_MAX_PATCH ){ n = -1; break; }
    az = xrealloc(az, (n + 1)*sizeof(char *));
    az[n++] = xstrdup(db_col_text(q, 0));
  }
  db_finalize(q);
  if( n<0 ){
    freeCodes(az, WHATIF_MAX_PATCH);
    az = 0;
  }
  *pazCode = az;
  return n;
}

/*
** Load the baseline of pPer: scheme, snapshot and results, in one read
** transaction with the counters. When pPrev (a baseline of the same
** period, may be NULL) was read before only changes of single offices, and
** of few, only those offices are read again; else everything. Returns
** WHATIF_OK with *ppBase (nRef 1), or an error code with *pzErr.
*/
static int baseLoad(sqlite3 *db, const Period *pPer, const WhatifBase *pPrev,
                    WhatifBase **ppBase, char **pzErr){
  WhatifBase *p = xcalloc(1, sizeof *p);
  int bTxn = sqlite3_get_autocommit(db), rc = WHATIF_OK, i, bDone = 0;
  long long iG;
  *ppBase = 0;
  if( bTxn && db_exec(db, "BEGIN")!=SQLITE_OK ) bTxn = 0;
  p->iPeriod = pPer->id;
  inputCounters(db, &p->iSeq, &iG);
  p->nRefreshed = -1;
  if( pPrev && pPrev->iSeq>=0 && p->iSeq>=pPrev->iSeq && iG<=pPrev->iSeq ){
    char **azCode = 0;
    int nCode = changedOffices(db, pPrev->iSeq, &azCode);
    if( nCode>=0 ){
      scheme_copy(&p->scheme, &pPrev->scheme);
      if( snapshot_refresh(db, &p->scheme, &pPrev->snap, azCode, nCode, &p->snap, pzErr)==0 ){
        p->nRefreshed = nCode;
        bDone = 1;
      }else{
        scheme_clear(&p->scheme);
        free(*pzErr);
        *pzErr = 0;
      }
      freeCodes(azCode, nCode);
    }
  }
  if( !bDone && period_scheme(db, pPer, &p->scheme, pzErr) ){
    free(p);
    if( bTxn ) db_exec(db, "COMMIT");
    return WHATIF_ESCHEME;
  }
  if( !bDone && snapshot_load(db, pPer->zCode, &p->scheme, &p->snap, pzErr) ) rc = WHATIF_EINPUTS;
  if( bTxn ) db_exec(db, "COMMIT");
  if( rc==WHATIF_OK && rank_assign(&p->snap, &p->scheme, &p->rs)!=RANK_OK ){
    *pzErr = xsprintf("the scheme of %s does not fit its inputs", pPer->zCode);
    rc = WHATIF_EFIT;
  }
  if( rc ){
    baseFree(p);
    return rc;
  }
  /* Regions in order of first office; each office's region; the counts. */
  p->aiRegion = xmalloc((p->snap.nOff ? p->snap.nOff : 1)*sizeof(int));
  for(i=0; i<p->snap.nOff; i++){
    const char *zReg = p->snap.aOff[i].zRegion;
    int g;
    for(g=p->nRegion-1; g>=0 && strcmp(p->azRegion[g], zReg)!=0; g--){}
    if( g<0 && p->nRegion<WHATIF_MAX_REGION ){
      g = p->nRegion++;
      p->azRegion[g] = zReg;
    }
    p->aiRegion[i] = g;
    if( g>=0 ) p->aRegion[g][whatif_col(&p->rs.aRes[i])]++;
  }
  p->nRef = 1;
  *ppBase = p;
  return WHATIF_OK;
}

int whatif_base_get(WhatifCache *pC, sqlite3 *db, const Period *pPer,
                    const WhatifBase **ppBase, int *pbHit, char **pzErr){
  WhatifBase *pNew = 0, *pOld = 0, *pPrev = 0;
  long long iSeq;
  int i, rc, iSlot = -1;
  *ppBase = 0;
  *pbHit = 0;
  *pzErr = 0;
  if( pC==0 ){
    rc = baseLoad(db, pPer, 0, &pNew, pzErr);
    *ppBase = pNew;
    return rc;
  }
  iSeq = whatif_input_seq(db);
  if( iSeq>=0 ){
    pthread_mutex_lock(&pC->mx);
    for(i=0; i<WHATIF_SLOTS; i++){
      WhatifBase *p = pC->aSlot[i];
      if( p && p->iPeriod==pPer->id ){
        p->nRef++;
        pC->aUsed[i] = ++pC->iTick;
        if( p->iSeq==iSeq ){ *ppBase = p; *pbHit = 1; }
        else pPrev = p;                    /* older: to refresh from */
        break;
      }
    }
    pthread_mutex_unlock(&pC->mx);
    if( *ppBase ) return WHATIF_OK;
  }

  /* A miss: load (or refresh the older baseline) outside the lock, then
  ** keep it unless one of the same period read at a later counter arrived
  ** meanwhile. */
  rc = baseLoad(db, pPer, pPrev, &pNew, pzErr);
  whatif_base_release(pC, pPrev);
  if( rc ) return rc;
  *ppBase = pNew;
  if( pNew->iSeq<0 ) return WHATIF_OK;     /* no counter: never kept */
  pthread_mutex_lock(&pC->mx);
  for(i=0; i<WHATIF_SLOTS && iSlot<0; i++){
    if( pC->aSlot[i] && pC->aSlot[i]->iPeriod==pPer->id ) iSlot = i;
  }
  if( iSlot>=0 && pC->aSlot[iSlot]->iSeq>=pNew->iSeq ){
    iSlot = -1;                             /* as new or newer already kept */
  }else if( iSlot<0 ){
    for(i=0; i<WHATIF_SLOTS; i++){          /* an empty slot, else the oldest */
      if( pC->aSlot[i]==0 ){ iSlot = i; break; }
      if( iSlot<0 || pC->aUsed[i]<pC->aUsed[iSlot] ) iSlot = i;
    }
  }
  if( iSlot>=0 ){
    pOld = pC->aSlot[iSlot];
    if( pOld && --pOld->nRef>0 ) pOld = 0;  /* still in use: its last holder frees it */
    pC->aSlot[iSlot] = pNew;
    pC->aUsed[iSlot] = ++pC->iTick;
    pNew->nRef++;                           /* the cache's reference */
  }
  pthread_mutex_unlock(&pC->mx);
  baseFree(pOld);
  return WHATIF_OK;
}

void whatif_base_release(WhatifCache *pC, const WhatifBase *pBase){
  WhatifBase *p = (WhatifBase *)pBase;
  int bFree;
  if( p==0 ) return;
  if( pC==0 ){
    baseFree(p);
    return;
  }
  pthread_mutex_lock(&pC->mx);
  bFree = --p->nRef==0;
  pthread_mutex_unlock(&pC->mx);
  if( bFree ) baseFree(p);
}
