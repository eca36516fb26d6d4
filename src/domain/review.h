/*
** review.h — the life cycle of a declaration after the office's draft:
** the regional working group's claim decisions, send-backs to the office
** and their rounds, the region manager's confirmation (four eyes), HQ's
** send-down and finalisation (docs/review.md).
**
** Every state change goes through ONE table, aReviewTransition: (state,
** action) -> new state, and the access action whose roles may do it. A
** pair not in the table is refused with 409 and a message naming the
** current state. declaration_submit() (the office) uses the same table.
**
** Every change is one transaction with its audit rows (a savepoint when
** the caller already holds a transaction, as the demo generator does).
** Errors come back in a DeclErr (declaration.h): 403 four eyes, 404 no
** such declaration/claim, 409 wrong state, 422 a missing or bad reason,
** value or deadline, naming the field.
*/
#ifndef PK_REVIEW_H
#define PK_REVIEW_H
#include <jansson.h>
#include <sqlite3.h>

#include "domain/access.h"
#include "domain/declaration.h"
#include "domain/period.h"
#include "domain/scheme.h"
#include "store/audit.h"

typedef enum ReviewAction {
  RA_SUBMIT = 0,   /* office submits (again): draft|returned -> submitted */
  RA_DECIDE,       /* reviewer decides a claim */
  RA_COMPLETE,     /* every claim decided: in_review -> reviewed */
  RA_RETURN,       /* reviewer sends back to the office (reason, deadline) */
  RA_REOPEN,       /* manager sends back to the reviewer (reason) */
  RA_CONFIRM,      /* manager confirms (never one they decided a claim of) */
  RA_SEND_DOWN,    /* HQ sends a confirmed declaration back down (reason) */
  RA_FINALISE,     /* HQ finalises (a whole region at a time) */
  RA_RESUME,       /* reviewer takes back a send-back whose deadline lapsed */
  RA_COUNT
} ReviewAction;

typedef struct ReviewTransition {
  DeclState from;
  ReviewAction action;
  DeclState to;
  Action eAccess;      /* who may: the roles of this access action */
} ReviewTransition;

extern const ReviewTransition aReviewTransition[];
extern const int nReviewTransition;

/* "submit", "decide", ... and back (RA_COUNT when unknown); Persian. */
const char *review_action_code(ReviewAction e);
ReviewAction review_action_from_code(const char *z);
const char *review_action_label(ReviewAction e);

/* The transition of (eFrom, eAct), or NULL when the table has none. */
const ReviewTransition *review_transition(DeclState eFrom, ReviewAction eAct);

/* Is eAct allowed in eFrom? Returns 0 with *peTo set (peTo may be NULL),
** or -1 with *pE: 409 "cannot confirm: the declaration is in_review ...". */
int review_check(DeclState eFrom, ReviewAction eAct, DeclState *peTo, DeclErr *pE);

/* A claim decision. */
typedef enum ClaimDecision { CD_NONE = 0, CD_ACCEPT, CD_ADJUST, CD_REJECT, CD_COUNT } ClaimDecision;
const char *claim_decision_code(ClaimDecision e);     /* "accept", ... ("" for none) */
const char *claim_decision_label(ClaimDecision e);    /* Persian */
ClaimDecision claim_decision_from_code(const char *z); /* CD_NONE when unknown */

/*
** Decide claim zIndicator of zOffice's declaration in p. Accept takes the
** declared value as verified; adjust needs pValue (valid for the indicator)
** and a reason; reject needs a reason (verified becomes null). The first
** decision moves a submitted declaration to in_review; the decision that
** leaves no claim undecided moves it to reviewed. pScheme: the period's
** scheme, or NULL to load it. Returns 0, or -1 with *pE.
*/
int review_decide(sqlite3 *db, const Actor *pActor, const Period *p, const Scheme *pScheme,
                  const char *zOffice, const char *zIndicator, ClaimDecision eDec,
                  json_t *pValue, const char *zReason, const char *zNow, DeclErr *pE);

/* The bulk action: accept every undecided claim that has its documents
** (a claim whose indicator requires one and whose value earns points is
** skipped without one), each with its own audit row as review_decide
** writes. *pnDone gets the number accepted. Returns 0 or -1 with *pE. */
int review_accept_all(sqlite3 *db, const Actor *pActor, const Period *p, const Scheme *pScheme,
                      const char *zOffice, const char *zNow, int *pnDone, DeclErr *pE);

/* in_review -> reviewed when every claim is decided (422 naming the first
** undecided claim otherwise). */
int review_complete(sqlite3 *db, const Actor *pActor, const Period *p,
                    const char *zOffice, const char *zNow, DeclErr *pE);

/* Send back to the office with zReason and the correction deadline
** zDeadline (Jalali or ISO; today or later, Tehran time). Keeps the round
** and its claim decisions. */
int review_return(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zReason, const char *zDeadline, const char *zNow, DeclErr *pE);

