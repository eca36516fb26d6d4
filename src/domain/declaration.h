/*
** declaration.h — an office's self-declaration for a period: the values of
** the scheme's declared indicators, the staff roster, and the documents
** attached to claims (docs/periods.md).
**
** States: draft → submitted → in_review → (returned → submitted ...) →
** reviewed → confirmed → finalised. The office edits a draft while its
** window is open, and a returned declaration until its correction deadline.
** Every indicator of source declared or roster has a claim row (declared
** value now; verified value, decision, reason and reviewer filled by review).
**
** Every change is one transaction with its audit row; a refused change
** leaves nothing behind. Errors come back in a DeclErr: an HTTP-like
** status, the indicator or field at fault, and the message in English (API)
** and Persian (pages).
*/
#ifndef PK_DECLARATION_H
#define PK_DECLARATION_H
#include <jansson.h>
#include <sqlite3.h>

#include "domain/period.h"
#include "domain/scheme.h"
#include "store/audit.h"

typedef enum DeclState {
  DS_NONE = 0,        /* nothing stored yet */
  DS_DRAFT, DS_SUBMITTED, DS_IN_REVIEW, DS_RETURNED, DS_REVIEWED,
  DS_CONFIRMED, DS_FINALISED,
  DS_COUNT
} DeclState;

/* Why a change was refused. status: 400 bad request, 404 no such
** period/office, 409 conflict (window closed, stale version, wrong state),
** 413 too large, 415 wrong type, 422 invalid value, 500 store error. */
typedef struct DeclErr {
  int status;
  char zField[80];    /* "values.floor_area", "staff[2].national_id", "" */
  char zEn[512];
  char zFa[768];
} DeclErr;

typedef struct StaffMember {
  char *zName;
  char *zNid;          /* national ID, 10 ASCII digits, checksum valid */
  int bInsured;
  int bDisability;
  char zStart[11];     /* ISO date, "" when unknown */
} StaffMember;

typedef struct DocRef {
  char zIndicator[48];
  char zSha[65];
  char *zName;         /* the file name as uploaded */
  long long nSize;
  char zMime[32];
  char zAt[21];
} DocRef;

typedef struct Declaration {
  long long id;           /* 0 when nothing is stored yet */
  char zPeriod[16];
  char zOffice[40];
  DeclState state;
  int iVersion;           /* 0 when nothing is stored yet */
  json_t *pValues;        /* object: indicator key -> declared value (owned) */
  StaffMember *aStaff; int nStaff;
  DocRef *aDoc; int nDoc;
  char zPrefillFrom[16];  /* period the starting data came from, "" if none */
  char zSubmittedAt[21];
  char zCorrectionDue[11];
  char *zReturnReason;
  char zUpdatedAt[21];
} Declaration;

const char *decl_state_code(DeclState e);
const char *decl_state_label(DeclState e);
DeclState decl_state_from_code(const char *z);

/* Set *pE (status, field, English and Persian messages). */
void decl_err(DeclErr *pE, int status, const char *zField, const char *zEn,
              const char *zFa);

/*
** Load office zOffice's declaration for period p. When none is stored yet,
** it starts from the office's latest earlier declaration (verified values
** where review set them, else declared; its staff and documents), with
** id 0, version 0, state DS_NONE and zPrefillFrom set. Returns 0, or -1
** when there is no such office. declaration_clear() frees.
*/
int declaration_load(sqlite3 *db, const Period *p, const char *zOffice, Declaration *pD);
void declaration_clear(Declaration *pD);

/*
** May the office change pD now (zNow: ISO UTC)? Returns 1, or 0 with *pE
** saying why not (409): window not open yet / closed (with the date),
** declaration submitted, in review, ...
*/
int declaration_editable(sqlite3 *db, const Period *p, const Declaration *pD,
                         const char *zNow, DeclErr *pE);

/*
** Replace the declared values and the staff roster of the declaration.
** pValues: object KEY -> value (number for number, whole number for count,
** option value string for choice, true/false for yesno, null = none);
** only declared indicators. pStaff: array of {name, national_id, insured,
** disability, start_date (Jalali or ISO, optional)}. iVersion must be the
** stored version (0 when nothing is stored yet). On success sets
** *piNewVersion and returns 0; else -1 with *pE (409 stale version or not
** editable, 422 invalid value naming the indicator and the rule).
*/
int declaration_save(sqlite3 *db, const Actor *pActor, const Period *p,
                     const char *zOffice, int iVersion, json_t *pValues,
                     json_t *pStaff, const char *zNow, int *piNewVersion,
                     DeclErr *pE);

/*
** Submit: every declared indicator needs a value, and every claim whose
** indicator requires a document and whose value earns points needs one.
** Returns 0 (state submitted), or -1 with *pE (409 outside the window or
** not editable, 422 naming the indicator).
*/
int declaration_submit(sqlite3 *db, const Actor *pActor, const Period *p,
                       const char *zOffice, const char *zNow, DeclErr *pE);

/* "Confirm unchanged": store the starting data (last period's) as is and
** submit, in one transaction. Same errors as save and submit. */
int declaration_confirm_unchanged(sqlite3 *db, const Actor *pActor, const Period *p,
                                  const char *zOffice, const char *zNow, DeclErr *pE);

/* The API shape: {"office","period","state","version","values","staff",
** "documents"}. bMaskNid: show national IDs masked. Caller owns it. */
json_t *declaration_json(const Declaration *pD, int bMaskNid);

/* Check one value against its indicator (the rules of declaration_save).
** Returns 0, or -1 with *pE (422 naming the indicator and the rule). */
int declaration_check_value(const Indicator *pI, json_t *pV, DeclErr *pE);

/* The number a value stands for (IndValue) under its indicator. */
void declaration_value(const Indicator *pI, json_t *pV, IndValue *pOut);

/* For document.c: the id of the declaration row of (p, zOffice), created
** as an empty draft (version 0, earlier documents carried over) when there
** is none. Call inside a transaction. Returns 0 on a store error. */
long long declaration_ensure_row(sqlite3 *db, const Actor *pActor, const Period *p,
                                 const Scheme *pScheme, const char *zOffice,
                                 const char *zNow);

/* Only the stored row of (p, zOffice): id, state, version and correction
** deadline, no values (cheap; enough for declaration_editable). Returns 1
** when there is a row, else 0 with pD set to an empty DS_NONE declaration.
** No heap memory: no declaration_clear needed. */
int declaration_row(sqlite3 *db, const Period *p, const char *zOffice, Declaration *pD);

/* Count staff members for a roster indicator. */
int declaration_roster_count(const Declaration *pD, RosterField e);

#endif
