/*
** csv.c — a streaming RFC 4180 CSV reader, and a field writer.
**
** The reader pulls the input through its own 64 KB buffer with fread(), and
** scans runs of ordinary bytes in place, so the cost per byte is a table
** lookup, not a function call. The current record's fields are kept one
** after another, each NUL-terminated, in one growable block; memory is
** bounded by the longest record, and a record longer than the reader's
** limit (CSV_MAX_RECORD unless csv_set_max_record() says otherwise) is
** read to its end but reported as an error instead of being kept.
*/
#include "csv.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mem.h"

#define CSV_BUFSZ      65536
#define CSV_MAX_RECORD (64 * 1024 * 1024)

struct CsvReader {
  FILE *pIn;               /* input; not owned */
  unsigned char *aBuf;     /* read-ahead buffer, CSV_BUFSZ bytes */
  size_t iBuf, nBuf;       /* next unread byte, bytes valid in aBuf */
  long long iBase;         /* input offset of aBuf[0] */
  int bStarted;            /* the BOM check has been done */
  char *zRec;              /* fields of the current record, NUL-separated */
  size_t nRec, nRecAlloc;  /* bytes used / allocated in zRec */
  size_t *aOff;            /* aOff[i]: offset in zRec of field i */
  size_t *aLen;            /* aLen[i]: length of field i */
  int nField, nFieldAlloc; /* fields in the record / slots allocated */
  size_t nMaxRec;          /* most bytes a record may hold */
  int bTooLong;            /* the record overflowed nMaxRec */
  long iLine;              /* physical line of the next unread byte */
  long iRecLine;           /* line where the current record starts */
  int iErrCol;             /* 1-based field of the last error, or 0 */
  const char *zErr;        /* message of the last error, or "" */
  size_t iPeekEnd;         /* after the line csv_peek_line() gave */
};

