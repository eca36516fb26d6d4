/*
** stats.h — national statistics of a period's published result set:
** offices, participation and ranks by type, by region and by province,
** trends across periods, the fairness figures HQ watches, and the report
** formats (text, CSV, JSON, XLSX). docs/statistics.md.
**
** Tables reconcile by construction: every office of the result set falls
** into exactly one bucket (ranked 1, 2 or 3; non-participant; taken out of
** the ranking with a reason), the totals are counted separately, and
** stats_reconcile() — pure — checks every row and column sum and records
** what a row lacks to add up. The published 1399 figures do not add up
** (3,860 participants, 2,070 + 1,600 + 202 = 3,872 ranked): run through the
** same check they show a difference of −12, reported, not hidden.
*/
#ifndef PK_STATS_H
#define PK_STATS_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/buf.h"

/* Office types as columns: urban, rural ICT, and both. */
enum { ST_URBAN = 0, ST_RURAL, ST_TOTAL, ST_NTYPE };

/* Why an office is out of the ranking (beside non-participation). */
enum { SO_REVOKED = 0, SO_SUSPENDED, SO_OTHER, SO_N };

/* Error codes of stats_load(). */
enum { STAT_ENOPERIOD = -1, STAT_ENORESULT = -2 };

/* More than this share of ranked offices in rank 1 is a ceiling warning. */
#define STAT_CEILING 0.5
/* Offices this many points or fewer from a rank threshold are "near". */
#define STAT_NEAR 2.0

/*
** One row: a type (or both) within the nation, a region or a province.
** nOffices and nPart are counted apart from the buckets; a value of -1
** means "not known" (published figures without a participant count).
*/
typedef struct StatRow {
  long long nOffices;        /* offices in the result set */
  long long nPart;           /* participants */
  long long aRank[4];        /* [1..3]: participants ranked 1, 2, 3 */
  long long nNonPart;        /* non-participants: rank 3 by rule */
  long long aOutPart[SO_N];  /* participants out of the ranking, by reason */
  long long aOutNon[SO_N];   /* non-participants out of the ranking, by reason */
  /* set by stats_row_reconcile(): what the row lacks to add up */
  long long nDiffPart;       /* nPart - (ranked + aOutPart) */
  long long nDiffAll;        /* nOffices - (ranked + nNonPart + all out) */
} StatRow;

/* Derived cells. */
long long stats_ranked(const StatRow *p);            /* rank 1 + 2 + 3 */
long long stats_out_part(const StatRow *p);          /* Σ aOutPart */
long long stats_out_all(const StatRow *p);           /* Σ aOutPart + Σ aOutNon */
long long stats_all_rank(const StatRow *p, int k);   /* k=3 includes non-participants */
/* Participation share in percent, rounded to one decimal (0 when no offices). */
double stats_pct(long long n, long long nOf);
/* Share of ranked participants in rank 1 (0..1), and whether it is a
** ceiling (more than STAT_CEILING). */
double stats_rank1_share(const StatRow *p);
int stats_ceiling(const StatRow *p);

/* A region or a province. */
typedef struct StatGroup {
  char zCode[24];
  char zNameFa[96];
  char zNameEn[96];
  char zRegion[24];          /* provinces: the region's code */
  StatRow a[ST_NTYPE];
} StatGroup;

/* A sum that did not hold. */
typedef struct StatCheck {
  char zWhat[128];           /* "region tehran, urban: participants" */
  long long nWant, nGot;
} StatCheck;
#define STAT_MAX_FAIL 32

typedef struct StatReport {
  char zPeriod[16];
  long long iResultSet;
  int iVersion;
  char zPublishedAt[24];
  char zInputsHash[72];
  StatRow a[ST_NTYPE];       /* the nation */
  StatGroup *aRegion; int nRegion;      /* heap; stats_clear frees */
  StatGroup *aProvince; int nProvince;
  /* set by stats_reconcile() */
  int nCheck;                /* sums checked */
  int nFail;                 /* sums that did not hold */
  StatCheck aFail[STAT_MAX_FAIL];   /* the first of them */
} StatReport;

/* A period code as Persian words: "1399-1" -> "نیمهٔ نخست ۱۳۹۹" (anything
** else: its digits in Persian). Appends to pOut. */
void stats_period_fa(Buf *pOut, const char *zCode);

/* Type codes and labels by column index. */
const char *stats_type_code(int t);          /* "urban" "rural_ict" "total" */
const char *stats_type_label(int t);         /* Persian */
const char *stats_out_code(int e);           /* "revoked" "suspended" "other" */
const char *stats_out_label(int e);          /* Persian */

