/*
** test_csv.c — unit tests for src/base/csv.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

/* One open test input: the FILE and its reader. */
typedef struct Input {
  FILE *pFile;
  CsvReader *pCsv;
} Input;

/*
** Open a reader over z[0..n) held in a tmpfile (which, unlike fmemopen,
** is happy with empty input and NUL bytes).
*/
static CsvReader *open_n(Input *pIn, const char *z, size_t n){
  pIn->pFile = tmpfile();
  assert_non_null(pIn->pFile);
  if( n ) assert_int_equal(fwrite(z, 1, n, pIn->pFile), n);
  rewind(pIn->pFile);
  pIn->pCsv = csv_open(pIn->pFile);
  return pIn->pCsv;
}

/*
** Open a reader over the NUL-terminated z through fmemopen().
*/
static CsvReader *open_str(Input *pIn, const char *z){
  pIn->pFile = fmemopen((void *)z, strlen(z), "r");
  assert_non_null(pIn->pFile);
  pIn->pCsv = csv_open(pIn->pFile);
  return pIn->pCsv;
}

static void close_input(Input *pIn){
  csv_close(pIn->pCsv);
  fclose(pIn->pFile);
}

/*
** Read the next record and check it: its line and its fields, given as
** a NULL-terminated list.
*/
static void expect_record(CsvReader *p, long iLine, ...){
  va_list ap;
  const char *zWant;
  int i = 0;
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_line(p), iLine);
  va_start(ap, iLine);
  while( (zWant = va_arg(ap, const char *))!=0 ){
    assert_true(i < csv_nfield(p));
    assert_string_equal(csv_field(p, i), zWant);
    assert_int_equal(csv_field_len(p, i), strlen(zWant));
    i++;
  }
  va_end(ap);
  assert_int_equal(csv_nfield(p), i);
}

static void test_simple(void **state){
  Input in;
  CsvReader *p = open_str(&in, "code,name,city\n1001,دفتر یک,تهران\n");
  (void)state;
  expect_record(p, 1, "code", "name", "city", NULL);
  expect_record(p, 2, "1001", "دفتر یک", "تهران", NULL);
  assert_int_equal(csv_next(p), 0);
  assert_int_equal(csv_next(p), 0);
  assert_int_equal(csv_error_column(p), 0);
  assert_string_equal(csv_error(p), "");
  close_input(&in);
}

