/*
** agency.h — agencies, their services and where they are available,
** office facilities and service preferences, and the stored, versioned
** allocations of a period with their diff (docs/allocation.md).
**
** The allocation itself is the pure allocate_run() (allocate.h); this
** module loads its input from the store, runs it, and keeps the result.
** Every change is one transaction with its audit row. Functions that fail
** return -1 with *pzErr a heap English message naming the field
** ("channel: must be urban, rural_ict or both") and, where pzFa is given,
** *pzFa a heap Persian one for pages; the caller frees both.
*/
#ifndef PK_AGENCY_H
#define PK_AGENCY_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "store/audit.h"

/* ---- facilities an office may have and a service may need ------------ */

/* Persian label of a facility code, or NULL when the code is unknown.
** Known: "civil_booth" (the licensed civil-registration booth). */
const char *facility_label(const char *zCode);
/* The known facility codes, NULL-terminated. */
extern const char *const azFacility[];

/* Give office zOffice facility zFacility (bOn) or take it away. Returns 0
** (also when nothing changed) or -1 with *pzErr. */
int facility_set(sqlite3 *db, const Actor *pActor, const char *zOffice,
                 const char *zFacility, int bOn, char **pzErr);
/* Does the office have it? */
int facility_has(sqlite3 *db, const char *zOffice, const char *zFacility);

/* ---- agencies --------------------------------------------------------- */

typedef struct Agency {
  char zCode[64];
  char *zName;             /* heap */
  int nService;            /* active services */
} Agency;

/* Create agency zCode ([a-z0-9_-], 2..32) named zName, or rename it.
** Returns 1 created, 2 renamed, 0 unchanged, -1 error (*pzErr, *pzFa). */
int agency_save(sqlite3 *db, const Actor *pActor, const char *zCode,
                const char *zName, char **pzErr, char **pzFa);
/* Every agency, in Persian order of name. agency_list_free() frees. */
int agency_list(sqlite3 *db, Agency **pa);
void agency_list_free(Agency *a, int n);
/* The Persian name of an agency (heap), or NULL when there is none. */
char *agency_name(sqlite3 *db, const char *zCode);

/* ---- services --------------------------------------------------------- */

typedef struct Service {
  char *zCode, *zAgency, *zName;
  char *zChannel;          /* "urban" | "rural_ict" | "both" */
  int minRank;             /* 0 = any */
  char *zFacility;         /* "" = none */
  char *zArea;             /* "all" | "provinces" | "localities" */
  char *zAreas;            /* the areas as text: "THR, ESF" or "THR/تهران, FAR/شیراز" */
  int bActive;
} Service;

/* What a person or the demo gives to create or change a service. */
typedef struct ServiceIn {
  const char *zCode;       /* [a-z0-9_.-], 2..48 */
  const char *zAgency;
  const char *zName;
  const char *zChannel;    /* NULL = "both" */
  int minRank;             /* 0 = any, else 1..3 */
  const char *zFacility;   /* NULL or "" = none */
  const char *zArea;       /* NULL = "all" */
  const char *zAreas;      /* entries separated by ',', '،' or new lines:
                           ** PROVINCE (code or name) for "provinces",
                           ** PROVINCE/CITY for "localities" */
  int bActive;
} ServiceIn;

/* Create or update service pIn->zCode (its agency may not change).
** Returns 1 created, 2 updated, 0 unchanged, -1 error (*pzErr, *pzFa). */
int service_save(sqlite3 *db, const Actor *pActor, const ServiceIn *pIn,
                 char **pzErr, char **pzFa);
/* Load by code. Returns 0 or -1. service_clear() frees. */
int service_load(sqlite3 *db, const char *zCode, Service *p);
void service_clear(Service *p);
/* The services of agency zAgency (NULL: all), by agency then code. */
int service_list(sqlite3 *db, const char *zAgency, Service **pa);
void service_list_free(Service *a, int n);
/* Persian labels of a channel and an area kind. */
const char *service_channel_label(const char *zChannel);
const char *service_area_label(const char *zArea);

