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

/*
** The head (setting audit_head: the last entry's id and hash) lets verify
** notice a deleted tail. audit_log writes it at once outside a transaction;
** inside one it only notes that the head is owed, and the outermost commit
** (db_commit) writes it once, from the last entry, just before COMMIT:
** the head is in the same transaction as its entries either way, and a
** transaction of thousands of entries (an import, the demo) writes it once.
** audit_settle_head does that write; db_commit calls it. Returns SQLITE_OK
** or an error code.
*/
int audit_settle_head(sqlite3 *db);

/* Why the chain does not verify. */
typedef enum AuditBreak {
  AUDIT_INTACT = 0,
  AUDIT_CHANGED,   /* the entry's fields, hash or link were changed */
  AUDIT_MISSING,   /* the entry was deleted from the middle */
  AUDIT_TAIL,      /* the entry and those after it were deleted from the end */
  AUDIT_HEAD       /* the recorded head (setting audit_head) does not match */
} AuditBreak;

/* Verify the whole chain. Returns 0 when intact (with *pnEntry set to the
** number of entries), or the id of the first entry that does not verify:
** the changed entry, the missing one (deleted from the middle or the end),
** with *peWhy (may be NULL) saying which. audit_verify() without the why. */
long long audit_verify_why(sqlite3 *db, long long *pnEntry, AuditBreak *peWhy);
long long audit_verify(sqlite3 *db, long long *pnEntry);

/* One entry as the office timeline shows it. */
typedef struct AuditEntry {
  long long iId;
  char zAt[21];
  char zUser[64];
  char zAddr[64];
  char *zAction, *zObject, *zBefore, *zAfter;   /* heap; before/after NULL when none */
} AuditEntry;

/* The newest nMax entries about office zOffice, newest first. *pa heap
** (audit_entries_free). Returns the total number of its entries. */
int audit_office(sqlite3 *db, const char *zOffice, int nMax, AuditEntry **pa, int *pn);
void audit_entries_free(AuditEntry *a, int n);

/* The current UTC time as ISO text "2026-11-28T21:06:55Z" into z[21]. */
void audit_now(char z[21]);

#endif
