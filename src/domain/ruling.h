/*
** ruling.h — violation rulings of the provincial committee
** (docs/external.md).
**
** A ruling names an office, a kind from the scheme's penalty catalogue
** (its points are copied from the catalogue when recorded), a ruling
** number and date, and a state: final, under_appeal or overturned.
** final_date is the day it became final; only rulings final by a period's
** end count for that period (ruling_counts). A ruling of a kind that
** revokes the licence, once final, sets the office's status to revoked
** with the ruling as the reason; overturning it restores the office.
*/
#ifndef PK_RULING_H
#define PK_RULING_H
#include <sqlite3.h>

#include "domain/scheme.h"
#include "store/audit.h"

/* Error codes (negative). */
enum {
  RULING_EOFFICE = -1,   /* no such office */
  RULING_ESCOPE = -2,    /* office outside the committee's province */
  RULING_EKIND = -3,     /* kind not in the scheme's catalogue */
  RULING_ENO = -4,       /* ruling number empty or too long */
  RULING_EDATE = -5,     /* not a date */
  RULING_ESTATE = -6,    /* unknown state, or a change not allowed */
  RULING_ENOTE = -7,     /* note too long */
  RULING_ENOTFOUND = -8, /* no such ruling */
  RULING_EDB = -9
};

/* English and Persian messages of an error code (static). */
const char *ruling_error_en(int rc);
const char *ruling_error_fa(int rc);

/* "final" | "under_appeal" | "overturned" -> Persian label ("" unknown). */
const char *ruling_state_label(const char *zState);
/* Is zState a state? */
int ruling_state_valid(const char *zState);
/* May a ruling go from state zFrom to zTo? Pure. */
int ruling_transition_ok(const char *zFrom, const char *zTo);
/* Does a ruling count for a period ending on ISO day zEnd? Pure. */
int ruling_counts(const char *zState, const char *zFinalDate, const char *zEnd);

typedef struct RulingNew {
  const char *zOffice;
  const char *zKind;
  const char *zNo;
  const char *zDate;     /* Jalali or ISO */
  const char *zState;    /* NULL = "final" */
  const char *zNote;
} RulingNew;

/*
** Record a ruling under the catalogue of pScheme. zProvince: the
** committee's province (NULL: any). One transaction with its audit entry
** (and the revocation, when it applies). Returns the new id (> 0), or a
** RULING_E* code.
*/
long long ruling_add(sqlite3 *db, const Actor *pActor, const Scheme *pScheme,
                     const char *zProvince, const RulingNew *pNew);

/*
** Move ruling id to zState. zDate (Jalali or ISO, NULL = today in Tehran)
** is the day it became final, for "final". One transaction. Returns 0 or
** a RULING_E* code.
*/
int ruling_set_state(sqlite3 *db, const Actor *pActor, const Scheme *pScheme,
                     const char *zProvince, long long id, const char *zState,
                     const char *zDate);

typedef struct Ruling {
  long long id;
  char zOffice[32];
  char *zOfficeName;
  char zKind[64];
  char zNo[64];
  char zDate[11];
  double points;
  char *zNote;
  char zState[16];
  char zFinalDate[11];
  char zProvince[32];
} Ruling;

/* Rulings of province zProvince and/or office zOffice (NULL: any), newest
** first. Returns the count; *pa for ruling_list_free(). */
int ruling_list(sqlite3 *db, const char *zProvince, const char *zOffice, Ruling **pa);
void ruling_list_free(Ruling *a, int n);

#endif
