/*
** test_survey.c — unit tests for the pure parts of external scores:
** survey shrinkage, intervals, answer-time parsing, its day cache and
** its inverse,
** association score rules and window, ruling states.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/association.h"
#include "domain/ruling.h"
#include "domain/survey.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* (w*m + sum) / (w + n), and the corner cases. */
static void test_shrunk(void **state){
  (void)state;
  /* 4 answers of 5 with prior 3.5 weighted 20: (70 + 20) / 24 */
  NEAR(survey_shrunk(4, 20, 3.5, 20), 90.0/24.0);
  /* no answers: the prior mean */
  NEAR(survey_shrunk(0, 0, 3.2, 20), 3.2);
  /* no prior weight: the plain mean */
  NEAR(survey_shrunk(10, 41, 3.0, 0), 4.1);
  /* no answers and no weight: the prior */
  NEAR(survey_shrunk(0, 0, 3.0, 0), 3.0);
  /* many answers: the office's own mean dominates */
  assert_true(fabs(survey_shrunk(100000, 450000, 3.0, 20) - 4.5) < 0.001);
  /* a handful of 5s cannot reach the top, a handful of 1s not the bottom */
  assert_true(survey_shrunk(3, 15, 3.4, 20) < 3.7);
  assert_true(survey_shrunk(3, 3, 3.4, 20) > 3.0);
  /* a negative weight counts as none */
  NEAR(survey_shrunk(2, 8, 3.0, -5), 4.0);
}

static void test_interval(void **state){
  double lo, hi;
  (void)state;
  survey_interval(0, 0, 0, &lo, &hi);
  NEAR(lo, 1); NEAR(hi, 5);
  survey_interval(1, 4, 16, &lo, &hi);
  NEAR(lo, 1); NEAR(hi, 5);
  /* ratings 3,4,5: mean 4, sd 1, half-width 1.96/sqrt(3) */
  survey_interval(3, 12, 50, &lo, &hi);
  NEAR(lo, 4 - 1.96/sqrt(3.0));
  NEAR(hi, 5);                         /* 5.13 clipped to the scale */
  /* ratings 2,3,4,3: mean 3, sd sqrt(2/3) */
  survey_interval(4, 12, 38, &lo, &hi);
  NEAR(lo, 3 - 1.96*sqrt(2.0/3.0)/2);
  NEAR(hi, 3 + 1.96*sqrt(2.0/3.0)/2);
  /* all the same: zero width */
  survey_interval(4, 20, 100, &lo, &hi);
  NEAR(lo, 5); NEAR(hi, 5);
  /* clipped to the scale */
  survey_interval(2, 6, 26, &lo, &hi);
  NEAR(lo, 1);
}

static void test_percent(void **state){
  (void)state;
  NEAR(survey_percent(1), 0);
  NEAR(survey_percent(5), 100);
  NEAR(survey_percent(3), 50);
  NEAR(survey_percent(4.2), 80);
  NEAR(survey_percent(0.5), 0);
}

static void test_period_days(void **state){
  Date a, b;
  (void)state;
  assert_int_equal(survey_period_days("1399-1", &a, &b), 0);
  assert_int_equal(a.y*10000 + a.m*100 + a.d, 13990101);
  assert_int_equal(b.y*10000 + b.m*100 + b.d, 13990631);
  assert_int_equal(survey_period_days("1399-2", &a, &b), 0);
  assert_int_equal(a.m*100 + a.d, 701);
  assert_int_equal(b.m*100 + b.d, 1230);     /* 1399 is a leap year */
  assert_int_equal(survey_period_days("1400-2", &a, &b), 0);
  assert_int_equal(b.m*100 + b.d, 1229);
  assert_int_equal(survey_period_days("1399-3", &a, &b), -1);
  assert_int_equal(survey_period_days("1399", &a, &b), -1);
  assert_int_equal(survey_period_days(0, &a, &b), -1);
}

/* Parse z; return the ISO text or the message. */
static const char *parse(SurveyDayCache *pC, const char *z, char zIso[21]){
  Date d;
  const char *zMsg = 0;
  if( survey_parse_time(pC, z, strlen(z), zIso, &d, &zMsg) ) return zMsg;
  return zIso;
}

