/*
** server.c — libmicrohttpd glue: a thread pool, one SQLite connection per
** worker, bounded request bodies, route dispatch, security headers, and a
** clean shutdown on SIGINT/SIGTERM.
**
** No mutable globals: everything the workers share hangs off one Server,
** passed to libmicrohttpd as its closure.
*/
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <sys/socket.h>
#include <zlib.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/document.h"
#include "domain/period.h"
#include "store/db.h"
#include "web/req.h"
#include "web/reqimpl.h"
#include "web/server.h"
#include "web/session.h"

#define CSP "default-src 'self'; img-src 'self' data:; style-src 'self'; " \
            "script-src 'self'; object-src 'none'; base-uri 'none'; "      \
            "form-action 'self'; frame-ancestors 'none'"

struct Server {
  const ServeOpts *pOpts;
  struct MHD_Daemon *pDaemon;
  pthread_mutex_t mx;
  pthread_cond_t cv;
  sqlite3 **aDb;      /* one connection per worker */
  int *aBusy;
  int nDb;
  WhatifCache *pWhatif;  /* period baselines of the what-if simulator */
  int bStopping;         /* set at shutdown: the warm-up stops early */
};

const char *server_dir(const Server *p){ return p->pOpts->zDir; }
WhatifCache *server_whatif(const Server *p){ return p->pWhatif; }

/* Take a free connection from the pool, waiting if all are in use. */
static sqlite3 *poolAcquire(Server *p){
  sqlite3 *db = 0;
  int i;
  pthread_mutex_lock(&p->mx);
  for(;;){
    for(i=0; i<p->nDb; i++){
      if( !p->aBusy[i] ){ p->aBusy[i] = 1; db = p->aDb[i]; break; }
    }
    if( db ) break;
    pthread_cond_wait(&p->cv, &p->mx);
  }
  pthread_mutex_unlock(&p->mx);
  return db;
}

static void poolRelease(Server *p, sqlite3 *db){
  int i;
  pthread_mutex_lock(&p->mx);
  for(i=0; i<p->nDb; i++){
    if( p->aDb[i]==db ){ p->aBusy[i] = 0; break; }
  }
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mx);
}

/*
** Match zPath against zPattern ('*' = one non-empty segment). On a match,
** fill r->azArg and return 1.
*/
static int routeMatch(Req *r, const char *zPattern, const char *zPath){
  int nArg = 0;
  const char *azArg[REQ_MAX_ARGS];
  while( *zPattern && *zPath ){
    if( *zPattern=='*' ){
      const char *zEnd = strchr(zPath, '/');
      size_t n = zEnd ? (size_t)(zEnd - zPath) : strlen(zPath);
      char *z;
      if( n==0 || nArg>=REQ_MAX_ARGS ) return 0;
      z = req_alloc(r, n+1);
      memcpy(z, zPath, n);
      z[n] = 0;
      azArg[nArg++] = z;
      zPath += n;
      zPattern++;
    }else if( *zPattern==*zPath ){
      zPattern++;
      zPath++;
    }else{
      return 0;
    }
  }
  if( *zPattern || *zPath ) return 0;
  memcpy(r->azArg, azArg, sizeof(azArg[0])*nArg);
  r->nArg = nArg;
  return 1;
}

/* Find the route for r. Returns it, or NULL with *pbOtherMethod set when
** the path exists under another method. */
static const Route *routeFind(Req *r, int *pbOtherMethod){
  int i;
  const char *zMethod = strcmp(r->zMethod, "HEAD")==0 ? "GET" : r->zMethod;
  *pbOtherMethod = 0;
  for(i=0; i<nRoute; i++){
    if( !routeMatch(r, aRoute[i].zPattern, r->zPath) ) continue;
    if( strcmp(aRoute[i].zMethod, zMethod)==0 ) return &aRoute[i];
    *pbOtherMethod = 1;
  }
  return 0;
}

/* Flags of the route for a path regardless of method (for body limits). */
static unsigned routeFlagsFor(Req *r){
  int b;
  const Route *p = routeFind(r, &b);
  return p ? p->flags : 0;
}

