/*
** db.c — opening a data directory, migrations, small query helpers.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/collate.h"
#include "base/mem.h"
#include "base/text.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/schema.h"

/*
** Resolve the data directory from the --data argument, the environment, or
** the default.
*/
const char *db_dir(const char *zArg){
  const char *z;
  if( zArg && zArg[0] ) return zArg;
  z = getenv("PISHKHAN_DATA");
  if( z && z[0] ) return z;
  return "./pishkhan-data";
}

/* SQLite collation callback: Persian order through ICU. */
static int collFa(void *pArg, int nA, const void *pA, int nB, const void *pB){
  return collate_cmp((Collator *)pArg, pA, nA, pB, nB);
}
static void collFree(void *p){ collate_close((Collator *)p); }

/* SQL function norm(X): text_normalize, NULL for NULL or broken UTF-8. */
static void fnNorm(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  Buf b = {0};
  (void)argc;
  if( z==0 ) return;
  if( text_normalize(z, strlen(z), &b)==0 ){
    sqlite3_result_text(ctx, buf_str(&b), (int)b.n, SQLITE_TRANSIENT);
  }
  buf_free(&b);
}

int db_schema_version(void){ return nMigration; }

int db_user_version(sqlite3 *db){
  return (int)db_int(db, 0, "PRAGMA user_version", 0);
}

/*
** Apply every migration past the database's user_version, each in its own
** transaction. Returns 0, or -1 with *pzErr set.
*/
static int migrate(sqlite3 *db, char **pzErr){
  int v = db_user_version(db);
  for(; v<nMigration; v++){
    char *zErr = 0;
    char zPragma[64];
    if( db_begin(db) ){ *pzErr = xsprintf("migration %d: %s", v+1, sqlite3_errmsg(db)); return -1; }
    if( sqlite3_exec(db, aMigration[v], 0, 0, &zErr)!=SQLITE_OK ){
      *pzErr = xsprintf("migration %d: %s", v+1, zErr ? zErr : "error");
      sqlite3_free(zErr);
      db_rollback(db);
      return -1;
    }
    snprintf(zPragma, sizeof zPragma, "PRAGMA user_version=%d", v+1);
    db_exec(db, zPragma);
    if( db_commit(db) ){ *pzErr = xsprintf("migration %d: %s", v+1, sqlite3_errmsg(db)); return -1; }
  }
  return 0;
}

