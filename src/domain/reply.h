/*
** reply.h — an office's right to reply to its published result.
**
** The office writes a text about a period's result; it stays private
** (pending) until an HQ admin approves it, and only then shows on the
** public office page. Rewriting a pending reply replaces its text; a new
** reply after a decision starts a new pending one; approving a reply
** supersedes the office's earlier approved reply for the same period.
** Every write is one transaction with its audit entry.
*/
#ifndef PK_REPLY_H
#define PK_REPLY_H
#include <sqlite3.h>
#include "store/audit.h"

#define REPLY_MAX_CHARS 2000   /* code points of a reply */

typedef struct Reply {
  long long iId;
  char zOffice[32];
  char zPeriod[16];
  char *zText;                 /* heap */
  char zState[12];             /* pending approved rejected superseded */
  char zWrittenAt[24];
  char zDecidedAt[24];
  char *zReason;               /* heap, the decision's reason */
} Reply;

/* Write (or rewrite the pending) reply of office zOffice about period
** zPeriod. zText is normalised; 1..REPLY_MAX_CHARS code points. Returns
** the reply id, or -1 with *pzErr a Persian message (heap). */
long long reply_write(sqlite3 *db, const Actor *pActor, const char *zOffice,
                      const char *zPeriod, const char *zText, char **pzErr);

/* Approve (bApprove) or reject reply iId, with a reason (required when
** rejecting). Only a pending reply. Returns 0, or -1 with *pzErr (heap). */
int reply_decide(sqlite3 *db, const Actor *pActor, long long iId, int bApprove,
                 const char *zReason, char **pzErr);

/* Replies of an office (every state), newest first; or, with zOffice NULL,
** every reply in state zState (NULL: all). *pa is a heap array freed by
** reply_list_free. Returns the count. */
int reply_list(sqlite3 *db, const char *zOffice, const char *zState, Reply **pa);
void reply_list_free(Reply *a, int n);

/* Load one reply. Returns 0 or -1; reply_clear() frees its strings. */
int reply_load(sqlite3 *db, long long iId, Reply *p);
void reply_clear(Reply *p);

/* Persian label of a state. */
const char *reply_state_label(const char *zState);

#endif
