/*
** document.c — content-addressed document store (document.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/document.h"
#include "store/db.h"

/*
** One libmagic handle per thread, loaded on first use: loading the magic
** database costs milliseconds, and a handle is not thread-safe. Freed when
** its thread ends.
*/
static pthread_key_t magicKey;
static pthread_once_t magicOnce = PTHREAD_ONCE_INIT;

static void magicFree(void *p){ magic_close((magic_t)p); }
static void magicKeyInit(void){
  if( pthread_key_create(&magicKey, magicFree) ) abort();
}

static magic_t magicHandle(void){
  magic_t m;
  pthread_once(&magicOnce, magicKeyInit);
  m = pthread_getspecific(magicKey);
  if( m==0 ){
    m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if( m==0 ) return 0;
    if( magic_load(m, 0)!=0 ){ magic_close(m); return 0; }
    if( pthread_setspecific(magicKey, m) ) abort();
  }
  return m;
}

/*
** The accepted types by the signature libmagic's own rules test first
** (offset 0): "%PDF-", the PNG signature, a JPEG SOI marker followed by a
** marker. Anything else goes to libmagic, which also names it for the
** error message. Returns the type or NULL.
*/
static const char *acceptedSignature(const char *zPath){
  unsigned char a[8];
  ssize_t n = 0;
  int fd = open(zPath, O_RDONLY|O_CLOEXEC);
  if( fd<0 ) return 0;
  n = read(fd, a, sizeof a);
  close(fd);
  if( n>=5 && memcmp(a, "%PDF-", 5)==0 ) return "application/pdf";
  if( n>=8 && memcmp(a, "\x89PNG\r\n\x1a\n", 8)==0 ) return "image/png";
  if( n>=3 && a[0]==0xFF && a[1]==0xD8 && a[2]==0xFF ) return "image/jpeg";
  return 0;
}

int document_sniff(const char *zPath, char *zMime, size_t nMime){
  magic_t m;
  const char *z;
  int bOk = 0;
  zMime[0] = 0;
  if( (z = acceptedSignature(zPath))!=0 ){
    snprintf(zMime, nMime, "%s", z);
    return 1;
  }
  m = magicHandle();
  if( m==0 ) return 0;
  if( (z = magic_file(m, zPath))!=0 ){
    snprintf(zMime, nMime, "%s", z);
    bOk = strcmp(z, "application/pdf")==0 || strcmp(z, "image/jpeg")==0
       || strcmp(z, "image/png")==0;
  }
  return bOk;
}

/* Remove an upload's temporary file (none when zTmp is NULL). */
static void dropTmp(const char *zTmp){
  if( zTmp ) unlink(zTmp);
}

/* mkdir that accepts an existing directory. */
static int mkdirOk(const char *z){
  return mkdir(z, 0750)==0 || errno==EEXIST ? 0 : -1;
}

int document_dirs(const char *zDir){
  char *z1 = xsprintf("%s/tmp", zDir), *z2 = xsprintf("%s/docs", zDir);
  int rc = mkdirOk(z1) | mkdirOk(z2);
  free(z1);
  free(z2);
  return rc ? -1 : 0;
}

int document_tmpfile(const char *zDir, char *zPath, size_t nPath){
  int fd;
  if( document_dirs(zDir) ) return -1;
  snprintf(zPath, nPath, "%s/tmp/upload-XXXXXX", zDir);
  fd = mkstemp(zPath);
  if( fd<0 ) zPath[0] = 0;
  return fd;
}

/* Is z 64 lower-case hex digits? */
static int isSha(const char *z){
  int i;
  for(i=0; z && i<64; i++){
    if( !((z[i]>='0' && z[i]<='9') || (z[i]>='a' && z[i]<='f')) ) return 0;
  }
  return z && z[64]==0;
}

char *document_path(const char *zDir, const char *zSha){
  if( !isSha(zSha) ) return 0;
  return xsprintf("%s/docs/%.2s/%s", zDir, zSha, zSha + 2);
}

