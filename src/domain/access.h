/*
** access.h — the one place that decides who may do what to which object.
**
** Every handler calls access_allow() (through req_allow() in web/auth.h)
** before it touches anything. The decision depends only on the principal's
** role and scope and on the object's office / province / region / agency:
** DESIGN.md §2.
*/
#ifndef PK_ACCESS_H
#define PK_ACCESS_H
#include <sqlite3.h>
#include "domain/user.h"

typedef enum Action {
  ACT_LOGGED_IN = 0,      /* any logged-in user (e.g. /api/v1/me) */
  ACT_OFFICE_PRIVATE,     /* see an office's non-public data: declaration,
                          ** documents, draft result, timeline */
  ACT_DECLARE,            /* edit/submit a declaration, upload, file a change
                          ** request or objection, set service preferences */
  ACT_REVIEW,             /* decide claims, send back, decide change requests */
  ACT_CONFIRM,            /* region manager confirms a reviewed declaration */
  ACT_EXTEND,             /* extend an office's window (its region or HQ admin) */
  ACT_FINALISE,           /* HQ finalises a region, sends a declaration back down */
  ACT_OBJECTION_DECIDE,   /* HQ reviewer decides an objection */
  ACT_ASSOCIATION_SCORE,  /* provincial association enters scores */
  ACT_RULING,             /* provincial committee records rulings */
  ACT_AGENCY,             /* an agency manages its own services */
  ACT_HQ_VIEW,            /* national dashboards, fairness, all regions */
  ACT_ADMIN,              /* periods, schemes, users, publication, what-if */
  ACT_COUNT
} Action;

/* The object acted upon, as far as scope is concerned. Empty strings or
** NULL mean "not bound to one" (a national object). */
typedef struct Object {
  const char *zOffice;
  const char *zProvince;
  const char *zRegion;
  const char *zAgency;
} Object;

/* 1 if pWho (NULL = anonymous public) may do eAct to pObj, else 0. */
int access_allow(const Principal *pWho, Action eAct, const Object *pObj);

/* Fill pObj for office zCode (province and region looked up). The strings
** are heap copies freed by access_object_clear(). Returns 0, or -1 when
** there is no such office. */
int access_object_office(sqlite3 *db, const char *zCode, Object *pObj);
/* For a region or province code (region looked up for a province). */
int access_object_province(sqlite3 *db, const char *zProvince, Object *pObj);
void access_object_region(const char *zRegion, Object *pObj);
void access_object_clear(Object *pObj);

/* Name of an action, for logs and tests. */
const char *access_action_name(Action e);

#endif
