/*
** test_html.c — the escaping formatter, table-tested (STYLE.md: cgit's
** attribute escaper was wrong for years).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "web/html.h"

static void check(const char *zIn, const char *zWant){
  Buf b = {0};
  html_escape(&b, zIn);
  assert_string_equal(buf_str(&b), zWant);
  buf_free(&b);
}

static void test_escape_table(void **state){
  (void)state;
  check("", "");
  check("plain", "plain");
  check("<", "&lt;");
  check(">", "&gt;");
  check("&", "&amp;");
  check("\"", "&quot;");
  check("'", "&#39;");
  check("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  check("a\" onmouseover=\"x", "a&quot; onmouseover=&quot;x");
  check("&amp;", "&amp;amp;");
  /* Persian text, ZWNJ and RTL marks pass through unchanged */
  check("حسین\xe2\x80\x8cزاده", "حسین\xe2\x80\x8cزاده");
  check("\xe2\x80\x8f" "a" "\xe2\x80\x8e", "\xe2\x80\x8f" "a" "\xe2\x80\x8e");
  /* broken UTF-8 becomes U+FFFD, never raw bytes */
  check("a\xff" "b", "a\xef\xbf\xbd" "b");
  check("\xd8", "\xef\xbf\xbd");
  check("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");           /* overlong '/' */
  check("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
  /* control characters dropped, tab/newline kept */
  check("a\x01" "b\tc\n", "ab\tc\n");
  /* NULL is empty */
  check(0, "");
}

static void test_formatter(void **state){
  Buf b = {0};
  (void)state;
  html_bprintf(&b, "<a href=\"/o/%s\">%s</a> %d %lld %zu %.1f %5s|%-3d|%%",
               "x\"y", "<b>", -7, 1234567890123LL, (size_t)42, 2.25, "ab", 5);
  assert_string_equal(buf_str(&b),
    "<a href=\"/o/x&quot;y\">&lt;b&gt;</a> -7 1234567890123 42 2.2    ab|5  |%");
  buf_reset(&b);
  /* precision cuts before escaping; a NUL inside ends the string */
  html_bprintf(&b, "%.3s|%.*s|%s", "<<<<<", 2, "&&&", "a\0b");
  assert_string_equal(buf_str(&b), "&lt;&lt;&lt;|&amp;&amp;|a");
  buf_reset(&b);
  {
    const char *volatile zNull = 0;   /* hidden from -Wformat-overflow */
    html_bprintf(&b, "%s", zNull);
  }
  assert_string_equal(buf_str(&b), "");
  buf_free(&b);
}

static void test_url_encode(void **state){
  Buf b = {0};
  (void)state;
  url_encode(&b, "a b&c=d/ک");
  assert_string_equal(buf_str(&b), "a%20b%26c%3Dd%2F%DA%A9");
  buf_free(&b);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_escape_table),
    cmocka_unit_test(test_formatter),
    cmocka_unit_test(test_url_encode),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
