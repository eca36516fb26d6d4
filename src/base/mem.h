/*
** mem.h — allocation that never returns NULL.
**
** Out of memory aborts the process (Redis style): callers never check.
*/
#ifndef PK_MEM_H
#define PK_MEM_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nMemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *z);
char *xstrndup(const char *z, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *xsprintf(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));

#endif
