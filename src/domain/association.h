/*
** association.h — scores the provincial guild association gives the
** offices of its province (docs/external.md).
**
** The scheme's indicator with source "association" sets the range (its
** min and max, else 0 and its most points) and whether scores are whole
** numbers. Entries are accepted while the association window is open:
** the period is declaring or reviewing and today (Tehran) is within
** declare_from .. review_to. Later, only HQ may change a score
** (bOverride). Every change is one audit entry in the change's
** transaction.
*/
#ifndef PK_ASSOCIATION_H
#define PK_ASSOCIATION_H
#include <stdio.h>
#include <sqlite3.h>

#include "domain/period.h"
#include "domain/scheme.h"
#include "store/audit.h"

/* Error codes (negative); 0 is success. */
enum {
  ASSOC_ENOIND = -1,     /* the scheme has no association indicator */
  ASSOC_EOFFICE = -2,    /* no such office */
  ASSOC_ESCOPE = -3,     /* the office is not in the association's province */
  ASSOC_ESCORE = -4,     /* not a number, or out of range / not whole */
  ASSOC_EWINDOW = -5,    /* outside the window, and no HQ override */
  ASSOC_ENOTE = -6,      /* note too long or broken text */
  ASSOC_EDB = -7
};

typedef struct AssocRule {
  double min, max;
  int bInteger;
} AssocRule;

/* The rule of scheme p. Returns 0, or ASSOC_ENOIND. */
int association_rule(const Scheme *p, AssocRule *pR);

/* Is the association window of p open at zNowUtc? Pure. */
int association_window_open(const Period *p, const char *zNowUtc);

/* Parse score text (Persian digits accepted) under pR: 0 with *pV, or
** ASSOC_ESCORE. Pure. */
int association_parse_score(const AssocRule *pR, const char *z, double *pV);

/* English and Persian messages for an error code (with the rule's range
** filled in for ASSOC_ESCORE). Heap strings. */
char *association_error_en(int rc, const AssocRule *pR);
char *association_error_fa(int rc, const AssocRule *pR);

/*
** Set the score of office zOffice in period p to zScore with zNote.
** zProvince is the association's province (NULL: any, for HQ and the
** CLI). bOverride: an HQ change outside the window. Call inside a
** transaction; writes the audit entry. Returns 1 when stored, 0 when
** unchanged, or an ASSOC_E* code.
*/
int association_set(sqlite3 *db, const Actor *pActor, const Period *p,
                    const AssocRule *pR, const char *zProvince,
                    const char *zOffice, const char *zScore, const char *zNote,
                    int bOverride, const char *zNowUtc);

typedef struct AssocStats { int nRead, nChanged, nSame, nBad; } AssocStats;

/*
** Import the CSV pIn (header office_code,score,note) for period p
** all-or-nothing; bad rows go to pErr as "LINE:COLUMN: message". Returns 0
** when committed, 1 when nothing was stored because of bad rows, 2 on a
** store error.
*/
int association_import(sqlite3 *db, const Actor *pActor, const Period *p,
                       const AssocRule *pR, const char *zProvince, int bOverride,
                       const char *zNowUtc, FILE *pIn, FILE *pErr, AssocStats *pSt);

/* One office of a province with its score. */
typedef struct AssocRow {
  char *zCode, *zName, *zCity, *zType, *zNote;
  int bHas;
  double score;
  char zAt[21];
} AssocRow;

/* The offices of province zProvince (NULL: all) with their scores in
** period iPeriod, sorted by zSort: "code", "name" (default), "city",
** "score" (highest first, unscored last). Returns the count; *pa is a heap
** array for association_rows_free(). */
int association_rows(sqlite3 *db, long long iPeriod, const char *zProvince,
                     const char *zSort, AssocRow **pa);
void association_rows_free(AssocRow *a, int n);

#endif
