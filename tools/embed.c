/*
** embed.c — build-time tool: turns the files under web/ into C arrays.
**
**   embed OUT.c DIR [NAME=PATH ...]
**
** Walks DIR recursively (skipping dot files and editor backups "~"), adds each
** NAME=PATH given on the command line (a NAME=PATH replaces a file of the same
** name found in DIR), and writes OUT.c: one constant array per file and the
** table behind asset_find(), asset_url(), asset_count() and asset_at() as
** declared in src/web/assets.h.
**
** Each asset gets a content hash (FNV-1a 64, folded to 32 bits, 8 hex digits)
** placed before its extension: "style.css" -> "style.3fa2b1c9.css". The output
** is deterministic: assets sorted by name, nothing from the clock or the
** file system but names and contents.
**
** In CSS files, references "/static/NAME" to other (non-CSS) assets are
** rewritten to "/static/HASHED-NAME" before the CSS itself is hashed, so the
** font a stylesheet loads is cached for a year too; a reference to a name
** that is not embedded (the font when node_modules is absent) stays as is. OUT.c is written to OUT.c.tmp first and
** renamed, so a failed run never leaves a half-written file behind.
**
** Exit status 0, or 1 with a message on stderr.
*/
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct Entry {
  char *zName;     /* name under DIR, "/"-separated, e.g. "fonts/x.woff2" */
  char *zPath;     /* file to read */
  char *zHashed;   /* name with the hash, e.g. "fonts/x.1a2b3c4d.woff2" */
  char zHash[9];   /* 8 hex digits */
  const char *zMime;
  unsigned char *a;
  size_t n;
} Entry;

static Entry *aEntry = 0;
static int nEntry = 0;
static int nAlloc = 0;