/* A safe display name: the last path component, normalised, without
** control characters, at most 200 bytes; "document" when nothing is left. */
static char *cleanName(const char *zName){
  const char *zBase = zName ? zName : "";
  const char *z;
  char *zN, *zOut;
  size_t i, j;
  for(z=zBase; *z; z++) if( *z=='/' || *z=='\\' ) zBase = z+1;
  zN = text_normalize_dup(zBase);
  if( zN==0 ) zN = xstrdup("");
  zOut = xmalloc(strlen(zN)+1);
  for(i=j=0; zN[i]; i++){
    unsigned char c = (unsigned char)zN[i];
    if( c<0x20 || c==0x7f || c=='"' ) continue;
    zOut[j++] = (char)c;
  }
  zOut[j] = 0;
  free(zN);
  if( j>200 ){
    /* cut at a UTF-8 boundary */
    j = 200;
    while( j>0 && ((unsigned char)zOut[j] & 0xC0)==0x80 ) j--;
    zOut[j] = 0;
  }
  if( zOut[0]==0 || strcmp(zOut, ".")==0 || strcmp(zOut, "..")==0 ){
    free(zOut);
    zOut = xstrdup("document");
  }
  return zOut;
}

/* Check the claim can take a document now: office, indicator, state.
** Returns 0 or -1 with *pE. */
static int checkTarget(sqlite3 *db, const Period *p, const Scheme *pScheme,
                       const char *zOffice, const char *zIndicator, const char *zNow,
                       DeclErr *pE){
  const Indicator *pI = scheme_indicator(pScheme, zIndicator);
  Declaration d;
  char zField[80];
  int bOk;
  snprintf(zField, sizeof zField, "indicator");
  if( pI==0 || pI->doc==DOC_NONE ){
    decl_err(pE, 422, zField, "", "");
    snprintf(pE->zEn, sizeof pE->zEn, "indicator: \"%s\": %s", zIndicator ? zIndicator : "",
             pI ? "this indicator takes no documents" : "no such indicator in this period's scheme");
    snprintf(pE->zFa, sizeof pE->zFa, "شاخص «%s» مدرک نمی‌پذیرد.", pI ? pI->zLabel : (zIndicator ? zIndicator : ""));
    return -1;
  }
  if( !declaration_row(db, p, zOffice, &d)
   && db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    decl_err(pE, 404, "", "no such office", "دفتری با این کد نیست.");
    return -1;
  }
  bOk = declaration_editable(db, p, &d, zNow, pE);
  return bOk ? 0 : -1;
}

int document_put(sqlite3 *db, const char *zDir, const char *zTmp, long long nSize,
                 const char *zSha, char zMime[64], int *pbNew, DeclErr *pE){
  char *zPath = 0, *zDirAb = 0;
  int bTypeOk;
  *pbNew = 0;
  zMime[0] = 0;
  if( nSize>DOC_MAX_BYTES ){
    dropTmp(zTmp);
    decl_err(pE, 413, "file", "file: larger than 5 MB; nothing was stored",
             "حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد.");
    return -1;
  }
  if( zTmp==0 ){
    /* the bytes are in the store already: their type as first sniffed, or
    ** sniffed now when this is their first attachment */
    char *zM = db_text(db, "SELECT mime FROM document WHERE sha256=?1", zSha);
    char *zStored = document_path(zDir, zSha);
    if( zM ){
      snprintf(zMime, 64, "%s", zM);
      bTypeOk = 1;
    }else{
      bTypeOk = zStored && document_sniff(zStored, zMime, 64);
    }
    free(zM);
    free(zStored);
  }else{
    bTypeOk = document_sniff(zTmp, zMime, 64);
  }
  if( !bTypeOk ){
    dropTmp(zTmp);
    decl_err(pE, 415, "file", "", "");
    snprintf(pE->zEn, sizeof pE->zEn, "file: the content is %s, not PDF, JPEG or PNG; nothing was stored",
             zMime[0] ? zMime : "unknown");
    snprintf(pE->zFa, sizeof pE->zFa, "محتوای پرونده PDF، JPEG یا PNG نیست (%s)؛ چیزی ذخیره نشد.",
             zMime[0] ? zMime : "نامعلوم");
    return -1;
  }
  zPath = document_path(zDir, zSha);
  zDirAb = xsprintf("%s/docs/%.2s", zDir, zSha ? zSha : "");
  if( zPath==0 || (zTmp && (document_dirs(zDir) || mkdirOk(zDirAb))) ){
    dropTmp(zTmp);
    decl_err(pE, 500, "", "cannot store the document", "مدرک ذخیره نشد (خطای دیسک).");
    free(zPath); free(zDirAb);
    return -1;
  }
  if( zTmp==0 ){
    /* nothing to move */
  }else if( access(zPath, F_OK)==0 ){
    dropTmp(zTmp);                 /* the same bytes are stored already */
  }else{
    if( rename(zTmp, zPath)!=0 ){
      dropTmp(zTmp);
      decl_err(pE, 500, "", "cannot store the document", "مدرک ذخیره نشد (خطای دیسک).");
      free(zPath); free(zDirAb);
      return -1;
    }
    *pbNew = 1;
  }
  free(zPath); free(zDirAb);
  return 0;
}

