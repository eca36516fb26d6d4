/*
** collate.c — Persian collation through ICU.
**
** A thin owner of one UCollator opened for locale "fa". The Collator owns
** its UCollator and closes it in collate_close().
*/
#include "collate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>

#include "mem.h"

struct Collator {
  UCollator *pColl;     /* owned; ICU collator for "fa" */
};

/*
** Open a Persian collator. Aborts when ICU has no "fa" collation data
** (a fallback to the root order would silently sort پ چ ژ گ wrongly).
*/
Collator *collate_open(void){
  UErrorCode rc = U_ZERO_ERROR;
  UCollator *pColl = ucol_open("fa", &rc);
  Collator *p;
  if( U_FAILURE(rc) || rc==U_USING_DEFAULT_WARNING ){
    fprintf(stderr, "pishkhan: ICU cannot open the Persian collator: %s\n",
            u_errorName(rc));
    abort();
  }
  p = xmalloc(sizeof(*p));
  p->pColl = pColl;
  return p;
}

/*
** Close p and its ICU collator. p may be NULL.
*/
void collate_close(Collator *p){
  if( p==0 ) return;
  ucol_close(p->pColl);
  free(p);
}

/*
** Compare zA[0..nA) and zB[0..nB) (a length of -1 means NUL-terminated)
** under Persian collation. Returns <0, 0 or >0. Should ICU fail, falls
** back to comparing bytes, so the order is still total.
*/
int collate_cmp(Collator *p, const char *zA, int nA, const char *zB, int nB){
  UErrorCode rc = U_ZERO_ERROR;
  UCollationResult r = ucol_strcollUTF8(p->pColl, zA, nA, zB, nB, &rc);
  if( U_FAILURE(rc) ){
    size_t lA = nA<0 ? strlen(zA) : (size_t)nA;
    size_t lB = nB<0 ? strlen(zB) : (size_t)nB;
    int c = memcmp(zA, zB, lA<lB ? lA : lB);
    if( c ) return c;
    return lA<lB ? -1 : lA>lB;
  }
  return r==UCOL_LESS ? -1 : r==UCOL_GREATER ? 1 : 0;
}
