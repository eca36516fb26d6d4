/*
** period.h — evaluation periods: windows, states, the frozen scheme, and
** per-office extensions (docs/periods.md).
**
** A period (code "1399-1" = first half of 1399) moves forward only:
** draft → declaring → reviewing → ranked → published → closed. Its scheme
** may be replaced while it is a draft and is frozen, stored whole with its
** hash, when it opens (draft → declaring).
**
** The office window runs from declare_from to declare_to, both whole days
** in Asia/Tehran local time: it opens at 00:00 Tehran on the first day and
** closes at 24:00 Tehran on the last. Dates are stored as ISO Gregorian.
*/
#ifndef PK_PERIOD_H
#define PK_PERIOD_H
#include <sqlite3.h>

#include "domain/scheme.h"
#include "store/audit.h"

typedef enum PeriodState {
  PS_DRAFT = 0, PS_DECLARING, PS_REVIEWING, PS_RANKED, PS_PUBLISHED, PS_CLOSED,
  PS_COUNT
} PeriodState;

typedef struct Period {
  long long id;
  char zCode[16];          /* "1399-1" */
  char zDeclareFrom[11];   /* ISO date, first day of the office window */
  char zDeclareTo[11];     /* ISO date, last day (inclusive) */
  char zReviewTo[11];      /* ISO date, last day of the review window */
  PeriodState state;
  int bDeemedConfirm;      /* an office that changes nothing confirms last period */
  char zSchemeHash[65];
  char zFrozenAt[21];      /* "" while the scheme may still change */
  char zCreatedAt[21];
} Period;

/* The parameters of a new period. Dates are Jalali ("1399/05/01", Persian
** digits accepted) or ISO Gregorian ("2020-07-22"). */
typedef struct PeriodNew {
  const char *zCode;
  const char *zDeclareFrom, *zDeclareTo, *zReviewTo;
  int bDeemedConfirm;
} PeriodNew;

/* "draft", ... and back (PS_COUNT when unknown); Persian labels. */
const char *period_state_code(PeriodState e);
PeriodState period_state_from_code(const char *z);
const char *period_state_label(PeriodState e);

/* Is z a period code: four-digit Jalali year, '-', 1 or 2? */
int period_code_valid(const char *z);

/* A date typed by a person (Jalali or ISO, see PeriodNew) as ISO into
** zOut[11]. Returns 0, or -1 when it is no valid date. */
int period_parse_date(const char *z, char zOut[11]);

/*
** Create a period in state draft with the scheme zSchemeJson (validated
** with scheme_parse). One transaction with its audit row. Returns 0, or -1
** with *pzErr a heap message naming the field ("declare_to: ...") or the
** scheme's JSON paths ("scheme: indicators[3].key: ...").
*/
int period_create(sqlite3 *db, const Actor *pActor, const PeriodNew *pNew,
                  const char *zSchemeJson, char **pzErr);

/* Load by code. Returns 0, or -1 when there is none. */
int period_load(sqlite3 *db, const char *zCode, Period *p);

/* Every period, newest code first. *pa is a heap array the caller frees. */
int period_list(sqlite3 *db, Period **pa, int *pn);

/* The stored scheme text of a period (heap; NULL when no such period). */
char *period_scheme_json(sqlite3 *db, const char *zCode);
/* Parse the period's stored scheme. Returns 0, or -1 with *pzErr. */
int period_scheme(sqlite3 *db, const Period *p, Scheme *pScheme, char **pzErr);

/* Replace the scheme of a draft period. Refused (-1, *pzErr) once frozen. */
int period_set_scheme(sqlite3 *db, const Actor *pActor, const char *zCode,
                      const char *zSchemeJson, char **pzErr);

/* Move a period to its next state by hand; opening it freezes the scheme.
** Sets *pNew. Returns 0, or -1 with *pzErr (unknown period, or
** period_advance_blocked() says why not). */
int period_advance(sqlite3 *db, const Actor *pActor, const char *zCode,
                   PeriodState *pNew, char **pzErr);

/*
** Why period p may not be advanced by hand now, or NULL when it may: it is
** closed; it is reviewing and has no result set (ranking it makes it
** ranked); it is ranked and nothing is published (publishing makes it
** published). English (heap; the caller frees); *pzFa, when not NULL,
** gets the Persian (static).
*/
char *period_advance_blocked(sqlite3 *db, const Period *p, const char **pzFa);

/*
** The state changes that follow results (result.c): move period zCode to
** eTo when its state is one of mFrom (a mask of 1u<<PS_...), with the
** audit entry period.advance naming zCause ("result.rank",
** "result.publish"); one transaction, or part of the caller's. Returns 1
** moved, 0 not in those states (nothing done), -1 no such period or a
** store error.
*/
int period_move(sqlite3 *db, const Actor *pActor, const char *zCode, unsigned mFrom,
                PeriodState eTo, const char *zCause);

/*
** Extend office zOffice's window in period zCode to the day zUntil (Jalali
** or ISO; inclusive, Tehran time) for zReason (required). Replaces an
** earlier extension. Only while the period is declaring or reviewing.
** Returns 0, or -1 with *pzErr.
*/
int period_extend(sqlite3 *db, const Actor *pActor, const char *zCode,
                  const char *zOffice, const char *zUntil, const char *zReason,
                  char **pzErr);

/* The extension of an office: 1 with zUntil[11] (and zReason, heap, when
** pzReason is not NULL) filled, or 0 when there is none. */
int period_extension(sqlite3 *db, long long iPeriod, const char *zOffice,
                     char zUntil[11], char **pzReason);

/*
** Is the office window of p open at the instant zNowUtc ("2020-08-21T20:29:59Z")?
** Pure: no database, no clock. zExtendTo is the office's extension (ISO
** date, inclusive) or NULL. Open when the period is declaring and the
** Tehran date of zNowUtc is within [declare_from, declare_to], or when the
** period is declaring or reviewing and that date is within
** [declare_from, zExtendTo]. Returns 1 or 0 (also 0 for a bad zNowUtc).
*/
int period_window_open(const Period *p, const char *zNowUtc, const char *zExtendTo);

/* The Asia/Tehran calendar date (ISO, into zDate[11]) of the UTC instant
** zNowUtc. Returns 0, or -1 when zNowUtc does not parse. */
int period_tehran_date(const char *zNowUtc, char zDate[11]);

/* The Tehran date that is nDays after the Tehran date of zNowUtc. */
int period_tehran_date_plus(const char *zNowUtc, int nDays, char zDate[11]);

/* "Now" as ISO UTC into z[21]: $PISHKHAN_NOW when it is set to a valid
** instant (tests and demonstrations fake the clock with it), else the
** system clock. */
void period_now(char z[21]);

/* The newest period in state declaring, else the newest of any state.
** Returns 0, or -1 when there are no periods. */
int period_current(sqlite3 *db, Period *p);

/* The period before zCode (by code order), or -1 when none. */
int period_previous(sqlite3 *db, const char *zCode, Period *p);

#endif