/* aSpecial[c] is 1 for the bytes that end a run in an unquoted field. */
static const unsigned char aSpecial[256] = {
  ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

/*
** Start reading CSV from pIn. The reader does not close pIn. Aborts on
** out-of-memory.
*/
CsvReader *csv_open(FILE *pIn){
  CsvReader *p = xcalloc(1, sizeof(*p));
  p->pIn = pIn;
  p->aBuf = xmalloc(CSV_BUFSZ + 16);   /* 16: vector loads may look past the end */
  p->iLine = 1;
  p->zErr = "";
  p->nMaxRec = CSV_MAX_RECORD;
  return p;
}

/*
** Limit the bytes a record may hold (its fields plus one per field) to
** nMax; a longer record makes csv_next() return -1 "record too long".
*/
void csv_set_max_record(CsvReader *p, size_t nMax){
  p->nMaxRec = nMax;
}

/*
** Free p and everything it holds (not its FILE). p may be NULL.
*/
void csv_close(CsvReader *p){
  if( p==0 ) return;
  free(p->aBuf);
  free(p->zRec);
  free(p->aOff);
  free(p->aLen);
  free(p);
}

/*
** Refill the read buffer. Returns the number of bytes now available, 0
** at end of input (or on a read error, which ends the input too).
*/
static size_t csv_fill(CsvReader *p){
  p->iBase += (long long)p->nBuf;
  p->iBuf = 0;
  p->nBuf = fread(p->aBuf, 1, CSV_BUFSZ, p->pIn);
  return p->nBuf;
}

/*
** Return the next byte without consuming it, or -1 at end of input.
*/
static inline int csv_peek(CsvReader *p){
  if( p->iBuf>=p->nBuf && csv_fill(p)==0 ) return -1;
  return p->aBuf[p->iBuf];
}

/*
** Slow path of csv_add(): grow zRec, or mark the record too long once it
** passes p->nMaxRec (the bytes are then dropped).
*/
static void csv_add_slow(CsvReader *p, const void *z, size_t n){
  if( p->bTooLong ) return;
  if( p->nRec + n + 1 > p->nMaxRec ){
    p->bTooLong = 1;
    p->iErrCol = p->nField + 1;
    return;
  }
  if( p->nRec + n + 1 > p->nRecAlloc ){
    size_t nNew = p->nRecAlloc ? p->nRecAlloc : 1024;
    while( nNew < p->nRec + n + 1 ) nNew *= 2;
    p->zRec = xrealloc(p->zRec, nNew);
    p->nRecAlloc = nNew;
  }
  memcpy(p->zRec + p->nRec, z, n);
  p->nRec += n;
}

/*
** Append z[0..n) to the current field, always leaving room for one more
** byte (the field's terminator).
*/
static inline void csv_add(CsvReader *p, const void *z, size_t n){
  size_t nNeed = p->nRec + n + 1;
  if( nNeed<=p->nRecAlloc && nNeed<=p->nMaxRec && !p->bTooLong ){
    memcpy(p->zRec + p->nRec, z, n);
    p->nRec += n;
  }else{
    csv_add_slow(p, z, n);
  }
}

/*
** Close the field that started at offset iStart of zRec.
*/
static void csv_end_field(CsvReader *p, size_t iStart){
  if( p->nField>=p->nFieldAlloc ){
    p->nFieldAlloc = p->nFieldAlloc ? p->nFieldAlloc*2 : 16;
    p->aOff = xrealloc(p->aOff, sizeof(p->aOff[0]) * (size_t)p->nFieldAlloc);
    p->aLen = xrealloc(p->aLen, sizeof(p->aLen[0]) * (size_t)p->nFieldAlloc);
  }
  if( p->nRec + 1 > p->nRecAlloc ) csv_add_slow(p, "", 0);
  if( p->bTooLong ){
    p->aOff[p->nField] = 0;
    p->aLen[p->nField] = 0;
  }else{
    p->zRec[p->nRec] = 0;
    p->aOff[p->nField] = iStart;
    p->aLen[p->nField] = p->nRec - iStart;
    p->nRec++;
  }
  p->nField++;
}

/*
** Consume one line end ("\n", "\r\n" or a lone "\r") if the next byte
** starts one, counting the line. Returns 1 if it did, 0 otherwise.
*/
static int csv_eol(CsvReader *p){
  int c = csv_peek(p);
  if( c=='\n' ){
    p->iBuf++;
    p->iLine++;
    return 1;
  }
  if( c=='\r' ){
    p->iBuf++;
    if( csv_peek(p)=='\n' ) p->iBuf++;
    p->iLine++;
    return 1;
  }
  return 0;
}

/*
** Skip the rest of the physical line after an error, with its line end.
*/
static void csv_skip_line(CsvReader *p){
  int c;
  while( (c = csv_peek(p))>=0 ){
    if( c=='\n' || c=='\r' ){
      csv_eol(p);
      return;
    }
    p->iBuf++;
  }
}

/*
** Record an error at the current field and return -1.
*/
static int csv_fail(CsvReader *p, const char *zMsg){
  p->iErrCol = p->nField + 1;
  p->zErr = zMsg;
  return -1;
}

/*
** Read a quoted field; the opening quote is the next byte. On return the
** closing quote has been consumed. Returns 0, or -1 when the input ends
** inside the quotes.
*/
static int csv_quoted(CsvReader *p){
  p->iBuf++;
  for(;;){
    const unsigned char *zS, *zE, *zQ, *zNl;
    if( p->iBuf>=p->nBuf && csv_fill(p)==0 ) return -1;
    zS = p->aBuf + p->iBuf;
    zE = p->aBuf + p->nBuf;
    zQ = memchr(zS, '"', (size_t)(zE - zS));
    if( zQ==0 ) zQ = zE;
    /* count the embedded newlines of the run */
    for(zNl=zS; (zNl = memchr(zNl, '\n', (size_t)(zQ - zNl)))!=0; zNl++){
      p->iLine++;
    }
    csv_add(p, zS, (size_t)(zQ - zS));
    p->iBuf = (size_t)(zQ - p->aBuf);
    if( zQ==zE ) continue;
    p->iBuf++;
    if( csv_peek(p)=='"' ){            /* doubled quote */
      csv_add(p, "\"", 1);
      p->iBuf++;
      continue;
    }
    return 0;
  }
}

/*
** Read an unquoted field up to (not including) the comma, line end or end
** of input that closes it. Returns 0, or -1 if it holds a quote.
*/
static int csv_unquoted(CsvReader *p){
  for(;;){
    const unsigned char *zS, *zE, *zQ;
    if( p->iBuf>=p->nBuf && csv_fill(p)==0 ) return 0;
    zS = p->aBuf + p->iBuf;
    zE = p->aBuf + p->nBuf;
    for(zQ=zS; zQ<zE && !aSpecial[*zQ]; zQ++){}
    csv_add(p, zS, (size_t)(zQ - zS));
    p->iBuf = (size_t)(zQ - p->aBuf);
    if( zQ==zE ) continue;
    return *zQ=='"' ? -1 : 0;
  }
}

/*
** Note field (iStart, iEnd) of zRec for csv_fast(). Returns 0.
*/
static int csv_fast_field(CsvReader *p, size_t iStart, size_t iEnd){
  if( p->nField>=p->nFieldAlloc ){
    p->nFieldAlloc = p->nFieldAlloc ? p->nFieldAlloc*2 : 16;
    p->aOff = xrealloc(p->aOff, sizeof(p->aOff[0]) * (size_t)p->nFieldAlloc);
    p->aLen = xrealloc(p->aLen, sizeof(p->aLen[0]) * (size_t)p->nFieldAlloc);
  }
  p->aOff[p->nField] = iStart;
  p->aLen[p->nField] = iEnd - iStart;
  p->nField++;
  return 0;
}

/*
** The fast path of csv_next(): when the buffer holds the whole next line
** and it has no quote and no CR but the one before its LF, split it on its
** commas in one pass. Returns 1 when it read the record, 0 when the line
** needs the general reader (nothing consumed then).
*/
static int csv_fast(CsvReader *p){
  const unsigned char *zS = p->aBuf + p->iBuf;
  const unsigned char *zNl = memchr(zS, '\n', p->nBuf - p->iBuf);
  size_t n, iStart = 0, i;
  char *zOut;
  if( zNl==0 ) return 0;
  n = (size_t)(zNl - zS);
  if( n>0 && zS[n-1]=='\r' ) n--;
  if( n + 1 > p->nMaxRec ) return 0;
  if( n + 1 + 16 > p->nRecAlloc ){         /* 16: room for a vector load */
    size_t nNew = p->nRecAlloc ? p->nRecAlloc : 1024;
    while( nNew < n + 1 + 16 ) nNew *= 2;
    p->zRec = xrealloc(p->zRec, nNew);
    p->nRecAlloc = nNew;
  }
  zOut = p->zRec;
  memcpy(zOut, zS, n);
  memset(zOut + n, 0, 16);
  p->nField = 0;
#if defined(__SSE2__)
  {
    const __m128i vComma = _mm_set1_epi8(','), vQuote = _mm_set1_epi8('"');
    const __m128i vCr = _mm_set1_epi8('\r');
    for(i=0; i<n; i+=16){
      __m128i v = _mm_loadu_si128((const __m128i *)(zOut + i));
      unsigned mC = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vComma));
      unsigned mX = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vQuote),
                                                             _mm_cmpeq_epi8(v, vCr)));
      if( mX ) return 0;              /* a quote or CR: the general reader */
      while( mC ){
        size_t k = i + (size_t)__builtin_ctz(mC);
        if( k>=n ) break;
        if( csv_fast_field(p, iStart, k) ) return 0;
        zOut[k] = 0;
        iStart = k + 1;
        mC &= mC - 1;
      }
    }
  }
