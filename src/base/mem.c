/*
** mem.c — allocation that never returns NULL.
**
** Every allocator here aborts the process when the C library says no
** (Redis style), so callers never test for NULL.
*/
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
** Report out-of-memory on stderr and abort. Never returns.
*/
static void mem_oom(size_t n){
  fprintf(stderr, "pishkhan: out of memory allocating %zu bytes\n", n);
  abort();
}

/*
** Allocate n bytes (at least one). Aborts on failure.
*/
void *xmalloc(size_t n){
  void *p = malloc(n ? n : 1);
  if( p==0 ) mem_oom(n);
  return p;
}

/*
** Allocate a zeroed array of nMemb elements of n bytes. Aborts on failure,
** including when nMemb*n overflows.
*/
void *xcalloc(size_t nMemb, size_t n){
  void *p;
  if( nMemb==0 || n==0 ){ nMemb = 1; n = 1; }
  p = calloc(nMemb, n);
  if( p==0 ) mem_oom(nMemb * n);
  return p;
}

/*
** Resize p to n bytes (at least one); p may be NULL. Aborts on failure,
** in which case p is not freed (the process is ending anyway).
*/
void *xrealloc(void *p, size_t n){
  void *pNew = realloc(p, n ? n : 1);
  if( pNew==0 ) mem_oom(n);
  return pNew;
}

/*
** Copy the NUL-terminated string z into fresh heap memory. z may not be
** NULL. The caller frees the result.
*/
char *xstrdup(const char *z){
  size_t n = strlen(z);
  char *zNew = xmalloc(n + 1);
  memcpy(zNew, z, n + 1);
  return zNew;
}

/*
** Copy at most n bytes of z (stopping early at a NUL) into fresh heap
** memory and NUL-terminate it. The caller frees the result.
*/
char *xstrndup(const char *z, size_t n){
  size_t nLen = strnlen(z, n);
  char *zNew = xmalloc(nLen + 1);
  memcpy(zNew, z, nLen);
  zNew[nLen] = 0;
  return zNew;
}

/*
** printf into a fresh heap string. The caller frees it. Aborts on
** out-of-memory and on an encoding error from vsnprintf.
*/
char *xsprintf(const char *zFmt, ...){
  va_list ap, ap2;
  int n;
  char *z;
  va_start(ap, zFmt);
  va_copy(ap2, ap);
  n = vsnprintf(0, 0, zFmt, ap);
  va_end(ap);
  if( n<0 ) abort();
  z = xmalloc((size_t)n + 1);
  vsnprintf(z, (size_t)n + 1, zFmt, ap2);
  va_end(ap2);
  return z;
}
