/*
** result.h — result sets: ranking a period, storing, publishing, verifying,
** and objections against a published result (docs/ranking.md).
**
** A result set is one run of the engine (rank.h) over a period's snapshot
** under its frozen scheme. It is stored with its inputs whole (canonical
** snapshot and scheme) and their hash, and with one result per office
** (score, rank, place, status, breakdown). Versions count up per period:
** `rank` adds a draft; `publish` publishes the latest draft; an upheld
** objection adds a published version that revises its parent. A published
** set never changes (the schema refuses it).
**
** Every change is one transaction with its audit row.
*/
#ifndef PK_RESULT_H
#define PK_RESULT_H
#include <jansson.h>
#include <sqlite3.h>

#include "domain/declaration.h"
#include "domain/rank.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"
#include "store/audit.h"

typedef struct ResultSetInfo {
  long long id;
  long long iPeriod;
  char zPeriod[16];
  int iVersion;
  int bPublished;
  char zHash[65];
  int nOffices, nRank1, nRank2, nRank3, nUnranked;
  long long iParent;        /* the set an objection revised, or 0 */
  long long iObjection;     /* the upheld objection that made it, or 0 */
  char zNote[256];
  char zCreatedAt[21];
  char zPublishedAt[21];    /* "" for a draft */
} ResultSetInfo;

/*
** Build the snapshot of period zPeriod, run the engine under the period's
** scheme, and store the results as a new draft version. Returns 0 with
** *pInfo filled, or -1 with *pzErr (heap): no such period, bad scheme,
** store error.
*/
int result_rank(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                ResultSetInfo *pInfo, char **pzErr);

/* Publish the latest version of zPeriod when it is a draft. Returns 0 with
** *pInfo, or -1 with *pzErr (no such period, nothing to publish). */
int result_publish(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                   ResultSetInfo *pInfo, char **pzErr);

/*
** Recompute the latest published set of zPeriod from its stored inputs and
** check (1) the inputs against their hash, (2) every stored result against
** the recomputed one, (3) the inputs in the database now against the
** stored ones. Returns 0 (match), 1 (differs: *pzMsg names the first
** office or the check that failed), or -1 (error, *pzMsg). *pzMsg is heap
** (also on a match: a one-line summary).
*/
int result_verify(sqlite3 *db, const char *zPeriod, char **pzMsg);

/* Load a set by id; or the latest version of a period (bPublished: the
** latest published). Return 0, or -1 when there is none. */
int result_set_load(sqlite3 *db, long long id, ResultSetInfo *p);
int result_set_latest(sqlite3 *db, const char *zPeriod, int bPublished, ResultSetInfo *p);

/* Every set of a period, newest version first (*pa heap; caller frees). */
int result_set_list(sqlite3 *db, const char *zPeriod, ResultSetInfo **pa, int *pn);

/* The stored inputs of set id, parsed: snapshot and scheme. Returns 0, or
** -1 with *pzErr. */
int result_set_inputs(sqlite3 *db, long long id, Snapshot *pSnap, Scheme *pScheme,
                      char **pzErr);

/* One office's result in one set. */
typedef struct OfficeResult {
  long long iSet;
  char zPeriod[16];
  int iVersion;
  int bPublished;
  double score;
  int iRank, iPlace;
  char zStatus[24];
  char *zBreakdown;         /* heap JSON (rank_result_json) */
  char zCreatedAt[21];
  char zPublishedAt[21];
  long long iObjection;     /* the objection that made this version, or 0 */
} OfficeResult;

/* Office zOffice in set iSet. Returns 0, or -1 when it has none. */
int result_office(sqlite3 *db, long long iSet, const char *zOffice, OfficeResult *p);
/* The latest published result of zOffice over all periods (latest period,
** latest version). Returns 0, or -1 when none was published. */
int result_office_latest(sqlite3 *db, const char *zOffice, OfficeResult *p);
/* Every published version of zOffice's result in zPeriod, oldest first
** (*pa heap; result_office_free). */
int result_office_history(sqlite3 *db, const char *zPeriod, const char *zOffice,
                          OfficeResult **pa, int *pn);
void result_office_clear(OfficeResult *p);
void result_office_free(OfficeResult *a, int n);

/* ---- Objections --------------------------------------------------------- */

typedef enum ObjState { OBJ_FILED = 0, OBJ_UPHELD, OBJ_REJECTED, OBJ_COUNT } ObjState;