#else
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)zOut[i];
    if( aSpecial[c] ){
      if( c!=',' ) return 0;
      if( csv_fast_field(p, iStart, i) ) return 0;
      zOut[i] = 0;
      iStart = i + 1;
    }
  }
#endif
  if( csv_fast_field(p, iStart, n) ) return 0;
  p->nRec = n + 1;
  p->iBuf = (size_t)(zNl + 1 - p->aBuf);
  p->iLine++;
  return 1;
}

/*
** Read the next record. Returns 1 when a record was read, 0 at end of
** input, -1 on a malformed record (csv_error() and csv_error_column() say
** why and where; the next call resumes after it). Blank lines are skipped.
*/
int csv_next(CsvReader *p){
  int c;
  p->nRec = 0;
  p->nField = 0;
  p->bTooLong = 0;
  p->iErrCol = 0;
  p->zErr = "";
  if( !p->bStarted ){
    p->bStarted = 1;
    if( csv_peek(p)==0xEF && p->nBuf - p->iBuf>=3
     && memcmp(p->aBuf + p->iBuf, "\xEF\xBB\xBF", 3)==0 ){
      p->iBuf += 3;
    }
  }
  while( csv_eol(p) ){}
  if( csv_peek(p)<0 ) return 0;
  p->iRecLine = p->iLine;
  if( csv_fast(p) ) return 1;
  p->nField = 0;
  for(;;){
    size_t iStart = p->nRec;
    if( csv_peek(p)=='"' ){
      if( csv_quoted(p) ) return csv_fail(p, "unterminated quoted field");
      c = csv_peek(p);
      if( c!=',' && c!='\n' && c!='\r' && c>=0 ){
        csv_fail(p, "stray character after a closing quote");
        csv_skip_line(p);
        return -1;
      }
    }else if( csv_unquoted(p) ){
      csv_fail(p, "quote inside an unquoted field");
      csv_skip_line(p);
      return -1;
    }
    csv_end_field(p, iStart);
    if( csv_peek(p)==',' ){
      p->iBuf++;
      continue;
    }
    csv_eol(p);
    break;
  }
  if( p->bTooLong ){
    int iCol = p->iErrCol;
    p->nField = 0;
    csv_fail(p, "record too long");
    p->iErrCol = iCol;
    return -1;
  }
  return 1;
}

