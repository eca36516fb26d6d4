/*
** test_cert.c — unit tests for the certificate tokens of
** src/domain/certificate.c: a genuine token verifies, any altered field,
** MAC or key does not.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/certificate.h"

static unsigned char aKey[CERT_KEYBYTES];

static Cert mkCert(void){
  Cert c;
  memset(&c, 0, sizeof c);
  strcpy(c.zOffice, "U-1001");
  strcpy(c.zPeriod, "1399-1");
  c.iRank = 1;
  strcpy(c.zScore, "82.50");
  c.iVersion = 2;
  return c;
}

static void test_genuine(void **state){
  Cert c = mkCert(), d;
  char z[CERT_TOKEN_MAX];
  (void)state;
  assert_int_equal(cert_token(aKey, &c, z), 0);
  assert_non_null(strchr(z, '.'));
  assert_true(strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")==strlen(z));
  assert_int_equal(cert_parse(aKey, z, &d), CERT_GENUINE);
  assert_string_equal(d.zOffice, "U-1001");
  assert_string_equal(d.zPeriod, "1399-1");
  assert_int_equal(d.iRank, 1);
  assert_string_equal(d.zScore, "82.50");
  assert_int_equal(d.iVersion, 2);
  /* deterministic */
  {
    char z2[CERT_TOKEN_MAX];
    cert_token(aKey, &c, z2);
    assert_string_equal(z, z2);
  }
}

/* Re-encode the payload with one field changed, keep the MAC. */
static void alter(const char *zTok, const char *zFrom, const char *zTo, char *zOut){
  unsigned char aPay[200];
  char zPay[200], zNew[200], *p;
  size_t n = 0;
  const char *zDot = strchr(zTok, '.');
  assert_int_equal(sodium_base642bin(aPay, sizeof aPay, zTok, (size_t)(zDot - zTok), NULL, &n,
                                     NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
  memcpy(zPay, aPay, n);
  zPay[n] = 0;
  p = strstr(zPay, zFrom);
  assert_non_null(p);
  snprintf(zNew, sizeof zNew, "%.*s%s%s", (int)(p - zPay), zPay, zTo, p + strlen(zFrom));
  sodium_bin2base64(zOut, 300, (const unsigned char *)zNew, strlen(zNew),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  strcat(zOut, zDot);
}

static void test_altered(void **state){
  Cert c = mkCert(), d;
  char z[CERT_TOKEN_MAX], zBad[400];
  unsigned char aOther[CERT_KEYBYTES];
  (void)state;
  cert_token(aKey, &c, z);
  alter(z, "|1|82.50", "|2|82.50", zBad);            /* rank */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  alter(z, "82.50", "92.50", zBad);                  /* score */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  alter(z, "U-1001", "U-1002", zBad);                /* office */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  alter(z, "1399-1", "1399-2", zBad);                /* period */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  alter(z, "|2", "|3", zBad);                        /* version */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  /* a changed MAC character */
  strcpy(zBad, z);
  zBad[strlen(zBad)-2] = zBad[strlen(zBad)-2]=='A' ? 'B' : 'A';
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_FORGED);
  /* another installation's key */
  memset(aOther, 7, sizeof aOther);
  assert_int_equal(cert_parse(aOther, z, &d), CERT_FORGED);
  /* nothing of the claim is given back for a forged token */
  assert_string_equal(d.zOffice, "");
}

static void test_malformed(void **state){
  Cert c = mkCert(), d;
  char z[CERT_TOKEN_MAX], zBad[400];
  (void)state;
  cert_token(aKey, &c, z);
  assert_int_equal(cert_parse(aKey, "", &d), CERT_MALFORMED);
  assert_int_equal(cert_parse(aKey, NULL, &d), CERT_MALFORMED);
  assert_int_equal(cert_parse(aKey, "nodot", &d), CERT_MALFORMED);
  assert_int_equal(cert_parse(aKey, "a.b", &d), CERT_MALFORMED);
  assert_int_equal(cert_parse(aKey, "!!!.AAAAAAAAAAAAAAAAAAAAAA", &d), CERT_MALFORMED);
  strcpy(zBad, z);
  zBad[strlen(zBad)-3] = 0;                          /* a MAC cut short */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_MALFORMED);
  snprintf(zBad, sizeof zBad, "%s=", z);             /* padding not allowed */
  assert_int_equal(cert_parse(aKey, zBad, &d), CERT_MALFORMED);
}

static void test_bad_fields(void **state){
  Cert c = mkCert();
  char z[CERT_TOKEN_MAX];
  (void)state;
  strcpy(c.zOffice, "U|1");
  assert_int_equal(cert_token(aKey, &c, z), -1);
  c = mkCert();
  c.iRank = 4;
  assert_int_equal(cert_token(aKey, &c, z), -1);
  c = mkCert();
  c.iVersion = 0;
  assert_int_equal(cert_token(aKey, &c, z), -1);
  /* a negative score (penalties) is fine */
  c = mkCert();
  strcpy(c.zScore, "-5.00");
  c.iRank = 3;
  assert_int_equal(cert_token(aKey, &c, z), 0);
  {
    Cert d;
    assert_int_equal(cert_parse(aKey, z, &d), CERT_GENUINE);
    assert_string_equal(d.zScore, "-5.00");
  }
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_genuine),
    cmocka_unit_test(test_altered),
    cmocka_unit_test(test_malformed),
    cmocka_unit_test(test_bad_fields),
  };
  if( sodium_init()<0 ) return 1;
  randombytes_buf(aKey, sizeof aKey);
  return cmocka_run_group_tests(tests, 0, 0);
}
