/*
** buf.c — a growable byte buffer, always NUL-terminated.
**
** The buffer owns b.z; buf_take() hands it to the caller. Growth doubles,
** so appending one byte at a time is amortised O(1).
*/
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/*
** Make room for at least nMore further bytes plus the terminator.
*/
static void buf_grow(Buf *p, size_t nMore){
  size_t nNeed = p->n + nMore + 1;
  size_t nNew;
  if( nNeed<=p->nAlloc ) return;
  if( nNeed<p->n ) abort();                 /* size_t overflow */
  nNew = p->nAlloc ? p->nAlloc : 64;
  while( nNew<nNeed ){
    if( nNew > ((size_t)-1)/2 ){ nNew = nNeed; break; }
    nNew *= 2;
  }
  p->z = xrealloc(p->z, nNew);
  p->nAlloc = nNew;
}

/*
** Append n bytes of z (which may contain NULs) to p.
*/
void buf_append(Buf *p, const char *z, size_t n){
  buf_grow(p, n);
  if( n ) memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

/*
** Append the NUL-terminated string z to p.
*/
void buf_puts(Buf *p, const char *z){
  buf_append(p, z, strlen(z));
}

/*
** Append the single byte c to p.
*/
void buf_putc(Buf *p, char c){
  buf_grow(p, 1);
  p->z[p->n++] = c;
  p->z[p->n] = 0;
}

/*
** Append printf-formatted text to p. Aborts on an encoding error.
*/
void buf_vprintf(Buf *p, const char *zFmt, va_list ap){
  va_list ap2;
  int n;
  size_t nRoom;
  va_copy(ap2, ap);
  buf_grow(p, 0);
  nRoom = p->nAlloc - p->n;
  n = vsnprintf(p->z + p->n, nRoom, zFmt, ap);
  if( n<0 ) abort();
  if( (size_t)n >= nRoom ){
    buf_grow(p, (size_t)n);
    vsnprintf(p->z + p->n, (size_t)n + 1, zFmt, ap2);
  }
  va_end(ap2);
  p->n += (size_t)n;
}

/*
** Append printf-formatted text to p.
*/
void buf_printf(Buf *p, const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  buf_vprintf(p, zFmt, ap);
  va_end(ap);
}

/*
** Return the contents of p as a string; "" when nothing was written yet.
*/
const char *buf_str(const Buf *p){
  return p->z ? p->z : "";
}

/*
** Detach the contents of p: the caller owns and frees the returned string
** (never NULL). p is left empty and may be reused.
*/
char *buf_take(Buf *p){
  char *z = p->z ? p->z : xstrdup("");
  p->z = 0;
  p->n = 0;
  p->nAlloc = 0;
  return z;
}

/*
** Empty p but keep its memory for reuse.
*/
void buf_reset(Buf *p){
  p->n = 0;
  if( p->z ) p->z[0] = 0;
}

/*
** Release the memory of p and leave it empty.
*/
void buf_free(Buf *p){
  free(p->z);
  p->z = 0;
  p->n = 0;
  p->nAlloc = 0;
}
