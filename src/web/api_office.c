/*
** api_office.c — the JSON twins of the office pages.
*/
#include <stdlib.h>
#include <string.h>

#include "domain/office.h"
#include "store/db.h"
#include "web/pages.h"

/* API: GET /api/v1/offices?q=&province=&type=&page=&per_page=   ROLE: public */
void api_offices(Req *r){
  OfficeQuery q;
  OfficeHit *a;
  int n, nTotal, i;
  json_t *pList = json_array();
  long long nPer = req_param_int(r, "per_page", 20);
  memset(&q, 0, sizeof q);
  q.zQ = req_param(r, "q");
  q.zProvince = req_param(r, "province");
  q.zType = req_param(r, "type");
  q.iPage = (int)req_param_int(r, "page", 1);
  if( q.iPage<1 || q.iPage>1000000 ) q.iPage = 1;
  q.nPerPage = (int)(nPer<1 ? 20 : nPer>200 ? 200 : nPer);
  nTotal = office_search(r->db, &q, &a, &n);
  for(i=0; i<n; i++){
    json_array_append_new(pList, json_pack("{ss ss ss ss ss ss}",
      "code", a[i].zCode, "name", a[i].zName, "type", a[i].zType,
      "province", a[i].zProvince, "city", a[i].zCity, "status", a[i].zStatus));
  }
  office_hits_free(a, n);
  req_json(r, 200, json_pack("{so si si si}", "offices", pList, "total", nTotal,
                             "page", q.iPage, "per_page", q.nPerPage));
}

/* API: GET /api/v1/offices/{code}   ROLE: public */
void api_office(Req *r){
  Office o;
  json_t *p;
  if( office_load(r->db, r->azArg[0], &o) ){
    req_json_error(r, 404, "no office with this code");
    return;
  }
  p = json_pack("{ss ss ss ss ss ss}",
      "code", o.zCode, "name", o.zName, "type", o.zType,
      "province", o.zProvince, "city", o.zCity, "status", o.zStatus);
  json_object_set_new(p, "result", api_result_summary(r->db, o.zCode));  /* api_result.c */
  office_clear(&o);
  req_json(r, 200, p);
}