static void test_quotes(void **state){
  Input in;
  CsvReader *p = open_str(&in,
      "\"x,y\",\"he said \"\"hi\"\"\",z\n"
      "\"\",\"\"\"\",\"a\"\"\"\n"
      "\"\"\"quoted\"\"\",plain\n");
  (void)state;
  expect_record(p, 1, "x,y", "he said \"hi\"", "z", NULL);
  expect_record(p, 2, "", "\"", "a\"", NULL);
  expect_record(p, 3, "\"quoted\"", "plain", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_embedded_newlines(void **state){
  Input in;
  CsvReader *p = open_str(&in,
      "h1,h2\n"
      "\"line one\nline two\",b\n"
      "next,row\n"
      "\"a\r\nb\r\nc\",\"\n\"\n"
      "last,one\n");
  (void)state;
  expect_record(p, 1, "h1", "h2", NULL);
  expect_record(p, 2, "line one\nline two", "b", NULL);
  expect_record(p, 4, "next", "row", NULL);
  expect_record(p, 5, "a\r\nb\r\nc", "\n", NULL);
  expect_record(p, 9, "last", "one", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_bom(void **state){
  Input in;
  CsvReader *p = open_str(&in, "\xEF\xBB\xBF" "name,code\n\xEF\xBB\xBF" "x,1\n");
  (void)state;
  expect_record(p, 1, "name", "code", NULL);
  expect_record(p, 2, "\xEF\xBB\xBF" "x", "1", NULL);   /* only a leading BOM */
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
  p = open_str(&in, "\xEF\xBB\xBF");
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
  p = open_str(&in, "\xEF\xBB");
  expect_record(p, 1, "\xEF\xBB", NULL);
  close_input(&in);
}

static void test_line_ends(void **state){
  Input in;
  CsvReader *p = open_str(&in, "a,b\r\nc,d\r\n\"e\"\r\nf\rg\n");
  (void)state;
  expect_record(p, 1, "a", "b", NULL);
  expect_record(p, 2, "c", "d", NULL);
  expect_record(p, 3, "e", NULL);
  expect_record(p, 4, "f", NULL);          /* lone CR ends a line */
  expect_record(p, 5, "g", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_ragged_and_empty(void **state){
  Input in;
  CsvReader *p = open_str(&in, "a,b,c\n1,2\n1,2,3,4\n,,\nx,\nlast");
  (void)state;
  expect_record(p, 1, "a", "b", "c", NULL);
  expect_record(p, 2, "1", "2", NULL);
  assert_string_equal(csv_field(p, 2), "");     /* past the end: "" */
  assert_int_equal(csv_field_len(p, 2), 0);
  assert_string_equal(csv_field(p, -1), "");
  expect_record(p, 3, "1", "2", "3", "4", NULL);
  expect_record(p, 4, "", "", "", NULL);
  expect_record(p, 5, "x", "", NULL);
  expect_record(p, 6, "last", NULL);            /* no final newline */
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
  p = open_n(&in, "", 0);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
  /* empty fields first thing in a fresh reader */
  p = open_str(&in, ",\n\"\"\n");
  expect_record(p, 1, "", "", NULL);
  expect_record(p, 2, "", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_blank_lines(void **state){
  Input in;
  CsvReader *p = open_str(&in, "\n\na,1\n\r\n\nb,2\n\n\n");
  (void)state;
  expect_record(p, 3, "a", "1", NULL);
  expect_record(p, 6, "b", "2", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_unterminated_quote(void **state){
  Input in;
  CsvReader *p = open_str(&in, "a,b\n1,\"oops\n2,3\n");
  (void)state;
  expect_record(p, 1, "a", "b", NULL);
  assert_int_equal(csv_next(p), -1);
  assert_int_equal(csv_line(p), 2);
  assert_int_equal(csv_error_column(p), 2);
  assert_non_null(strstr(csv_error(p), "unterminated"));
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_bad_quotes_recover(void **state){
  Input in;
  CsvReader *p = open_str(&in,
      "ok,1\n"
      "a,b\"c,d\n"           /* quote inside an unquoted field */
      "e,f\n"
      "\"g\"x,h\n"           /* stray character after a closing quote */
      "i,\"j\" \n"           /* stray space after a closing quote */
      "k,l\n");
  (void)state;
  expect_record(p, 1, "ok", "1", NULL);
  assert_int_equal(csv_next(p), -1);
  assert_int_equal(csv_line(p), 2);
  assert_int_equal(csv_error_column(p), 2);
  assert_non_null(strstr(csv_error(p), "quote"));
  expect_record(p, 3, "e", "f", NULL);
  assert_int_equal(csv_error_column(p), 0);
  assert_string_equal(csv_error(p), "");
  assert_int_equal(csv_next(p), -1);
  assert_int_equal(csv_line(p), 4);
  assert_int_equal(csv_error_column(p), 1);
  assert_non_null(strstr(csv_error(p), "after a closing quote"));
  assert_int_equal(csv_next(p), -1);
  assert_int_equal(csv_line(p), 5);
  assert_int_equal(csv_error_column(p), 2);
  expect_record(p, 6, "k", "l", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_long_field(void **state){
  size_t nLong = 1000000, n = 0, i, nNewline = 0;
  char *z = malloc(3*nLong + 100);
  char *zWant = malloc(nLong + 1);
  Input in;
  CsvReader *p;
  (void)state;
  /* an unquoted field, a quoted one full of doubled quotes and newlines
  ** (so they fall across read-buffer boundaries), then a short record */
  memset(z, 'x', nLong);
  n = nLong;
  z[n++] = ',';
  z[n++] = '"';
  for(i=0; i<nLong; i++){
    char c = i%7==0 ? '"' : i%1000==999 ? '\n' : 'q';
    zWant[i] = c;
    z[n++] = c;
    nNewline += c=='\n';
    if( c=='"' ) z[n++] = '"';
  }
  zWant[nLong] = 0;
  z[n++] = '"';
  n += (size_t)sprintf(z + n, "\nend,1\n");
  p = open_n(&in, z, n);
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_nfield(p), 2);
  assert_int_equal(csv_field_len(p, 0), nLong);
  assert_int_equal(strspn(csv_field(p, 0), "x"), nLong);
  assert_int_equal(csv_field_len(p, 1), nLong);
  assert_memory_equal(csv_field(p, 1), zWant, nLong + 1);
  expect_record(p, 1 + (long)nNewline + 1, "end", "1", NULL);
  assert_int_equal(csv_next(p), 0);
  assert_int_equal(csv_offset(p), (long long)n);
  close_input(&in);
  free(z);
  free(zWant);
}

static void test_crlf_across_buffer(void **state){
  /* a CR as the last byte of the first 64 KB read, its LF the first of
  ** the next: one line end, not two */
  size_t nA = 65536 - 1, n;
  char *z = malloc(nA + 16);
  Input in;
  CsvReader *p;
  (void)state;
  memset(z, 'a', nA);
  memcpy(z + nA, "\r\nb\r\n", 5);
  n = nA + 5;
  p = open_n(&in, z, n);
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_field_len(p, 0), nA);
  expect_record(p, 2, "b", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
  /* a closing quote as the last byte of the buffer, then a doubled one */
  memset(z, 'a', nA);
  z[0] = '"';
  z[nA - 1] = '"';
  memcpy(z + nA, "\"\"\nb\n", 5);
  p = open_n(&in, z, nA + 5);
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_field_len(p, 0), nA - 2 + 1);
  assert_int_equal(csv_field(p, 0)[nA - 2], '"');
  expect_record(p, 2, "b", NULL);
  close_input(&in);
  free(z);
}

static void test_many_records(void **state){
  FILE *pF = tmpfile();
  CsvReader *p;
  long i, nRec = 0;
  long long nByte;
  (void)state;
  for(i=1; i<=200000; i++){
    fprintf(pF, "%ld,office %ld,\"%s\"%s", i, i*7, i%3 ? "x" : "y,z",
            i%2 ? "\r\n" : "\n");
  }
  nByte = ftell(pF);
  rewind(pF);
  p = csv_open(pF);
  while( csv_next(p)==1 ){
    nRec++;
    assert_int_equal(csv_line(p), nRec);
    assert_int_equal(atol(csv_field(p, 0)), nRec);
    assert_int_equal(csv_nfield(p), 3);
  }
  assert_int_equal(nRec, 200000);
  assert_int_equal(csv_offset(p), nByte);
  csv_close(p);
  fclose(pF);
}

static void test_record_too_long(void **state){
  char z[2000];
  size_t n = 0;
  Input in;
  CsvReader *p;
  (void)state;
  n += (size_t)sprintf(z + n, "a,b\n");
  n += (size_t)sprintf(z + n, "short,\"");
  memset(z + n, 'x', 150); n += 150;
  z[n++] = '\n';                       /* an embedded newline: line 3 */
  memset(z + n, 'y', 150); n += 150;
  n += (size_t)sprintf(z + n, "\",tail\nc,d\n");
  p = open_n(&in, z, n);
  csv_set_max_record(p, 100);
  expect_record(p, 1, "a", "b", NULL);
  assert_int_equal(csv_next(p), -1);
  assert_int_equal(csv_line(p), 2);
  assert_int_equal(csv_error_column(p), 2);
  assert_non_null(strstr(csv_error(p), "too long"));
  expect_record(p, 4, "c", "d", NULL);
  assert_int_equal(csv_next(p), 0);
  close_input(&in);
}

static void test_nul_byte(void **state){
  Input in;
  CsvReader *p = open_n(&in, "a\0b,c\n", 6);
  (void)state;
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_field_len(p, 0), 3);
  assert_memory_equal(csv_field(p, 0), "a\0b", 4);
  close_input(&in);
}

static void test_write_field(void **state){
  static const char *const aField[] = {
    "plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " lead",
    "trail ", "تهران", "\"", "x\r\ny",
  };
  static const char *const aWant[] = {
    "plain", "", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"",
    "\"cr\rhere\"", "\" lead\"", "\"trail \"", "تهران", "\"\"\"\"",
    "\"x\r\ny\"",
  };
  size_t i, nField = sizeof(aField)/sizeof(aField[0]);
  char *zOut = 0;
  size_t nOut = 0;
  FILE *pF;
  CsvReader *p;
  (void)state;
  for(i=0; i<nField; i++){
    pF = open_memstream(&zOut, &nOut);
    csv_write_field(pF, aField[i]);
    fclose(pF);
    assert_string_equal(zOut, aWant[i]);
    free(zOut);
    zOut = 0;
  }
  /* round trip: one record with every field */
  pF = tmpfile();
  for(i=0; i<nField; i++){
    if( i ) putc(',', pF);
    csv_write_field(pF, aField[i]);
  }
  fputs("\r\n", pF);
  rewind(pF);
  p = csv_open(pF);
  assert_int_equal(csv_next(p), 1);
  assert_int_equal(csv_nfield(p), (int)nField);
  for(i=0; i<nField; i++) assert_string_equal(csv_field(p, (int)i), aField[i]);
  assert_int_equal(csv_next(p), 0);
  csv_close(p);
  fclose(pF);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_simple),
    cmocka_unit_test(test_quotes),
    cmocka_unit_test(test_embedded_newlines),
    cmocka_unit_test(test_bom),
    cmocka_unit_test(test_line_ends),
    cmocka_unit_test(test_ragged_and_empty),
    cmocka_unit_test(test_blank_lines),
    cmocka_unit_test(test_unterminated_quote),
    cmocka_unit_test(test_bad_quotes_recover),
    cmocka_unit_test(test_long_field),
    cmocka_unit_test(test_crlf_across_buffer),
    cmocka_unit_test(test_many_records),
    cmocka_unit_test(test_record_too_long),
    cmocka_unit_test(test_nul_byte),
    cmocka_unit_test(test_write_field),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