int document_row(sqlite3 *db, const Actor *pActor, const char *zSha, const char *zMime,
                 long long nSize, const char *zNow){
  sqlite3_stmt *q = db_prepare(db, "INSERT OR IGNORE INTO document(sha256, mime, size,"
                                   " created_at, created_by) VALUES(?1,?2,?3,?4,?5)");
  int rc;
  sqlite3_bind_text(q, 1, zSha, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zMime, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, nSize);
  sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 5, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  return rc==SQLITE_DONE ? 0 : -1;
}

void document_unstore(sqlite3 *db, const char *zDir, const char *zSha, int bNew){
  char *zPath;
  if( !bNew || db_int(db, 0, "SELECT count(*) FROM document WHERE sha256=?1", zSha)>0 ) return;
  zPath = document_path(zDir, zSha);
  if( zPath ) unlink(zPath);
  free(zPath);
}

char *document_clean_name(const char *zName){
  return cleanName(zName);
}

int document_adopt(sqlite3 *db, const char *zDir, const Actor *pActor,
                   const Period *p, const char *zOffice, const char *zIndicator,
                   const char *zName, const char *zTmp, long long nSize,
                   const char *zSha, const char *zNow, DeclErr *pE){
  Scheme s;
  char *zErr = 0, *zClean = 0, *zObj = 0, *zAfter = 0;
  char zMime[64];
  int bNew = 0, bInTx, rc;
  long long iDecl;
  sqlite3_stmt *q;
  if( nSize>DOC_MAX_BYTES ){
    dropTmp(zTmp);
    decl_err(pE, 413, "file", "file: larger than 5 MB; nothing was stored",
             "حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد.");
    return -1;
  }
  if( period_scheme(db, p, &s, &zErr) ){
    dropTmp(zTmp);
    decl_err(pE, 500, "", "the period's scheme does not load", "طرح امتیازدهی دوره خوانده نمی‌شود.");
    free(zErr);
    return -1;
  }
  if( checkTarget(db, p, &s, zOffice, zIndicator, zNow, pE) ){
    dropTmp(zTmp);
    scheme_clear(&s);
    return -1;
  }
  if( document_put(db, zDir, zTmp, nSize, zSha, zMime, &bNew, pE) ){
    scheme_clear(&s);
    return -1;
  }
  zClean = cleanName(zName);
  bInTx = !sqlite3_get_autocommit(db);
  if( db_begin(db)!=SQLITE_OK ) goto store_fail;
  /* again inside the transaction: the state may have changed meanwhile,
  ** unless the caller's transaction held the store all along */
  if( !bInTx && checkTarget(db, p, &s, zOffice, zIndicator, zNow, pE) ){
    db_rollback(db);
    goto fail_unlink;
  }
  iDecl = declaration_ensure_row(db, pActor, p, &s, zOffice, zNow);
  if( iDecl==0 ) goto store_fail;
  if( document_row(db, pActor, zSha, zMime, nSize, zNow) ) goto store_fail;
  q = db_prepare(db, "INSERT OR IGNORE INTO declaration_document(declaration_id, indicator,"
                     " sha256, name, uploaded_at, uploaded_by) VALUES(?1,?2,?3,?4,?5,?6)");
  sqlite3_bind_int64(q, 1, iDecl);
  sqlite3_bind_text(q, 2, zIndicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zSha, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zClean, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 6, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc!=SQLITE_DONE ) goto store_fail;
  {
    json_t *o = json_pack("{ss ss ss sI ss}", "indicator", zIndicator, "sha256", zSha,
                          "name", zClean, "size", (json_int_t)nSize, "type", zMime);
    zAfter = json_dumps(o, JSON_COMPACT|JSON_SORT_KEYS);
    json_decref(o);
  }
  zObj = xsprintf("%s/%s", p->zCode, zOffice);
  if( audit_log(db, pActor, "document.attach", zObj, zOffice, 0, zAfter)!=SQLITE_OK ) goto store_fail;
  if( db_commit(db)!=SQLITE_OK ) goto store_fail;
  free(zClean); free(zObj); free(zAfter);
  scheme_clear(&s);
  return 0;

store_fail:
  decl_err(pE, 500, "", "", "");
  snprintf(pE->zEn, sizeof pE->zEn, "store error: %s", sqlite3_errmsg(db));
  snprintf(pE->zFa, sizeof pE->zFa, "خطای پایگاه داده: %s", sqlite3_errmsg(db));
  db_rollback(db);
fail_unlink:
  /* a file this call created and no row refers to goes again */
  document_unstore(db, zDir, zSha, bNew);
  free(zClean); free(zObj); free(zAfter);
  scheme_clear(&s);
  return -1;
}

