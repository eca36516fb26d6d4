/*
** natid.c — Iranian national ID (کد ملی) checksum.
**
** Pure functions; no allocation.
*/
#include "natid.h"

/*
** Read the ten digits of z into a[0..9]. ASCII, Persian (U+06F0..9) and
** Arabic-Indic (U+0660..9) digits are accepted; anything else, or a count
** other than ten, returns -1. Returns 0 on success.
*/
static int natid_digits(const char *z, int a[10]){
  const unsigned char *p = (const unsigned char *)z;
  int n = 0;
  if( z==0 ) return -1;
  while( *p ){
    int d;
    if( p[0]>='0' && p[0]<='9' ){
      d = p[0] - '0';
      p += 1;
    }else if( p[0]==0xDB && p[1]>=0xB0 && p[1]<=0xB9 ){
      d = p[1] - 0xB0;
      p += 2;
    }else if( p[0]==0xD9 && p[1]>=0xA0 && p[1]<=0xA9 ){
      d = p[1] - 0xA0;
      p += 2;
    }else{
      return -1;
    }
    if( n>=10 ) return -1;
    a[n++] = d;
  }
  return n==10 ? 0 : -1;
}

/*
** Return the check digit for the first nine digits a[0..8].
*/
static int natid_check(const int a[10]){
  int s = 0, i, r;
  for(i=0; i<9; i++) s += a[i] * (10 - i);
  r = s % 11;
  return r<2 ? r : 11 - r;
}

/*
** Return 1 if z is a valid national ID (ten digits, correct checksum, not
** all the same digit), else 0.
*/
int natid_valid(const char *z){
  int a[10], i;
  if( natid_digits(z, a) ) return 0;
  for(i=1; i<10 && a[i]==a[0]; i++){}
  if( i==10 ) return 0;
  return a[9]==natid_check(a);
}

/*
** Write a valid national ID built from the nine-digit seed v (taken
** modulo 1e9) into z, NUL-terminated. Seeds whose ID would be ten equal
** digits (000000000, 111111111, ...) get their ninth digit bumped.
*/
void natid_make(unsigned long v, char z[11]){
  int a[10], i;
  v %= 1000000000UL;
  for(i=8; i>=0; i--){
    a[i] = (int)(v % 10);
    v /= 10;
  }
  for(;;){
    a[9] = natid_check(a);
    for(i=1; i<10 && a[i]==a[0]; i++){}
    if( i<10 ) break;
    a[8] = (a[8] + 1) % 10;
  }
  for(i=0; i<10; i++) z[i] = (char)('0' + a[i]);
  z[10] = 0;
}
