/*
** audit.c — append and verify the hash-chained audit trail.
*/
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "store/audit.h"
#include "store/db.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

void audit_now(char z[21]){
  time_t t = time(0);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(z, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Feed one length-prefixed field into the hash state (NULL differs from ""). */
static void hashField(crypto_generichash_state *pS, const char *z){
  unsigned char aLen[9];
  uint64_t n = z ? strlen(z) : 0;
  int i;
  aLen[0] = z ? 1 : 0;
  for(i=0; i<8; i++) aLen[1+i] = (unsigned char)(n >> (8*i));
  crypto_generichash_update(pS, aLen, sizeof aLen);
  if( z ) crypto_generichash_update(pS, (const unsigned char *)z, n);
}

/*
** Compute the hex hash of one entry into zOut[65]. azF holds the fields in
** table order from id to after, as text; zPrev the previous hash.
*/
static void entryHash(const char *zPrev, const char *const *azF, int nF, char zOut[65]){
  crypto_generichash_state s;
  unsigned char aOut[32];
  int i;
  crypto_generichash_init(&s, 0, 0, sizeof aOut);
  hashField(&s, zPrev);
  for(i=0; i<nF; i++) hashField(&s, azF[i]);
  crypto_generichash_final(&s, aOut, sizeof aOut);
  sodium_bin2hex(zOut, 65, aOut, sizeof aOut);
}

/* The connection of this thread whose transaction owes the head (a
** connection is used by one thread at a time, and a transaction never
** moves between threads). */
static _Thread_local sqlite3 *pHeadOwed = 0;

int audit_log(sqlite3 *db, const Actor *pActor, const char *zAction,
              const char *zObject, const char *zOffice,
              const char *zBefore, const char *zAfter){
  sqlite3_stmt *p;
  char zAt[21], zId[24], zUid[24], zHash[65];
  char *zPrev;
  long long iId;
  const char *azF[10];
  int rc;

  {
    sqlite3_stmt *q = db_stmt(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    zPrev = 0;
    iId = 1;
    if( sqlite3_step(q)==SQLITE_ROW ){
      iId = sqlite3_column_int64(q, 0) + 1;
      zPrev = xstrdup(db_col_text(q, 1));
    }
    db_release(q);
  }
  audit_now(zAt);
  snprintf(zId, sizeof zId, "%lld", iId);
  snprintf(zUid, sizeof zUid, "%lld", pActor ? pActor->iUser : 0);
  azF[0] = zId; azF[1] = zAt; azF[2] = zUid;
  azF[3] = pActor && pActor->zUser ? pActor->zUser : "system";
  azF[4] = pActor && pActor->zAddr ? pActor->zAddr : "";
  azF[5] = zAction; azF[6] = zObject ? zObject : "";
  azF[7] = zOffice; azF[8] = zBefore; azF[9] = zAfter;
  entryHash(zPrev ? zPrev : GENESIS, azF, 10, zHash);

  p = db_stmt(db,
    "INSERT INTO audit(id,at,user_id,username,addr,action,object,office_code,"
    "before,after,prev_hash,hash) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
  sqlite3_bind_int64(p, 1, iId);
  sqlite3_bind_text(p, 2, zAt, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 3, pActor ? pActor->iUser : 0);
  sqlite3_bind_text(p, 4, azF[3], -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 5, azF[4], -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 6, zAction, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 7, azF[6], -1, SQLITE_STATIC);
  if( zOffice ) sqlite3_bind_text(p, 8, zOffice, -1, SQLITE_STATIC);
  if( zBefore ) sqlite3_bind_text(p, 9, zBefore, -1, SQLITE_STATIC);
  if( zAfter ) sqlite3_bind_text(p, 10, zAfter, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 11, zPrev ? zPrev : GENESIS, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 12, zHash, -1, SQLITE_STATIC);
  rc = sqlite3_step(p);
  db_release(p);
  if( rc==SQLITE_DONE && !sqlite3_get_autocommit(db) ){
    pHeadOwed = db;                    /* written by the outermost commit */
  }else if( rc==SQLITE_DONE ){
    /* Written here, checked: a head that failed to move would later read
    ** as a broken chain. */
    char zHead[96];
    snprintf(zHead, sizeof zHead, "%lld %s", iId, zHash);
    p = db_stmt(db, "INSERT INTO setting(key,value) VALUES('audit_head',?1)"
                    " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    sqlite3_bind_text(p, 1, zHead, -1, SQLITE_STATIC);
    rc = sqlite3_step(p);
    db_release(p);
  }
  free(zPrev);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

int audit_settle_head(sqlite3 *db){
  sqlite3_stmt *p;
  int rc;
  if( pHeadOwed!=db ) return SQLITE_OK;
  p = db_stmt(db, "INSERT INTO setting(key,value)"
                  " SELECT 'audit_head', id || ' ' || hash FROM audit WHERE id=(SELECT max(id) FROM audit)"
                  " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  rc = sqlite3_step(p);
  db_release(p);
  if( rc!=SQLITE_DONE ) return rc;
  pHeadOwed = 0;
  return SQLITE_OK;
}

long long audit_verify_why(sqlite3 *db, long long *pnEntry, AuditBreak *peWhy){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT id,at,user_id,username,addr,action,object,office_code,before,after,"
    "prev_hash,hash FROM audit ORDER BY id");
  char zPrev[65], zHash[65];
  long long n = 0, iExpect = 1, iBad = 0;
  AuditBreak eWhy = AUDIT_INTACT;
  memcpy(zPrev, GENESIS, 65);
  while( sqlite3_step(p)==SQLITE_ROW ){
    const char *azF[10];
    long long iId = sqlite3_column_int64(p, 0);
    int i;
    for(i=0; i<10; i++) azF[i] = (const char *)sqlite3_column_text(p, i);
    n++;
    if( iId!=iExpect ){
      /* iExpect is missing (deleted), or the ids were renumbered */
      iBad = iId>iExpect ? iExpect : iId;
      eWhy = iId>iExpect ? AUDIT_MISSING : AUDIT_CHANGED;
      break;
    }
    entryHash(zPrev, azF, 10, zHash);
    if( strcmp(db_col_text(p, 10), zPrev)!=0 || strcmp(db_col_text(p, 11), zHash)!=0 ){
      iBad = iId;
      eWhy = AUDIT_CHANGED;
      break;
    }
    memcpy(zPrev, db_col_text(p, 11), 65);
    zPrev[64] = 0;
    iExpect++;
  }
  db_finalize(p);
  if( iBad==0 ){
    char *zHead = db_setting(db, "audit_head");
    char zWant[96];
    snprintf(zWant, sizeof zWant, "%lld %s", n, zPrev);
    if( n>0 ? (zHead==0 || strcmp(zHead, zWant)!=0) : zHead!=0 ){
      /* rows after the last good one were removed (or the head was edited) */
      long long iHead = zHead ? atoll(zHead) : 0;
      iBad = iHead>n ? n + 1 : (n>0 ? n : 1);
      eWhy = iHead>n ? AUDIT_TAIL : AUDIT_HEAD;
    }
    free(zHead);
  }
  if( pnEntry ) *pnEntry = n;
  if( peWhy ) *peWhy = eWhy;
  return iBad;
}

long long audit_verify(sqlite3 *db, long long *pnEntry){
  return audit_verify_why(db, pnEntry, 0);
}

int audit_office(sqlite3 *db, const char *zOffice, int nMax, AuditEntry **pa, int *pn){
  sqlite3_stmt *p = db_prepare(db,
    "SELECT id, at, username, addr, action, object, before, after FROM audit"
    " WHERE office_code=?1 ORDER BY id DESC LIMIT ?2");
  int nAlloc = 0, nTotal;
  *pa = 0;
  *pn = 0;
  nTotal = (int)db_int(db, 0, "SELECT count(*) FROM audit WHERE office_code=?1", zOffice);
  sqlite3_bind_text(p, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int(p, 2, nMax>0 ? nMax : 500);
  while( sqlite3_step(p)==SQLITE_ROW ){
    AuditEntry *pE;
    if( *pn>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 32;
      *pa = realloc(*pa, sizeof(AuditEntry)*(size_t)nAlloc);
      if( *pa==0 ) abort();
    }
    pE = &(*pa)[(*pn)++];
    memset(pE, 0, sizeof *pE);
    pE->iId = sqlite3_column_int64(p, 0);
    snprintf(pE->zAt, sizeof pE->zAt, "%s", db_col_text(p, 1));
    snprintf(pE->zUser, sizeof pE->zUser, "%s", db_col_text(p, 2));
    snprintf(pE->zAddr, sizeof pE->zAddr, "%s", db_col_text(p, 3));
    pE->zAction = strdup(db_col_text(p, 4));
    pE->zObject = strdup(db_col_text(p, 5));
    pE->zBefore = sqlite3_column_type(p, 6)==SQLITE_NULL ? 0 : strdup(db_col_text(p, 6));
    pE->zAfter = sqlite3_column_type(p, 7)==SQLITE_NULL ? 0 : strdup(db_col_text(p, 7));
    if( pE->zAction==0 || pE->zObject==0 ) abort();
  }
  db_finalize(p);
  return nTotal;
}

void audit_entries_free(AuditEntry *a, int n){
  int i;
  for(i=0; i<n; i++){
    free(a[i].zAction); free(a[i].zObject); free(a[i].zBefore); free(a[i].zAfter);
  }
  free(a);
}