/* Reviewer: returned -> in_review once the correction deadline has passed
** (Tehran time) without a resubmission (422 naming the deadline before
** then). The round closes unanswered (its resubmitted_at stays empty); the
** claims keep their decisions, and when none is undecided the declaration
** moves on to reviewed at once. So a lapsed send-back no longer holds up
** its region's finalisation. */
int review_resume(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zNow, DeclErr *pE);

/* Manager: reviewed -> in_review, back to the reviewer, with zReason. */
int review_reopen(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                  const char *zReason, const char *zNow, DeclErr *pE);

/* Manager: reviewed -> confirmed. Four eyes: refused (403) when
** pActor->iUser decided any claim of the declaration, in any round. */
int review_confirm(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                   const char *zNow, DeclErr *pE);

/* HQ: confirmed -> in_review, with zReason. */
int review_send_down(sqlite3 *db, const Actor *pActor, const Period *p, const char *zOffice,
                     const char *zReason, const char *zNow, DeclErr *pE);

/* HQ: finalise region zRegion of p: every participating (submitted or
** later) declaration of the region must be confirmed (409 naming how many
** are not, and the first); all become finalised. *pnDone gets how many. */
int review_finalise_region(sqlite3 *db, const Actor *pActor, const Period *p,
                           const char *zRegion, const char *zNow, int *pnDone, DeclErr *pE);

/* For declaration_submit(), inside its transaction, after the state was
** set to submitted: closes the open round of a returned declaration (its
** resubmission time), starts the next round, clears the claims'
** decisions (kept in claim_history). eFrom: the state submitted from.
** Returns SQLITE_OK or an error code. */
int review_on_submit(sqlite3 *db, long long iDecl, DeclState eFrom, const char *zNow);

/* ---- reading ----------------------------------------------------------- */

/* One declaration of a queue. */
typedef struct ReviewRow {
  char zOffice[40];
  char *zName;
  char zType[12];
  char zProvince[32];
  char *zProvinceFa;
  DeclState state;
  int iRound;
  int nClaim, nDecided;
  char zSubmittedAt[21];
  char zCorrectionDue[11];
} ReviewRow;

typedef struct ReviewQuery {
  const char *zRegion;     /* required for a region's queue; NULL/"" = all */
  const char *zProvince;   /* NULL/"" = all */
  const char *zType;       /* "urban" | "rural_ict" | NULL */
  DeclState state;         /* DS_NONE = every participating state */
  int iPage, nPerPage;
} ReviewQuery;

/* The declarations of p matching pQ (submitted or later), by state then
** office code. *pa heap (review_rows_free). Returns the total matching. */
int review_queue(sqlite3 *db, const Period *p, const ReviewQuery *pQ, ReviewRow **pa, int *pn);
void review_rows_free(ReviewRow *a, int n);

/* Counts per state of the participating declarations of p in zRegion
** (NULL: all), with the same province/type filters. */
void review_counts(sqlite3 *db, const Period *p, const ReviewQuery *pQ, int aCount[DS_COUNT]);

/* One claim as the review page shows it. */
typedef struct ReviewClaim {
  char zIndicator[48];
  json_t *pDeclared, *pVerified;   /* owned; NULL = none */
  ClaimDecision eDec;
  char *zReason;
  long long iReviewer;
  char zReviewer[64];
  char zDecidedAt[21];
  /* last period's claim of the same office */
  char zPrevPeriod[16];            /* "" when none */
  ClaimDecision ePrevDec;
  json_t *pPrevValue;              /* the value that counted, NULL = none */
} ReviewClaim;

/* One send-back round, with the decisions of that round. */
typedef struct ReviewRound {
  int iRound;
  char zReturnedAt[21];
  char zReturnedBy[64];
  char *zReason;
  char zDeadline[11];
  char zResubmittedAt[21];          /* "" while open */
  ReviewClaim *aClaim; int nClaim;  /* the decisions of the round (history) */
} ReviewRound;

typedef struct ReviewView {
  long long iDecl;
  DeclState state;
  int iRound;
  char zConfirmedBy[64], zConfirmedAt[21];
  char zFinalisedBy[64], zFinalisedAt[21];
  ReviewClaim *aClaim; int nClaim;  /* current claims, in scheme order */
  ReviewRound *aRound; int nRound;  /* oldest first */
} ReviewView;

/* Load the review view of zOffice's declaration in p (scheme order from
** pScheme). Returns 0, or -1 when there is no declaration. */
int review_load(sqlite3 *db, const Period *p, const Scheme *pScheme, const char *zOffice,
                ReviewView *pV);
void review_view_clear(ReviewView *pV);

/* Did user iUser decide any claim of declaration iDecl (any round)? */
int review_user_decided(sqlite3 *db, long long iDecl, long long iUser);

/* Participating / confirmed / finalised declarations of a region. */
void review_region_status(sqlite3 *db, const Period *p, const char *zRegion,
                          int *pnPart, int *pnConfirmed, int *pnFinalised);

#endif
