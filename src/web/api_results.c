/*
** api_results.c — open data: the published results of a period, one
** object per office, paginated. Only public facts: no holder, phone,
** national ID, staff or breakdown (DESIGN.md §5).
*/
#include <stdlib.h>
#include <string.h>

#include "domain/stats.h"
#include "store/db.h"
#include "web/pages.h"

/* API: GET /api/v1/periods/{p}/results?page=&per_page=   ROLE: public */
void api_period_results(Req *r){
  const char *zPeriod = r->azArg[0];
  long long iPage = req_param_int(r, "page", 1);
  long long nPer = req_param_int(r, "per_page", 100);
  long long iSet, nTotal;
  sqlite3_stmt *q;
  json_t *pList, *pSet;
  char *z;
  if( db_int(r->db, 0, "SELECT count(*) FROM period WHERE code=?1", zPeriod)==0 ){
    req_json_error(r, 404, "no such period");
    return;
  }
  if( iPage<1 || iPage>1000000 ){
    req_json_error(r, 400, "page must be 1 or more");
    return;
  }
  if( nPer<1 || nPer>1000 ){
    req_json_error(r, 400, "per_page must be 1 to 1000");
    return;
  }
  iSet = 0;
  pSet = 0;
  if( stats_have_results(r->db) ){
    q = db_prepare(r->db,
      "SELECT rs.id, rs.version, coalesce(rs.published_at,''), coalesce(rs.inputs_hash,'')"
      " FROM result_set rs JOIN period p ON p.id=rs.period_id"
      " WHERE p.code=?1 AND rs.state='published' ORDER BY rs.version DESC LIMIT 1");
    sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
    if( sqlite3_step(q)==SQLITE_ROW ){
      iSet = sqlite3_column_int64(q, 0);
      pSet = json_pack("{si ss ss}", "version", sqlite3_column_int(q, 1),
                       "published_at", db_col_text(q, 2), "inputs_hash", db_col_text(q, 3));
    }
    db_finalize(q);
  }
  if( iSet==0 ){
    req_json_error(r, 404, "the period has no published result set");
    return;
  }
  q = db_prepare(r->db, "SELECT count(*) FROM result WHERE result_set_id=?1");
  sqlite3_bind_int64(q, 1, iSet);
  nTotal = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  db_finalize(q);

  pList = json_array();
  q = db_prepare(r->db,
    "SELECT r.office_code, o.name, o.type, o.province_code, pr.region_code, o.city,"
    "  r.status, r.rank, r.score"
    " FROM result r JOIN office o ON o.code=r.office_code"
    " JOIN province pr ON pr.code=o.province_code"
    " WHERE r.result_set_id=?1 ORDER BY r.office_code LIMIT ?2 OFFSET ?3");
  sqlite3_bind_int64(q, 1, iSet);
  sqlite3_bind_int64(q, 2, nPer);
  sqlite3_bind_int64(q, 3, (iPage - 1) * nPer);
  while( sqlite3_step(q)==SQLITE_ROW ){
    json_t *o = json_pack("{ss ss ss ss ss ss ss}",
      "office", db_col_text(q, 0), "name", db_col_text(q, 1), "type", db_col_text(q, 2),
      "province", db_col_text(q, 3), "region", db_col_text(q, 4), "city", db_col_text(q, 5),
      "status", db_col_text(q, 6));
    json_object_set_new(o, "rank", sqlite3_column_type(q, 7)==SQLITE_NULL
                                   ? json_null() : json_integer(sqlite3_column_int(q, 7)));
    json_object_set_new(o, "score", sqlite3_column_type(q, 8)==SQLITE_NULL
                                    ? json_null() : json_real(sqlite3_column_double(q, 8)));
    json_array_append_new(pList, o);
  }
  db_finalize(q);
  {
    json_t *pDoc = json_pack("{ss so so sI sI sI sI}", "period", zPeriod, "result_set", pSet,
      "results", pList, "total", (json_int_t)nTotal, "page", (json_int_t)iPage,
      "per_page", (json_int_t)nPer, "pages", (json_int_t)((nTotal + nPer - 1) / nPer));
    z = json_dumps(pDoc, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(pDoc);
  }
  buf_reset(&r->out);
  buf_puts(&r->out, z ? z : "{}");
  buf_putc(&r->out, '\n');
  free(z);
  r->status = 200;
  r->zType = "application/json; charset=utf-8";
  if( iPage*nPer < nTotal ){
    req_set_header(r, "Link", req_printf(r, "</api/v1/periods/%s/results?page=%lld&per_page=%lld>; rel=\"next\"",
                                         zPeriod, iPage + 1, nPer));
  }
}
