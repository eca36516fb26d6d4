/*
** test_jalali.c — unit tests for src/base/jalali.c.
**
** Fixed vectors come from published calendars (Nowruz dates, 1399/07/14 in
** the regulator's announcement). Beyond them, every day of 1900..2100 is
** checked against an ICU-independent arithmetic converter (Borkowski's
** algorithm, as in the jalaali-js library), both directions.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/jalali.h"

/* ---- An independent converter (Borkowski / jalaali-js) ---------------- */

static const int aBreak[] = {
  -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060,
  2097, 2192, 2262, 2324, 2394, 2456, 3178,
};

/*
** For Jalali year jy: *pLeap is 0 in a leap year, *pGy the Gregorian year
** of its Nowruz and *pMarch the day of March it falls on.
*/
static void ref_jal_cal(int jy, int *pLeap, int *pGy, int *pMarch){
  int nBreak = (int)(sizeof(aBreak)/sizeof(aBreak[0]));
  int gy = jy + 621, leapJ = -14, jp = aBreak[0], jm, jump = 0, n, i, leapG;
  int leap;
  for(i=1; i<nBreak; i++){
    jm = aBreak[i];
    jump = jm - jp;
    if( jy<jm ) break;
    leapJ += jump/33*8 + (jump%33)/4;
    jp = jm;
  }
  n = jy - jp;
  leapJ += n/33*8 + ((n%33) + 3)/4;
  if( jump%33==4 && jump - n==4 ) leapJ++;
  leapG = gy/4 - (gy/100 + 1)*3/4 - 150;
  *pMarch = 20 + leapJ - leapG;
  if( jump - n < 6 ) n = n - jump + (jump + 4)/33*33;
  leap = (((n + 1)%33) - 1)%4;
  if( leap==-1 ) leap = 4;
  *pLeap = leap;
  *pGy = gy;
}

/* Gregorian date to Julian day number. */
static int ref_g2d(int gy, int gm, int gd){
  int d = (gy + (gm - 8)/6 + 100100)*1461/4 + (153*((gm + 9)%12) + 2)/5
        + gd - 34840408;
  return d - (gy + 100100 + (gm - 8)/6)/100*3/4 + 752;
}

/* Julian day number to Gregorian date. */
static Date ref_d2g(int jdn){
  Date g;
  int j = 4*jdn + 139361631, i;
  j = j + (4*jdn + 183187720)/146097*3/4*4 - 3908;
  i = (j%1461)/4*5 + 308;
  g.d = (i%153)/5 + 1;
  g.m = (i/153)%12 + 1;
  g.y = j/1461 - 100100 + (8 - g.m)/6;
  return g;
}

/* Jalali date to Julian day number. */
static int ref_j2d(Date j){
  int leap, gy, march;
  ref_jal_cal(j.y, &leap, &gy, &march);
  return ref_g2d(gy, 3, march) + (j.m - 1)*31 - j.m/7*(j.m - 7) + j.d - 1;
}

/* Julian day number to Jalali date. */
static Date ref_d2j(int jdn){
  Date j;
  int gy = ref_d2g(jdn).y, leap, gyN, march, k;
  j.y = gy - 621;
  ref_jal_cal(j.y, &leap, &gyN, &march);
  k = jdn - ref_g2d(gy, 3, march);
  if( k>=0 ){
    if( k<=185 ){
      j.m = 1 + k/31;
      j.d = k%31 + 1;
      return j;
    }
    k -= 186;
  }else{
    j.y--;
    k += 179;
    if( leap==1 ) k++;       /* leap is of the year after j.y */
  }
  j.m = 7 + k/30;
  j.d = k%30 + 1;
  return j;
}

/* ---- Tests -------------------------------------------------------------- */

static const struct { Date j, g; } aVec[] = {
  { {1399, 7, 14}, {2020, 10, 5} },   /* the regulator's announcement */
  { {1399, 1, 1},  {2020, 3, 20} },
  { {1399, 12, 30},{2021, 3, 20} },   /* 1399 is leap */
  { {1400, 1, 1},  {2021, 3, 21} },
  { {1400, 12, 29},{2022, 3, 20} },
  { {1401, 1, 1},  {2022, 3, 21} },
  { {1402, 1, 1},  {2023, 3, 21} },
  { {1403, 1, 1},  {2024, 3, 20} },
  { {1403, 12, 30},{2025, 3, 20} },   /* 1403 is leap */
  { {1404, 1, 1},  {2025, 3, 21} },
  { {1348, 10, 11},{1970, 1, 1} },    /* the Unix epoch */
  { {1357, 11, 22},{1979, 2, 11} },
  { {1399, 6, 31}, {2020, 9, 21} },
  { {1399, 7, 1},  {2020, 9, 22} },
};
#define N_VEC (int)(sizeof(aVec)/sizeof(aVec[0]))

