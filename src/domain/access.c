/*
** access.c — who may do what: a table of roles by action, then the scope.
**
** A role either may never do an action, or may do it to objects inside its
** scope (the HQ roles' scope is the nation: everything). When the handler
** passes no object (NULL) only the role is checked: the handler then works
** within the principal's own scope (for example a region's review queue).
** An object that is not bound to the role's kind of scope (a national
** object for a provincial role) is outside it.
*/
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/access.h"
#include "store/db.h"

#define R(e) (1u<<(e))
#define NATION (R(ROLE_HQ_REVIEWER) | R(ROLE_HQ_ADMIN))

/* Roles allowed each action; docs/users.md has the same table in words. */
static const struct { const char *zName; unsigned roles; } aAct[ACT_COUNT] = {
  [ACT_LOGGED_IN]         = { "logged_in",
      R(ROLE_OFFICE)|R(ROLE_REVIEWER)|R(ROLE_MANAGER)|R(ROLE_ASSOCIATION)
      |R(ROLE_COMMITTEE)|R(ROLE_AGENCY)|NATION },
  [ACT_OFFICE_PRIVATE]    = { "office_private",
      R(ROLE_OFFICE)|R(ROLE_REVIEWER)|R(ROLE_MANAGER)|NATION },
  [ACT_DECLARE]           = { "declare",           R(ROLE_OFFICE) },
  [ACT_REVIEW]            = { "review",            R(ROLE_REVIEWER) },
  [ACT_CONFIRM]           = { "confirm",           R(ROLE_MANAGER) },
  [ACT_EXTEND]            = { "extend",            R(ROLE_MANAGER)|R(ROLE_HQ_ADMIN) },
  [ACT_FINALISE]          = { "finalise",          R(ROLE_HQ_REVIEWER) },
  [ACT_OBJECTION_DECIDE]  = { "objection_decide",  R(ROLE_HQ_REVIEWER) },
  [ACT_ASSOCIATION_SCORE] = { "association_score", R(ROLE_ASSOCIATION) },
  [ACT_RULING]            = { "ruling",            R(ROLE_COMMITTEE) },
  [ACT_AGENCY]            = { "agency",            R(ROLE_AGENCY)|R(ROLE_HQ_ADMIN) },
  [ACT_HQ_VIEW]           = { "hq_view",           NATION },
  [ACT_ADMIN]             = { "admin",             R(ROLE_HQ_ADMIN) },
};

const char *access_action_name(Action e){
  return (e>=0 && e<ACT_COUNT) ? aAct[e].zName : "unknown";
}

/* Is z a non-empty string equal to zScope? */
static int same(const char *z, const char *zScope){
  return z && z[0] && zScope[0] && strcmp(z, zScope)==0;
}

int access_allow(const Principal *pWho, Action eAct, const Object *pObj){
  Role e;
  if( eAct<0 || eAct>=ACT_COUNT ) return 0;
  if( pWho==0 ) return 0;                     /* the public acts on nothing */
  e = pWho->role;
  if( e<=ROLE_PUBLIC || e>=ROLE_COUNT ) return 0;
  if( !(aAct[eAct].roles & R(e)) ) return 0;
  if( pObj==0 ) return 1;
  switch( role_scope_kind(e) ){
    case SCOPE_NATION:   return 1;
    case SCOPE_OFFICE:   return same(pObj->zOffice, pWho->zScope);
    case SCOPE_REGION:   return same(pObj->zRegion, pWho->zScope);
    case SCOPE_PROVINCE: return same(pObj->zProvince, pWho->zScope);
    case SCOPE_AGENCY:   return same(pObj->zAgency, pWho->zScope);
    default:             return 0;
  }
}

int access_object_office(sqlite3 *db, const char *zCode, Object *pObj){
  sqlite3_stmt *p;
  int rc = -1;
  memset(pObj, 0, sizeof *pObj);
  if( zCode==0 ) return -1;
  p = db_prepare(db, "SELECT o.code, o.province_code, p.region_code FROM office o"
                     " JOIN province p ON p.code=o.province_code WHERE o.code=?1");
  sqlite3_bind_text(p, 1, zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(p)==SQLITE_ROW ){
    pObj->zOffice = xstrdup(db_col_text(p, 0));
    pObj->zProvince = xstrdup(db_col_text(p, 1));
    pObj->zRegion = xstrdup(db_col_text(p, 2));
    rc = 0;
  }
  db_finalize(p);
  return rc;
}

int access_object_province(sqlite3 *db, const char *zProvince, Object *pObj){
  char *zRegion;
  memset(pObj, 0, sizeof *pObj);
  if( zProvince==0 ) return -1;
  zRegion = db_text(db, "SELECT region_code FROM province WHERE code=?1", zProvince);
  if( zRegion==0 ) return -1;
  pObj->zProvince = xstrdup(zProvince);
  pObj->zRegion = zRegion;
  return 0;
}

void access_object_region(const char *zRegion, Object *pObj){
  memset(pObj, 0, sizeof *pObj);
  pObj->zRegion = zRegion ? xstrdup(zRegion) : 0;
}

void access_object_clear(Object *pObj){
  free((char *)pObj->zOffice);
  free((char *)pObj->zProvince);
  free((char *)pObj->zRegion);
  free((char *)pObj->zAgency);
  memset(pObj, 0, sizeof *pObj);
}
