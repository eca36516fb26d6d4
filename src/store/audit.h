/*
** audit.h — the hash-chained audit trail.
**
** Every change of state or value is one row of table audit, written in the
** same transaction as the change. Each row's hash covers its own fields and
** the previous row's hash (BLAKE2b-256, libsodium), so an edited or deleted
** row breaks the chain from that point on.
*/
#ifndef PK_AUDIT_H
#define PK_AUDIT_H
#include <sqlite3.h>

/* Who did it. iUser 0 and zUser "system" / "cli:<login>" for batch work. */
typedef struct Actor {
  long long iUser;
  const char *zUser;
  const char *zAddr;     /* client address, "" for the CLI */
} Actor;

/* Append an entry. zBefore / zAfter are JSON text or NULL; zOffice names the
** office concerned (for the office timeline) or NULL. Call inside the
** transaction of the change. Returns SQLITE_OK or an SQLite error code. */
int audit_log(sqlite3 *db, const Actor *pActor, const char *zAction,
              const char *zObject, const char *zOffice,
              const char *zBefore, const char *zAfter);

/* Verify the whole chain. Returns 0 when intact (with *pnEntry set), or the
** id of the first entry that does not verify (an entry missing from the
** sequence counts as the entry after the gap). */
long long audit_verify(sqlite3 *db, long long *pnEntry);

/* The current UTC time as ISO text "2026-11-28T21:06:55Z" into z[21]. */
void audit_now(char z[21]);

#endif