static void test_vectors_reference(void **state){
  int i;
  (void)state;
  /* the fixed vectors hold for the independent converter too */
  for(i=0; i<N_VEC; i++){
    Date g = ref_d2g(ref_j2d(aVec[i].j));
    Date j = ref_d2j(ref_g2d(aVec[i].g.y, aVec[i].g.m, aVec[i].g.d));
    assert_int_equal(g.y, aVec[i].g.y);
    assert_int_equal(g.m, aVec[i].g.m);
    assert_int_equal(g.d, aVec[i].g.d);
    assert_int_equal(j.y, aVec[i].j.y);
    assert_int_equal(j.m, aVec[i].j.m);
    assert_int_equal(j.d, aVec[i].j.d);
  }
}

static void test_vectors_both_ways(void **state){
  int i;
  (void)state;
  for(i=0; i<N_VEC; i++){
    Date g = {0, 0, 0}, j = {0, 0, 0};
    assert_int_equal(jalali_to_gregorian(aVec[i].j, &g), 0);
    assert_int_equal(g.y, aVec[i].g.y);
    assert_int_equal(g.m, aVec[i].g.m);
    assert_int_equal(g.d, aVec[i].g.d);
    assert_int_equal(jalali_from_gregorian(aVec[i].g, &j), 0);
    assert_int_equal(j.y, aVec[i].j.y);
    assert_int_equal(j.m, aVec[i].j.m);
    assert_int_equal(j.d, aVec[i].j.d);
  }
}

static void test_every_day(void **state){
  int jdn, jdnEnd = ref_g2d(2100, 12, 31);
  (void)state;
  for(jdn=ref_g2d(1900, 1, 1); jdn<=jdnEnd; jdn++){
    Date gWant = ref_d2g(jdn), jWant = ref_d2j(jdn), j, g;
    assert_int_equal(jalali_from_gregorian(gWant, &j), 0);
    if( j.y!=jWant.y || j.m!=jWant.m || j.d!=jWant.d ){
      fail_msg("%04d-%02d-%02d: ICU %d/%d/%d, reference %d/%d/%d", gWant.y,
               gWant.m, gWant.d, j.y, j.m, j.d, jWant.y, jWant.m, jWant.d);
    }
    assert_int_equal(jalali_to_gregorian(jWant, &g), 0);
    assert_int_equal(g.y, gWant.y);
    assert_int_equal(g.m, gWant.m);
    assert_int_equal(g.d, gWant.d);
  }
}

static void test_invalid(void **state){
  static const Date aBad[] = {
    {1400, 12, 30}, {1404, 12, 30}, {1399, 13, 1}, {1399, 0, 1},
    {1399, 7, 31}, {1399, 1, 32}, {1399, 1, 0}, {1399, 7, -1}, {0, 1, 1},
  };
  static const Date aBadG[] = {
    {2021, 2, 29}, {2020, 2, 30}, {2020, 13, 1}, {2020, 4, 31}, {1900, 2, 29},
    {2020, 0, 5},
  };
  Date g = {1, 2, 3}, j = {1, 2, 3};
  size_t i;
  (void)state;
  for(i=0; i<sizeof(aBad)/sizeof(aBad[0]); i++){
    assert_int_equal(jalali_to_gregorian(aBad[i], &g), -1);
  }
  for(i=0; i<sizeof(aBadG)/sizeof(aBadG[0]); i++){
    assert_int_equal(jalali_from_gregorian(aBadG[i], &j), -1);
  }
  assert_int_equal(g.y, 1);
  assert_int_equal(j.y, 1);
  j = (Date){2000, 2, 29};
  assert_int_equal(jalali_from_gregorian(j, &g), 0);   /* 2000 is leap */
}

static void test_month_days(void **state){
  int m;
  (void)state;
  for(m=1; m<=6; m++) assert_int_equal(jalali_month_days(1402, m), 31);
  for(m=7; m<=11; m++) assert_int_equal(jalali_month_days(1402, m), 30);
  assert_int_equal(jalali_month_days(1399, 12), 30);
  assert_int_equal(jalali_month_days(1400, 12), 29);
  assert_int_equal(jalali_month_days(1403, 12), 30);
  assert_int_equal(jalali_month_days(1404, 12), 29);
  assert_int_equal(jalali_month_days(1402, 0), 0);
  assert_int_equal(jalali_month_days(1402, 13), 0);
  assert_true(jalali_is_leap(1399));
  assert_true(jalali_is_leap(1403));
  assert_true(jalali_is_leap(1408));
  assert_false(jalali_is_leap(1400));
  assert_false(jalali_is_leap(1401));
  assert_false(jalali_is_leap(1402));
  assert_false(jalali_is_leap(1404));
}

