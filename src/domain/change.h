/*
** change.h — change requests for registry fields an office may not edit
** itself (licence data, address, type): filed by the office with a reason,
** decided by its region; accepting applies the change to the registry in
** the same transaction, with audit rows for both.
*/
#ifndef PK_CHANGE_H
#define PK_CHANGE_H
#include <sqlite3.h>

#include "domain/declaration.h"
#include "store/audit.h"

/* The fields a change request may name, NULL-terminated, with Persian
** labels in the same order. */
extern const char *const azChangeField[];
extern const char *const azChangeFieldFa[];
const char *change_field_label(const char *zField);

typedef struct ChangeRequest {
  long long id;
  char zOffice[40];
  char zField[32];
  char *zOld, *zNew, *zReason, *zDecisionReason;
  char zState[12];        /* "pending" | "accepted" | "rejected" */
  char zFiledAt[21], zDecidedAt[21];
} ChangeRequest;

/*
** File a request to set zField of office zOffice to zNew (validated as the
** registry validates it; Jalali dates accepted) for zReason (required).
** Returns 0 with *piId set, or -1 with *pE (404 office, 422 field/value/
** reason, 409 a pending request for the same field exists).
*/
int change_file(sqlite3 *db, const Actor *pActor, const char *zOffice,
                const char *zField, const char *zNew, const char *zReason,
                const char *zNow, long long *piId, DeclErr *pE);

/* Accept (apply) or reject a pending request, with a reason (required to
** reject). Returns 0, or -1 with *pE (404, 409 not pending, 422). */
int change_decide(sqlite3 *db, const Actor *pActor, long long iId, int bAccept,
                  const char *zReason, const char *zNow, DeclErr *pE);

/* Load one request. Returns 0 or -1. change_clear() frees. */
int change_load(sqlite3 *db, long long iId, ChangeRequest *pC);
void change_clear(ChangeRequest *pC);

/* Requests of one office (zOffice) or of one region (zRegion; "" = all),
** pending first then newest. *pa heap array; change_list_free(). */
int change_list(sqlite3 *db, const char *zOffice, const char *zRegion,
                int bPendingOnly, ChangeRequest **pa, int *pn);
void change_list_free(ChangeRequest *a, int n);

#endif
