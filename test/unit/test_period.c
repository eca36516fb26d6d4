/*
** test_period.c — unit tests for the pure parts of src/domain/period.c:
** the office window around midnight Tehran time (with and without DST),
** extensions, states, codes and dates.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/period.h"

/* A declaring period with the window [zFrom, zTo] (ISO dates). */
static void mk(Period *p, const char *zFrom, const char *zTo, PeriodState e){
  memset(p, 0, sizeof *p);
  strcpy(p->zCode, "1399-1");
  strcpy(p->zDeclareFrom, zFrom);
  strcpy(p->zDeclareTo, zTo);
  strcpy(p->zReviewTo, "2099-01-01");
  p->state = e;
}

/* Summer 1399: Tehran at UTC+04:30. 1399/05/01 = 2020-07-22, 1399/05/31 = 2020-08-21. */
static void test_edges_dst(void **state){
  Period p;
  (void)state;
  mk(&p, "2020-07-22", "2020-08-21", PS_DECLARING);
  /* opens at 00:00 Tehran on the first day = 19:30Z the day before */
  assert_int_equal(period_window_open(&p, "2020-07-21T19:29:59Z", 0), 0);
  assert_int_equal(period_window_open(&p, "2020-07-21T19:30:00Z", 0), 1);
  /* inclusive of the whole last day: closes at 24:00 Tehran = 19:30Z */
  assert_int_equal(period_window_open(&p, "2020-08-21T19:29:59Z", 0), 1);
  assert_int_equal(period_window_open(&p, "2020-08-21T19:30:00Z", 0), 0);
  /* UTC midnight is not the edge */
  assert_int_equal(period_window_open(&p, "2020-08-21T23:59:59Z", 0), 0);
  assert_int_equal(period_window_open(&p, "2020-08-22T00:00:00Z", 0), 0);
}

/* Winter: UTC+03:30. 1399/11/01 = 2021-01-20, 1399/11/30 = 2021-02-18. */
static void test_edges_winter(void **state){
  Period p;
  (void)state;
  mk(&p, "2021-01-20", "2021-02-18", PS_DECLARING);
  assert_int_equal(period_window_open(&p, "2021-01-19T20:29:59Z", 0), 0);
  assert_int_equal(period_window_open(&p, "2021-01-19T20:30:00Z", 0), 1);
  assert_int_equal(period_window_open(&p, "2021-02-18T20:29:59Z", 0), 1);
  assert_int_equal(period_window_open(&p, "2021-02-18T20:30:00Z", 0), 0);
}

/* Iran stopped DST in 1402 (2023): Tehran is UTC+03:30 all year. */
static void test_edges_no_dst(void **state){
  char z[11];
  (void)state;
  assert_int_equal(period_tehran_date("2023-07-01T20:29:59Z", z), 0);
  assert_string_equal(z, "2023-07-01");
  assert_int_equal(period_tehran_date("2023-07-01T20:30:00Z", z), 0);
  assert_string_equal(z, "2023-07-02");
  assert_int_equal(period_tehran_date("2020-07-01T19:30:00Z", z), 0);
  assert_string_equal(z, "2020-07-02");
  assert_int_equal(period_tehran_date_plus("2020-08-21T19:30:00Z", 10, z), 0);
  assert_string_equal(z, "2020-09-01");
  assert_int_equal(period_tehran_date("yesterday", z), -1);
}

static void test_states_and_extension(void **state){
  Period p;
  (void)state;
  mk(&p, "2020-07-22", "2020-08-21", PS_DRAFT);
  assert_int_equal(period_window_open(&p, "2020-08-01T08:00:00Z", 0), 0);
  p.state = PS_DECLARING;
  assert_int_equal(period_window_open(&p, "2020-08-01T08:00:00Z", 0), 1);
  p.state = PS_REVIEWING;
  assert_int_equal(period_window_open(&p, "2020-08-01T08:00:00Z", 0), 0);
  /* an office's extension: inclusive of its last day, also while reviewing */
  assert_int_equal(period_window_open(&p, "2020-08-24T19:29:59Z", "2020-08-24"), 1);
  assert_int_equal(period_window_open(&p, "2020-08-24T19:30:00Z", "2020-08-24"), 0);
  p.state = PS_RANKED;
  assert_int_equal(period_window_open(&p, "2020-08-23T08:00:00Z", "2020-08-24"), 0);
  p.state = PS_DECLARING;
  assert_int_equal(period_window_open(&p, "not a time", 0), 0);
}

static void test_codes_and_dates(void **state){
  char z[11];
  (void)state;
  assert_true(period_code_valid("1399-1"));
  assert_true(period_code_valid("1401-2"));
  assert_false(period_code_valid("1399-3"));
  assert_false(period_code_valid("99-1"));
  assert_false(period_code_valid("1399-1 "));
  assert_false(period_code_valid(0));
  assert_int_equal(period_parse_date("1399/05/01", z), 0);
  assert_string_equal(z, "2020-07-22");
  assert_int_equal(period_parse_date("۱۳۹۹/۰۵/۳۱", z), 0);
  assert_string_equal(z, "2020-08-21");
  assert_int_equal(period_parse_date("2020-08-21", z), 0);
  assert_string_equal(z, "2020-08-21");
  assert_int_equal(period_parse_date("1399/12/30", z), 0);   /* 1399 is leap */
  assert_int_equal(period_parse_date("1400/12/30", z), -1);
  assert_int_equal(period_parse_date("2021-02-30", z), -1);
  assert_int_equal(period_parse_date("", z), -1);
  assert_int_equal(period_state_from_code("reviewing"), PS_REVIEWING);
  assert_int_equal(period_state_from_code("nope"), PS_COUNT);
  assert_string_equal(period_state_code(PS_PUBLISHED), "published");
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_edges_dst),
    cmocka_unit_test(test_edges_winter),
    cmocka_unit_test(test_edges_no_dst),
    cmocka_unit_test(test_states_and_extension),
    cmocka_unit_test(test_codes_and_dates),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
