/*
** office.h — the office registry: validation, upsert, import, export, search.
**
** Every write goes through office_save(), which validates and normalises
** the record; the CSV import and the demo generator both use it.
*/
#ifndef PK_OFFICE_H
#define PK_OFFICE_H
#include <stdio.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "store/audit.h"

/* One office as read or written. Strings are owned by whoever filled it;
** office_clear() frees those filled by office_load(). */
typedef struct Office {
  char *zCode;
  char *zType;          /* "urban" | "rural_ict" */
  char *zName;
  char *zProvince;      /* province code (office_save also accepts a name) */
  char *zCity;          /* city or village */
  char *zAddress;
  char *zPostalCode;
  char *zPhone;
  char *zLicenceNo;
  char *zLicenceDate;   /* ISO Gregorian, or NULL */
  char *zHolderName;
  char *zHolderNid;
  char *zStatus;        /* "active" | "suspended" | "revoked" */
  char *zStatusReason;
} Office;

/* Columns of the CSV format, in order (docs/registry.md). */
extern const char *const azOfficeColumn[];
#define OFFICE_NCOLUMN 13

/* Field indexes into azOfficeColumn. */
enum {
  OF_CODE, OF_TYPE, OF_NAME, OF_PROVINCE, OF_CITY, OF_ADDRESS, OF_POSTAL,
  OF_PHONE, OF_LICENCE_NO, OF_LICENCE_DATE, OF_HOLDER_NAME, OF_HOLDER_NID,
  OF_STATUS
};

/* Load by code. Returns 0, or -1 when there is no such office. */
int office_load(sqlite3 *db, const char *zCode, Office *pO);
void office_clear(Office *pO);

/* Validate the CSV fields azF[0..OFFICE_NCOLUMN) as typed by a person:
** normalises them and fills pO with heap strings (office_clear frees).
** On error returns the index of the first bad column and sets *pzMsg to a
** static or heap message (heap when *pbFree set). Returns -1 when valid. */
int office_parse(sqlite3 *db, const char *const *azF, Office *pO,
                 char **pzMsg, int *pbFree);

/* Insert or update by code (pO validated). Writes an audit entry when the
** record changed. Returns 1 inserted, 2 updated, 0 unchanged, -1 error. */
int office_save(sqlite3 *db, const Actor *pActor, const Office *pO);

typedef struct ImportStats { int nRead, nNew, nChanged, nSame, nBad; } ImportStats;

/* Import the CSV pIn (name zName for messages) all-or-nothing. Bad rows go
** to pErr as "LINE:COLUMN: message". Returns 0 when committed, 1 when
** nothing was stored because of bad rows, 2 on a store error. */
int office_import(sqlite3 *db, const Actor *pActor, FILE *pIn, FILE *pErr,
                  ImportStats *pStats);

/* Write every office as CSV (header first), ordered by code. */
int office_export(sqlite3 *db, FILE *pOut);

/* One row of a search result. */
typedef struct OfficeHit {
  char *zCode, *zName, *zType, *zProvince, *zProvinceFa, *zCity, *zStatus;
} OfficeHit;

typedef struct OfficeQuery {
  const char *zQ;         /* free text: code, name or city (normalised) */
  const char *zProvince;  /* province code or NULL */
  const char *zType;      /* "urban" | "rural_ict" | NULL */
  int iPage;              /* 1-based */
  int nPerPage;
} OfficeQuery;

/* Search offices, sorted by Persian collation of the name, then code.
** Fills *paHit (heap array; office_hits_free) and returns the total count
** of matches (all pages). */
int office_search(sqlite3 *db, const OfficeQuery *pQ, OfficeHit **paHit, int *pnHit);
void office_hits_free(OfficeHit *aHit, int nHit);

/* Persian label of a type / status code. */
const char *office_type_label(const char *zType);
const char *office_status_label(const char *zStatus);

#endif
