/*
** test_scheme.c — unit tests for src/domain/scheme.c: the default scheme,
** each kind of error with its JSON path, points, ranks, the canonical hash.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/scheme.h"

/* A small valid scheme; %s slots let tests swap one part. */
#define MINI_HEAD "{\"name\":\"t\",\"indicators\":["
#define MINI_IND0 "{\"key\":\"area\",\"label\":\"a\",\"source\":\"declared\",\"kind\":\"number\"," \
                  "\"min\":0,\"max\":1000,\"document\":\"required\",\"bands\":[" \
                  "{\"min\":0,\"max\":20,\"points\":0},{\"min\":20,\"max\":null,\"points\":10}]}"
#define MINI_TAIL "],\"penalties\":[{\"kind\":\"overcharging\",\"label\":\"o\",\"points\":-10}," \
                  "{\"kind\":\"moved\",\"label\":\"m\",\"points\":0,\"revokes\":true}]," \
                  "\"thresholds\":{\"urban\":{\"rank1\":70,\"rank2\":50},\"rural_ict\":{\"rank1\":60,\"rank2\":40}}," \
                  "\"non_participant\":{\"score\":0,\"rank\":3},\"objection_days\":10," \
                  "\"service_caps\":{\"1\":1.0,\"2\":0.7,\"3\":0.3}}"

/* Parse z; return the number of errors and keep the message in *pzErr. */
static int parse(const char *z, Scheme *p, char **pzErr){
  return scheme_parse(z, strlen(z), p, pzErr);
}

/* Assert that zJson fails with an error line equal to zWant. */
static void expectError(const char *zJson, const char *zWant){
  Scheme s;
  char *zErr = 0;
  int n = parse(zJson, &s, &zErr);
  assert_true(n>0);
  assert_non_null(zErr);
  if( strstr(zErr, zWant)==0 ){
    fprintf(stderr, "wanted: %s\n   got: %s\n", zWant, zErr);
    fail();
  }
  free(zErr);
}

static void test_default_scheme(void **state){
  Scheme s;
  char *zErr = 0;
  const Indicator *pI;
  IndValue v;
  (void)state;
  assert_int_equal(parse(scheme_default_json(), &s, &zErr), 0);
  assert_null(zErr);
  assert_int_equal(s.nInd, 9);
  assert_true(s.bAssumption);
  assert_true(s.maxScore==100);
  assert_int_equal(s.nonParticipantRank, 3);
  assert_true(s.aServiceCap[0]==1.0 && s.aServiceCap[1]==0.7 && s.aServiceCap[2]==0.3);
  assert_true(s.surveyPriorWeight==20);
  assert_int_equal(s.objectionDays, 10);
  pI = scheme_indicator(&s, "insured_staff");
  assert_non_null(pI);
  assert_int_equal(pI->source, SRC_ROSTER);
  assert_int_equal(pI->roster, ROSTER_INSURED);
  memset(&v, 0, sizeof v); v.bSet = 1; v.v = 3;
  assert_true(scheme_points(pI, &v)==9);
  v.v = 7;
  assert_true(scheme_points(pI, &v)==12);            /* capped */
  pI = scheme_indicator(&s, "floor_area");
  v.v = 19.99; assert_true(scheme_points(pI, &v)==0);
  v.v = 20;    assert_true(scheme_points(pI, &v)==4);  /* [min, max) */
  v.v = 5000;  assert_true(scheme_points(pI, &v)==10); /* open band */
  pI = scheme_indicator(&s, "accessibility");
  v.v = 0; assert_true(scheme_points(pI, &v)==-5);
  v.v = 1; assert_true(scheme_points(pI, &v)==8);
  pI = scheme_indicator(&s, "location");
  v.iChoice = scheme_choice_index(pI, "ground_main");
  assert_true(scheme_points(pI, &v)==6);
  v.bSet = 0; assert_true(scheme_points(pI, &v)==0);
  assert_true(scheme_penalty(&s, "unapproved_address")->bRevokes);
  assert_true(scheme_penalty(&s, "forgery")->points==-20);
  assert_int_equal(scheme_rank(&s, "urban", 70), 1);
  assert_int_equal(scheme_rank(&s, "urban", 69.99), 2);
  assert_int_equal(scheme_rank(&s, "rural_ict", 49), 3);
  assert_int_equal(scheme_rank(&s, "kiosk", 99), 0);
  assert_int_equal((int)strlen(s.zHash), 64);
  scheme_clear(&s);
}

/* The hash depends on the content, not on layout or key order. */
static void test_hash_canonical(void **state){
  Scheme a, b, c;
  char *zErr = 0;
  const char *z1 = MINI_HEAD MINI_IND0 MINI_TAIL;
  char *z2 = malloc(strlen(z1) + 200);
  (void)state;
  /* same content, with white space and "format" spelled out */
  sprintf(z2, "{ \"format\" : 1 , %s", z1 + 1);
  assert_int_equal(parse(z1, &a, &zErr), 0);
  assert_int_equal(parse(z2, &b, &zErr), 0);
  assert_string_equal(a.zHash, b.zHash);
  strcpy(z2, z1);
  *strstr(z2, "\"points\":10") = 0;
  strcat(z2, "\"points\":11}]}" MINI_TAIL);
  assert_int_equal(parse(z2, &c, &zErr), 0);
  assert_string_not_equal(a.zHash, c.zHash);
  scheme_clear(&a); scheme_clear(&b); scheme_clear(&c);
  free(z2);
}

