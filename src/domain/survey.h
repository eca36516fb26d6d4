/*
** survey.h — citizen-satisfaction survey responses: the bulk import and
** export, the per-office sums, and the Bayesian average used for ranking
** (docs/external.md).
**
** A response is (tracking number, office, service, rating 1..5, time
** answered). A tracking number is stored once per period. Responses are
** kept packed in blocks (survey_block), sorted by tracking number; the
** import streams its CSV in chunks, so memory stays bounded whatever the
** size of the file, and keeps survey_stat (n, sum, sum of squares per
** office) in step in the same transaction. All-or-nothing: one bad row and
** nothing is stored.
*/
#ifndef PK_SURVEY_H
#define PK_SURVEY_H
#include <stdio.h>
#include <sqlite3.h>

#include "base/jalali.h"
#include "store/audit.h"

/* Counts of one import. nNew + nDup + nBad == nRead when nothing was
** rejected; with rejected rows nNew and nDup are 0 (nothing was stored). */
typedef struct SurveyStats {
  long long nRead;     /* data rows read (the header not counted) */
  long long nNew;      /* responses stored */
  long long nDup;      /* tracking numbers already stored, or repeated in the file */
  long long nBad;      /* rows rejected */
} SurveyStats;

/* Called now and then during an import with the bytes and rows read. */
typedef void (*SurveyProgress)(void *pArg, long long nByte, long long nRow);

/*
** Import the survey CSV pIn (header tracking_no,office_code,service_code,
** rating,answered_at) into period zPeriod. Every bad row is reported to
** pErr as "LINE:COLUMN: message". xProgress may be NULL. The commit is
** durable (synced) when the function returns 0. Returns 0 when committed,
** 1 when nothing was stored because of bad rows, 2 when the period is
** unknown or the store failed (message on pErr).
*/
int survey_import(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                  FILE *pIn, FILE *pErr, SurveyProgress xProgress, void *pArg,
                  SurveyStats *pStats);

/*
** The Bayesian average of n ratings summing to sum, shrunk toward
** priorMean with the weight of priorWeight pseudo-responses:
**   (priorWeight * priorMean + sum) / (priorWeight + n).
** With no responses and no prior weight it is priorMean. Pure.
*/
double survey_shrunk(long long n, double sum, double priorMean, double priorWeight);

/* The national mean rating of period periodId (all responses). Returns 0
** with *pMean set, or -1 when the period has no responses (*pMean is then
** 3, the middle of the scale). */
int survey_national_mean(sqlite3 *db, long long periodId, double *pMean);

/* The 95 % interval of the mean of n ratings with sums sum and sumsq
** (normal approximation, clipped to 1..5). With fewer than 2 responses it
** is the whole scale [1, 5]. Pure. */
void survey_interval(long long n, double sum, double sumsq, double *pLo, double *pHi);

/* A mean on the 1..5 scale as the 0..100 value of the scheme's
** satisfaction indicator: (mean - 1) / 4 * 100. Pure. */
double survey_percent(double mean);

/* The Jalali days of a half-year period code ("1399-1": 1399/01/01 to
** 1399/06/31; "1399-2": 1399/07/01 to the last day of Esfand). Returns 0
** or -1 for a bad code. Pure. */
int survey_period_days(const char *zPeriod, Date *pFrom, Date *pTo);

/*
** Parse an answer time "1399/03/15 14:22[:05]" (also '-' between the date
** parts, 'T' before the time, Persian digits), Tehran local time, into
** ISO UTC "2020-06-04T09:52:05Z" in zIso[21]. A cache of day starts makes
** repeated days cheap; pCache may be NULL (no cache). Returns 0, or -1 with
** *pzMsg a static message. The Jalali day is returned in *pDay.
*/
typedef struct SurveyDayCache SurveyDayCache;
SurveyDayCache *survey_cache_new(void);
void survey_cache_free(SurveyDayCache *p);
/* Number of day starts computed through ICU so far (for tests). */
int survey_cache_misses(const SurveyDayCache *p);
int survey_parse_time(SurveyDayCache *pCache, const char *z, size_t n,
                      char zIso[21], Date *pDay, const char **pzMsg);

/*
** Format UTC second t as the Jalali date and Tehran time
** "1399/03/15 14:22:05" in z[20], the inverse of survey_parse_time().
** Returns 0, or -1 when the date is out of range.
*/
int survey_format_time(SurveyDayCache *pCache, long long t, char z[20]);

/* One stored response, as survey_each() hands it over. */
typedef struct SurveyResponse {
  const char *zTrack;          /* tracking number as written */
  const char *zOffice;         /* office code */
  const char *zService;        /* service code */
  int rating;                  /* 1..5 */
  long long t;                 /* answered at, UTC seconds */
} SurveyResponse;

/*
** Call xEach for every response kept for period iPeriod (of office
** zOffice only, unless NULL), in rising tracking number, until it returns
** non-zero. Returns 0, the callback's non-zero value, or -1 when a stored
** block does not decode. Memory stays bounded (one block at a time).
*/
int survey_each(sqlite3 *db, long long iPeriod, const char *zOffice,
                int (*xEach)(void*, const SurveyResponse*), void *pArg);

/*
** Write every response kept for period zPeriod (of office zOffice only,
** unless NULL) to pOut as CSV in the import's own format (header, Jalali
** answered_at), so the export imports again as it is. The count of rows
** goes to *pnRow. Returns 0, or 2 with a message on pErr (no such period
** or office, or a stored block that does not decode).
*/
int survey_export(sqlite3 *db, const char *zPeriod, const char *zOffice,
                  FILE *pOut, FILE *pErr, long long *pnRow);

/* Per-office figures of one period, for pages. */
typedef struct SurveyOfficeStat {
  long long n;
  double mean;         /* 0 when n == 0 */
  double lo, hi;       /* 95 % interval of the mean */
  double shrunk;       /* Bayesian average used for ranking */
  double national;     /* the national mean (prior) */
  double priorWeight;
} SurveyOfficeStat;

/* Fill *pS for office zOffice in period periodId with prior weight w.
** Returns 0 (also with n == 0). */
int survey_office_stat(sqlite3 *db, long long periodId, const char *zOffice,
                       double priorWeight, SurveyOfficeStat *pS);

#endif
