/*
** test_svg.c — unit tests for src/web/svg.c: Persian digits, escaping of
** every label, right-to-left layout, and the QR code.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "web/svg.h"

static void test_fa_num(void **state){
  Buf b = {0};
  (void)state;
  svg_fa_num(&b, 58.2, 1);
  assert_string_equal(buf_str(&b), "۵۸٫۲");
  buf_reset(&b);
  svg_fa_num(&b, 7943, 0);
  assert_string_equal(buf_str(&b), "۷۹۴۳");
  buf_reset(&b);
  svg_fa_num(&b, -12, 0);
  assert_string_equal(buf_str(&b), "−۱۲");
  buf_reset(&b);
  svg_fa_num(&b, -0.01, 1);                /* rounds to zero: no minus */
  assert_string_equal(buf_str(&b), "۰٫۰");
  buf_reset(&b);
  svg_fa_num(&b, 82.5, 2);
  assert_string_equal(buf_str(&b), "۸۲٫۵۰");
  buf_free(&b);
}

/* The x attribute of the n-th (0-based) <rect class="bar ..."> in z. */
static double barX(const char *z, int n){
  const char *p = z;
  while( (p = strstr(p, "<rect class=\"bar"))!=0 ){
    if( n--==0 ) return atof(strstr(p, " x=\"") + 4);
    p++;
  }
  return -1;
}

static void test_bars(void **state){
  static const char *const azCat[] = { "<script>alert(1)</script>", "b&\"'" };
  static const char *const azSer[] = { "رتبهٔ ۱", "<i>" };
  static const double aV[] = { 60, 40, 25, 75 };
  SvgChart c;
  Buf b = {0};
  const char *z;
  (void)state;
  memset(&c, 0, sizeof c);
  c.zTitle = "T<&>";
  c.nCat = 2; c.azCat = azCat; c.nSer = 2; c.azSer = azSer; c.aV = aV;
  c.bStacked = 1; c.bPercent = 1;
  svg_bars(&b, &c);
  z = buf_str(&b);
  assert_true(strncmp(z, "<svg ", 5)==0);
  assert_non_null(strstr(z, "direction=\"rtl\""));
  assert_non_null(strstr(z, "<title>T&lt;&amp;&gt;</title>"));
  assert_null(strstr(z, "<script>"));
  assert_null(strstr(z, "<i>"));
  assert_non_null(strstr(z, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert_non_null(strstr(z, "b&amp;&quot;&#39;"));
  assert_non_null(strstr(z, "&lt;i&gt;"));
  /* Persian digits on the axis and in the values, no ASCII-digit labels */
  assert_non_null(strstr(z, "۱۰۰٫۰٪"));
  assert_non_null(strstr(z, "۶۰٫۰٪"));
  assert_null(strstr(z, ">100"));
  /* right to left: the first category's bars stand right of the second's */
  assert_true(barX(z, 0) > barX(z, 2));
  assert_true(barX(z, 0)==barX(z, 1));       /* stacked: same column */
  /* no style attributes (the CSP forbids them) */
  assert_null(strstr(z, "style="));
  assert_true(strcmp(z + strlen(z) - 6, "</svg>")==0);
  buf_reset(&b);

  /* a zero value draws no bar */
  {
    static const double aZ[] = { 0, 100, 50, 50 };
    int n = 0;
    const char *zR;
    c.aV = aZ;
    svg_bars(&b, &c);
    for(zR = buf_str(&b); (zR = strstr(zR, "<rect class=\"bar"))!=0; zR++) n++;
    assert_int_equal(n, 3);
    buf_reset(&b);
    c.aV = aV;
  }

  /* side by side: series 1 at the right of series 2 within a category */
  c.bStacked = 0;
  svg_bars(&b, &c);
  z = buf_str(&b);
  assert_true(barX(z, 0) > barX(z, 1));
  assert_true(barX(z, 1) > barX(z, 2));
  buf_free(&b);
}

static void test_lines(void **state){
  static const char *const azCat[] = { "۱۳۹۹", "۱۴۰۰", "۱۴۰۱" };
  static const char *const azSer[] = { "همه", "شهری" };
  static const double aV[] = { 52.3, 58.2, 60, 70, 65, 80 };
  SvgChart c;
  Buf b = {0};
  const char *z, *zPts;
  double x0, x1;
  (void)state;
  memset(&c, 0, sizeof c);
  c.zTitle = "روند";
  c.nCat = 3; c.azCat = azCat; c.nSer = 2; c.azSer = azSer; c.aV = aV; c.bPercent = 1;
  svg_lines(&b, &c);
  z = buf_str(&b);
  assert_non_null(strstr(z, "<polyline class=\"line\""));
  zPts = strstr(z, "points=\"") + 8;
  x0 = atof(zPts);
  x1 = atof(strchr(zPts, ' ') + 1);
  assert_true(x0 > x1);                       /* the first period at the right */
  assert_non_null(strstr(z, "۵۲٫۳٪"));
  buf_free(&b);
}

static void test_counts_axis(void **state){
  static const char *const azCat[] = { "a" };
  static const char *const azSer[] = { "n" };
  static const double aV[] = { 6630 };
  SvgChart c;
  Buf b = {0};
  (void)state;
  memset(&c, 0, sizeof c);
  c.nCat = 1; c.azCat = azCat; c.nSer = 1; c.azSer = azSer; c.aV = aV;
  svg_bars(&b, &c);
  /* the axis tops at a round number above the largest value: 10,000 */
  assert_non_null(strstr(buf_str(&b), ">۱۰۰۰۰<"));
  assert_non_null(strstr(buf_str(&b), ": ۶۶۳۰</title>"));
  buf_free(&b);
}

static void test_qr(void **state){
  Buf b = {0};
  const char *z;
  (void)state;
  assert_int_equal(svg_qr(&b, "http://example.org/verify?c=abc.def", 160, "<qr>"), 0);
  z = buf_str(&b);
  assert_true(strncmp(z, "<svg ", 5)==0);
  assert_non_null(strstr(z, "width=\"160\""));
  assert_non_null(strstr(z, "<title>&lt;qr&gt;</title>"));
  assert_non_null(strstr(z, "<path fill=\"#000\" d=\"M4 4h7v1h-7z"));   /* a finder pattern's top */
  buf_free(&b);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fa_num),
    cmocka_unit_test(test_bars),
    cmocka_unit_test(test_lines),
    cmocka_unit_test(test_counts_axis),
    cmocka_unit_test(test_qr),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