/*
** Open the database of data directory zDir (see db.h).
*/
sqlite3 *db_open(const char *zDir, int flags, char **pzErr){
  sqlite3 *db = 0;
  struct stat st;
  char *zPath;
  int v, rc;
  *pzErr = 0;
  if( stat(zDir, &st)!=0 ){
    if( !(flags & DB_CREATE) ){
      *pzErr = xsprintf("no data directory at %s (run 'pishkhan init --data %s' first)", zDir, zDir);
      return 0;
    }
    if( mkdir(zDir, 0750)!=0 ){
      *pzErr = xsprintf("cannot create %s: %s", zDir, strerror(errno));
      return 0;
    }
  }else if( !S_ISDIR(st.st_mode) ){
    *pzErr = xsprintf("%s is not a directory", zDir);
    return 0;
  }
  zPath = xsprintf("%s/pishkhan.db", zDir);
  if( !(flags & DB_CREATE) && access(zPath, F_OK)!=0 ){
    *pzErr = xsprintf("%s holds no pishkhan database (run 'pishkhan init --data %s' first)", zDir, zDir);
    free(zPath);
    return 0;
  }
  /* NOMUTEX: a connection is only ever used by one thread at a time (the
  ** server's pool hands each to one request), so SQLite's per-call locking
  ** is pure cost. */
  rc = sqlite3_open_v2(zPath, &db,
        ((flags & DB_READONLY) ? SQLITE_OPEN_READONLY
                               : (SQLITE_OPEN_READWRITE|SQLITE_OPEN_CREATE))
        | SQLITE_OPEN_NOMUTEX,
        0);
  free(zPath);
  if( rc!=SQLITE_OK ){
    *pzErr = xsprintf("cannot open database in %s: %s", zDir, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return 0;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_create_collation_v2(db, "fa", SQLITE_UTF8, collate_open(), collFa, collFree);
  sqlite3_create_function(db, "norm", 1, SQLITE_UTF8|SQLITE_DETERMINISTIC, 0, fnNorm, 0, 0);
  if( !(flags & DB_READONLY) ){
    db_exec(db, "PRAGMA journal_mode=WAL");
    db_exec(db, "PRAGMA synchronous=NORMAL");
  }
  db_exec(db, "PRAGMA foreign_keys=ON");
  /* Reads of whole-period inputs (ranking, what-if, reports) touch most of
  ** the database: map it rather than copying pages through a small cache. */
  db_exec(db, "PRAGMA mmap_size=1073741824");
  db_exec(db, "PRAGMA cache_size=-16384");
  v = db_user_version(db);
  if( v>nMigration ){
    *pzErr = xsprintf("the data directory %s was written by a newer pishkhan "
                      "(schema %d; this binary knows up to %d): upgrade pishkhan",
                      zDir, v, nMigration);
    sqlite3_close(db);
    return 0;
  }
  if( !(flags & DB_CREATE) && v==0 ){
    *pzErr = xsprintf("%s holds no pishkhan database (run 'pishkhan init --data %s' first)", zDir, zDir);
    sqlite3_close(db);
    return 0;
  }
  if( !(flags & DB_READONLY) && migrate(db, pzErr) ){
    sqlite3_close(db);
    return 0;
  }
  return db;
}

/* Cached statements are told apart by a prefix of their SQL text that
** carries a hash of the rest: a comment "c:" and 8 hex digits before the
** SQL. A lookup compares that short prefix first, so scanning the
** connection's statements stays cheap however many there are. */
#define CACHE_TAG "/*c:"
#define CACHE_TAG_LEN 4
#define CACHE_PREFIX_LEN 14           /* comment start, "c:", 8 hex digits, comment end */

/* The cache prefix of zSql into z[CACHE_PREFIX_LEN+1]. */
static void cachePrefix(const char *zSql, char *z){
  unsigned int h = 2166136261u;
  const unsigned char *s;
  for(s=(const unsigned char *)zSql; *s; s++){ h ^= *s; h *= 16777619u; }
  snprintf(z, CACHE_PREFIX_LEN+1, "/*c:%08x*/", h);
}

/*
** A per-thread front for the cache: a small direct-mapped table from the
** address of the SQL text (usually a string literal) to the statement last
** found for it. An entry is trusted only when its connection and the
** process-wide count of closed connections are what they were (so a
** closed connection, or a new one at the same address, is never served
** from it) and the statement's own text still matches. A miss falls back
** to the scan below.
*/
#define FRONT_SIZE 256
typedef struct Front {
  sqlite3 *db;
  const char *zSql;
  sqlite3_stmt *p;
  unsigned gen;
} Front;
static _Thread_local Front aFront[FRONT_SIZE];
static unsigned nClosed = 0;            /* bumped by every db_close */

static Front *frontSlot(const char *zSql){
  unsigned long long h = (unsigned long long)(uintptr_t)zSql;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15ULL;
  return &aFront[(h >> 40) % FRONT_SIZE];
}

void db_close(sqlite3 *db){
  sqlite3_stmt *p;
  if( db==0 ) return;
  __atomic_fetch_add(&nClosed, 1, __ATOMIC_RELAXED);
  while( (p = sqlite3_next_stmt(db, 0))!=0 ) sqlite3_finalize(p);
  sqlite3_close_v2(db);
}

/*
** Find the cached statement for zSql on db, or prepare and tag it. The
** connection's own list of statements is the cache; the per-thread front
** above only remembers where the last lookup of the same text ended.
*/
sqlite3_stmt *db_stmt(sqlite3 *db, const char *zSql){
  sqlite3_stmt *p = 0;
  char zPrefix[CACHE_PREFIX_LEN+1], *zTagged;
  Front *pF = frontSlot(zSql);
  unsigned gen = __atomic_load_n(&nClosed, __ATOMIC_RELAXED);
  if( pF->db==db && pF->zSql==zSql && pF->gen==gen
   && strcmp(sqlite3_sql(pF->p) + CACHE_PREFIX_LEN, zSql)==0
   && !sqlite3_stmt_busy(pF->p) ){
    return pF->p;
  }
  cachePrefix(zSql, zPrefix);
  while( (p = sqlite3_next_stmt(db, p))!=0 ){
    const char *z = sqlite3_sql(p);
    if( z && memcmp(z, zPrefix, CACHE_PREFIX_LEN)==0
     && strcmp(z + CACHE_PREFIX_LEN, zSql)==0 && !sqlite3_stmt_busy(p) ){
      break;
    }
  }
  if( p ){
    pF->db = db; pF->zSql = zSql; pF->p = p; pF->gen = gen;
    return p;
  }
  zTagged = xsprintf("%s%s", zPrefix, zSql);
  if( sqlite3_prepare_v3(db, zTagged, -1, SQLITE_PREPARE_PERSISTENT, &p, 0)!=SQLITE_OK ){
    fprintf(stderr, "pishkhan: SQL error: %s\n  in: %s\n", sqlite3_errmsg(db), zSql);
    abort();
  }
  free(zTagged);
  pF->db = db; pF->zSql = zSql; pF->p = p; pF->gen = gen;
  return p;
}

void db_release(sqlite3_stmt *p){
  if( p ){
    sqlite3_reset(p);
    sqlite3_clear_bindings(p);
  }
}

/*
** Prepare zSql; abort on failure since SQL text is part of the program.
** The statement comes from the connection's cache (db_stmt) and goes back
** to it with db_finalize().
*/
sqlite3_stmt *db_prepare(sqlite3 *db, const char *zSql){
  return db_stmt(db, zSql);
}

/* Give back a statement from db_prepare/db_stmt (reset, bindings cleared),
** or finalize any other statement. */
void db_finalize(sqlite3_stmt *p){
  const char *z;
  if( p==0 ) return;
  z = sqlite3_sql(p);
  if( z && strncmp(z, CACHE_TAG, CACHE_TAG_LEN)==0 ){
    db_release(p);
  }else{
    sqlite3_finalize(p);
  }
}

int db_exec(sqlite3 *db, const char *zSql){
  return sqlite3_exec(db, zSql, 0, 0, 0);
}

/*
** Transactions nest: the outermost db_begin() is BEGIN IMMEDIATE, an inner
** one a SAVEPOINT named "nest". db_commit() releases the innermost "nest"
** savepoint, or commits when there is none; db_rollback() rolls back to it,
** or rolls the whole transaction back. So a domain function that keeps its
** change and audit row in one transaction also works inside a larger one
** (the demo builds the nation in a single transaction).
*/
int db_begin(sqlite3 *db){
  return db_exec(db, sqlite3_get_autocommit(db) ? "BEGIN IMMEDIATE" : "SAVEPOINT nest");
}

int db_commit(sqlite3 *db){
  int rc;
  if( sqlite3_get_autocommit(db) ) return SQLITE_ERROR;
  if( db_exec(db, "RELEASE nest")==SQLITE_OK ) return SQLITE_OK;
  rc = audit_settle_head(db);          /* the chain's head, once per transaction */
  if( rc!=SQLITE_OK ) return rc;
  return db_exec(db, "COMMIT");
}

void db_rollback(sqlite3 *db){
  if( sqlite3_get_autocommit(db) ) return;
  if( db_exec(db, "ROLLBACK TO nest")==SQLITE_OK ){
    db_exec(db, "RELEASE nest");
  }else{
    db_exec(db, "ROLLBACK");
  }
}

long long db_int(sqlite3 *db, long long iDflt, const char *zSql, const char *zArg){
  sqlite3_stmt *p = db_stmt(db, zSql);
  long long v = iDflt;
  if( zArg ) sqlite3_bind_text(p, 1, zArg, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW && sqlite3_column_type(p, 0)!=SQLITE_NULL ){
    v = sqlite3_column_int64(p, 0);
  }
  db_release(p);
  return v;
}

char *db_text(sqlite3 *db, const char *zSql, const char *zArg){
  sqlite3_stmt *p = db_stmt(db, zSql);
  char *z = 0;
  if( zArg ) sqlite3_bind_text(p, 1, zArg, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW && sqlite3_column_type(p, 0)!=SQLITE_NULL ){
    z = xstrdup((const char *)sqlite3_column_text(p, 0));
  }
  db_release(p);
  return z;
}

const char *db_col_text(sqlite3_stmt *p, int i){
  const char *z = (const char *)sqlite3_column_text(p, i);
  return z ? z : "";
}

char *db_setting(sqlite3 *db, const char *zKey){
  return db_text(db, "SELECT value FROM setting WHERE key=?1", zKey);
}

void db_set_setting(sqlite3 *db, const char *zKey, const char *zValue){
  sqlite3_stmt *p = db_stmt(db,
    "INSERT INTO setting(key,value) VALUES(?1,?2)"
    " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  sqlite3_bind_text(p, 1, zKey, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zValue, -1, SQLITE_STATIC);
  sqlite3_step(p);
  db_release(p);
}
