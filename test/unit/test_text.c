/*
** test_text.c — unit tests for src/base/text.c and buf.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"

/*
** Normalise z and compare with zWant (NULL = expect rejection).
*/
static void check_norm(const char *z, const char *zWant){
  char *zGot = text_normalize_dup(z);
  if( zWant==0 ){
    assert_null(zGot);
  }else{
    assert_non_null(zGot);
    assert_string_equal(zGot, zWant);
  }
  free(zGot);
}

static void test_buf(void **state){
  Buf b = {0};
  char *z;
  int i;
  (void)state;
  assert_string_equal(buf_str(&b), "");
  buf_puts(&b, "abc");
  buf_putc(&b, '-');
  buf_printf(&b, "%d/%s", 42, "x");
  assert_string_equal(b.z, "abc-42/x");
  assert_int_equal(b.n, 8);
  for(i=0; i<1000; i++) buf_printf(&b, "%04d", i);
  assert_int_equal(b.n, 8 + 4000);
  assert_int_equal(b.z[b.n], 0);
  assert_memory_equal(b.z + b.n - 4, "0999", 4);
  buf_reset(&b);
  assert_string_equal(buf_str(&b), "");
  buf_append(&b, "a\0b", 3);
  assert_int_equal(b.n, 3);
  z = buf_take(&b);
  assert_memory_equal(z, "a\0b", 4);
  assert_null(b.z);
  free(z);
  z = buf_take(&b);
  assert_string_equal(z, "");
  free(z);
  buf_free(&b);
  z = xsprintf("%s=%d", "n", 7);
  assert_string_equal(z, "n=7");
  free(z);
  z = xstrndup("abcdef", 3);
  assert_string_equal(z, "abc");
  free(z);
}

static void test_utf8_valid(void **state){
  (void)state;
  assert_true(text_utf8_valid("", 0));
  assert_true(text_utf8_valid("abc", 3));
  assert_true(text_utf8_valid("سلام", strlen("سلام")));
  assert_true(text_utf8_valid("\xf0\x9f\x98\x80", 4));        /* U+1F600 */
  assert_true(text_utf8_valid("\xf4\x8f\xbf\xbf", 4));        /* U+10FFFF */
  assert_true(text_utf8_valid("\xed\x9f\xbf", 3));            /* U+D7FF */
  assert_true(text_utf8_valid("\xee\x80\x80", 3));            /* U+E000 */
  /* overlong forms */
  assert_false(text_utf8_valid("\xc0\xaf", 2));
  assert_false(text_utf8_valid("\xc1\xbf", 2));
  assert_false(text_utf8_valid("\xe0\x80\xaf", 3));
  assert_false(text_utf8_valid("\xe0\x9f\xbf", 3));
  assert_false(text_utf8_valid("\xf0\x8f\xbf\xbf", 4));
  /* truncated sequences */
  assert_false(text_utf8_valid("\xd8", 1));
  assert_false(text_utf8_valid("a\xe2\x80", 3));
  assert_false(text_utf8_valid("\xf0\x9f\x98", 3));
  assert_false(text_utf8_valid("\xd8" "a", 2));
  /* a valid sequence cut by the length argument */
  assert_false(text_utf8_valid("\xd8\xb3", 1));
  /* stray continuation byte */
  assert_false(text_utf8_valid("\x80", 1));
  assert_false(text_utf8_valid("ab\xbf", 3));
  /* surrogates */
  assert_false(text_utf8_valid("\xed\xa0\x80", 3));
  assert_false(text_utf8_valid("\xed\xbf\xbf", 3));
  /* above U+10FFFF, and bytes never used */
  assert_false(text_utf8_valid("\xf4\x90\x80\x80", 4));
  assert_false(text_utf8_valid("\xf5\x80\x80\x80", 4));
  assert_false(text_utf8_valid("\xff", 1));
  assert_false(text_utf8_valid("\xfe", 1));
}

static void test_normalize_letters(void **state){
  (void)state;
  check_norm("علي", "علی");                   /* Arabic yeh */
  check_norm("موسى", "موسی");                 /* alef maksura */
  check_norm("كرمان", "کرمان");               /* Arabic kaf */
  check_norm("يك", "یک");
  check_norm("فاطمة", "فاطمة");               /* ta marbuta kept */
  check_norm("خانۀ", "خانۀ");                 /* heh with yeh kept */
  check_norm("می‌روم", "می‌روم");            /* ZWNJ kept */
  check_norm("plain ascii", "plain ascii");
  check_norm("", "");
}

