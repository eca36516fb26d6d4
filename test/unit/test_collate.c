/*
** test_collate.c — unit tests for src/base/collate.c (Persian order).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/collate.h"

static Collator *pSortColl;   /* the collator qsort_cmp uses */

/*
** qsort() comparator over an array of const char*.
*/
static int qsort_cmp(const void *pA, const void *pB){
  return collate_cmp(pSortColl, *(const char *const *)pA, -1,
                     *(const char *const *)pB, -1);
}

static int setup(void **state){
  *state = collate_open();
  return *state ? 0 : -1;
}

static int teardown(void **state){
  collate_close(*state);
  return 0;
}

/* The sorted list: every letter in Persian order, پ after ب, چ after ج,
** ژ after ز, گ after ک (by code point they would come last). */
static const char *const azSorted[] = {
  "آب", "اسب", "بابا", "پدر", "تاج", "جام", "چای", "حسن", "خانه", "دریا",
  "زرد", "ژاله", "سیب", "شیر", "کتاب", "گل", "لاله", "مادر", "نان", "وطن",
  "هوا", "یاس",
};
#define N_SORTED (int)(sizeof(azSorted)/sizeof(azSorted[0]))

static void test_sort_list(void **state){
  const char *az[N_SORTED];
  int i, j;
  pSortColl = *state;
  /* reversed, then a fixed shuffle */
  for(i=0; i<N_SORTED; i++) az[i] = azSorted[N_SORTED - 1 - i];
  for(i=0; i<N_SORTED; i++){
    const char *z;
    j = (i*7 + 3) % N_SORTED;
    z = az[i]; az[i] = az[j]; az[j] = z;
  }
  qsort(az, N_SORTED, sizeof(az[0]), qsort_cmp);
  for(i=0; i<N_SORTED; i++) assert_string_equal(az[i], azSorted[i]);
}

static void test_pairs(void **state){
  Collator *p = *state;
  int i;
  /* each neighbour pair of the sorted list, both ways */
  for(i=0; i+1<N_SORTED; i++){
    assert_true(collate_cmp(p, azSorted[i], -1, azSorted[i+1], -1) < 0);
    assert_true(collate_cmp(p, azSorted[i+1], -1, azSorted[i], -1) > 0);
  }
  /* the four Persian letters against their neighbours */
  assert_true(collate_cmp(p, "ب", -1, "پ", -1) < 0);
  assert_true(collate_cmp(p, "پ", -1, "ت", -1) < 0);
  assert_true(collate_cmp(p, "ج", -1, "چ", -1) < 0);
  assert_true(collate_cmp(p, "چ", -1, "ح", -1) < 0);
  assert_true(collate_cmp(p, "ز", -1, "ژ", -1) < 0);
  assert_true(collate_cmp(p, "ژ", -1, "س", -1) < 0);
  assert_true(collate_cmp(p, "ک", -1, "گ", -1) < 0);
  assert_true(collate_cmp(p, "گ", -1, "ل", -1) < 0);
}

static void test_equal_and_lengths(void **state){
  Collator *p = *state;
  const char *z = "تهران‌پارس";
  assert_int_equal(collate_cmp(p, "تهران", -1, "تهران", -1), 0);
  assert_int_equal(collate_cmp(p, "", -1, "", -1), 0);
  assert_true(collate_cmp(p, "", -1, "الف", -1) < 0);
  /* explicit byte lengths: a prefix sorts first */
  assert_int_equal(collate_cmp(p, z, (int)strlen("تهران"), "تهران", -1), 0);
  assert_true(collate_cmp(p, "تهران", -1, z, -1) < 0);
  assert_true(collate_cmp(p, "abc", 2, "abc", 3) < 0);
  /* ASCII digits before letters */
  assert_true(collate_cmp(p, "1", -1, "آ", -1) < 0);
  /* broken UTF-8 still compares (no crash, consistent sign) */
  assert_true(collate_cmp(p, "a\xff", -1, "a\xff", -1) == 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_sort_list),
    cmocka_unit_test(test_pairs),
    cmocka_unit_test(test_equal_and_lengths),
  };
  return cmocka_run_group_tests(aTest, setup, teardown);
}