static void test_errors_with_paths(void **state){
  (void)state;
  expectError("{\"name\":", "line 1, column");
  expectError("[]", "(top): a scheme must be a JSON object");
  /* the example: bands out of order */
  expectError(MINI_HEAD MINI_IND0 ",{\"key\":\"b\",\"label\":\"b\",\"source\":\"declared\",\"kind\":\"count\",\"points_each\":1,\"cap\":2},"
              "{\"key\":\"c\",\"label\":\"c\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0},"
              "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"number\",\"bands\":["
              "{\"min\":10,\"max\":20,\"points\":1},{\"min\":5,\"max\":30,\"points\":2}]}" MINI_TAIL,
              "indicators[3].bands[1].min: must be greater than the previous band");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"number\",\"bands\":["
              "{\"min\":10,\"max\":5,\"points\":1}]}" MINI_TAIL,
              "indicators[0].bands[0].max: must be greater than min");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"number\",\"bands\":["
              "{\"min\":0,\"points\":1},{\"min\":5,\"max\":9,\"points\":2}]}" MINI_TAIL,
              "indicators[0].bands[0].max: required (only the last band may be open-ended)");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"number\",\"bands\":[]}" MINI_TAIL,
              "indicators[0].bands: must be a non-empty array");
  expectError(MINI_HEAD "{\"key\":\"D-1\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0}" MINI_TAIL,
              "indicators[0].key: \"D-1\": only a-z, 0-9 and '_', starting with a letter");
  expectError(MINI_HEAD MINI_IND0 "," MINI_IND0 MINI_TAIL,
              "indicators[1].key: \"area\" appears twice (also indicators[0])");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"gossip\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0}" MINI_TAIL,
              "indicators[0].source: must be one of declared, roster, registry, association, survey");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"slider\"}" MINI_TAIL,
              "indicators[0].kind: must be one of number, count, choice, yesno");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1}" MINI_TAIL,
              "indicators[0].no_points: required");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":\"8\",\"no_points\":0}" MINI_TAIL,
              "indicators[0].yes_points: must be a number");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0,\"cap\":3}" MINI_TAIL,
              "indicators[0].cap: not used by kind yesno");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"count\",\"points_each\":-1,\"cap\":2}" MINI_TAIL,
              "indicators[0].points_each: must not be negative");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"roster\",\"kind\":\"count\",\"points_each\":1,\"cap\":2}" MINI_TAIL,
              "indicators[0].roster: required");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"roster\",\"roster\":\"insured\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0}" MINI_TAIL,
              "indicators[0].kind: must be count for source roster");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"survey\",\"kind\":\"count\",\"points_each\":1,\"cap\":2,\"document\":\"required\"}" MINI_TAIL,
              "indicators[0].document: documents are attached only to declared and roster indicators");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"choice\",\"options\":["
              "{\"value\":\"a\",\"label\":\"x\",\"points\":1},{\"value\":\"a\",\"label\":\"y\",\"points\":2}]}" MINI_TAIL,
              "indicators[0].options[1].value: \"a\" appears twice (also options[0])");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0}" MINI_TAIL,
              "indicators[0].label: must not be empty");
  expectError(MINI_HEAD "{\"key\":\"d\",\"label\":\"d\",\"source\":\"declared\",\"kind\":\"yesno\",\"yes_points\":1,\"no_points\":0,\"colour\":1}" MINI_TAIL,
              "indicators[0].colour: unknown field");
  expectError("{\"name\":\"t\",\"indicators\":[]}", "indicators: must be a non-empty array");
  expectError("{\"name\":\"t\",\"indicators\":[]}", "penalties: required (may be an empty array)");
  expectError("{\"name\":\"t\",\"indicators\":[]}", "thresholds: required");
  expectError("{\"name\":\"t\",\"indicators\":[]}", "objection_days: required");
  /* penalties, thresholds, caps, non-participant */
  {
    char z[4096];
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    *strstr(z, "-10") = ' ';
    expectError(z, "penalties[0].points: a penalty must be zero or negative");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"rank1\":60"), "\"rank1\":30", 10);
    expectError(z, "thresholds.rural_ict.rank1: must be greater than rank2");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"2\":0.7"), "\"2\":1.5", 7);
    expectError(z, "service_caps.2: must be a share greater than 0 and at most 1");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"3\":0.3"), "\"3\":0.9", 7);
    expectError(z, "service_caps.3: must not be greater than the cap of rank 2");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"rank\":3"), "\"rank\":4", 8);
    expectError(z, "non_participant.rank: must be 1, 2 or 3");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"urban\""), "\"kiosk\"", 7);
    expectError(z, "thresholds.urban: required");
    expectError(z, "thresholds.kiosk: unknown field");
    snprintf(z, sizeof z, "%s", MINI_HEAD MINI_IND0 MINI_TAIL);
    memcpy(strstr(z, "\"objection_days\":10"), "\"objection_days\":0 ", 19);
    expectError(z, "objection_days: must be a whole number of days from 1 to 90");
  }
}

/* Every error is reported, not only the first. */
static void test_all_errors(void **state){
  Scheme s;
  char *zErr = 0;
  int n;
  (void)state;
  n = parse("{\"name\":\"\",\"indicators\":[{\"key\":\"1x\"}],\"extra\":1}", &s, &zErr);
  assert_true(n>=6);
  assert_non_null(strstr(zErr, "name: must not be empty"));
  assert_non_null(strstr(zErr, "extra: unknown field"));
  assert_non_null(strstr(zErr, "indicators[0].key"));
  assert_non_null(strstr(zErr, "indicators[0].label: required"));
  assert_int_equal(s.nInd, 0);   /* nothing half-filled */
  free(zErr);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_scheme),
    cmocka_unit_test(test_hash_canonical),
    cmocka_unit_test(test_errors_with_paths),
    cmocka_unit_test(test_all_errors),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
