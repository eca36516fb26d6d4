/*
** text.c — UTF-8 and Persian text: validation, normalisation, digits.
**
** Everything here works on UTF-8 bytes and appends to a caller's Buf; the
** *_dup() variants return heap strings the caller frees. No ICU: the
** mappings are few and fixed (DESIGN.md §4).
*/
#include "text.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* UTF-8 encodings of the Persian digits ۰..۹ (U+06F0..U+06F9). */
static const char *const azPersianDigit[10] = {
  "\xdb\xb0", "\xdb\xb1", "\xdb\xb2", "\xdb\xb3", "\xdb\xb4",
  "\xdb\xb5", "\xdb\xb6", "\xdb\xb7", "\xdb\xb8", "\xdb\xb9",
};

/*
** Decode one code point from z[0..n), n>0. Stores it in *pC and returns
** its length in bytes (1..4), or 0 when the bytes are not well-formed
** UTF-8: a stray continuation byte, a truncated sequence, an overlong
** form, a UTF-16 surrogate (U+D800..U+DFFF) or a value above U+10FFFF.
*/
static int text_decode(const unsigned char *z, size_t n, unsigned *pC){
  unsigned c = z[0];
  int nLen, i;
  unsigned cMin;
  if( c<0x80 ){ *pC = c; return 1; }
  if( c<0xC2 ) return 0;                         /* continuation or overlong */
  if( c<0xE0 ){ nLen = 2; c &= 0x1F; cMin = 0x80; }
  else if( c<0xF0 ){ nLen = 3; c &= 0x0F; cMin = 0x800; }
  else if( c<0xF5 ){ nLen = 4; c &= 0x07; cMin = 0x10000; }
  else return 0;
  if( n<(size_t)nLen ) return 0;
  for(i=1; i<nLen; i++){
    if( (z[i] & 0xC0)!=0x80 ) return 0;
    c = (c<<6) | (z[i] & 0x3F);
  }
  if( c<cMin || c>0x10FFFF || (c>=0xD800 && c<=0xDFFF) ) return 0;
  *pC = c;
  return nLen;
}

/*
** Append the code point c, encoded as UTF-8, to pOut.
*/
static void text_put_cp(Buf *pOut, unsigned c){
  char a[4];
  if( c<0x80 ){
    buf_putc(pOut, (char)c);
  }else if( c<0x800 ){
    a[0] = (char)(0xC0 | (c>>6));
    a[1] = (char)(0x80 | (c & 0x3F));
    buf_append(pOut, a, 2);
  }else if( c<0x10000 ){
    a[0] = (char)(0xE0 | (c>>12));
    a[1] = (char)(0x80 | ((c>>6) & 0x3F));
    a[2] = (char)(0x80 | (c & 0x3F));
    buf_append(pOut, a, 3);
  }else{
    a[0] = (char)(0xF0 | (c>>18));
    a[1] = (char)(0x80 | ((c>>12) & 0x3F));
    a[2] = (char)(0x80 | ((c>>6) & 0x3F));
    a[3] = (char)(0x80 | (c & 0x3F));
    buf_append(pOut, a, 4);
  }
}

/*
** Return 1 if z[0..n) is valid UTF-8 (no overlongs, no surrogates,
** nothing above U+10FFFF), else 0. NUL bytes are valid UTF-8.
*/
int text_utf8_valid(const char *z, size_t n){
  const unsigned char *p = (const unsigned char *)z;
  size_t i = 0;
  unsigned c;
  while( i<n ){
    int nLen;
    if( p[i]<0x80 ){ i++; continue; }
    nLen = text_decode(p + i, n - i, &c);
    if( nLen==0 ) return 0;
    i += (size_t)nLen;
  }
  return 1;
}

/*
** Return 1 if code point c is white space for normalisation: ASCII space
** and controls \t \n \v \f \r, NBSP, the Unicode spaces U+2000..U+200A,
** U+2028/9, U+202F, U+205F, U+3000 and U+1680.
*/
static int text_is_space(unsigned c){
  switch( c ){
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
      return 1;
  }
  return c>=0x2000 && c<=0x200A;
}