/*
** Check one row: sets nDiffPart and nDiffAll. Returns the number of its
** sums that do not hold (0, 1 or 2); a part whose total is -1 (unknown) is
** not checked.
*/
int stats_row_reconcile(StatRow *p);

/*
** Check every sum of the report — each row, urban + rural ICT = total for
** every cell, the regions and the provinces against the nation — setting
** nCheck, nFail, aFail and each row's differences. Pure. Returns nFail.
*/
int stats_reconcile(StatReport *p);

/*
** Compute the statistics of period zPeriod from its newest published
** result set into *p (stats_clear frees), and reconcile them. Returns 0,
** STAT_ENOPERIOD or STAT_ENORESULT (no published result set).
*/
int stats_load(sqlite3 *db, const char *zPeriod, StatReport *p);
void stats_clear(StatReport *p);

/* Is there any result set table to read (the ranking engine's tables)? */
int stats_have_results(sqlite3 *db);

/* Codes of the periods with a published result set, newest first, into a
** heap array of heap strings (stats_strings_free). Returns the count. */
int stats_periods(sqlite3 *db, char ***pazCode);
void stats_strings_free(char **az, int n);

/* Trends: the national rows of every period with a published result set,
** oldest first. *pa is a heap array the caller frees. Returns the count. */
typedef struct StatTrend {
  char zPeriod[16];
  int iVersion;
  StatRow a[ST_NTYPE];
  int bReconciles;
} StatTrend;
int stats_trends(sqlite3 *db, StatTrend **pa);

/* ---- The published figures (DESIGN.md "Facts to honour") --------------- */

typedef struct StatPublished {
  const char *zPeriod;       /* "1399-1" */
  int t;                     /* ST_URBAN, ST_RURAL or ST_TOTAL */
  long long nOffices, nPart; /* nPart -1 when not published */
  long long aRank[3];        /* rank 1, 2, 3 */
} StatPublished;
extern const StatPublished aStatPublished[];
extern const int nStatPublished;

/* The published figures as a row (non-participants = offices - participants
** when both are known) for stats_row_reconcile(). */
void stats_row_from_published(const StatPublished *pPub, StatRow *pRow);

/* ---- Fairness (HQ) -------------------------------------------------------- */

typedef struct StatReviewer {
  long long iUser;
  char zUser[64];            /* username, or "#id" for a deleted user */
  char zRegion[24];          /* the reviewer's region (scope), "" if none */
  long long nClaim, nAdjust, nReject;
} StatReviewer;

typedef struct StatReviewRegion {
  char zRegion[24];
  long long nClaim, nAdjust, nReject;
} StatReviewRegion;

typedef struct StatNear {
  char zOffice[32];
  char zName[160];
  int t;                     /* ST_URBAN or ST_RURAL */
  char zProvince[8];
  double score;
  int iRank;
  int iBoundary;             /* 1: the rank 1 threshold, 2: the rank 2 one */
  double threshold;
} StatNear;

typedef struct StatFairness {
  StatReviewer *aRev; int nRev;         /* ordered by region, username */
  StatReviewRegion *aReg; int nReg;     /* ordered by region */
  StatReviewRegion all;                 /* the nation */
  double aThr[2][2];                    /* [type][0]: rank 1, [1]: rank 2; -1 unknown */
  StatNear *aNear; int nNear;           /* by |score - threshold|, at most 200 */
  long long aNearCount[ST_NTYPE];       /* all of them, by type */
} StatFairness;

/* Fill *pF for the period of report pRep. Returns 0. */
int stats_fairness(sqlite3 *db, const StatReport *pRep, StatFairness *pF);
void stats_fairness_clear(StatFairness *pF);

/* ---- Output formats (stats_export.c) ------------------------------------- */

/* Which groups a text or CSV report lists besides the nation. */
typedef enum StatBy { STAT_BY_NONE = 0, STAT_BY_REGION, STAT_BY_PROVINCE } StatBy;

/* The report as text, with its checks printed. */
void stats_text(Buf *pOut, const StatReport *p, StatBy eBy,
                const StatTrend *aTrend, int nTrend);
/* The report as CSV (ASCII digits): one line per (scope, type). */
void stats_csv(Buf *pOut, const StatReport *p, StatBy eBy);
/* The report as JSON (docs/statistics.md). "reconciles" is true only when
** every sum holds. The caller owns the result. */
json_t *stats_json(const StatReport *p, const StatTrend *aTrend, int nTrend);
/* The report as an XLSX workbook at zPath: Persian sheet and column names,
** right-to-left sheets, numbers as numbers. Returns 0 or -1. */
int stats_xlsx(const StatReport *p, const StatTrend *aTrend, int nTrend,
               const char *zPath);

#endif
