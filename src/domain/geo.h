/*
** geo.h — regions and provinces (data/regions.csv).
**
** The region map is an assumption of DESIGN.md (only South and South-East
** are confirmed); pages that show it say so.
*/
#ifndef PK_GEO_H
#define PK_GEO_H
#include <stdio.h>
#include <sqlite3.h>

#include "store/audit.h"

/* Load regions and provinces from a CSV with the columns of data/regions.csv
** (region_code,region_fa,region_en,province_code,province_fa,province_en,
** population,rural_share). Upserts by code, in one transaction. Errors go to
** pErr as "FILE:LINE:COLUMN: message". When a row really changed, one
** audit entry "geo.load" names the file and how many rows changed. Returns
** the number of provinces, or -1 on error (nothing changed). */
int geo_load(sqlite3 *db, const Actor *pActor, const char *zFile, FILE *pErr);

/* Find a province by code, Persian name or English name (case-insensitive),
** after normalisation. Returns a heap string with its code, or NULL. */
char *geo_province_code(sqlite3 *db, const char *zName);

#endif
