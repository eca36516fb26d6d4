/*
** rank.h — the scoring engine: turns a period's snapshot into scores and
** ranks under the period's scheme (docs/ranking.md).
**
** Pure: reads a Snapshot and a Scheme, writes a ResultSet, touches nothing
** else — no database, no clock, no global. The same snapshot and scheme give
** byte-identical results (rank_result_json), so the what-if simulator can
** rerun it in memory and `pishkhan rank --verify` can recompute a published
** set from its stored inputs.
*/
#ifndef PK_RANK_H
#define PK_RANK_H
#include "base/buf.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"

/* An office's place in the results. */
typedef enum RankStatus {
  RS_RANKED = 0,            /* participated: scored and ranked */
  RS_NOT_PARTICIPATED,      /* no finalised declaration: the scheme's minimum */
  RS_REVOKED,               /* licence revoked (registry or a final ruling): unranked */
  RS_SUSPENDED,             /* licence suspended (registry): unranked */
  RS_COUNT
} RankStatus;

/* Where the value of an indicator came from. */
typedef enum RankBasis {
  RB_NONE = 0,      /* no value: no claim, no data */
  RB_ACCEPTED,      /* declared value, accepted by review */
  RB_ADJUSTED,      /* verified value set by review (or an upheld objection) */
  RB_REJECTED,      /* rejected by review: no value */
  RB_UNREVIEWED,    /* declared value of a claim review left undecided */
  RB_ROSTER,        /* counted from the staff roster */
  RB_REGISTRY,      /* computed from the office registry */
  RB_SURVEY,        /* Bayesian average of the survey responses */
  RB_ASSOCIATION,   /* entered by the provincial association */
  RB_COUNT
} RankBasis;

/* One indicator of one office's breakdown. */
typedef struct RankLine {
  unsigned char eBasis;     /* RankBasis */
  unsigned char bDeclared;  /* declared holds the office's own value */
  unsigned char bValue;     /* value holds the value scored */
  unsigned char bCapped;    /* KIND_COUNT: the cap applied */
  int iRule;                /* band (number) or option (choice) index, -1 none */
  double declared;
  double value;
  double points;
} RankLine;

typedef struct RankResult {
  int iOffice;              /* index into the snapshot's aOff */
  RankStatus eStatus;
  int iRank;                /* 1..3; 0 when unranked (revoked, suspended) */
  int iPlace;               /* 1.. within the office type among the ranked, else 0 */
  double score;             /* the total, rounded to 0.01, floored at 0 */
  double sum;               /* indicator points before penalties */
  double penalty;           /* sum of penalty points (<= 0) */
  int iLine;                /* first of nInd lines in aLine, or -1 */
  int iPen, nPen;           /* counted rulings: indexes into aPen */
  int iRevokedBy;           /* snapshot ruling index that revoked, or -1 */
} RankResult;

/* Counts by office type (0 urban, 1 rural_ict) and place in the results. */
enum { RANK_COL_1 = 0, RANK_COL_2, RANK_COL_3, RANK_COL_UNRANKED, RANK_NCOL };

typedef struct ResultSet {
  const Snapshot *pSnap;    /* not owned: the inputs the results refer to */
  RankResult *aRes; int nRes;    /* one per snapshot office, same order */
  RankLine *aLine; int nLine;
  int *aPen; int nPen;      /* snapshot ruling indexes, per result iPen.. */
  int nRank[4];             /* [0] unranked (revoked/suspended), [1..3] ranks */
  int nNonPart;             /* of the rank-3 (or scheme's) count: non-participants */
  int aCount[2][RANK_NCOL]; /* by type: rank 1, 2, 3, unranked */
} ResultSet;

/* Error codes. */
#define RANK_OK          0
#define RANK_EBADSCHEME  1   /* a threshold table is missing, or the scheme's
                             ** indicators are not the snapshot's */

/*
** Assign a score and a rank to every office of pSnap under pScheme.
** Revoked and suspended offices are not ranked; offices without a
** finalised declaration get the scheme's non-participant score and rank;
** the others are scored indicator by indicator, penalties subtracted, the
** total floored at 0, and ranked by the thresholds of their office type.
** Places within a type break ties deterministically (docs/ranking.md).
** Returns RANK_OK, or RANK_EBADSCHEME (pOut then empty). pOut refers to
** pSnap, which must outlive it; the caller frees pOut with rank_clear().
*/
int rank_assign(const Snapshot *pSnap, const Scheme *pScheme, ResultSet *pOut);
void rank_clear(ResultSet *p);

/* The hex SHA-256 of the canonical inputs: the snapshot and the scheme. */
void rank_inputs_hash(const Snapshot *pSnap, const Scheme *pScheme, char zOut[65]);
/* The same from their canonical texts. */
void rank_inputs_hash_text(const char *zSnap, const char *zScheme, char zOut[65]);

/* "ranked", "did_not_participate", "revoked", "suspended" and back
** (RS_COUNT when unknown); Persian labels. */
const char *rank_status_code(RankStatus e);
RankStatus rank_status_from_code(const char *z);
const char *rank_status_label(RankStatus e);
const char *rank_basis_code(RankBasis e);
const char *rank_basis_label(RankBasis e);

/* The type index of an office type (0 urban, 1 rural_ict, -1 other). */
int rank_type_index(const char *zType);

/*
** The breakdown of result i as canonical JSON (compact, fixed member
** order): status, score, rank, place, reason, each indicator with its
** declared and verified value, points and rule, and each penalty with its
** ruling. Appended to pOut.
*/
void rank_result_json(const ResultSet *pRs, const Scheme *pScheme, int i, Buf *pOut);

/* A short English/Persian reason for an unranked or non-participant result
** (static or the snapshot's text). "" for a ranked office. */
const char *rank_reason(const ResultSet *pRs, const Scheme *pScheme, int i);
const char *rank_reason_fa(const ResultSet *pRs, const Scheme *pScheme, int i);

/* What-if: scale every point of indicator iInd by w (>= 0). */
void rank_scale_indicator(Scheme *pScheme, int iInd, double w);
/* What-if: set the thresholds of an office type. Returns 0, or -1 when the
** scheme has no such type or rank1 <= rank2. */
int rank_set_thresholds(Scheme *pScheme, const char *zType, double rank1, double rank2);

/* Append a number in its shortest round-tripping form ("12", "0.1"). */
void rank_num(Buf *pOut, double v);
/* Append z as a JSON string. */
void rank_json_str(Buf *pOut, const char *z);

#endif
