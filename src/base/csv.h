/*
** csv.h — a streaming RFC 4180 CSV reader.
**
** Reads one record at a time from a FILE*, so memory stays bounded by the
** longest record. Handles a UTF-8 BOM, CRLF or LF line ends, quoted fields
** with commas, doubled quotes and embedded newlines. Records may be ragged:
** the caller checks the column count. Line numbers are 1-based and name the
** physical line where a record starts (so a record after a field with an
** embedded newline has the right number).
*/
#ifndef PK_CSV_H
#define PK_CSV_H
#include <stdio.h>
#include <stddef.h>

typedef struct CsvReader CsvReader;

/* Start reading from pIn (not closed by csv_close). */
CsvReader *csv_open(FILE *pIn);
void csv_close(CsvReader *p);

/* Cap the bytes one record may hold (default 64 MB); a longer record is
** read to its end and reported by csv_next() as an error. */
void csv_set_max_record(CsvReader *p, size_t nMax);

/* Read the next record. Returns 1 when a record was read, 0 at end of input,
** -1 on a malformed record (unterminated quote, a quote inside an unquoted
** field, a stray character after a closing quote, or a record longer than
** the csv_set_max_record() cap); then csv_error() tells
** why and csv_next() can continue with the next line. Blank lines are
** skipped. Fields are valid until the next call. */
int csv_next(CsvReader *p);
int csv_nfield(const CsvReader *p);
const char *csv_field(const CsvReader *p, int i);   /* NUL-terminated */
size_t csv_field_len(const CsvReader *p, int i);
long csv_line(const CsvReader *p);     /* line where the current record starts */
/* 1-based column (field number) of the error within its record, and its
** message; 0 and "" after a good record. */
int csv_error_column(const CsvReader *p);
const char *csv_error(const CsvReader *p);
/*
** A shortcut for fast readers of plain files: when the next line is whole
** in the read buffer, not blank, and holds no quote and no CR (so its
** fields are just what lies between its commas), csv_peek_line() sets *pz
** and *pn to it (without its LF) and returns 1, consuming nothing; it
** returns 0 when the caller must use csv_next(). The caller may then take
** the line as one record with csv_take_line() (csv_line() names it; the
** fields of csv_field() are then empty), or leave it and call csv_next(),
** which reads it the usual way.
*/
int csv_peek_line(CsvReader *p, const char **pz, size_t *pn);
void csv_take_line(CsvReader *p);

/* Bytes consumed so far (for progress bars). */
long long csv_offset(const CsvReader *p);

/* Write one field to pOut, quoting it when it holds a comma, quote, CR or LF
** or leading/trailing space. */
void csv_write_field(FILE *pOut, const char *z);

#endif