static void test_normalize_digits(void **state){
  (void)state;
  check_norm("۰۱۲۳۴۵۶۷۸۹", "0123456789");
  check_norm("٠١٢٣٤٥٦٧٨٩", "0123456789");
  check_norm("پلاک ۱۲", "پلاک 12");
  check_norm("1۲٣", "123");
}

static void test_normalize_space(void **state){
  (void)state;
  check_norm("  تهران  ", "تهران");
  check_norm("\t\r\nتهران\n", "تهران");
  check_norm("\xc2\xa0تهران\xc2\xa0", "تهران");                  /* NBSP */
  check_norm("\xe2\x80\x8fتهران\xe2\x80\x8f", "تهران");          /* RLM */
  check_norm("\xe2\x80\x8e" "abc\xe2\x80\x8e", "abc");               /* LRM */
  check_norm("\xef\xbb\xbf" "abc", "abc");                            /* BOM */
  check_norm("\xef\xbb\xbf \xc2\xa0\xe2\x80\x8f x \xe2\x80\x8f", "x");
  check_norm("خیابان   \xc2\xa0 آزادی", "خیابان آزادی");          /* collapse */
  check_norm("a\tb\nc", "a b c");
  check_norm("   ", "");
  check_norm("\xe2\x80\x8c", "\xe2\x80\x8c");                     /* lone ZWNJ */
  check_norm("\xe2\x80\x8c ", "\xe2\x80\x8c");
}

static void test_normalize_broken(void **state){
  Buf b = {0};
  (void)state;
  check_norm("\xc0\xaf", 0);                  /* overlong '/' */
  check_norm("abc\xe0\x80\xaf", 0);           /* overlong, 3 bytes */
  check_norm("علی\xd8", 0);                   /* truncated */
  check_norm("\xe2\x80", 0);                  /* truncated */
  check_norm("\xed\xa0\x80", 0);              /* surrogate */
  check_norm("\xf4\x90\x80\x80", 0);          /* > U+10FFFF */
  check_norm("\x80x", 0);                     /* stray continuation */
  /* pOut is unchanged on failure */
  buf_puts(&b, "keep");
  assert_int_equal(text_normalize("x\xff", 2, &b), -1);
  assert_string_equal(b.z, "keep");
  assert_int_equal(text_normalize("a\0b", 3, &b), -1);
  assert_string_equal(b.z, "keep");
  assert_int_equal(text_normalize(" ي ", 4, &b), 0);
  assert_string_equal(b.z, "keepی");
  buf_free(&b);
  /* an empty result still gives a string */
  assert_int_equal(text_normalize(" ", 1, &b), 0);
  assert_non_null(b.z);
  assert_string_equal(b.z, "");
  buf_free(&b);
}

static void test_code_dup(void **state){
  char *z;
  (void)state;
  z = text_code_dup(" ۰۰۱۲۳ ");
  assert_string_equal(z, "00123");
  free(z);
  z = text_code_dup("AB-12");
  assert_string_equal(z, "AB-12");
  free(z);
  assert_null(text_code_dup(""));
  assert_null(text_code_dup("   "));
  assert_null(text_code_dup("کد۱۲"));
  assert_null(text_code_dup("\xc0\xaf"));
}

static void test_persian_digits(void **state){
  Buf b = {0};
  (void)state;
  text_persian_digits(&b, "1399/07/14 3.5");
  assert_string_equal(b.z, "۱۳۹۹/۰۷/۱۴ ۳.۵");
  buf_reset(&b);
  text_persian_digits(&b, "");
  assert_string_equal(buf_str(&b), "");
  buf_reset(&b);
  text_persian_digits(&b, "رتبه 1");
  assert_string_equal(b.z, "رتبه ۱");
  buf_free(&b);
}

