/*
** snapshot.h — every input of a period's ranking, in plain structs
** (docs/ranking.md).
**
** A Snapshot is what the pure scoring engine (rank.h) reads: for each office
** of the registry its type, region, status and licence data, whether it has
** a finalised declaration, its claims (one per indicator of the period's
** scheme, in the scheme's order), its staff counts, its survey statistics,
** its association score and the violation rulings against it. Only
** snapshot_load() touches the database; the rest of this module is pure.
**
** The canonical form of a snapshot (snapshot_canonical) is compact JSON
** with a fixed member order and shortest round-tripping numbers: it is
** stored with every result set, hashed into the set's inputs hash, and read
** back by snapshot_parse() for `pishkhan rank --verify`.
**
** Ownership: a Snapshot owns its arrays and strings; snapshot_clear() frees
** them. Office strings that are short codes live inside the struct.
*/
#ifndef PK_SNAPSHOT_H
#define PK_SNAPSHOT_H
#include <sqlite3.h>

#include "base/buf.h"
#include "domain/scheme.h"

/* A claim's review decision. */
typedef enum SnapDecision {
  SDEC_NONE = 0,      /* not decided (or no claim) */
  SDEC_ACCEPT,        /* the declared value stands */
  SDEC_ADJUST,        /* the verified value replaces it */
  SDEC_REJECT         /* no value */
} SnapDecision;

/* The state of an office's declaration, as far as ranking is concerned. */
typedef enum SnapDecl {
  SDECL_NONE = 0,     /* no declaration */
  SDECL_OPEN,         /* a declaration that is not finalised */
  SDECL_FINAL         /* finalised: the office participates */
} SnapDecl;

/* One claim: the office's declared value and the review's verified value.
** Numbers, counts and yes/no (1/0) are v; a choice is the index of the
** option in the scheme's indicator (-1 for a value the scheme does not
** know). bClaim 0: the office made no claim for the indicator. */
typedef struct SnapClaim {
  unsigned char bClaim;
  unsigned char eDecision;   /* SnapDecision */
  unsigned char bDeclared, bVerified;
  double declared, verified;
} SnapClaim;

/* One violation ruling against an office (all states). */
typedef struct SnapRuling {
  long long id;
  char zKind[41];
  char zNo[41];
  char zState[16];        /* "final" | "under_appeal" | "overturned" | ... */
  char zFinalDate[11];    /* ISO date, "" when not final */
  double points;          /* the ruling's own points (<= 0) */
} SnapRuling;

typedef struct SnapOffice {
  char zCode[33];
  char zType[12];         /* "urban" | "rural_ict" */
  char zProvince[40];
  char zRegion[40];
  char zStatus[12];       /* registry: "active" | "suspended" | "revoked" */
  char *zStatusReason;    /* heap, NULL when none */
  char zLicenceDate[11];  /* ISO, "" when unknown */
  int nRegFilled, nRegFields;    /* registry fields filled, of how many */
  int eDecl;              /* SnapDecl */
  int nStaff, nInsured, nDisabled;  /* the declared roster */
  long long nSurvey;      /* survey responses and their sum */
  double surveySum;
  int bAssoc;             /* the association entered a score */
  double assoc;
  int iClaim;             /* first of nInd claims in aClaim, or -1 */
  int iRuling, nRuling;   /* its rulings in aRuling (ordered by id) */
} SnapOffice;

typedef struct Snapshot {
  char zPeriod[16];       /* "1399-1" */
  char zPeriodEnd[11];    /* ISO date of the half-year's last day */
  int bSurveyMean;        /* a national survey mean exists */
  double surveyMean;      /* on the response scale */
  char **azInd; int nInd; /* the indicator keys of the claims, in order */
  SnapOffice *aOff; int nOff;      /* ordered by code (byte order) */
  SnapClaim *aClaim; int nClaim;
  SnapRuling *aRuling; int nRuling;
} Snapshot;

/* Registry fields counted by the data-completeness indicator. */
#define SNAP_REG_FIELDS 7

/*
** Load every input of period zPeriod from the database, the claims in the
** order of pScheme's indicators (choice values resolved with it). Tables
** of features not installed yet are taken as empty. Returns 0, or -1 with
** *pzErr (heap) when there is no such period.
*/
int snapshot_load(sqlite3 *db, const char *zPeriod, const Scheme *pScheme,
                  Snapshot *p, char **pzErr);

/*
** The snapshot pOld (loaded under pScheme) brought up to date for the
** offices azCode[0..nCode) — those whose inputs changed since (the marks
** of input_change_office) — into *p: each is read again, everything else
** is copied. Only for changes that concern single offices (not the survey
** statistics, provinces or the scheme: input_change.g). Returns 0; 1 when
** an office was added to or removed from the registry (*p empty: load it
** whole); -1 with *pzErr (heap).
*/
int snapshot_refresh(sqlite3 *db, const Scheme *pScheme, const Snapshot *pOld,
                     char **azCode, int nCode, Snapshot *p, char **pzErr);

/* The ISO date of the last day of the Jalali half-year of a period code
** ("1399-1" → 1399/06/31 → "2020-09-21"). Returns 0 or -1. */
int snapshot_period_end(const char *zPeriod, char zOut[11]);

void snapshot_clear(Snapshot *p);

/* Append the canonical JSON of p to pOut. Pure. */
void snapshot_canonical(const Snapshot *p, Buf *pOut);
/* Append the canonical JSON of office i only (for comparisons). */
void snapshot_office_canonical(const Snapshot *p, int i, Buf *pOut);

/* Parse canonical JSON back into *p. Returns 0, or -1 with *pzErr (heap). */
int snapshot_parse(const char *zJson, size_t n, Snapshot *p, char **pzErr);

/* The index of office zCode (binary search), or -1. */
int snapshot_find(const Snapshot *p, const char *zCode);

/* The claim of office iOff for indicator iInd, or NULL when the office has
** no claims. */
SnapClaim *snapshot_claim(const Snapshot *p, int iOff, int iInd);

/* A deep copy of pSrc into *pDst. */
void snapshot_copy(Snapshot *pDst, const Snapshot *pSrc);

#endif