static void test_parse_time(void **state){
  SurveyDayCache *pC = survey_cache_new();
  char z[21];
  (void)state;
  /* 1 Farvardin 1399 = 2020-03-20, still +03:30 (DST began at its end) */
  assert_string_equal(parse(pC, "1399/01/01 08:00:00", z), "2020-03-20T04:30:00Z");
  /* summer: +04:30 */
  assert_string_equal(parse(pC, "1399/03/15 14:22:05", z), "2020-06-04T09:52:05Z");
  /* after 30 Shahrivar: +03:30 again */
  assert_string_equal(parse(pC, "1399/07/01 10:00", z), "2020-09-22T06:30:00Z");
  /* early morning falls on the previous UTC day */
  assert_string_equal(parse(pC, "1399/03/15 02:00", z), "2020-06-03T21:30:00Z");
  /* other spellings */
  assert_string_equal(parse(pC, "1399-3-15T14:22:05", z), "2020-06-04T09:52:05Z");
  assert_string_equal(parse(pC, "۱۳۹۹/۰۳/۱۵ ۱۴:۲۲:۰۵", z), "2020-06-04T09:52:05Z");
  assert_string_equal(parse(pC, " 1399/03/15 14:22 ", z), "2020-06-04T09:52:00Z");
  /* errors */
  assert_non_null(strstr(parse(pC, "1399/03/15", z), "not a Jalali date and time"));
  assert_string_equal(parse(pC, "2020-06-04 10:00", z), "no such Jalali date");
  assert_string_equal(parse(pC, "1399/07/31 10:00", z), "no such Jalali date");
  assert_string_equal(parse(pC, "1399/13/01 10:00", z), "no such Jalali date");
  assert_string_equal(parse(pC, "1399/03/15 24:00", z), "time of day out of range");
  assert_string_equal(parse(pC, "1399/03/15 12:60", z), "time of day out of range");
  assert_non_null(strstr(parse(pC, "1399/03/15 12:5", z), "not a Jalali"));
  assert_non_null(strstr(parse(pC, "1399/03/15 12:05:07x", z), "not a Jalali"));
  assert_non_null(strstr(parse(pC, "", z), "not a Jalali"));
  survey_cache_free(pC);
}

/* The day cache asks ICU once per distinct day. */
static void test_day_cache(void **state){
  SurveyDayCache *pC = survey_cache_new();
  char z[21], zIn[64];
  int i;
  (void)state;
  for(i=0; i<10000; i++){
    snprintf(zIn, sizeof zIn, "1399/%02d/%02d %02d:%02d", 1 + (i%3), 1 + (i%5), i%24, i%60);
    assert_int_equal(z == parse(pC, zIn, z), 1);
  }
  assert_int_equal(survey_cache_misses(pC), 15);
  /* without a cache it still works */
  assert_string_equal(parse(0, "1399/03/15 14:22:05", z), "2020-06-04T09:52:05Z");
  survey_cache_free(pC);
}

/* Parse z, format the time back: the same text (seconds always shown). */
static const char *roundTrip(SurveyDayCache *pC, const char *z, char zOut[20]){
  char zIso[21];
  Date d;
  const char *zMsg;
  long long t;
  int y, mo, dd, h, mi, sec;
  if( survey_parse_time(pC, z, strlen(z), zIso, &d, &zMsg) ) return zMsg;
  sscanf(zIso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &dd, &h, &mi, &sec);
  /* days from civil (H. Hinnant) */
  {
    long long yy = mo<=2 ? y - 1 : y;
    long long era = yy / 400;
    unsigned yoe = (unsigned)(yy - era*400);
    unsigned doy = (unsigned)((153*(mo>2 ? mo - 3 : mo + 9) + 2)/5 + dd - 1);
    unsigned doe = yoe*365 + yoe/4 - yoe/100 + doy;
    t = (era*146097 + (long long)doe - 719468)*86400 + h*3600 + mi*60 + sec;
  }
  if( survey_format_time(pC, t, zOut) ) return "format failed";
  return zOut;
}

/* survey_format_time() is the inverse of survey_parse_time(), also around
** Tehran's clock changes (1399/01/02 00:00 forward, 1399/06/31 24:00 back). */
static void test_format_time(void **state){
  SurveyDayCache *pC = survey_cache_new();
  char z[20];
  static const char *az[] = {
    "1399/03/15 14:22:05", "1399/01/01 00:00:00", "1399/01/01 23:30:00",
    "1399/01/01 23:59:59", "1399/01/02 01:00:00", "1399/01/02 12:00:00",
    "1399/06/30 23:59:59", "1399/06/31 00:00:00", "1399/06/31 23:30:00",
    "1399/06/31 23:59:59", "1399/07/01 00:00:00", "1399/07/01 00:30:00",
    "1399/12/30 23:59:59", "1400/01/01 00:00:00", "1403/12/30 12:00:00",
    "1350/05/05 05:05:05", "1402/07/01 08:00:00",
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(az)/sizeof(az[0]); i++){
    assert_string_equal(roundTrip(pC, az[i], z), az[i]);
  }
  /* a UTC second known from the parser's test: 2020-06-04T09:52:05Z */
  assert_int_equal(survey_format_time(pC, 1591264325LL, z), 0);
  assert_string_equal(z, "1399/03/15 14:22:05");
  survey_cache_free(pC);
}

