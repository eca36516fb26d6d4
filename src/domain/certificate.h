/*
** certificate.h — printable rank certificates and their verification.
**
** A certificate states an office's rank and score in a period under one
** version of the period's published result set. Its token carries those
** fields and a MAC over them (HMAC-SHA-512-256, libsodium crypto_auth,
** truncated to 128 bits) under a per-installation secret kept in the
** setting table (key "cert_key", created on first use). The QR code on the
** certificate links to /verify?c=TOKEN, which confirms or denies it: a
** token whose fields were altered fails the MAC; a genuine token is still
** checked against the stored results.
*/
#ifndef PK_CERTIFICATE_H
#define PK_CERTIFICATE_H
#include <sqlite3.h>

#define CERT_KEYBYTES 32      /* crypto_auth_KEYBYTES */
#define CERT_MACBYTES 16      /* bytes of the MAC kept in a token */
#define CERT_TOKEN_MAX 200    /* bytes of a token, with its NUL */

/* What a certificate states. */
typedef struct Cert {
  char zOffice[32];           /* office code (ASCII, no '|') */
  char zPeriod[16];           /* "1399-1" */
  int iRank;                  /* 1..3 */
  char zScore[16];            /* score with two decimals, "73.25" */
  int iVersion;               /* result set version */
} Cert;

/* Outcomes of cert_parse() and cert_verify(). */
enum {
  CERT_GENUINE = 0,           /* genuine and current */
  CERT_SUPERSEDED = 1,        /* genuine for its version; a newer published
                              ** version gives another rank or score */
  CERT_MALFORMED = -1,        /* not a token */
  CERT_FORGED = -2,           /* the MAC does not match: altered or made up */
  CERT_UNKNOWN = -3           /* the MAC matches but no published result
                              ** says so (withdrawn, or another database) */
};

/* Pure: the token of pC under aKey into zOut[CERT_TOKEN_MAX]. Returns 0, or
** -1 when a field does not fit or holds '|'. */
int cert_token(const unsigned char *aKey, const Cert *pC, char *zOut);

/* Pure: decode zToken and check its MAC under aKey. Returns CERT_GENUINE
** with *pC filled, CERT_MALFORMED or CERT_FORGED. */
int cert_parse(const unsigned char *aKey, const char *zToken, Cert *pC);

/* The installation's key into aKey[CERT_KEYBYTES], created (with an audit
** entry) on first use. Returns 0 or -1 on a store error. */
int cert_key(sqlite3 *db, unsigned char *aKey);

/* The certificate of office zOffice for period zPeriod from its newest
** published result set, with its token. Returns 0, or -1 when the office
** has no published rank in the period. */
int cert_issue(sqlite3 *db, const char *zOffice, const char *zPeriod,
               Cert *pC, char *zToken);

/* The current published rank of the certified office, when there is one. */
typedef struct CertNow {
  int iVersion;               /* 0 when none */
  int iRank;
  char zScore[16];
} CertNow;

/* Verify zToken: the MAC, then the stored result of the token's version,
** then the newest published version. Fills *pC (when the token decodes)
** and *pNow. Returns a CERT_* outcome. */
int cert_verify(sqlite3 *db, const char *zToken, Cert *pC, CertNow *pNow);

#endif