int document_write_bytes(const char *zDir, const void *pData, size_t nData, char zShaOut[65]){
  static unsigned nPut = 0;            /* unique temporary names per process */
  unsigned char aHash[crypto_hash_sha256_BYTES];
  const char *z = pData;
  char zTmp[1024];
  char *zPath, *zSub;
  size_t nDone = 0;
  int fd, rc = -1;
  if( nData>DOC_MAX_BYTES ) return -1;
  crypto_hash_sha256(aHash, (const unsigned char *)pData, nData);
  sodium_bin2hex(zShaOut, 65, aHash, sizeof aHash);
  zPath = document_path(zDir, zShaOut);
  zSub = xsprintf("%s/docs/%.2s", zDir, zShaOut);
  if( zPath && access(zPath, F_OK)==0 ){
    rc = 0;
  }else if( zPath ){
    /* Write straight into the store under a temporary name in the same
    ** directory and rename: no churn in DATA/tmp (creating and deleting
    ** many files there is slow on ext4), no partial file under the real
    ** name. The directories are made only when they are missing. */
    snprintf(zTmp, sizeof zTmp, "%s.%d-%u.part", zPath, (int)getpid(),
             __atomic_fetch_add(&nPut, 1, __ATOMIC_RELAXED));
    fd = open(zTmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0640);
    if( fd<0 && errno==ENOENT && document_dirs(zDir)==0 && mkdirOk(zSub)==0 ){
      fd = open(zTmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0640);
    }
    while( fd>=0 && nDone<nData ){
      ssize_t n = write(fd, z + nDone, nData - nDone);
      if( n<=0 ){ close(fd); fd = -1; break; }
      nDone += (size_t)n;
    }
    if( fd>=0 && close(fd)==0 && rename(zTmp, zPath)==0 ){
      rc = 1;
    }else{
      unlink(zTmp);
    }
  }
  free(zPath);
  free(zSub);
  return rc;
}

int document_store_bytes(sqlite3 *db, const char *zDir, const Actor *pActor,
                         const Period *p, const char *zOffice, const char *zIndicator,
                         const char *zName, const void *pData, size_t nData,
                         const char *zNow, char zShaOut[65], DeclErr *pE){
  int bWrote, rc;
  if( nData>DOC_MAX_BYTES ){
    decl_err(pE, 413, "file", "file: larger than 5 MB; nothing was stored",
             "حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد.");
    return -1;
  }
  bWrote = document_write_bytes(zDir, pData, nData, zShaOut);
  if( bWrote<0 ){
    decl_err(pE, 500, "", "cannot store the document", "مدرک ذخیره نشد (خطای دیسک).");
    return -1;
  }
  rc = document_adopt(db, zDir, pActor, p, zOffice, zIndicator, zName, 0,
                      (long long)nData, zShaOut, zNow, pE);
  if( rc ) document_unstore(db, zDir, zShaOut, bWrote>0);   /* refused: nothing is kept */
  return rc;
}