static void test_association_score(void **state){
  AssocRule r = { 0, 20, 1 };
  double v;
  (void)state;
  assert_int_equal(association_parse_score(&r, "15", &v), 0);
  NEAR(v, 15);
  assert_int_equal(association_parse_score(&r, "۱۸", &v), 0);
  NEAR(v, 18);
  assert_int_equal(association_parse_score(&r, "0", &v), 0);
  assert_int_equal(association_parse_score(&r, "20", &v), 0);
  assert_int_equal(association_parse_score(&r, "21", &v), ASSOC_ESCORE);
  assert_int_equal(association_parse_score(&r, "-1", &v), ASSOC_ESCORE);
  assert_int_equal(association_parse_score(&r, "12.5", &v), ASSOC_ESCORE);
  assert_int_equal(association_parse_score(&r, "abc", &v), ASSOC_ESCORE);
  assert_int_equal(association_parse_score(&r, "", &v), ASSOC_ESCORE);
  r.bInteger = 0;
  assert_int_equal(association_parse_score(&r, "12.5", &v), 0);
  NEAR(v, 12.5);
}

static void test_association_window(void **state){
  Period p;
  (void)state;
  memset(&p, 0, sizeof p);
  strcpy(p.zDeclareFrom, "2020-10-05");
  strcpy(p.zDeclareTo, "2020-11-04");
  strcpy(p.zReviewTo, "2020-11-25");
  p.state = PS_DECLARING;
  assert_int_equal(association_window_open(&p, "2020-10-04T20:29:59Z"), 0); /* 10-04 23:59 Tehran */
  assert_int_equal(association_window_open(&p, "2020-10-04T20:30:00Z"), 1); /* 10-05 00:00 Tehran */
  assert_int_equal(association_window_open(&p, "2020-11-25T20:29:59Z"), 1);
  assert_int_equal(association_window_open(&p, "2020-11-25T20:30:00Z"), 0);
  p.state = PS_REVIEWING;
  assert_int_equal(association_window_open(&p, "2020-11-20T08:00:00Z"), 1);
  p.state = PS_RANKED;
  assert_int_equal(association_window_open(&p, "2020-11-20T08:00:00Z"), 0);
  p.state = PS_DRAFT;
  assert_int_equal(association_window_open(&p, "2020-11-20T08:00:00Z"), 0);
}

static void test_ruling_states(void **state){
  (void)state;
  assert_int_equal(ruling_state_valid("final"), 1);
  assert_int_equal(ruling_state_valid("under_appeal"), 1);
  assert_int_equal(ruling_state_valid("overturned"), 1);
  assert_int_equal(ruling_state_valid("pending"), 0);
  assert_int_equal(ruling_state_valid(0), 0);
  assert_int_equal(ruling_transition_ok("under_appeal", "final"), 1);
  assert_int_equal(ruling_transition_ok("under_appeal", "overturned"), 1);
  assert_int_equal(ruling_transition_ok("final", "under_appeal"), 1);
  assert_int_equal(ruling_transition_ok("final", "overturned"), 1);
  assert_int_equal(ruling_transition_ok("final", "final"), 0);
  assert_int_equal(ruling_transition_ok("overturned", "final"), 0);
  assert_int_equal(ruling_transition_ok("overturned", "under_appeal"), 0);
  /* only final by the period's end counts */
  assert_int_equal(ruling_counts("final", "2020-09-21", "2020-09-21"), 1);
  assert_int_equal(ruling_counts("final", "2020-09-22", "2020-09-21"), 0);
  assert_int_equal(ruling_counts("under_appeal", "", "2020-09-21"), 0);
  assert_int_equal(ruling_counts("overturned", "", "2020-09-21"), 0);
  assert_int_equal(ruling_counts("final", "", "2020-09-21"), 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_shrunk),
    cmocka_unit_test(test_interval),
    cmocka_unit_test(test_percent),
    cmocka_unit_test(test_period_days),
    cmocka_unit_test(test_parse_time),
    cmocka_unit_test(test_day_cache),
    cmocka_unit_test(test_format_time),
    cmocka_unit_test(test_association_score),
    cmocka_unit_test(test_association_window),
    cmocka_unit_test(test_ruling_states),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