/*
** Streaming uploads. A multipart/form-data body for a ROUTE_UPLOAD route
** goes through libmicrohttpd's post processor: each kept file part is
** written to its own temporary file under DATA/tmp as it arrives and hashed
** with SHA-256 on the way; past DOC_MAX_BYTES a file is removed and the
** rest of it is counted but dropped, so memory stays bounded whatever the
** body. A ROUTE_UPLOAD route keeps the first file part only; a
** ROUTE_UPLOAD_MANY route keeps up to UPLOAD_MAX_FILES (r->aUpload). The
** other (small) parts become r->aForm.
*/
#define UPLOAD_MAX_FIELDS 64
#define UPLOAD_MAX_FIELD  (64 * 1024)

typedef struct UploadState {
  Upload aFile[UPLOAD_MAX_FILES];     /* first: r->pUpload points at aFile[0] */
  int nFile;                          /* file parts kept so far */
  int mxFile;                         /* 1, or UPLOAD_MAX_FILES */
  struct MHD_PostProcessor *pPost;
  Req *r;
  int fd;                             /* temporary file of aFile[nFile-1], or -1 */
  crypto_hash_sha256_state sha;
  int nField;
  char *azName[UPLOAD_MAX_FIELDS];
  Buf aValue[UPLOAD_MAX_FIELDS];
  int bInFile;                        /* the current part is aFile[nFile-1] */
  int bSkipFile;                      /* a file part beyond mxFile: dropped */
} UploadState;

/* Stop keeping file i: close and remove it. */
static void uploadDropFile(UploadState *pU, int i){
  if( i==pU->nFile-1 && pU->fd>=0 ){ close(pU->fd); pU->fd = -1; }
  if( pU->aFile[i].zTmp[0] ){ unlink(pU->aFile[i].zTmp); pU->aFile[i].zTmp[0] = 0; }
}

/* Stop keeping every file. */
static void uploadDrop(UploadState *pU){
  int i;
  for(i=0; i<pU->nFile; i++) uploadDropFile(pU, i);
  if( pU->fd>=0 ){ close(pU->fd); pU->fd = -1; }
}

/* The current file part is complete: close it and set its hash. */
static void uploadFinishFile(UploadState *pU){
  Upload *pF;
  if( pU->nFile==0 ) return;
  pF = &pU->aFile[pU->nFile-1];
  if( pU->fd>=0 ){
    unsigned char a[crypto_hash_sha256_BYTES];
    if( close(pU->fd)!=0 ) pF->bError = 1;
    pU->fd = -1;
    crypto_hash_sha256_final(&pU->sha, a);
    sodium_bin2hex(pF->zSha256, sizeof pF->zSha256, a, sizeof a);
  }
  if( pF->bError ) uploadDropFile(pU, pU->nFile-1);
}

static enum MHD_Result onPostData(void *cls, enum MHD_ValueKind kind,
                                  const char *zKey, const char *zFilename,
                                  const char *zCType, const char *zEnc,
                                  const char *zData, uint64_t off, size_t n){
  UploadState *pU = cls;
  Upload *pF = pU->nFile ? &pU->aFile[pU->nFile-1] : 0;
  (void)kind; (void)zCType; (void)zEnc;
  if( zKey==0 ) return MHD_YES;
  if( zFilename ){
    /* A new part starts at offset 0, unless this is another call for the
    ** same part before any of its content arrived. */
    int bSame = pF && pU->bInFile && pF->nSize==0 && strcmp(zKey, pF->zField)==0
             && strncmp(zFilename, pF->zName, sizeof pF->zName - 1)==0;
    if( off==0 && !bSame ){
      uploadFinishFile(pU);
      if( pU->nFile>=pU->mxFile ){
        /* only the first mxFile file parts of a request are kept */
        pU->bInFile = 0;
        pU->bSkipFile = 1;
        if( pU->mxFile>1 ) pU->r->bUploadTooMany = 1;
      }else{
        pF = &pU->aFile[pU->nFile++];
        pU->bInFile = 1;
        pF->bFile = 1;
        snprintf(pF->zField, sizeof pF->zField, "%s", zKey);
        snprintf(pF->zName, sizeof pF->zName, "%s", zFilename);
        crypto_hash_sha256_init(&pU->sha);
        pU->fd = document_tmpfile(server_dir(pU->r->pSrv), pF->zTmp, sizeof pF->zTmp);
        if( pU->fd<0 ) pF->bError = 1;
      }
    }
    if( !pU->bInFile || n==0 ) return MHD_YES;
    pF = &pU->aFile[pU->nFile-1];
    pF->nSize += (long long)n;
    if( pF->nSize > DOC_MAX_BYTES ){
      pF->bTooLarge = 1;
      uploadDropFile(pU, pU->nFile-1);
      return MHD_YES;
    }
    if( pU->fd>=0 ){
      size_t nDone = 0;
      while( nDone<n ){
        ssize_t w = write(pU->fd, zData + nDone, n - nDone);
        if( w<=0 ){ pF->bError = 1; uploadDropFile(pU, pU->nFile-1); break; }
        nDone += (size_t)w;
      }
      crypto_hash_sha256_update(&pU->sha, (const unsigned char *)zData, n);
    }
    return MHD_YES;
  }
  /* an ordinary field */
  pU->bInFile = 0;
  if( off==0 || pU->nField==0 || strcmp(pU->azName[pU->nField-1], zKey)!=0 ){
    if( pU->nField>=UPLOAD_MAX_FIELDS ) return MHD_YES;
    pU->azName[pU->nField] = req_strdup(pU->r, zKey);
    pU->nField++;
  }
  if( pU->aValue[pU->nField-1].n + n <= UPLOAD_MAX_FIELD ){
    buf_append(&pU->aValue[pU->nField-1], zData, n);
  }
  return MHD_YES;
}