static void test_parse(void **state){
  static const char *const aGood[] = {
    "1399/07/14", "۱۳۹۹/۰۷/۱۴", "1399-07-14", "1399/7/14", "١٣٩٩/٠٧/١٤",
    " 1399/07/14 ", "۱۳۹۹-۷-۱۴", ("\xe2\x80\x8f" "1399/07/14"),
  };
  static const char *const aBad[] = {
    "", "garbage", "1399/13/01", "1399/00/10", "1399/07/00", "1399/07/31",
    "1400/12/30", "1399/07-14", "99/07/14", "13990/07/14", "1399/007/14",
    "1399/07/14x", "1399//14", "1399/07/", "1399 07 14", "1399.07.14",
    "1399/07/14/1", ("\xff" "1399/07/14"),
  };
  Date j;
  size_t i;
  (void)state;
  for(i=0; i<sizeof(aGood)/sizeof(aGood[0]); i++){
    memset(&j, 0, sizeof(j));
    if( jalali_parse(aGood[i], &j) ) fail_msg("rejected: %s", aGood[i]);
    assert_int_equal(j.y, 1399);
    assert_int_equal(j.m, 7);
    assert_int_equal(j.d, 14);
  }
  for(i=0; i<sizeof(aBad)/sizeof(aBad[0]); i++){
    if( jalali_parse(aBad[i], &j)==0 ) fail_msg("accepted: %s", aBad[i]);
  }
  assert_int_equal(jalali_parse(0, &j), -1);
  assert_int_equal(jalali_parse("1399/12/30", &j), 0);
  assert_int_equal(jalali_parse("1403/12/30", &j), 0);
}

static void test_to_iso(void **state){
  char *z;
  (void)state;
  z = jalali_to_iso("۱۳۹۹/۰۷/۱۴");
  assert_string_equal(z, "2020-10-05");
  free(z);
  z = jalali_to_iso("1403/12/30");
  assert_string_equal(z, "2025-03-20");
  free(z);
  z = jalali_to_iso("1399/12/30");
  assert_string_equal(z, "2021-03-20");
  free(z);
  assert_null(jalali_to_iso("1400/12/30"));
  assert_null(jalali_to_iso("garbage"));
}

static void test_iso_parse(void **state){
  Date g;
  (void)state;
  assert_int_equal(iso_parse("2020-10-05", &g), 0);
  assert_int_equal(g.y, 2020);
  assert_int_equal(g.m, 10);
  assert_int_equal(g.d, 5);
  assert_int_equal(iso_parse("2020-02-29T08:20:00Z", &g), 0);
  assert_int_equal(g.d, 29);
  assert_int_equal(iso_parse("2020-02-29 08:20", &g), 0);
  assert_int_equal(iso_parse("2021-02-29", &g), -1);
  assert_int_equal(iso_parse("2020-13-01", &g), -1);
  assert_int_equal(iso_parse("2020-1-05", &g), -1);
  assert_int_equal(iso_parse("2020-10-05x", &g), -1);
  assert_int_equal(iso_parse("2020/10/05", &g), -1);
  assert_int_equal(iso_parse("", &g), -1);
}

static void test_format(void **state){
  Buf b = {0};
  (void)state;
  jalali_format(&b, (Date){1399, 7, 14}, 1);
  assert_string_equal(b.z, "۱۳۹۹/۰۷/۱۴");
  buf_reset(&b);
  jalali_format(&b, (Date){1399, 7, 14}, 0);
  assert_string_equal(b.z, "1399/07/14");
  buf_reset(&b);
  jalali_format(&b, (Date){1403, 12, 30}, 1);
  assert_string_equal(b.z, "۱۴۰۳/۱۲/۳۰");
  buf_free(&b);
}

