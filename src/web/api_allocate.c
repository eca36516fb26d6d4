/*
** api_allocate.c — the allocation of a period as JSON and CSV
** (docs/allocation.md):
**
**   GET /api/v1/periods/{p}/allocation[.csv]?version=N&office=CODE
**   GET /api/v1/periods/{p}/coverage[.csv]?version=N&agency=CODE
**
** Without office= / agency= the whole nation: HQ (ACT_HQ_VIEW). With
** office=, that office's row: ACT_OFFICE_PRIVATE on the office. With
** agency=, that agency's services: ACT_AGENCY on the agency.
*/
#include <jansson.h>
#include <string.h>

#include "domain/agency.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/pages.h"

/* The guard for an office filter (or the nation). Returns 1 when allowed. */
static int allowOffice(Req *r, const char *zOffice){
  Object o;
  int ok;
  if( zOffice==0 ) return req_allow(r, ACT_HQ_VIEW, 0);
  access_object_office(r->db, zOffice, &o);
  ok = req_allow(r, ACT_OFFICE_PRIVATE, &o);
  access_object_clear(&o);
  return ok;
}

/* The guard for an agency filter (or the nation). */
static int allowAgencyFilter(Req *r, const char *zAgency){
  Object o;
  if( zAgency==0 ) return req_allow(r, ACT_HQ_VIEW, 0);
  memset(&o, 0, sizeof o);
  o.zAgency = zAgency;
  return req_allow(r, ACT_AGENCY, &o);
}

/* The version asked for, or 0 with a 404 sent. */
static int findAllocation(Req *r, Allocation *pA){
  long long v = req_param_int(r, "version", 0);
  if( v<0 || v>1000000 || allocation_find(r->db, r->azArg[0], (int)v, pA) ){
    req_error2(r, 404, "برای این دوره توزیعی با این نسخه نیست.",
               "no allocation for this period and version");
    return 0;
  }
  return 1;
}

static void sendCsv(Req *r, Buf *pB, const char *zName){
  r->status = 200;
  r->zType = "text/csv; charset=utf-8";
  req_set_header(r, "Content-Disposition", req_printf(r, "attachment; filename=\"%s\"", zName));
  buf_append(&r->out, buf_str(pB), pB->n);
  buf_free(pB);
}

/* API: GET /api/v1/periods/{p}/allocation   ROLE: hq (all), office (office=) */
void api_allocation(Req *r){
  const char *zOffice = req_param(r, "office");
  Allocation a;
  if( !allowOffice(r, zOffice) ) return;
  if( !findAllocation(r, &a) ) return;
  req_json(r, 200, allocation_json(r->db, &a, zOffice));
}

/* API: GET /api/v1/periods/{p}/allocation.csv   ROLE: hq (all), office (office=) */
void api_allocation_csv(Req *r){
  const char *zOffice = req_param(r, "office");
  Allocation a;
  Buf b = {0};
  if( !allowOffice(r, zOffice) ) return;
  if( !findAllocation(r, &a) ) return;
  allocation_csv(r->db, a.id, zOffice, &b);
  sendCsv(r, &b, req_printf(r, "allocation-%s-v%d.csv", a.zPeriod, a.version));
}

/* API: GET /api/v1/periods/{p}/coverage   ROLE: hq (all), agency (agency=) */
void api_coverage(Req *r){
  const char *zAgency = req_param(r, "agency");
  Allocation a;
  if( !allowAgencyFilter(r, zAgency) ) return;
  if( !findAllocation(r, &a) ) return;
  req_json(r, 200, coverage_json(r->db, &a, zAgency));
}

/* API: GET /api/v1/periods/{p}/coverage.csv   ROLE: hq (all), agency (agency=) */
void api_coverage_csv(Req *r){
  const char *zAgency = req_param(r, "agency");
  Allocation a;
  Buf b = {0};
  if( !allowAgencyFilter(r, zAgency) ) return;
  if( !findAllocation(r, &a) ) return;
  coverage_csv(r->db, a.id, zAgency, &b);
  sendCsv(r, &b, req_printf(r, "coverage-%s-v%d.csv", a.zPeriod, a.version));
}
