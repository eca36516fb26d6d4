/*
** scheme.h — the scoring scheme of a period, as data (docs/scoring.md).
**
** A scheme is a JSON document: the indicators with their point rules, the
** penalty catalogue, rank thresholds per office type, the non-participant
** score and rank, the objection window, service caps per rank and the
** survey prior. scheme_parse() validates all of it and turns it into the
** plain structs below, which are the input of the (pure) scoring engine.
** Every error names its JSON path: "indicators[3].bands[1].min: ...".
**
** Ownership: a Scheme owns every string and array it points to;
** scheme_clear() frees them.
*/
#ifndef PK_SCHEME_H
#define PK_SCHEME_H
#include <stddef.h>

/* Where an indicator's value comes from. */
typedef enum IndSource {
  SRC_DECLARED = 0,   /* typed by the office on its declaration */
  SRC_ROSTER,         /* counted from the declared staff roster */
  SRC_REGISTRY,       /* computed from the office registry */
  SRC_ASSOCIATION,    /* entered by the provincial association */
  SRC_SURVEY,         /* citizen-satisfaction survey (Bayesian average) */
  SRC_COUNT
} IndSource;

/* How a value turns into points. */
typedef enum IndKind {
  KIND_NUMBER = 0,    /* a number; the band [min,max) it falls in gives points */
  KIND_COUNT,         /* a whole number n >= 0; n * points_each, at most cap */
  KIND_CHOICE,        /* one of a list of options, each with its points */
  KIND_YESNO,         /* yes / no, with points for each */
  KIND_COUNT_
} IndKind;

/* Which roster members a SRC_ROSTER count counts. */
typedef enum RosterField {
  ROSTER_NONE = 0,    /* not a roster indicator */
  ROSTER_ALL,         /* every member */
  ROSTER_INSURED,     /* members with insurance */
  ROSTER_DISABILITY   /* members with a disability */
} RosterField;

/* Whether a claim must carry a document. */
typedef enum DocRule {
  DOC_NONE = 0,       /* no documents accepted */
  DOC_OPTIONAL,       /* documents accepted, none needed */
  DOC_REQUIRED        /* at least one, unless the value earns no points */
} DocRule;

/* One band of a KIND_NUMBER indicator: values in [min, max) earn points.
** bOpen: no upper bound (max is then ignored). */
typedef struct Band {
  double min, max;
  int bOpen;
  double points;
} Band;

/* One option of a KIND_CHOICE indicator. */
typedef struct Choice {
  char *zValue;       /* the code stored and sent by the API, e.g. "ground_main" */
  char *zLabel;       /* Persian label */
  double points;
} Choice;

typedef struct Indicator {
  char *zKey;         /* "floor_area": [a-z][a-z0-9_]*, unique */
  char *zLabel;       /* Persian label */
  char *zHelp;        /* Persian help text, "" if none */
  char *zUnit;        /* Persian unit ("متر مربع"), "" if none */
  IndSource source;
  IndKind kind;
  DocRule doc;
  RosterField roster; /* SRC_ROSTER only */
  /* Accepted values for KIND_NUMBER and KIND_COUNT (a value outside is
  ** refused, not scored): */
  int bHasMin, bHasMax;
  double min, max;
  int bInteger;       /* KIND_NUMBER: whole numbers only (KIND_COUNT always) */
  /* KIND_NUMBER */
  Band *aBand; int nBand;
  /* KIND_COUNT */
  double pointsEach, cap;
  /* KIND_CHOICE */
  Choice *aChoice; int nChoice;
  /* KIND_YESNO */
  double yesPoints, noPoints;
  /* derived: the most and least points this indicator can give */
  double maxPoints, minPoints;
} Indicator;

/* One kind of violation ruling in the penalty catalogue. */
typedef struct Penalty {
  char *zKind;        /* "overcharging" */
  char *zLabel;       /* Persian */
  double points;      /* <= 0, per ruling */
  int bRevokes;       /* a final ruling of this kind revokes the licence */
} Penalty;

/* Rank thresholds for one office type: score >= rank1 gives rank 1, else
** >= rank2 gives rank 2, else rank 3. */
typedef struct RankThreshold {
  char *zType;        /* "urban" | "rural_ict" */
  double rank1, rank2;
} RankThreshold;

typedef struct Scheme {
  char *zName;        /* Persian title */
  char *zNote;        /* Persian note, "" if none */
  int bAssumption;    /* the points are assumptions (shown as such) */
  Indicator *aInd; int nInd;
  Penalty *aPen; int nPen;
  RankThreshold *aThr; int nThr;
  double nonParticipantScore;
  int nonParticipantRank;         /* 1..3 */
  int objectionDays;              /* 1..90 */
  double aServiceCap[3];          /* [0] rank 1 ... [2] rank 3, in (0,1] */
  double surveyPriorWeight;       /* >= 0; pseudo-responses at the prior mean */
  double maxScore;                /* derived: sum of indicators' maxPoints */
  char zHash[65];                 /* SHA-256 of the canonical JSON, hex */
} Scheme;

/* A value of one indicator, as the scoring engine sees it. */
typedef struct IndValue {
  int bSet;           /* 0: no value (earns 0 points) */
  double v;           /* number, count, or 1/0 for yes/no */
  int iChoice;        /* KIND_CHOICE: index into aChoice */
} IndValue;

/*
** Parse and validate the scheme zJson[0..n). On success fills *p (the
** caller later calls scheme_clear) and returns 0. On failure returns the
** number of errors, sets *pzErr to a heap string with one "PATH: message"
** per line (the first error first), and leaves *p empty.
*/
int scheme_parse(const char *zJson, size_t n, Scheme *p, char **pzErr);

/* Read and parse a file. Same contract; I/O errors are reported too. */
int scheme_load_file(const char *zPath, Scheme *p, char **pzErr);

void scheme_clear(Scheme *p);

/* A deep copy of pSrc into *pDst; scheme_clear(pDst) frees it. */
void scheme_copy(Scheme *pDst, const Scheme *pSrc);

/* The canonical JSON of a parsed scheme (every field, defaults filled,
** keys sorted, compact): what zHash is computed over. Heap string. */
char *scheme_canonical(const Scheme *p);

/* The indicator with key zKey, or NULL. */
const Indicator *scheme_indicator(const Scheme *p, const char *zKey);
/* The catalogue entry of a ruling kind, or NULL. */
const Penalty *scheme_penalty(const Scheme *p, const char *zKind);
/* The option of a choice indicator with value zValue: its index, or -1. */
int scheme_choice_index(const Indicator *pInd, const char *zValue);

/* Points an indicator gives for a value (0 when unset or in no band). */
double scheme_points(const Indicator *pInd, const IndValue *pVal);

/* Rank (1..3) of a score for an office type; 0 when the scheme has no
** thresholds for the type. */
int scheme_rank(const Scheme *p, const char *zType, double score);

/* The default scheme (data/schemes/default.json, compiled in). */
const char *scheme_default_json(void);

/* Codes and Persian labels of the enums. */
const char *scheme_source_code(IndSource e);
const char *scheme_source_label(IndSource e);
const char *scheme_kind_code(IndKind e);
const char *scheme_kind_label(IndKind e);
const char *scheme_doc_code(DocRule e);

#endif