/* Print a message and exit with status 1. */
__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *zFmt, ...){
  va_list ap;
  fprintf(stderr, "embed: ");
  va_start(ap, zFmt);
  vfprintf(stderr, zFmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(1);
}

static void *xrealloc(void *p, size_t n){
  p = realloc(p, n ? n : 1);
  if( p==0 ){ fprintf(stderr, "embed: out of memory\n"); abort(); }
  return p;
}

static char *xstrdup(const char *z){
  size_t n = strlen(z) + 1;
  char *zOut = xrealloc(0, n);
  memcpy(zOut, z, n);
  return zOut;
}

/* Concatenate a, b and c into a new string. The caller owns the result. */
static char *concat3(const char *a, const char *b, const char *c){
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *z = xrealloc(0, na + nb + nc + 1);
  memcpy(z, a, na);
  memcpy(z + na, b, nb);
  memcpy(z + na + nb, c, nc + 1);
  return z;
}

/* Add (or replace) the asset zName read from zPath. Takes ownership of
** neither string. */
static void entry_add(const char *zName, const char *zPath){
  int i;
  if( zName[0]==0 ) die("empty asset name for %s", zPath);
  for(i = 0; i < nEntry; i++){
    if( strcmp(aEntry[i].zName, zName)==0 ){
      free(aEntry[i].zPath);
      aEntry[i].zPath = xstrdup(zPath);
      return;
    }
  }
  if( nEntry==nAlloc ){
    nAlloc = nAlloc ? nAlloc * 2 : 32;
    aEntry = xrealloc(aEntry, sizeof(Entry) * (size_t)nAlloc);
  }
  memset(&aEntry[nEntry], 0, sizeof(Entry));
  aEntry[nEntry].zName = xstrdup(zName);
  aEntry[nEntry].zPath = xstrdup(zPath);
  nEntry++;
}

/* Add every regular file under zDir; zPrefix is the name of zDir relative to
** the root ("" at the root, else "sub/"). */
static void walk(const char *zDir, const char *zPrefix){
  DIR *d = opendir(zDir);
  struct dirent *e;
  if( d==0 ) die("cannot open directory %s", zDir);
  while( (e = readdir(d))!=0 ){
    const char *z = e->d_name;
    size_t n = strlen(z);
    char *zPath, *zName;
    struct stat st;
    if( z[0]=='.' || n==0 || z[n-1]=='~' ) continue;
    zPath = concat3(zDir, "/", z);
    zName = concat3(zPrefix, z, "");
    if( stat(zPath, &st) ) die("cannot stat %s", zPath);
    if( S_ISDIR(st.st_mode) ){
      char *zSub = concat3(zPrefix, z, "/");
      walk(zPath, zSub);
      free(zSub);
    }else if( S_ISREG(st.st_mode) ){
      entry_add(zName, zPath);
    }
    free(zPath);
    free(zName);
  }
  closedir(d);
}

/* Read the whole of zPath into p->a and p->n. */
static void entry_read(Entry *p){
  FILE *f = fopen(p->zPath, "rb");
  size_t nAllocBuf = 4096;
  if( f==0 ) die("cannot open %s", p->zPath);
  p->a = xrealloc(0, nAllocBuf);
  p->n = 0;
  for(;;){
    size_t got;
    if( p->n==nAllocBuf ){
      nAllocBuf *= 2;
      p->a = xrealloc(p->a, nAllocBuf);
    }
    got = fread(p->a + p->n, 1, nAllocBuf - p->n, f);
    p->n += got;
    if( got==0 ) break;
  }
  if( ferror(f) ) die("cannot read %s", p->zPath);
  fclose(f);
}

/* FNV-1a 64 over the content, folded to 32 bits and written as 8 hex digits. */
static void entry_hash(Entry *p){
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i;
  for(i = 0; i < p->n; i++){
    h ^= p->a[i];
    h *= 0x100000001b3ULL;
  }
  snprintf(p->zHash, sizeof(p->zHash), "%08lx",
           (unsigned long)((h ^ (h >> 32)) & 0xffffffffUL));
}

/* "dir/name.ext" -> "dir/name.HASH.ext"; "name" -> "name.HASH". The dot
** must be in the last path component and not its first character. */
static void entry_hashed_name(Entry *p){
  const char *zBase = strrchr(p->zName, '/');
  const char *zDot;
  zBase = zBase ? zBase + 1 : p->zName;
  zDot = strrchr(zBase, '.');
  if( zDot==0 || zDot==zBase ){
    p->zHashed = concat3(p->zName, ".", p->zHash);
  }else{
    size_t nHead = (size_t)(zDot - p->zName);
    char *zHead = xrealloc(0, nHead + 2);
    memcpy(zHead, p->zName, nHead);
    memcpy(zHead + nHead, ".", 2);
    p->zHashed = concat3(zHead, p->zHash, zDot);
    free(zHead);
  }
}

static const char *mime_of(const char *zName){
  static const struct { const char *zExt, *zMime; } aMime[] = {
    { ".css",   "text/css; charset=utf-8" },
    { ".js",    "text/javascript; charset=utf-8" },
    { ".json",  "application/json" },
    { ".woff2", "font/woff2" },
    { ".woff",  "font/woff" },
    { ".svg",   "image/svg+xml" },
    { ".png",   "image/png" },
    { ".ico",   "image/x-icon" },
    { ".txt",   "text/plain; charset=utf-8" },
  };
  size_t n = strlen(zName), i;
  for(i = 0; i < sizeof(aMime) / sizeof(aMime[0]); i++){
    size_t m = strlen(aMime[i].zExt);
    if( n > m && strcmp(zName + n - m, aMime[i].zExt)==0 ) return aMime[i].zMime;
  }
  return "application/octet-stream";
}

static int is_css(const Entry *p){
  size_t n = strlen(p->zName);
  return n > 4 && strcmp(p->zName + n - 4, ".css")==0;
}

/* Rewrite "/static/NAME" in the CSS content of p to "/static/HASHED" for every
** embedded non-CSS asset NAME whose hash is already known. The reference must
** end at a quote, ')', '?', '#' or white space. */
static void css_rewrite(Entry *p){
  static const char zPre[] = "/static/";
  const size_t nPre = sizeof(zPre) - 1;
  unsigned char *aOut = xrealloc(0, p->n + 1);
  size_t nOut = 0, nOutAlloc = p->n + 1, i = 0;
  while( i < p->n ){
    int iBest = -1, k;
    size_t nBest = 0;
    if( p->n - i > nPre && memcmp(p->a + i, zPre, nPre)==0 ){
      for(k = 0; k < nEntry; k++){
        const Entry *q = &aEntry[k];
        size_t m = strlen(q->zName), e = i + nPre + m;
        if( q->zHashed==0 || is_css(q) || e >= p->n ) continue;
        if( memcmp(p->a + i + nPre, q->zName, m) ) continue;
        if( strchr("\"')?# \t\r\n", p->a[e])==0 || p->a[e]==0 ) continue;
        if( m > nBest ){ nBest = m; iBest = k; }
      }
    }
    if( iBest >= 0 ){
      const char *zH = aEntry[iBest].zHashed;
      size_t nH = strlen(zH);
      while( nOut + nPre + nH + 1 > nOutAlloc ){
        nOutAlloc *= 2;
        aOut = xrealloc(aOut, nOutAlloc);
      }
      memcpy(aOut + nOut, zPre, nPre);
      memcpy(aOut + nOut + nPre, zH, nH);
      nOut += nPre + nH;
      i += nPre + nBest;
    }else{
      if( nOut + 1 > nOutAlloc ){
        nOutAlloc *= 2;
        aOut = xrealloc(aOut, nOutAlloc);
      }
      aOut[nOut++] = p->a[i++];
    }
  }
  free(p->a);
  p->a = aOut;
  p->n = nOut;
}

static int entry_cmp(const void *a, const void *b){
  return strcmp(((const Entry *)a)->zName, ((const Entry *)b)->zName);
}

/* Write z as a C string literal, escaping anything but plain printable ASCII. */
static void put_cstr(FILE *out, const char *z){
  fputc('"', out);
  for(; *z; z++){
    unsigned char c = (unsigned char)*z;
    if( c=='"' || c=='\\' ){
      fputc('\\', out);
      fputc(c, out);
    }else if( c < 0x20 || c >= 0x7f || c=='?' ){
      fprintf(out, "\\%03o", c);
    }else{
      fputc(c, out);
    }
  }
  fputc('"', out);
}

static void write_output(FILE *out){
  int i;
  fprintf(out,
    "/* Generated by tools/embed.c from web/ — do not edit. */\n"
    "#include <string.h>\n"
    "#include \"web/assets.h\"\n\n");
  for(i = 0; i < nEntry; i++){
    const Entry *p = &aEntry[i];
    size_t j;
    fprintf(out, "/* %s, %zu bytes */\n", p->zHashed, p->n);
    fprintf(out, "static const unsigned char a%d[%zu] = {", i, p->n ? p->n : 1);
    if( p->n==0 ) fprintf(out, "0");
    for(j = 0; j < p->n; j++){
      if( j % 16==0 ) fprintf(out, "\n ");
      fprintf(out, " %u,", p->a[j]);
    }
    fprintf(out, "\n};\n");
  }
  fprintf(out, "\n/* Sorted by zName. */\nstatic const Asset aAsset[] = {\n");
  for(i = 0; i < nEntry; i++){
    const Entry *p = &aEntry[i];
    fprintf(out, "  { ");
    put_cstr(out, p->zName);
    fprintf(out, ", ");
    put_cstr(out, p->zHashed);
    fprintf(out, ",\n    ");
    put_cstr(out, p->zMime);
    fprintf(out, ", \"\\\"%s\\\"\", a%d, %zu },\n", p->zHash, i, p->n);
  }
  if( nEntry==0 ) fprintf(out, "  { 0, 0, 0, 0, 0, 0 }\n");
  fprintf(out, "};\n\n/* URL of each asset, same order. */\nstatic const char *const azUrl[] = {\n");
  for(i = 0; i < nEntry; i++){
    char *zUrl = concat3("/static/", aEntry[i].zHashed, "");
    fprintf(out, "  ");
    put_cstr(out, zUrl);
    fprintf(out, ",\n");
    free(zUrl);
  }
  if( nEntry==0 ) fprintf(out, "  0\n");
  fprintf(out,
    "};\n\n"
    "#define N_ASSET %d\n\n"
    "/* Binary search by plain name: index, or -1. */\n"
    "static int asset_index(const char *zName){\n"
    "  int lo = 0, hi = N_ASSET - 1;\n"
    "  while( lo<=hi ){\n"
    "    int mid = lo + (hi - lo) / 2;\n"
    "    int c = strcmp(zName, aAsset[mid].zName);\n"
    "    if( c==0 ) return mid;\n"
    "    if( c<0 ) hi = mid - 1; else lo = mid + 1;\n"
    "  }\n"
    "  return -1;\n"
    "}\n\n"
    "const Asset *asset_find(const char *zName){\n"
    "  int i;\n"
    "  if( zName==0 ) return 0;\n"
    "  i = asset_index(zName);\n"
    "  if( i>=0 ) return &aAsset[i];\n"
    "  for(i = 0; i < N_ASSET; i++){\n"
    "    if( strcmp(zName, aAsset[i].zHashedName)==0 ) return &aAsset[i];\n"
    "  }\n"
    "  return 0;\n"
    "}\n\n"
    "/* For an unknown name the result is in a per-thread buffer, valid until\n"
    "** the next such call in the same thread; very long names are cut. */\n"
    "const char *asset_url(const char *zName){\n"
    "  static _Thread_local char zBuf[512];\n"
    "  int i = zName ? asset_index(zName) : -1;\n"
    "  if( i>=0 ) return azUrl[i];\n"
    "  strcpy(zBuf, \"/static/\");\n"
    "  if( zName ) strncat(zBuf, zName, sizeof(zBuf) - sizeof(\"/static/\"));\n"
    "  return zBuf;\n"
    "}\n\n"
    "int asset_count(void){ return N_ASSET; }\n\n"
    "const Asset *asset_at(int i){\n"
    "  return (i >= 0 && i < N_ASSET) ? &aAsset[i] : 0;\n"
    "}\n",
    nEntry);
}

int main(int argc, char **argv){
  const char *zOut, *zDir;
  char *zTmp;
  FILE *out;
  int i;
  if( argc < 3 ){
    fprintf(stderr, "usage: embed OUT.c DIR [NAME=PATH ...]\n");
    return 1;
  }
  zOut = argv[1];
  zDir = argv[2];
  walk(zDir, "");
  for(i = 3; i < argc; i++){
    char *zEq = strchr(argv[i], '=');
    char *zName;
    if( zEq==0 ) die("expected NAME=PATH, got %s", argv[i]);
    zName = xstrdup(argv[i]);
    zName[zEq - argv[i]] = 0;
    entry_add(zName, zEq + 1);
    free(zName);
  }
  if( nEntry > 0 ) qsort(aEntry, (size_t)nEntry, sizeof(Entry), entry_cmp);
  for(i = 0; i < nEntry; i++){
    entry_read(&aEntry[i]);
    aEntry[i].zMime = mime_of(aEntry[i].zName);
    if( is_css(&aEntry[i]) ) continue;
    entry_hash(&aEntry[i]);
    entry_hashed_name(&aEntry[i]);
  }
  for(i = 0; i < nEntry; i++){
    if( !is_css(&aEntry[i]) ) continue;
    css_rewrite(&aEntry[i]);
    entry_hash(&aEntry[i]);
    entry_hashed_name(&aEntry[i]);
  }
  zTmp = concat3(zOut, ".tmp", "");
  out = fopen(zTmp, "wb");
  if( out==0 ) die("cannot write %s", zTmp);
  write_output(out);
  if( fflush(out) || ferror(out) || fclose(out) ){
    remove(zTmp);
    die("cannot write %s", zTmp);
  }
  if( rename(zTmp, zOut) ){
    remove(zTmp);
    die("cannot rename to %s", zOut);
  }
  free(zTmp);
  for(i = 0; i < nEntry; i++){
    free(aEntry[i].zName);
    free(aEntry[i].zPath);
    free(aEntry[i].zHashed);
    free(aEntry[i].a);
  }
  free(aEntry);
  return 0;
}