int document_detach(sqlite3 *db, const Actor *pActor, const Period *p,
                    const char *zOffice, const char *zIndicator, const char *zSha,
                    const char *zNow, DeclErr *pE){
  Declaration d;
  sqlite3_stmt *q;
  char *zObj, *zBefore;
  int rc, n;
  if( db_begin(db)!=SQLITE_OK ) goto store_fail;
  if( declaration_load(db, p, zOffice, &d) ){
    db_rollback(db);
    decl_err(pE, 404, "", "no such office", "دفتری با این کد نیست.");
    return -1;
  }
  if( !declaration_editable(db, p, &d, zNow, pE) ){
    declaration_clear(&d);
    db_rollback(db);
    return -1;
  }
  q = db_prepare(db, "DELETE FROM declaration_document WHERE declaration_id=?1"
                     " AND indicator=?2 AND sha256=?3");
  sqlite3_bind_int64(q, 1, d.id);
  sqlite3_bind_text(q, 2, zIndicator ? zIndicator : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zSha ? zSha : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  n = sqlite3_changes(db);
  declaration_clear(&d);
  if( rc!=SQLITE_DONE ) goto store_fail;
  if( n==0 ){
    db_rollback(db);
    decl_err(pE, 404, "", "no such document on this claim", "این مدرک به این شاخص پیوست نیست.");
    return -1;
  }
  zObj = xsprintf("%s/%s", p->zCode, zOffice);
  zBefore = xsprintf("{\"indicator\":\"%s\",\"sha256\":\"%s\"}", zIndicator, zSha);
  rc = audit_log(db, pActor, "document.detach", zObj, zOffice, zBefore, 0);
  free(zObj);
  free(zBefore);
  if( rc!=SQLITE_OK || db_commit(db)!=SQLITE_OK ) goto store_fail;
  return 0;
store_fail:
  decl_err(pE, 500, "", "", "");
  snprintf(pE->zEn, sizeof pE->zEn, "store error: %s", sqlite3_errmsg(db));
  snprintf(pE->zFa, sizeof pE->zFa, "خطای پایگاه داده: %s", sqlite3_errmsg(db));
  db_rollback(db);
  return -1;
}

int document_find(sqlite3 *db, const Period *p, const char *zOffice,
                  const char *zSha, DocRef *pR){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT dd.indicator, dd.name, d.size, d.mime, dd.uploaded_at"
    " FROM declaration_document dd JOIN declaration de ON de.id=dd.declaration_id"
    " JOIN document d ON d.sha256=dd.sha256"
    " WHERE de.period_id=?1 AND de.office_code=?2 AND dd.sha256=?3 ORDER BY dd.id LIMIT 1");
  int rc = -1;
  memset(pR, 0, sizeof *pR);
  sqlite3_bind_int64(q, 1, p->id);
  sqlite3_bind_text(q, 2, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, zSha ? zSha : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    snprintf(pR->zIndicator, sizeof pR->zIndicator, "%s", db_col_text(q, 0));
    snprintf(pR->zSha, sizeof pR->zSha, "%s", zSha);
    pR->zName = xstrdup(db_col_text(q, 1));
    pR->nSize = sqlite3_column_int64(q, 2);
    snprintf(pR->zMime, sizeof pR->zMime, "%s", db_col_text(q, 3));
    snprintf(pR->zAt, sizeof pR->zAt, "%s", db_col_text(q, 4));
    rc = 0;
  }
  db_finalize(q);
  return rc;
}

int document_find_objection(sqlite3 *db, long long iObjection, const char *zSha, DocRef *pR){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT od.name, d.size, d.mime FROM objection_document od"
    " JOIN document d ON d.sha256=od.sha256 WHERE od.objection_id=?1 AND od.sha256=?2");
  int rc = -1;
  memset(pR, 0, sizeof *pR);
  sqlite3_bind_int64(q, 1, iObjection);
  sqlite3_bind_text(q, 2, zSha ? zSha : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    snprintf(pR->zSha, sizeof pR->zSha, "%s", zSha);
    pR->zName = xstrdup(db_col_text(q, 0));
    pR->nSize = sqlite3_column_int64(q, 1);
    snprintf(pR->zMime, sizeof pR->zMime, "%s", db_col_text(q, 2));
    rc = 0;
  }
  db_finalize(q);
  return rc;
}
