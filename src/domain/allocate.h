/*
** allocate.h — distributing agencies' services among offices by rank
** (DESIGN.md §1 step 7; docs/allocation.md).
**
** Pure: allocate_run() reads an AllocInput (published ranks, localities,
** facilities, the service catalogue, the offices' ordered preferences and
** the scheme's caps) and writes an AllocResult. No database, no clock, no
** globals. It is deterministic and does not depend on the order of the
** input arrays: offices are visited by code, services by code, localities
** by (province, city), all compared bytewise.
**
** The rule, for each office o of rank r (1..3):
**   S(o)   = the services available in o's locality, of o's channel, whose
**            required facility (if any) o has;
**   cap(o) = floor(aCap[r-1] * |S(o)|)   (so a rank 3 office with a small S
**            can have cap 0);
**   1. preferences: o's preferred services, in order, each granted when it
**      is in S(o), o meets its minimum rank, and o is still under its cap;
**   2. coverage: for each locality, each service available there that no
**      office of the locality has been granted goes to the best-ranked
**      office of the locality that could offer it and still has room
**      (lower rank, then higher score, then smaller code). A locality
**      with no office of the service's channel at all (a rural-only
**      service in a city of urban offices) is not the service's concern.
** Offices with rank 0 (unranked: licence revoked or suspended, or no
** published result) get nothing and their cap is 0.
**
** Ownership: the input's strings and arrays belong to the caller and must
** outlive the result (the result points into them); allocate_free()
** frees what allocate_run() allocated.
*/
#ifndef PK_ALLOCATE_H
#define PK_ALLOCATE_H

/* Channels (bit mask); an office's type is one of the two. */
#define ALLOC_URBAN 0x01
#define ALLOC_RURAL 0x02
#define ALLOC_BOTH  (ALLOC_URBAN | ALLOC_RURAL)

/* One area of availability: a whole province (zCity NULL or "") or one
** city or village of it. */
typedef struct AllocArea {
  const char *zProvince;
  const char *zCity;
} AllocArea;

typedef struct AllocService {
  const char *zCode;          /* unique */
  int channel;                /* ALLOC_URBAN | ALLOC_RURAL | ALLOC_BOTH */
  int minRank;                /* 0 = none; else the office's rank must be <= minRank */
  const char *zFacility;      /* facility the office needs, or NULL / "" */
  int bEverywhere;            /* available in every locality (aArea ignored) */
  const AllocArea *aArea; int nArea;
} AllocService;

typedef struct AllocOffice {
  const char *zCode;          /* unique */
  const char *zProvince;      /* locality = (zProvince, zCity) */
  const char *zCity;
  int type;                   /* ALLOC_URBAN or ALLOC_RURAL */
  int rank;                   /* 1..3, or 0 = unranked (gets nothing) */
  double score;               /* tie-break for coverage: higher first */
  const char *const *azFacility; int nFacility;
  const int *aPref; int nPref;  /* indexes into aService, most wanted first */
} AllocOffice;

typedef struct AllocInput {
  const AllocService *aService; int nService;
  const AllocOffice *aOffice; int nOffice;
  double aCap[3];             /* share of S for ranks 1..3, each in [0,1] */
} AllocInput;

/* Why a grant was made. */
typedef enum AllocKind { ALLOC_PREFERENCE = 1, ALLOC_COVERAGE = 2 } AllocKind;

typedef struct AllocGrant {
  int iOffice, iService;      /* indexes into the input */
  AllocKind eKind;
  int iPref;                  /* 1-based position in the preferences; 0 for coverage */
  char *zReason;              /* "preference 3, within cap 7 of 10", "coverage of CITY" */
} AllocGrant;

/* Why a preference was not granted. */
typedef enum AllocWhy {
  ALLOC_NOT_AVAILABLE = 1,    /* not in S(o): locality, channel or facility */
  ALLOC_BELOW_MIN_RANK,       /* o's rank does not meet the service's minimum */
  ALLOC_CAP_REACHED,          /* o already has cap(o) services */
  ALLOC_UNRANKED,             /* o has no rank */
  ALLOC_DUPLICATE             /* listed twice; the first counts */
} AllocWhy;

typedef struct AllocSkip {
  int iOffice, iService;
  int iPref;                  /* 1-based */
  AllocWhy eWhy;
  char *zReason;              /* "needs rank 1 or better", ... */
} AllocSkip;

/* Why a service available in a locality is offered by no office there. */
typedef enum AllocGapWhy {
  ALLOC_GAP_NO_OFFICE = 1,    /* no ranked office there of its channel and facility */
  ALLOC_GAP_MIN_RANK,         /* such offices exist, none meets the minimum rank */
  ALLOC_GAP_NO_ROOM           /* the eligible offices are all at their cap */
} AllocGapWhy;

typedef struct AllocGap {
  int iService;
  const char *zProvince, *zCity;  /* points into the input */
  AllocGapWhy eWhy;
} AllocGap;

/* Per office, parallel to the input's aOffice. */
typedef struct AllocOfficeOut {
  int nAvailable;             /* |S(o)| */
  int cap;                    /* 0 when unranked */
  int nGranted;
} AllocOfficeOut;

typedef struct AllocResult {
  AllocOfficeOut *aOffice;    /* nOffice entries */
  int nOffice;
  AllocGrant *aGrant; int nGrant;   /* by office code, then order of grant */
  AllocSkip *aSkip; int nSkip;      /* by office code, then preference */
  AllocGap *aGap; int nGap;         /* by province, city, service code */
} AllocResult;

/* Error codes of allocate_run(). */
#define ALLOC_EBADINPUT 1

/*
** Allocate. Fills *pOut (allocate_free() releases it). Returns 0, or
** ALLOC_EBADINPUT (and an empty *pOut) when the input breaks its own
** rules: a rank outside 0..3, a preference index out of range, a cap
** outside [0,1], a duplicate office or service code.
*/
int allocate_run(const AllocInput *pIn, AllocResult *pOut);
void allocate_free(AllocResult *pOut);

/* |S(o)| and whether service s is in S(o), as allocate_run sees them. */
int allocate_offers(const AllocInput *pIn, int iOffice, int iService);
int allocate_cap(const AllocInput *pIn, int iOffice, int nAvailable);

/* SHA-256 (hex, into zHex[65]) of the canonical text of the input: the
** same allocation problem gives the same hash whatever the array order. */
void allocate_hash(const AllocInput *pIn, char zHex[65]);

#endif