/* ---- an office's preferences ------------------------------------------ */

/* Replace the ordered preferences of office zOffice by azSvc[0..n). Each
** must be an active service available to the office (its locality,
** channel and facilities); duplicates are refused. Returns 0 or -1. */
int pref_set(sqlite3 *db, const Actor *pActor, const char *zOffice,
             const char *const *azSvc, int n, char **pzErr, char **pzFa);
/* The office's preferences in order: heap array of heap strings, count
** returned; pref_free() frees. */
int pref_list(sqlite3 *db, const char *zOffice, char ***pazSvc);
void pref_free(char **az, int n);
/* The active services available to office zOffice (S of allocate.h), by
** agency then code: heap array of heap codes; pref_free() frees. */
int office_available_services(sqlite3 *db, const char *zOffice, char ***pazSvc);

/* ---- allocations ------------------------------------------------------ */

typedef struct Allocation {
  long long id;
  char zPeriod[16];
  int version;
  long long iResultSet;
  char zHash[65];
  double aCap[3];
  char zCreatedAt[21];
  char zCreatedBy[80];
  int nOffice, nGrant, nGap;
} Allocation;

/* The outcome of allocation_run(). */
typedef struct AllocOutcome {
  Allocation a;            /* the version now current */
  int bNew;                /* a new version was stored (else inputs unchanged) */
  int iPrevVersion;        /* 0 when this is the first */
  int nAdded, nRemoved;    /* grants against the previous version */
} AllocOutcome;

/*
** Allocate the services of period zPeriod on its latest published result
** set under the caps of the period's scheme. When the inputs (ranks,
** localities, facilities, catalogue, preferences, caps) hash the same as
** the latest version's, nothing is stored and that version is returned;
** otherwise a new version is stored with its audit row. bDryRun computes
** without storing (pOut->a.id is then 0). Returns 0 or -1 with *pzErr.
*/
int allocation_run(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                   int bDryRun, AllocOutcome *pOut, char **pzErr);

/* Version iVersion (0 = the latest) of zPeriod's allocation. Returns 0,
** or -1 when there is none. */
int allocation_find(sqlite3 *db, const char *zPeriod, int iVersion, Allocation *p);
/* The newest allocation of any period. Returns 0 or -1. */
int allocation_latest(sqlite3 *db, Allocation *p);

/* One grant added or removed between two versions. */
typedef struct AllocChange {
  char zOffice[32];
  char zService[64];
  int bAdded;
  char *zReason;           /* the reason in the newer version, or "" (heap) */
} AllocChange;

/* The grants of allocation iTo that allocation iFrom lacks (added) and
** the reverse (removed), by office then service. Returns the count;
** *pa is a heap array alloc_changes_free() frees. */
int allocation_diff(sqlite3 *db, long long iFrom, long long iTo, AllocChange **pa);
void alloc_changes_free(AllocChange *a, int n);

/* The per-office CSV "office_code,rank,available,cap,granted,services"
** (services separated by ';' in grant order) of allocation iAlloc,
** zOffice NULL for every office. Appends to pOut. */
void allocation_csv(sqlite3 *db, long long iAlloc, const char *zOffice, Buf *pOut);
/* The same as JSON, each office with its grants (service, kind, reason)
** and unmet preferences. New reference. */
json_t *allocation_json(sqlite3 *db, const Allocation *p, const char *zOffice);

/* Coverage of agency zAgency's services (NULL: all) in allocation iAlloc:
** CSV "service_code,province_code,offices,uncovered_localities", and JSON
** with the uncovered localities listed. */
void coverage_csv(sqlite3 *db, long long iAlloc, const char *zAgency, Buf *pOut);
json_t *coverage_json(sqlite3 *db, const Allocation *p, const char *zAgency);

/* Persian reason for a grant row (kind, pref, cap, available, city) and
** for a skip's why code / a gap's why code. Static strings or arena-free
** heap strings as named. */
const char *alloc_why_label(const char *zWhy);
const char *alloc_gap_label(const char *zWhy);

#endif