/*
** Return 1 if c is an invisible mark that normalisation drops wherever it
** stands: LRM U+200E, RLM U+200F, BOM / ZWNBSP U+FEFF. (ZWNJ U+200C is a
** letter-shaping mark in Persian and is kept.)
*/
static int text_is_ignorable(unsigned c){
  return c==0x200E || c==0x200F || c==0xFEFF;
}

/*
** Map one code point for normalisation: Arabic yeh and alef maksura to
** Persian yeh, Arabic kaf to keheh, Persian and Arabic-Indic digits to
** ASCII. Everything else is returned unchanged (ة and ۀ are kept).
*/
static unsigned text_map(unsigned c){
  if( c==0x064A || c==0x0649 ) return 0x06CC;     /* ي ى → ی */
  if( c==0x0643 ) return 0x06A9;                  /* ك → ک */
  if( c>=0x06F0 && c<=0x06F9 ) return '0' + (c - 0x06F0);
  if( c>=0x0660 && c<=0x0669 ) return '0' + (c - 0x0660);
  return c;
}

/*
** Normalise free text z[0..n) and append it to pOut: Arabic letters to
** Persian, digits to ASCII, inner runs of white space to one ASCII space,
** surrounding white space trimmed, LRM/RLM/BOM dropped anywhere, ZWNJ
** kept. Returns 0, or -1 (pOut unchanged) when z is not valid UTF-8 or
** holds a NUL byte.
*/
int text_normalize(const char *z, size_t n, Buf *pOut){
  const unsigned char *p = (const unsigned char *)z;
  size_t i;
  int bSpace = 0;        /* a space is pending before the next character */
  int bAny = 0;          /* something has been written */
  unsigned c;

  if( !text_utf8_valid(z, n) || memchr(z, 0, n)!=0 ) return -1;
  for(i=0; i<n; ){
    if( p[i]<0x80 ){
      c = p[i++];
    }else{
      i += (size_t)text_decode(p + i, n - i, &c);
    }
    if( text_is_ignorable(c) ) continue;
    if( text_is_space(c) ){
      bSpace = bAny;
      continue;
    }
    if( bSpace ){ buf_putc(pOut, ' '); bSpace = 0; }
    text_put_cp(pOut, text_map(c));
    bAny = 1;
  }
  if( pOut->z==0 ) buf_append(pOut, "", 0);   /* z is never NULL on return */
  return 0;
}

/*
** Normalise the NUL-terminated z into a fresh heap string (caller frees),
** or return NULL on broken UTF-8 or when z is NULL.
*/
char *text_normalize_dup(const char *z){
  Buf b = {0};
  if( z==0 ) return 0;
  if( text_normalize(z, strlen(z), &b) ){
    buf_free(&b);
    return 0;
  }
  return buf_take(&b);
}

/*
** Normalise a code or number field and require a non-empty, all-ASCII
** result. Returns a heap string (caller frees) or NULL.
*/
char *text_code_dup(const char *z){
  char *zOut = text_normalize_dup(z);
  const unsigned char *p;
  if( zOut==0 ) return 0;
  for(p=(const unsigned char *)zOut; *p; p++){
    if( *p>=0x80 ) break;
  }
  if( *p || zOut[0]==0 ){
    free(zOut);
    return 0;
  }
  return zOut;
}

/*
** Append z with ASCII digits replaced by Persian digits. Other bytes,
** including '.', are copied unchanged.
*/
void text_persian_digits(Buf *pOut, const char *z){
  const char *zStart = z;
  for(; *z; z++){
    if( *z>='0' && *z<='9' ){
      if( z>zStart ) buf_append(pOut, zStart, (size_t)(z - zStart));
      buf_append(pOut, azPersianDigit[*z - '0'], 2);
      zStart = z + 1;
    }
  }
  if( z>zStart || pOut->z==0 ) buf_append(pOut, zStart, (size_t)(z - zStart));
}

/*
** Append v in Persian digits, grouped by threes with '٬' (U+066C) when
** bGroup is set. Negative numbers get the minus sign '−' (U+2212).
*/
void text_persian_int(Buf *pOut, long long v, int bGroup){
  char aDigit[24];
  int nDigit = 0, i;
  unsigned long long u;
  if( v<0 ){
    buf_append(pOut, "\xe2\x88\x92", 3);
    u = 0ULL - (unsigned long long)v;
  }else{
    u = (unsigned long long)v;
  }
  do{
    aDigit[nDigit++] = (char)(u % 10);
    u /= 10;
  }while( u );
  for(i=nDigit-1; i>=0; i--){
    buf_append(pOut, azPersianDigit[(int)aDigit[i]], 2);
    if( bGroup && i>0 && i%3==0 ) buf_append(pOut, "\xd9\xac", 2);
  }
}

