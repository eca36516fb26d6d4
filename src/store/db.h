/*
** db.h — the SQLite store: opening a data directory, migrations, helpers.
**
** A data directory holds pishkhan.db (WAL, foreign keys on, busy timeout)
** and docs/ for uploaded documents. The schema is a list of numbered,
** forward-only migrations compiled into the binary (schema.c); PRAGMA
** user_version records how many have run.
**
** Every connection gets the collation "fa" (Persian, ICU) and the SQL
** function norm(x) (text_normalize).
*/
#ifndef PK_DB_H
#define PK_DB_H
#include <sqlite3.h>

/* Flags for db_open(). */
#define DB_CREATE   0x01   /* create the directory and database if missing */
#define DB_READONLY 0x02   /* open read-only */

/* Resolve the data directory: zArg if not NULL, else $PISHKHAN_DATA, else
** "./pishkhan-data". Returns a static or argument string. */
const char *db_dir(const char *zArg);

/* Open the database of data directory zDir. Without DB_CREATE a missing
** directory or database is an error. Applies pending migrations (not with
** DB_READONLY). Returns the handle, or NULL with *pzErr set to a message the
** caller frees. */
sqlite3 *db_open(const char *zDir, int flags, char **pzErr);
void db_close(sqlite3 *db);

/* Schema version the binary knows, and the version of an open database. */
int db_schema_version(void);
int db_user_version(sqlite3 *db);

/* Prepare a statement; a SQL error here is a programming error and aborts
** with the message. Bind with sqlite3_bind_* as usual, and end with
** db_finalize(), which hands it back to the connection's statement cache
** (the same SQL text is prepared once per connection). */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *zSql);
void db_finalize(sqlite3_stmt *p);

/* A cached prepared statement for hot paths: prepared once per connection
** and found again by its SQL text. Use it, then db_release() it (reset and
** clear bindings) — never finalize it; db_close() does. Not for a statement
** that may be used again while still in use (re-entrant code). */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *zSql);
void db_release(sqlite3_stmt *p);

/* Run SQL without results. Returns SQLITE_OK or the error code (message
** via sqlite3_errmsg). */
int db_exec(sqlite3 *db, const char *zSql);

/* Transactions, nestable: the outermost db_begin is BEGIN IMMEDIATE, inner
** ones are savepoints (db.c). Pair every db_begin with one db_commit or
** db_rollback. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Single-value queries with one optional text parameter (NULL = none).
** db_int returns iDflt when no row. db_text returns a heap string or NULL. */
long long db_int(sqlite3 *db, long long iDflt, const char *zSql, const char *zArg);
char *db_text(sqlite3 *db, const char *zSql, const char *zArg);

/* Text of column i, or "" when NULL. */
const char *db_col_text(sqlite3_stmt *p, int i);

/* Settings key/value table. */
char *db_setting(sqlite3 *db, const char *zKey);
void db_set_setting(sqlite3 *db, const char *zKey, const char *zValue);

#endif