/* Is this request a multipart body for an upload route? Then set up the
** streaming state. Returns 1 when streaming. */
static int uploadBegin(Req *r, unsigned flags){
  const char *zType = MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, "Content-Type");
  UploadState *pU;
  if( !(flags & (ROUTE_UPLOAD|ROUTE_UPLOAD_MANY)) || zType==0
   || strncasecmp(zType, "multipart/form-data", 19)!=0 ) return 0;
  pU = xcalloc(1, sizeof *pU);
  pU->fd = -1;
  pU->r = r;
  pU->mxFile = (flags & ROUTE_UPLOAD_MANY) ? UPLOAD_MAX_FILES : 1;
  pU->pPost = MHD_create_post_processor(r->pConn, 32*1024, onPostData, pU);
  if( pU->pPost==0 ) pU->aFile[0].bError = 1;
  r->pUpload = &pU->aFile[0];
  r->aUpload = pU->aFile;
  return 1;
}

/* A body that did not parse: every file goes, and the request says so. */
static void uploadFail(UploadState *pU){
  int i;
  uploadDrop(pU);
  for(i=0; i<pU->nFile; i++) pU->aFile[i].bError = 1;
  pU->aFile[0].bError = 1;
}

/* The body is complete: finish the last file and hand the fields to r. */
static void uploadEnd(Req *r){
  UploadState *pU = (UploadState *)r->pUpload;
  int i;
  if( pU->pPost ){ MHD_destroy_post_processor(pU->pPost); pU->pPost = 0; }
  uploadFinishFile(pU);
  if( pU->aFile[0].bError ) uploadDropFile(pU, 0);
  r->nUpload = pU->nFile;
  r->aForm = req_alloc(r, sizeof(Param)*(size_t)(pU->nField ? pU->nField : 1));
  for(i=0; i<pU->nField; i++){
    r->aForm[i].zName = pU->azName[i];
    r->aForm[i].zValue = req_strdup(r, buf_str(&pU->aValue[i]));
  }
  r->nForm = pU->nField;
}

/* Free the streaming state; a file no handler kept is removed. */
static void uploadFree(Req *r){
  UploadState *pU = (UploadState *)r->pUpload;
  int i;
  if( pU==0 ) return;
  if( pU->pPost ) MHD_destroy_post_processor(pU->pPost);
  uploadDrop(pU);
  for(i=0; i<UPLOAD_MAX_FIELDS; i++) buf_free(&pU->aValue[i]);
  free(pU);
  r->pUpload = 0;
  r->aUpload = 0;
  r->nUpload = 0;
}

/* Did the handler set header zName? */
static int hasHeader(const Req *r, const char *zName){
  int i;
  for(i=0; i<r->nHdr; i++) if( strcasecmp(r->azHdr[i][0], zName)==0 ) return 1;
  return 0;
}

/* Text worth compressing: HTML, CSS, JSON, CSV, SVG, JavaScript. */
static int isCompressible(const Req *r){
  const char *t = r->zType ? r->zType : "text/html";
  return strncmp(t, "text/", 5)==0 || strncmp(t, "application/json", 16)==0
      || strncmp(t, "image/svg+xml", 13)==0 || strncmp(t, "application/javascript", 22)==0;
}