static void test_format_iso(void **state){
  static const char *const a[][3] = {
    /* ISO, Persian digits, ASCII digits */
    { "2020-10-05", "۱۳۹۹/۰۷/۱۴", "1399/07/14" },
    { "2020-10-05T08:20:00Z", "۱۳۹۹/۰۷/۱۴ ۱۱:۵۰", "1399/07/14 11:50" },
    { "2020-10-05T08:20:00.123Z", "۱۳۹۹/۰۷/۱۴ ۱۱:۵۰", "1399/07/14 11:50" },
    /* crosses midnight in Tehran */
    { "2020-10-05T21:00:00Z", "۱۳۹۹/۰۷/۱۵ ۰۰:۳۰", "1399/07/15 00:30" },
    /* Iran kept summer time (+04:30) until 2022 */
    { "2020-06-01T08:00:00Z", "۱۳۹۹/۰۳/۱۲ ۱۲:۳۰", "1399/03/12 12:30" },
    { "2024-06-01T08:00:00Z", "۱۴۰۳/۰۳/۱۲ ۱۱:۳۰", "1403/03/12 11:30" },
    /* an explicit offset is an instant too */
    { "2020-10-05T11:50:00+03:30", "۱۳۹۹/۰۷/۱۴ ۱۱:۵۰", "1399/07/14 11:50" },
    { "2020-10-05T00:00:00-05:00", "۱۳۹۹/۰۷/۱۴ ۰۸:۳۰", "1399/07/14 08:30" },
    /* no zone: local time, shown as written */
    { "2020-10-05 08:20", "۱۳۹۹/۰۷/۱۴ ۰۸:۲۰", "1399/07/14 08:20" },
    { "2020-10-05T23:59:59", "۱۳۹۹/۰۷/۱۴ ۲۳:۵۹", "1399/07/14 23:59" },
  };
  static const char *const aBad[] = {
    "bad", "", "2020-10-05T", "2020-10-05T25:00Z", "2020-10-05T08:20Zx",
    "2020-10-05T8:20Z", "2021-02-29", "2020-10-05T08:60:00Z",
  };
  Buf b = {0};
  size_t i;
  (void)state;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    buf_reset(&b);
    assert_int_equal(jalali_format_iso(&b, a[i][0], 1), 0);
    assert_string_equal(b.z, a[i][1]);
    buf_reset(&b);
    assert_int_equal(jalali_format_iso(&b, a[i][0], 0), 0);
    assert_string_equal(b.z, a[i][2]);
  }
  for(i=0; i<sizeof(aBad)/sizeof(aBad[0]); i++){
    buf_reset(&b);
    if( jalali_format_iso(&b, aBad[i], 1)!=-1 ) fail_msg("accepted: %s", aBad[i]);
    assert_int_equal(b.n, 0);
  }
  buf_free(&b);
}

static void test_month_name(void **state){
  (void)state;
  assert_string_equal(jalali_month_name(1), "فروردین");
  assert_string_equal(jalali_month_name(2), "اردیبهشت");
  assert_string_equal(jalali_month_name(7), "مهر");
  assert_string_equal(jalali_month_name(10), "دی");
  assert_string_equal(jalali_month_name(12), "اسفند");
  assert_string_equal(jalali_month_name(0), "");
  assert_string_equal(jalali_month_name(13), "");
}

static void test_today(void **state){
  Date j, jLo, jHi, g;
  time_t t = time(0);
  struct tm tmLo, tmHi;
  time_t tLo = t - 86400, tHi = t + 86400;
  (void)state;
  jalali_today(&j);
  assert_true(j.y>=1403);
  assert_true(j.m>=1 && j.m<=12);
  assert_true(j.d>=1 && j.d<=jalali_month_days(j.y, j.m));
  /* between yesterday and tomorrow (UTC) */
  gmtime_r(&tLo, &tmLo);
  gmtime_r(&tHi, &tmHi);
  g = (Date){tmLo.tm_year + 1900, tmLo.tm_mon + 1, tmLo.tm_mday};
  assert_int_equal(jalali_from_gregorian(g, &jLo), 0);
  g = (Date){tmHi.tm_year + 1900, tmHi.tm_mon + 1, tmHi.tm_mday};
  assert_int_equal(jalali_from_gregorian(g, &jHi), 0);
  assert_true(ref_j2d(j)>=ref_j2d(jLo) && ref_j2d(j)<=ref_j2d(jHi));
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_vectors_reference),
    cmocka_unit_test(test_vectors_both_ways),
    cmocka_unit_test(test_every_day),
    cmocka_unit_test(test_invalid),
    cmocka_unit_test(test_month_days),
    cmocka_unit_test(test_parse),
    cmocka_unit_test(test_to_iso),
    cmocka_unit_test(test_iso_parse),
    cmocka_unit_test(test_format),
    cmocka_unit_test(test_format_iso),
    cmocka_unit_test(test_month_name),
    cmocka_unit_test(test_today),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