/*
** Normalise z and skip an optional sign ('+', '-' or '−'). Stores the
** normalised heap string in *pzNorm (caller frees) and returns a pointer
** to the first byte after the sign, with *pbNeg set; or NULL if z is NULL
** or not valid UTF-8.
*/
static const char *text_number_start(const char *z, char **pzNorm, int *pbNeg){
  char *zNorm = text_normalize_dup(z);
  const char *zP;
  *pzNorm = zNorm;
  *pbNeg = 0;
  if( zNorm==0 ) return 0;
  zP = zNorm;
  if( *zP=='+' ){
    zP++;
  }else if( *zP=='-' ){
    zP++;
    *pbNeg = 1;
  }else if( strncmp(zP, "\xe2\x88\x92", 3)==0 ){
    zP += 3;
    *pbNeg = 1;
  }
  return zP;
}

/*
** Parse a whole decimal integer, Persian or Arabic-Indic digits accepted,
** surrounding space trimmed, optional sign. Returns 0 and sets *pV, or -1
** on anything else, including overflow.
*/
int text_parse_int(const char *z, long long *pV){
  char *zNorm;
  int bNeg;
  const char *zP = text_number_start(z, &zNorm, &bNeg);
  unsigned long long u = 0;
  unsigned long long uMax = bNeg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
  int rc = -1;
  if( zP==0 || *zP==0 ) goto done;
  for(; *zP; zP++){
    unsigned d;
    if( *zP<'0' || *zP>'9' ) goto done;
    d = (unsigned)(*zP - '0');
    if( u > (uMax - d)/10 ) goto done;
    u = u*10 + d;
  }
  if( bNeg ){
    *pV = u==(unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u;
  }else{
    *pV = (long long)u;
  }
  rc = 0;
done:
  free(zNorm);
  return rc;
}

/*
** Parse a decimal number: optional sign, digits (Persian accepted), an
** optional fraction after '.' or the Persian decimal separator '٫'
** (U+066B). At least one digit; no exponent, no "inf" or "nan".
** Returns 0 and sets *pV, or -1.
*/
int text_parse_double(const char *z, double *pV){
  char *zNorm;
  int bNeg, nDigit = 0, bDot = 0;
  const char *zP = text_number_start(z, &zNorm, &bNeg);
  const char *zDp;
  Buf b = {0};
  double v;
  char *zEnd;
  int rc = -1;
  if( zP==0 ) goto done;
  /* strtod() honours LC_NUMERIC: write the local decimal point. */
  zDp = localeconv()->decimal_point;
  if( zDp==0 || zDp[0]==0 ) zDp = ".";
  if( bNeg ) buf_putc(&b, '-');
  while( *zP ){
    if( *zP>='0' && *zP<='9' ){
      buf_putc(&b, *zP++);
      nDigit++;
    }else if( !bDot && (*zP=='.' || strncmp(zP, "\xd9\xab", 2)==0) ){
      zP += *zP=='.' ? 1 : 2;
      buf_puts(&b, zDp);
      bDot = 1;
    }else{
      goto done;
    }
  }
  if( nDigit==0 ) goto done;
  v = strtod(b.z, &zEnd);
  if( *zEnd || !isfinite(v) ) goto done;
  *pV = v;
  rc = 0;
done:
  buf_free(&b);
  free(zNorm);
  return rc;
}

/*
** Append z masked for lists: every code point but the last four becomes
** '*'. A string of four code points or fewer is copied unchanged.
*/
void text_mask(Buf *pOut, const char *z){
  const unsigned char *p = (const unsigned char *)z;
  size_t nCp = 0, i, iCp = 0;
  for(i=0; p[i]; i++){
    if( (p[i] & 0xC0)!=0x80 ) nCp++;
  }
  for(i=0; p[i]; i++){
    if( (p[i] & 0xC0)!=0x80 ){
      if( nCp - iCp <= 4 ) break;
      iCp++;
      buf_putc(pOut, '*');
    }
  }
  buf_puts(pOut, z + i);
}