static void test_persian_int(void **state){
  static const struct { long long v; int bGroup; const char *zWant; } a[] = {
    { 0, 1, "۰" },
    { 7, 0, "۷" },
    { 7943, 1, "۷٬۹۴۳" },
    { 7943, 0, "۷۹۴۳" },
    { 123, 1, "۱۲۳" },
    { 1000000, 1, "۱٬۰۰۰٬۰۰۰" },
    { -5, 0, "−۵" },
    { -12345, 1, "−۱۲٬۳۴۵" },
    { LLONG_MIN, 0, "−۹۲۲۳۳۷۲۰۳۶۸۵۴۷۷۵۸۰۸" },
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    Buf b = {0};
    text_persian_int(&b, a[i].v, a[i].bGroup);
    assert_string_equal(b.z, a[i].zWant);
    buf_free(&b);
  }
}

static void test_parse_int(void **state){
  long long v = 99;
  (void)state;
  assert_int_equal(text_parse_int("42", &v), 0);
  assert_int_equal(v, 42);
  assert_int_equal(text_parse_int(" ۱۲۳ ", &v), 0);
  assert_int_equal(v, 123);
  assert_int_equal(text_parse_int("٤٥", &v), 0);
  assert_int_equal(v, 45);
  assert_int_equal(text_parse_int("-17", &v), 0);
  assert_int_equal(v, -17);
  assert_int_equal(text_parse_int("+8", &v), 0);
  assert_int_equal(v, 8);
  assert_int_equal(text_parse_int("9223372036854775807", &v), 0);
  assert_true(v==LLONG_MAX);
  assert_int_equal(text_parse_int("-9223372036854775808", &v), 0);
  assert_true(v==LLONG_MIN);
  v = 5;
  assert_int_equal(text_parse_int("9223372036854775808", &v), -1);
  assert_int_equal(text_parse_int("", &v), -1);
  assert_int_equal(text_parse_int("-", &v), -1);
  assert_int_equal(text_parse_int("12a", &v), -1);
  assert_int_equal(text_parse_int("1 2", &v), -1);
  assert_int_equal(text_parse_int("1.5", &v), -1);
  assert_int_equal(text_parse_int("0x10", &v), -1);
  assert_int_equal(text_parse_int("\xff", &v), -1);
  assert_int_equal(v, 5);
}

static void test_parse_double(void **state){
  double v = 0;
  (void)state;
  assert_int_equal(text_parse_double("3.5", &v), 0);
  assert_true(v==3.5);
  assert_int_equal(text_parse_double("۱۲٫۵", &v), 0);
  assert_true(v==12.5);
  assert_int_equal(text_parse_double(" -0.25 ", &v), 0);
  assert_true(v==-0.25);
  assert_int_equal(text_parse_double("7", &v), 0);
  assert_true(v==7.0);
  assert_int_equal(text_parse_double(".5", &v), 0);
  assert_true(v==0.5);
  assert_int_equal(text_parse_double("5.", &v), 0);
  assert_true(v==5.0);
  v = 1;
  assert_int_equal(text_parse_double("", &v), -1);
  assert_int_equal(text_parse_double(".", &v), -1);
  assert_int_equal(text_parse_double("1.2.3", &v), -1);
  assert_int_equal(text_parse_double("12/5", &v), -1);
  assert_int_equal(text_parse_double("1e5", &v), -1);
  assert_int_equal(text_parse_double("inf", &v), -1);
  assert_int_equal(text_parse_double("nan", &v), -1);
  assert_int_equal(text_parse_double("0x1p3", &v), -1);
  assert_int_equal(text_parse_double("1,5", &v), -1);
  assert_true(v==1);
}

static void test_mask(void **state){
  static const char *const a[][2] = {
    { "0012345678", "******5678" },
    { "۰۰۱۲۳۴۵۶۷۸", "******۵۶۷۸" },
    { "09121234567", "*******4567" },
    { "1234", "1234" },
    { "12", "12" },
    { "", "" },
    { "12345", "*2345" },
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    Buf b = {0};
    text_mask(&b, a[i][0]);
    assert_string_equal(buf_str(&b), a[i][1]);
    buf_free(&b);
  }
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_buf),
    cmocka_unit_test(test_utf8_valid),
    cmocka_unit_test(test_normalize_letters),
    cmocka_unit_test(test_normalize_digits),
    cmocka_unit_test(test_normalize_space),
    cmocka_unit_test(test_normalize_broken),
    cmocka_unit_test(test_code_dup),
    cmocka_unit_test(test_persian_digits),
    cmocka_unit_test(test_persian_int),
    cmocka_unit_test(test_parse_int),
    cmocka_unit_test(test_parse_double),
    cmocka_unit_test(test_mask),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
