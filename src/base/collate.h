/*
** collate.h — Persian collation through ICU.
**
** A Collator wraps one ICU UCollator for locale "fa" (پ چ ژ گ in their
** Persian places, not by code point). A Collator is not thread-safe: give
** each thread / database connection its own.
*/
#ifndef PK_COLLATE_H
#define PK_COLLATE_H

typedef struct Collator Collator;

/* Open a Persian collator. Aborts if ICU cannot provide one. */
Collator *collate_open(void);
void collate_close(Collator *p);

/* Compare two UTF-8 strings of given byte lengths (-1 = NUL-terminated)
** under Persian collation. Returns <0, 0, >0. */
int collate_cmp(Collator *p, const char *zA, int nA, const char *zB, int nB);

#endif