int csv_peek_line(CsvReader *p, const char **pz, size_t *pn){
  const unsigned char *zS, *zNl;
  size_t n, nAvail;
  if( !p->bStarted || p->iBuf>=p->nBuf ) return 0;
  zS = p->aBuf + p->iBuf;
  nAvail = p->nBuf - p->iBuf;
#if defined(__SSE2__)
  {
    /* one pass: the first LF, and no quote or CR before it */
    /* one pass: the first LF, and no quote or CR before it (but a CR
    ** just before it, in the same 16 bytes) */
    const __m128i vNl = _mm_set1_epi8('\n'), vQuote = _mm_set1_epi8('"');
    const __m128i vCr = _mm_set1_epi8('\r');
    size_t i;
    zNl = 0;
    for(i=0; i<nAvail; i+=16){
      __m128i v = _mm_loadu_si128((const __m128i *)(zS + i));
      unsigned mN = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vNl));
      unsigned mQ = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vQuote));
      unsigned mC = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vCr));
      if( nAvail - i<16 ){
        unsigned mValid = (1u << (nAvail - i)) - 1;
        mN &= mValid;
        mQ &= mValid;
        mC &= mValid;
      }
      if( mN ){
        unsigned k = (unsigned)__builtin_ctz(mN);
        unsigned mBefore = (1u << k) - 1;
        if( k>0 ) mC &= ~(1u << (k - 1));
        if( (mQ | mC) & mBefore ) return 0;
        zNl = zS + i + k;
        break;
      }
      if( mQ | mC ) return 0;
    }
    if( zNl==0 ) return 0;
  }
#else
  zNl = memchr(zS, '\n', nAvail);
  if( zNl==0 ) return 0;
  if( memchr(zS, '"', (size_t)(zNl - zS)) ) return 0;
  {
    const unsigned char *zCr = memchr(zS, '\r', (size_t)(zNl - zS));
    if( zCr && zCr!=zNl - 1 ) return 0;
  }
#endif
  n = (size_t)(zNl - zS);
  if( n>0 && zS[n-1]=='\r' ) n--;
  if( n==0 ) return 0;
  *pz = (const char *)zS;
  *pn = n;
  p->iPeekEnd = (size_t)(zNl + 1 - p->aBuf);
  return 1;
}

void csv_take_line(CsvReader *p){
  p->nRec = 0;
  p->nField = 0;
  p->bTooLong = 0;
  p->iErrCol = 0;
  p->zErr = "";
  p->iRecLine = p->iLine++;
  p->iBuf = p->iPeekEnd;
}

/*
** Number of fields in the current record.
*/
int csv_nfield(const CsvReader *p){
  return p->nField;
}

/*
** Field i of the current record, NUL-terminated; "" when i is out of
** range, so a short (ragged) row reads as empty trailing fields.
*/
const char *csv_field(const CsvReader *p, int i){
  if( i<0 || i>=p->nField ) return "";
  return p->zRec + p->aOff[i];
}

/*
** Byte length of field i of the current record; 0 when out of range.
*/
size_t csv_field_len(const CsvReader *p, int i){
  if( i<0 || i>=p->nField ) return 0;
  return p->aLen[i];
}

/*
** 1-based physical line where the current record starts.
*/
long csv_line(const CsvReader *p){
  return p->iRecLine;
}

/*
** 1-based field number of the last error, or 0 when there was none.
*/
int csv_error_column(const CsvReader *p){
  return p->iErrCol;
}

/*
** Message of the last error, or "" when there was none.
*/
const char *csv_error(const CsvReader *p){
  return p->zErr;
}

/*
** Bytes of input consumed so far.
*/
long long csv_offset(const CsvReader *p){
  return p->iBase + (long long)p->iBuf;
}

/*
** Write z to pOut as one CSV field, quoted (with inner quotes doubled)
** when it holds a comma, quote, CR or LF, or starts or ends with a space
** or tab.
*/
void csv_write_field(FILE *pOut, const char *z){
  size_t n = strlen(z);
  const char *zQ;
  if( n==0 ) return;
  if( strpbrk(z, ",\"\r\n")==0 && z[0]!=' ' && z[0]!='\t'
   && z[n-1]!=' ' && z[n-1]!='\t' ){
    fwrite(z, 1, n, pOut);
    return;
  }
  putc('"', pOut);
  while( (zQ = strchr(z, '"'))!=0 ){
    fwrite(z, 1, (size_t)(zQ - z) + 1, pOut);
    putc('"', pOut);
    z = zQ + 1;
  }
  fputs(z, pOut);
  putc('"', pOut);
}
