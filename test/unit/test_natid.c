/*
** test_natid.c — unit tests for src/base/natid.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/natid.h"

static void test_valid(void **state){
  static const char *const a[] = {
    "0499370899", "0790419904", "0084575948",
    "۰۴۹۹۳۷۰۸۹۹",                       /* Persian digits */
    "٠٧٩٠٤١٩٩٠٤",                       /* Arabic-Indic digits */
    "۰۴99370899",                        /* mixed */
    "0000000061",                        /* r = 1, check digit 1 */
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    if( !natid_valid(a[i]) ) fail_msg("rejected: %s", a[i]);
  }
}

static void test_invalid(void **state){
  static const char *const a[] = {
    "0499370898", "0790419905", "0084575940",   /* wrong checksum */
    "499370899", "049937089",                  /* 9 digits */
    "04993708990",                             /* 11 digits */
    "1111111111", "0000000000", "9999999999",  /* all the same digit */
    "04993708a9", "abcdefghij", "",            /* letters, empty */
    " 0499370899", "0499370899 ", "0499-370899",
    "۰۴۹۹۳۷۰۸۹۸",                              /* Persian, bad checksum */
    ("\xdb" "499370899"),                       /* broken UTF-8 */
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    if( natid_valid(a[i]) ) fail_msg("accepted: %s", a[i]);
  }
  assert_false(natid_valid(0));
}

static void test_every_check_digit(void **state){
  /* exactly one check digit makes each seed valid */
  static const char *const aSeed[] = { "049937089", "123456789", "000000012" };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(aSeed)/sizeof(aSeed[0]); i++){
    char z[11];
    int d, nValid = 0;
    memcpy(z, aSeed[i], 9);
    z[10] = 0;
    for(d=0; d<10; d++){
      z[9] = (char)('0' + d);
      nValid += natid_valid(z);
    }
    assert_int_equal(nValid, 1);
  }
}

static void test_make(void **state){
  static const unsigned long aV[] = {
    0, 1, 7, 111111111, 222222222, 999999999, 49937089, 123456789,
    1000000000UL + 5, 4294967295UL,
  };
  size_t i;
  unsigned long v;
  char z[11];
  (void)state;
  natid_make(49937089, z);
  assert_string_equal(z, "0499370899");
  for(i=0; i<sizeof(aV)/sizeof(aV[0]); i++){
    natid_make(aV[i], z);
    assert_int_equal(strlen(z), 10);
    if( !natid_valid(z) ) fail_msg("natid_make(%lu) = %s invalid", aV[i], z);
  }
  for(v=0; v<1000000000UL; v+=999983UL){
    natid_make(v, z);
    assert_true(natid_valid(z));
  }
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_valid),
    cmocka_unit_test(test_invalid),
    cmocka_unit_test(test_every_check_digit),
    cmocka_unit_test(test_make),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
