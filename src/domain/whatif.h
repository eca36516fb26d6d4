/*
** whatif.h — the what-if simulator's baseline, kept between requests
** (docs/ranking.md, "What-if").
**
** A baseline is what every what-if request of a period starts from: the
** period's scheme, its snapshot (snapshot_load) and the engine's results
** under that scheme. None of it depends on the sandbox's thresholds or
** weights, so a WhatifCache keeps the baseline of the last periods asked
** for, each tagged with the input counter (input_change.n, migration 9) it
** was read at. A request reads the counter — one row — and, when it has
** not moved, reruns only the engine under the changed scheme. Any change
** to a ranking input, by any connection or process, moves the counter in
** the same transaction, so a kept baseline is never stale. When it has
** moved, but only by changes to a few offices (input_change_office, and
** input_change.g unmoved), the baseline is brought up to date by reading
** those offices again (snapshot_refresh); otherwise it is loaded whole.
**
** Thread safety: a WhatifCache is shared by the server's workers; its
** baselines are read-only once built and reference-counted, so a request
** keeps using one while another request replaces it.
**
** Ownership: the server owns its WhatifCache (whatif_cache_new at start,
** whatif_cache_free at shutdown). whatif_base_get() hands out a reference
** that the caller gives back with whatif_base_release().
*/
#ifndef PK_WHATIF_H
#define PK_WHATIF_H
#include <sqlite3.h>

#include "domain/period.h"
#include "domain/rank.h"
#include "domain/scheme.h"
#include "domain/snapshot.h"

#define WHATIF_MAX_REGION 64

typedef struct WhatifBase {
  long long iPeriod;          /* period.id */
  long long iSeq;             /* input_change.n the inputs were read at */
  Scheme scheme;              /* the period's scheme */
  Snapshot snap;              /* its inputs */
  ResultSet rs;               /* rank_assign(&snap, &scheme) */
  int nRegion;                /* regions, in order of first office */
  const char *azRegion[WHATIF_MAX_REGION];   /* into snap */
  int *aiRegion;              /* per office: its index in azRegion, or -1 */
  int aRegion[WHATIF_MAX_REGION][RANK_NCOL]; /* baseline counts by region */
  int nRefreshed;             /* offices read again from the previous
                              ** baseline of the period; -1: all loaded */
  int nRef;                   /* holders; changed under the cache's mutex */
} WhatifBase;

typedef struct WhatifCache WhatifCache;

/* Error codes of whatif_base_get(). */
#define WHATIF_OK       0
#define WHATIF_ESCHEME  1   /* the period's scheme does not parse */
#define WHATIF_EINPUTS  2   /* the period's inputs cannot be loaded */
#define WHATIF_EFIT     3   /* the engine refuses the scheme for the inputs */

WhatifCache *whatif_cache_new(void);
/* Free the cache and the baselines no request holds (call when no request
** runs any more). */
void whatif_cache_free(WhatifCache *p);

/* The input counter: input_change.n, or -1 when there is none. */
long long whatif_input_seq(sqlite3 *db);

/*
** The baseline of period pPer: pCache's when it was read at the current
** input counter, else refreshed from pCache's older one or loaded whole,
** in one read transaction, and kept in pCache (NULL: nothing is kept;
** always loaded whole). *pbHit says whether it was kept; the baseline's
** nRefreshed how it was read otherwise. Returns WHATIF_OK
** with *ppBase set — give it back with whatif_base_release() — or an error
** code with *pzErr (heap) set.
*/
int whatif_base_get(WhatifCache *pCache, sqlite3 *db, const Period *pPer,
                    const WhatifBase **ppBase, int *pbHit, char **pzErr);
void whatif_base_release(WhatifCache *pCache, const WhatifBase *pBase);

/* The column of a result in the counts: rank 1..3, or unranked. */
int whatif_col(const RankResult *pR);

#endif
