/*
** natid.h — Iranian national ID (کد ملی) checksum.
**
** Ten digits d0..d9; s = sum(d[i] * (10 - i)) for i in 0..8; r = s % 11;
** valid when (r < 2 and d9 == r) or (r >= 2 and d9 == 11 - r). All ten
** digits the same is invalid. Persian digits are accepted.
*/
#ifndef PK_NATID_H
#define PK_NATID_H

/* Return 1 if z is a valid national ID, else 0. */
int natid_valid(const char *z);

/* Fill z[0..10] with a valid national ID derived from the 9-digit seed
** value v (0 <= v < 1e9), NUL-terminated. Used by the demo generator. */
void natid_make(unsigned long v, char z[11]);

#endif