typedef struct Objection {
  long long id;
  char zPeriod[16];
  char zOffice[40];
  long long iSet;           /* the published set objected to */
  char **azInd; int nInd;   /* the indicators named */
  char *zText;
  ObjState state;
  long long iFiledBy;
  char zFiledAt[21];
  long long iDecidedBy;
  char zDecidedAt[21];
  char *zReason;            /* the decision's reason, "" while filed */
  char *zValues;            /* upheld: JSON {key: value}, else NULL */
  long long iNewSet;        /* upheld: the new version */
  char **azDoc; int nDoc;   /* sha256 of the documents attached */
  char **azDocName;         /* their names (parallel to azDoc) */
} Objection;

const char *objection_state_code(ObjState e);
const char *objection_state_label(ObjState e);

/* The last day (ISO, Tehran) on which zOffice's objections to period
** zPeriod can be filed: the first publication's Tehran date plus the
** scheme's objection_days. Returns 0, or -1 when nothing is published. */
int objection_deadline(sqlite3 *db, const char *zPeriod, char zDate[11]);

/*
** File an objection of zOffice against the latest published set of
** zPeriod: the indicators named (keys of declared or roster indicators,
** at least one), the text (required) and documents (sha256 of documents
** the office attached to its declarations; may be none). zNow is the
** instant (ISO UTC). Refused when the window is closed, the office was
** not ranked, or it has an objection pending. Returns the new id (> 0),
** or -1 with *pzErr (heap, English) and *pzErrFa (static Persian).
*/
long long objection_file(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                         const char *zOffice, const char *const *azInd, int nInd,
                         const char *zText, const char *const *azDoc, int nDoc,
                         const char *zNow, char **pzErr, const char **pzErrFa);

/* A file uploaded with an objection: the web server streamed it to the
** temporary file zTmp (nSize bytes, hex SHA-256 zSha); zName as sent. */
typedef struct ObjUpload {
  const char *zTmp;
  const char *zName;
  long long nSize;
  const char *zSha;
} ObjUpload;

/*
** objection_file() with new documents: aUp[0..nUp) are stored through the
** document module (content-addressed under zDir/docs, PDF/JPEG/PNG judged
** by content, at most DOC_MAX_BYTES each) and linked to the objection
** with the declaration documents azDoc, in the objection's transaction
** and its audit entry (objection.file lists them under "uploaded").
** All or nothing: a refused file (413, 415; the messages name it) or any
** other refusal stores nothing and files nothing. Always consumes every
** aUp[i].zTmp. Returns the new id, or -1 with *pE (status 404, 413, 415,
** 422, 500; English and Persian messages, the field at fault).
*/
long long objection_file_docs(sqlite3 *db, const char *zDir, const Actor *pActor,
                              const char *zPeriod, const char *zOffice,
                              const char *const *azInd, int nInd, const char *zText,
                              const char *const *azDoc, int nDoc,
                              const ObjUpload *aUp, int nUp, const char *zNow, DeclErr *pE);

/*
** Is user iUser independent of office zOffice's review in period zPeriod:
** never the reviewer of one of its claims (in any review round), nor the
** manager who confirmed it? Returns 1 or 0.
*/
int objection_independent(sqlite3 *db, const char *zPeriod, const char *zOffice,
                          long long iUser);

/*
** Decide objection id: bUphold 1 with pValues (object: named indicator key
** → new verified value, one per named indicator) or 0 to reject; zReason
** is required. The decider (pActor->iUser) must be independent of the
** office's review. Upholding sets the claims' verified values (decision
** adjust) and adds a published version revising the objected set, its
** inputs those of the objected set with this office's new values.
** Returns 0 (with *piNewSet for an upheld one), or -1 with *pzErr and
** *pzErrFa; *piStatus an HTTP-like status (404, 403 not independent,
** 409 already decided, 422 bad value).
*/
int objection_decide(sqlite3 *db, const Actor *pActor, long long id, int bUphold,
                     const char *zReason, json_t *pValues, const char *zNow,
                     long long *piNewSet, int *piStatus, char **pzErr,
                     const char **pzErrFa);

/* Load one. Returns 0, or -1. objection_clear frees. */
int objection_load(sqlite3 *db, long long id, Objection *p);
void objection_clear(Objection *p);

/* Objections filtered by period, office and state (NULL / OBJ_COUNT: any),
** newest first. *pa heap; objection_list_free. */
int objection_list(sqlite3 *db, const char *zPeriod, const char *zOffice, ObjState eState,
                   Objection **pa, int *pn);
void objection_list_free(Objection *a, int n);

#endif