/* Compress this response? Only text over 1 KB, for a client that takes
** gzip (slow rural links gain most). */
static int wantGzip(Req *r, size_t n){
  const char *zAe;
  if( n<1024 || r->status==304 || !isCompressible(r) ) return 0;
  zAe = req_header(r, "Accept-Encoding");
  return zAe && strstr(zAe, "gzip")!=0;
}

/* gzip z[0..n) into a fresh buffer (*pnOut bytes), or NULL on failure. */
static char *gzipBuf(const char *z, size_t n, size_t *pnOut){
  z_stream s;
  size_t nCap = compressBound((uLong)n) + 32;
  char *zOut = xmalloc(nCap);
  memset(&s, 0, sizeof s);
  if( deflateInit2(&s, 6, Z_DEFLATED, 15+16, 8, Z_DEFAULT_STRATEGY)!=Z_OK ){
    free(zOut);
    return 0;
  }
  s.next_in = (Bytef *)z;
  s.avail_in = (uInt)n;
  s.next_out = (Bytef *)zOut;
  s.avail_out = (uInt)nCap;
  if( deflate(&s, Z_FINISH)!=Z_STREAM_END ){
    deflateEnd(&s);
    free(zOut);
    return 0;
  }
  *pnOut = s.total_out;
  deflateEnd(&s);
  return zOut;
}

