/*
** buf.h — a growable byte buffer, always NUL-terminated.
**
** A Buf is a value: zero-initialise it (Buf b = {0}), append, read b.z / b.n,
** then buf_free(). b.z is never NULL after the first append; before it, use
** buf_str() which returns "" for an empty buffer.
*/
#ifndef PK_BUF_H
#define PK_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct Buf {
  char *z;       /* contents, NUL-terminated; NULL until first write */
  size_t n;      /* bytes used, not counting the terminator */
  size_t nAlloc; /* bytes allocated */
} Buf;

void buf_append(Buf *p, const char *z, size_t n);
void buf_puts(Buf *p, const char *z);
void buf_putc(Buf *p, char c);
void buf_printf(Buf *p, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *p, const char *zFmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const Buf *p);
/* Detach the contents: the caller owns and frees the returned string. */
char *buf_take(Buf *p);
void buf_reset(Buf *p);
void buf_free(Buf *p);

#endif
