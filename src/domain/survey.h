/*
** survey.h — citizen-satisfaction survey responses: the bulk import, the
** per-office sums, and the Bayesian average used for ranking
** (docs/external.md).
**
** A response is (tracking number, office, service, rating 1..5, time
** answered). A tracking number is stored once per period. The import
** streams its CSV through one INSERT ... SELECT over a table-valued
** function, so memory stays bounded whatever the size of the file, and
** keeps survey_stat (n, sum, sum of squares per office) in step in the
** same transaction. All-or-nothing: one bad row and nothing is stored.
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