/* Queue the buffered response of r with the security headers. */
static enum MHD_Result sendResponse(struct MHD_Connection *pConn, Req *r){
  struct MHD_Response *pResp;
  enum MHD_Result rc;
  size_t n = r->out.n;
  int i;
  char *z = buf_take(&r->out);
  if( strcmp(r->zMethod, "HEAD")==0 ){
    pResp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    free(z);
  }else if( r->fdOut>0 ){
    free(z);
    pResp = MHD_create_response_from_fd64((uint64_t)r->nFdOut, r->fdOut);
    r->fdOut = 0;                       /* libmicrohttpd closes it */
  }else{
    int bGzip = 0;
    if( z && wantGzip(r, n) ){
      size_t nZ = 0;
      char *zZ = gzipBuf(z, n, &nZ);
      if( zZ ){
        free(z);
        z = zZ;
        n = nZ;
        bGzip = 1;
      }
    }
    pResp = MHD_create_response_from_buffer(n, z ? z : (void *)"", z ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if( bGzip ) MHD_add_response_header(pResp, "Content-Encoding", "gzip");
    if( bGzip || isCompressible(r) ) MHD_add_response_header(pResp, "Vary", "Accept-Encoding");
  }
  MHD_add_response_header(pResp, "Content-Type", r->zType ? r->zType : "text/html; charset=utf-8");
  /* A handler may replace the policy and the framing rule (a document
  ** shown inline in the review page); otherwise the strict defaults. */
  if( !hasHeader(r, "Content-Security-Policy") ){
    MHD_add_response_header(pResp, "Content-Security-Policy", CSP);
  }
  MHD_add_response_header(pResp, "X-Content-Type-Options", "nosniff");
  if( !hasHeader(r, "X-Frame-Options") ){
    MHD_add_response_header(pResp, "X-Frame-Options", "DENY");
  }
  MHD_add_response_header(pResp, "Referrer-Policy", "same-origin");
  for(i=0; i<r->nHdr; i++){
    MHD_add_response_header(pResp, r->azHdr[i][0], r->azHdr[i][1]);
  }
  rc = MHD_queue_response(pConn, (unsigned)r->status, pResp);
  MHD_destroy_response(pResp);
  return rc;
}

/*
** Run the request once its body is complete: parse the body, attach the
** session, check CSRF, dispatch.
*/
static void dispatch(Server *p, Req *r){
  int bOther = 0;
  const Route *pRoute;
  r->db = poolAcquire(p);
  req_parse_body(r);
  session_attach(r);
  pRoute = routeFind(r, &bOther);
  if( pRoute==0 ){
    if( bOther ){
      req_error2(r, 405, "این نشانی با این روش درخواست پشتیبانی نمی‌شود.",
                 "method not allowed");
    }else{
      req_not_found(r);
    }
  }else if( strcmp(r->zMethod, "GET")!=0 && strcmp(r->zMethod, "HEAD")!=0
         && !session_csrf_ok(r) ){
    req_error2(r, 403, "درخواست رد شد: نشانهٔ امنیتی فرم (CSRF) نادرست است یا از مبدأ دیگری آمده است. صفحه را دوباره باز کنید و دوباره بفرستید.",
               "CSRF token missing or invalid, or cross-origin request");
  }else{
    r->routeFlags = pRoute->flags;
    pRoute->xHandler(r);
  }
  if( !sqlite3_get_autocommit(r->db) ){
    /* A handler that returned inside a transaction failed half way. */
    db_rollback(r->db);
  }
  poolRelease(p, r->db);
  r->db = 0;
}

/* The libmicrohttpd access handler: called for headers, body chunks, end. */
static enum MHD_Result onRequest(void *cls, struct MHD_Connection *pConn,
                                 const char *zUrl, const char *zMethod,
                                 const char *zVersion, const char *zData,
                                 size_t *pnData, void **ppState){
  Server *p = cls;
  Req *r = *ppState;
  (void)zVersion;
  if( r==0 ){
    const char *zLen;
    size_t mx;
    unsigned flags;
    r = req_new(p, pConn, zMethod, zUrl);
    *ppState = r;
    flags = routeFlagsFor(r);
    mx = (flags & (ROUTE_UPLOAD|ROUTE_UPLOAD_MANY)) ? SERVER_MAX_UPLOAD : SERVER_MAX_BODY;
    if( uploadBegin(r, flags) ) mx = SERVER_MAX_STREAM;
    r->mxBody = mx;
    zLen = MHD_lookup_connection_value(pConn, MHD_HEADER_KIND, "Content-Length");
    if( zLen && strtoull(zLen, 0, 10)>mx ){
      r->bTooLarge = 1;
      req_error2(r, 413, "حجم درخواست از حد مجاز بیشتر است.", "request body too large");
      return sendResponse(pConn, r);
    }
    return MHD_YES;
  }
  if( *pnData>0 && r->pUpload ){
    UploadState *pU = (UploadState *)r->pUpload;
    r->nStreamed += *pnData;
    if( r->nStreamed > r->mxBody ){
      r->bTooLarge = 1;
      uploadDrop(pU);
    }else if( pU->pPost && MHD_post_process(pU->pPost, zData, *pnData)!=MHD_YES ){
      MHD_destroy_post_processor(pU->pPost);
      pU->pPost = 0;
      uploadFail(pU);
    }
    *pnData = 0;
    return MHD_YES;
  }
  if( *pnData>0 ){
    if( !r->bTooLarge ){
      if( r->body.n + *pnData > r->mxBody ){
        r->bTooLarge = 1;
        buf_free(&r->body);
      }else{
        buf_append(&r->body, zData, *pnData);
      }
    }
    *pnData = 0;
    return MHD_YES;
  }
  if( r->bTooLarge ){
    if( r->bSent ) return MHD_YES;
    req_error2(r, 413, "حجم درخواست از حد مجاز بیشتر است.", "request body too large");
    if( r->pUpload ) uploadDrop((UploadState *)r->pUpload);
    r->bSent = 1;
    return sendResponse(pConn, r);
  }
  if( r->pUpload ) uploadEnd(r);
  dispatch(p, r);
  /* Files the handler did not move into the store go now, before the
  ** answer: once a client has it, nothing of its upload is left behind. */
  if( r->pUpload ) uploadDrop((UploadState *)r->pUpload);
  r->bSent = 1;
  return sendResponse(pConn, r);
}

/* Called when a request is finished: free everything it owned. */
static void onCompleted(void *cls, struct MHD_Connection *pConn,
                        void **ppState, enum MHD_RequestTerminationCode e){
  (void)cls; (void)pConn; (void)e;
  if( *ppState ){
    uploadFree(*ppState);
    req_free(*ppState);
    *ppState = 0;
  }
}

static void onPanic(void *cls, const char *zFile, unsigned int iLine, const char *zReason){
  (void)cls;
  fprintf(stderr, "pishkhan: libmicrohttpd: %s:%u: %s\n", zFile, iLine, zReason ? zReason : "");
  abort();
}

/*
** Warm the what-if's kept baselines in the background at start, so that
** HQ's first what-if does not pay for loading a whole period: the current
** period (the page's default) and the newest period with results, on a
** connection of its own. Requests meanwhile load for themselves.
*/
static void *whatifWarm(void *pArg){
  Server *s = pArg;
  char *zErr = 0;
  sqlite3 *db = db_open(s->pOpts->zDir, 0, &zErr);
  Period aPer[2];
  int i, n = 0;
  free(zErr);
  if( db==0 ) return 0;
  if( period_current(db, &aPer[n])==0 ) n++;
  {
    char *zCode = db_text(db, "SELECT p.code FROM period p JOIN result_set r ON r.period_id=p.id"
                              " ORDER BY p.code DESC LIMIT 1", 0);
    if( zCode && (n==0 || strcmp(zCode, aPer[0].zCode)!=0) && period_load(db, zCode, &aPer[n])==0 ) n++;
    free(zCode);
  }
  for(i=0; i<n && !__atomic_load_n(&s->bStopping, __ATOMIC_RELAXED); i++){
    const WhatifBase *pB = 0;
    int bHit = 0;
    zErr = 0;
    if( whatif_base_get(s->pWhatif, db, &aPer[i], &pB, &bHit, &zErr)==WHATIF_OK ){
      whatif_base_release(s->pWhatif, pB);
    }
    free(zErr);
  }
  db_close(db);
  return 0;
}

int server_run(const ServeOpts *pOpts){
  Server s;
  struct sockaddr_in sa;
  sigset_t set;
  int i, sig = 0, rc = 0;
  const union MHD_DaemonInfo *pInfo;
  pthread_t thWarm;
  int bWarm = 0;

  memset(&s, 0, sizeof s);
  s.pOpts = pOpts;
  pthread_mutex_init(&s.mx, 0);
  pthread_cond_init(&s.cv, 0);
  s.nDb = pOpts->nThread + 1;
  s.aDb = xcalloc((size_t)s.nDb, sizeof(sqlite3 *));
  s.aBusy = xcalloc((size_t)s.nDb, sizeof(int));
  s.pWhatif = whatif_cache_new();
  for(i=0; i<s.nDb; i++){
    char *zErr = 0;
    s.aDb[i] = db_open(pOpts->zDir, 0, &zErr);
    if( s.aDb[i]==0 ){
      fprintf(stderr, "pishkhan serve: %s\n", zErr);
      free(zErr);
      rc = 1;
      goto done;
    }
  }

  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)pOpts->iPort);
  if( inet_pton(AF_INET, pOpts->zBind, &sa.sin_addr)!=1 ){
    fprintf(stderr, "pishkhan serve: --bind %s: not an IPv4 address\n", pOpts->zBind);
    rc = 1;
    goto done;
  }

  /* Block the signals in every thread; the main thread waits for them. */
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, 0);
  signal(SIGPIPE, SIG_IGN);

  MHD_set_panic_func(onPanic, 0);
  s.pDaemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_EPOLL,
      (unsigned short)pOpts->iPort, 0, 0, onRequest, &s,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)pOpts->nThread,
      MHD_OPTION_NOTIFY_COMPLETED, onCompleted, &s,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
      MHD_OPTION_END);
  if( s.pDaemon==0 ){
    fprintf(stderr, "pishkhan serve: cannot listen on %s:%d (in use?)\n", pOpts->zBind, pOpts->iPort);
    rc = 1;
    goto done;
  }
  pInfo = MHD_get_daemon_info(s.pDaemon, MHD_DAEMON_INFO_BIND_PORT);
  if( !pOpts->bQuiet || pOpts->iPort==0 ){
    printf("pishkhan: serving %s on http://%s:%u/ (%d threads; Ctrl-C stops)\n",
           pOpts->zDir, pOpts->zBind, pInfo ? pInfo->port : (unsigned)pOpts->iPort,
           pOpts->nThread);
    fflush(stdout);
  }
  bWarm = pthread_create(&thWarm, 0, whatifWarm, &s)==0;
  sigwait(&set, &sig);
  if( !pOpts->bQuiet ) printf("pishkhan: stopping (signal %d)\n", sig);
  __atomic_store_n(&s.bStopping, 1, __ATOMIC_RELAXED);
  MHD_stop_daemon(s.pDaemon);
  if( bWarm ) pthread_join(thWarm, 0);

done:
  for(i=0; i<s.nDb; i++) db_close(s.aDb[i]);
  free(s.aDb);
  free(s.aBusy);
  whatif_cache_free(s.pWhatif);
  pthread_mutex_destroy(&s.mx);
  pthread_cond_destroy(&s.cv);
  return rc;
}
