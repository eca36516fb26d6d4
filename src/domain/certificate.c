/*
** certificate.c — rank certificate tokens (certificate.h).
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/certificate.h"
#include "domain/stats.h"
#include "store/audit.h"
#include "store/db.h"

#define CERT_FORMAT "1"
#define PAYLOAD_MAX 120

/* The full MAC of z[0..n) under aKey. */
static void certMac(const unsigned char *aKey, const char *z, size_t n,
                    unsigned char *aMac){
  crypto_auth(aMac, (const unsigned char *)z, n, aKey);
}

int cert_token(const unsigned char *aKey, const Cert *pC, char *zOut){
  char zPay[PAYLOAD_MAX + 1];
  unsigned char aMac[crypto_auth_BYTES];
  size_t nB64;
  int n;
  zOut[0] = 0;
  if( strchr(pC->zOffice, '|') || strchr(pC->zPeriod, '|') || strchr(pC->zScore, '|')
   || pC->zOffice[0]==0 || pC->iRank<1 || pC->iRank>3 || pC->iVersion<1 ){
    return -1;
  }
  n = snprintf(zPay, sizeof zPay, CERT_FORMAT "|%s|%s|%d|%s|%d", pC->zOffice,
               pC->zPeriod, pC->iRank, pC->zScore, pC->iVersion);
  if( n<0 || n>PAYLOAD_MAX ) return -1;
  certMac(aKey, zPay, (size_t)n, aMac);
  nB64 = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if( nB64 + 1 + sodium_base64_ENCODED_LEN(CERT_MACBYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
      > CERT_TOKEN_MAX ){
    return -1;
  }
  sodium_bin2base64(zOut, nB64, (const unsigned char *)zPay, (size_t)n,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  strcat(zOut, ".");
  sodium_bin2base64(zOut + strlen(zOut), CERT_TOKEN_MAX - strlen(zOut), aMac, CERT_MACBYTES,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(aMac, sizeof aMac);
  return 0;
}

/* Is z a period code: four digits, '-', 1 or 2? */
static int period_code_ok(const char *z){
  int i;
  for(i=0; i<4; i++) if( z[i]<'0' || z[i]>'9' ) return 0;
  return z[4]=='-' && (z[5]=='1' || z[5]=='2') && z[6]==0;
}

/* Is z a score as a token writes it: optional '-', digits, '.', two digits? */
static int scoreValid(const char *z){
  const char *zDot;
  if( *z=='-' ) z++;
  zDot = strchr(z, '.');
  if( zDot==0 || zDot==z || strlen(zDot)!=3 ) return 0;
  for(; *z; z++){
    if( z==zDot ) continue;
    if( *z<'0' || *z>'9' ) return 0;
  }
  return 1;
}

/* Parse a whole positive decimal. Returns the value or -1. */
static long posInt(const char *z){
  long v = 0;
  if( *z==0 || strlen(z)>6 ) return -1;
  for(; *z; z++){
    if( *z<'0' || *z>'9' ) return -1;
    v = v*10 + (*z - '0');
  }
  return v;
}

int cert_parse(const unsigned char *aKey, const char *zToken, Cert *pC){
  unsigned char aPay[PAYLOAD_MAX + 1], aGot[CERT_MACBYTES + 8], aMac[crypto_auth_BYTES];
  size_t nPay = 0, nGot = 0;
  const char *zDot, *zEnd;
  char *az[6], *z;
  int nF = 0, rc;
  long v;
  memset(pC, 0, sizeof *pC);
  if( zToken==0 ) return CERT_MALFORMED;
  zDot = strchr(zToken, '.');
  if( zDot==0 || strlen(zToken)>=CERT_TOKEN_MAX ) return CERT_MALFORMED;
  if( sodium_base642bin(aPay, PAYLOAD_MAX, zToken, (size_t)(zDot - zToken), NULL, &nPay,
                        &zEnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING)!=0
   || zEnd!=zDot || nPay==0 ){
    return CERT_MALFORMED;
  }
  if( sodium_base642bin(aGot, sizeof aGot, zDot + 1, strlen(zDot + 1), NULL, &nGot,
                        &zEnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING)!=0
   || *zEnd!=0 || nGot!=CERT_MACBYTES ){
    return CERT_MALFORMED;
  }
  certMac(aKey, (const char *)aPay, nPay, aMac);
  rc = sodium_memcmp(aMac, aGot, CERT_MACBYTES);
  sodium_memzero(aMac, sizeof aMac);
  if( rc!=0 ) return CERT_FORGED;
  aPay[nPay] = 0;
  if( memchr(aPay, 0, nPay) ) return CERT_MALFORMED;
  z = (char *)aPay;
  az[nF++] = z;
  for(; *z; z++){
    if( *z=='|' ){
      *z = 0;
      if( nF==6 ) return CERT_MALFORMED;
      az[nF++] = z + 1;
    }
  }
  if( nF!=6 || strcmp(az[0], CERT_FORMAT)!=0 ) return CERT_MALFORMED;
  if( az[1][0]==0 || strlen(az[1])>=sizeof pC->zOffice ) return CERT_MALFORMED;
  if( !period_code_ok(az[2]) ) return CERT_MALFORMED;
  v = posInt(az[3]);
  if( v<1 || v>3 ) return CERT_MALFORMED;
  pC->iRank = (int)v;
  if( strlen(az[4])>=sizeof pC->zScore || !scoreValid(az[4]) ) return CERT_MALFORMED;
  v = posInt(az[5]);
  if( v<1 ) return CERT_MALFORMED;
  pC->iVersion = (int)v;
  snprintf(pC->zOffice, sizeof pC->zOffice, "%s", az[1]);
  snprintf(pC->zPeriod, sizeof pC->zPeriod, "%s", az[2]);
  snprintf(pC->zScore, sizeof pC->zScore, "%s", az[4]);
  return CERT_GENUINE;
}

int cert_key(sqlite3 *db, unsigned char *aKey){
  char *zHex = db_setting(db, "cert_key");
  size_t n = 0;
  int rc;
  if( zHex==0 ){
    unsigned char aNew[CERT_KEYBYTES];
    char zNew[2*CERT_KEYBYTES + 1];
    sqlite3_stmt *q;
    Actor a = { 0, "system", "" };
    randombytes_buf(aNew, sizeof aNew);
    sodium_bin2hex(zNew, sizeof zNew, aNew, sizeof aNew);
    sodium_memzero(aNew, sizeof aNew);
    if( db_begin(db)!=SQLITE_OK ) return -1;
    q = db_prepare(db, "INSERT OR IGNORE INTO setting(key, value) VALUES('cert_key', ?1)");
    sqlite3_bind_text(q, 1, zNew, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    db_finalize(q);
    sodium_memzero(zNew, sizeof zNew);
    if( rc!=SQLITE_DONE ){ db_rollback(db); return -1; }
    if( sqlite3_changes(db)==1
     && audit_log(db, &a, "cert_key_create", "setting:cert_key", NULL, NULL, NULL)!=SQLITE_OK ){
      db_rollback(db);
      return -1;
    }
    if( db_commit(db)!=SQLITE_OK ){ db_rollback(db); return -1; }
    zHex = db_setting(db, "cert_key");
    if( zHex==0 ) return -1;
  }
  rc = sodium_hex2bin(aKey, CERT_KEYBYTES, zHex, strlen(zHex), NULL, &n, NULL);
  sodium_memzero(zHex, strlen(zHex));
  free(zHex);
  return (rc==0 && n==CERT_KEYBYTES) ? 0 : -1;
}

/* The office's result in version iVersion of the period's published result
** sets (iVersion 0: the newest). Returns 1 and fills *pNow when the office
** is ranked there, else 0 (pNow->iVersion still says which version). */
static int certResult(sqlite3 *db, const char *zOffice, const char *zPeriod,
                      int iVersion, CertNow *pNow){
  sqlite3_stmt *q;
  int bFound = 0;
  memset(pNow, 0, sizeof *pNow);
  if( !stats_have_results(db) ) return 0;
  q = db_prepare(db,
    "SELECT rs.version, r.status, r.rank, r.score"
    " FROM result_set rs JOIN period p ON p.id=rs.period_id"
    " LEFT JOIN result r ON r.result_set_id=rs.id AND r.office_code=?2"
    " WHERE p.code=?1 AND rs.state='published' AND (?3=0 OR rs.version=?3)"
    " ORDER BY rs.version DESC LIMIT 1");
  sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 3, iVersion);
  if( sqlite3_step(q)==SQLITE_ROW ){
    pNow->iVersion = sqlite3_column_int(q, 0);
    if( strcmp(db_col_text(q, 1), "ranked")==0 && sqlite3_column_type(q, 2)!=SQLITE_NULL
     && sqlite3_column_int(q, 2)>=1 && sqlite3_column_int(q, 2)<=3 ){
      pNow->iRank = sqlite3_column_int(q, 2);
      snprintf(pNow->zScore, sizeof pNow->zScore, "%.2f", sqlite3_column_double(q, 3));
      bFound = 1;
    }
  }
  db_finalize(q);
  return bFound;
}

int cert_issue(sqlite3 *db, const char *zOffice, const char *zPeriod,
               Cert *pC, char *zToken){
  CertNow now;
  unsigned char aKey[CERT_KEYBYTES];
  int rc;
  memset(pC, 0, sizeof *pC);
  zToken[0] = 0;
  if( strlen(zOffice)>=sizeof pC->zOffice || strlen(zPeriod)>=sizeof pC->zPeriod ) return -1;
  if( !certResult(db, zOffice, zPeriod, 0, &now) ) return -1;
  snprintf(pC->zOffice, sizeof pC->zOffice, "%s", zOffice);
  snprintf(pC->zPeriod, sizeof pC->zPeriod, "%s", zPeriod);
  pC->iRank = now.iRank;
  pC->iVersion = now.iVersion;
  memcpy(pC->zScore, now.zScore, sizeof pC->zScore);
  if( cert_key(db, aKey) ) return -1;
  rc = cert_token(aKey, pC, zToken);
  sodium_memzero(aKey, sizeof aKey);
  return rc;
}

int cert_verify(sqlite3 *db, const char *zToken, Cert *pC, CertNow *pNow){
  unsigned char aKey[CERT_KEYBYTES];
  CertNow then;
  int rc;
  memset(pNow, 0, sizeof *pNow);
  memset(pC, 0, sizeof *pC);
  if( cert_key(db, aKey) ) return CERT_UNKNOWN;
  rc = cert_parse(aKey, zToken, pC);
  sodium_memzero(aKey, sizeof aKey);
  if( rc!=CERT_GENUINE ) return rc;
  if( !certResult(db, pC->zOffice, pC->zPeriod, pC->iVersion, &then)
   || then.iRank!=pC->iRank || strcmp(then.zScore, pC->zScore)!=0 ){
    certResult(db, pC->zOffice, pC->zPeriod, 0, pNow);
    return CERT_UNKNOWN;
  }
  certResult(db, pC->zOffice, pC->zPeriod, 0, pNow);
  if( pNow->iVersion!=pC->iVersion
   && (pNow->iRank!=pC->iRank || strcmp(pNow->zScore, pC->zScore)!=0) ){
    return CERT_SUPERSEDED;
  }
  return CERT_GENUINE;
}
