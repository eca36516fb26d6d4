/*
** api_declare.c — the JSON API of periods and declarations
** (docs/periods.md): read, save with a version, upload documents, submit.
** Session cookie plus X-CSRF-Token, or a bearer token. Messages English.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/declaration.h"
#include "domain/document.h"
#include "domain/period.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/server.h"

/* Send a refusal as {"error": .., "field": ..}. */
static void sendErr(Req *r, const DeclErr *pE){
  json_t *p = json_pack("{ss}", "error", pE->zEn);
  if( pE->zField[0] ) json_object_set_new(p, "field", json_string(pE->zField));
  req_json(r, pE->status ? pE->status : 500, p);
}

/*
** Resolve the period (azArg[0]) and office (azArg[1]) of the URL and check
** that the principal may do eAct to the office. Returns 0, or -1 when a
** response has been sent (401/403/404).
*/
int declare_target(Req *r, int eAct, Period *pP){
  Object obj;
  int bOffice = access_object_office(r->db, r->azArg[1], &obj)==0;
  if( !req_allow(r, (Action)eAct, &obj) ){ access_object_clear(&obj); return -1; }
  access_object_clear(&obj);
  if( !bOffice ){
    req_error2(r, 404, "دفتری با این کد نیست.", "no office with this code");
    return -1;
  }
  if( period_load(r->db, r->azArg[0], pP) ){
    req_error2(r, 404, "دوره‌ای با این کد نیست.", "no period with this code");
    return -1;
  }
  return 0;
}

/* API: GET /api/v1/periods   ROLE: public */
void api_periods(Req *r){
  Period *a;
  int n, i;
  json_t *pList = json_array();
  period_list(r->db, &a, &n);
  for(i=0; i<n; i++){
    json_array_append_new(pList, json_pack("{ss ss ss ss ss ss sb}",
      "code", a[i].zCode, "state", period_state_code(a[i].state),
      "declare_from", a[i].zDeclareFrom, "declare_to", a[i].zDeclareTo,
      "review_to", a[i].zReviewTo, "scheme_hash", a[i].zSchemeHash,
      "deemed_confirm", a[i].bDeemedConfirm));
  }
  free(a);
  req_json(r, 200, json_pack("{so}", "periods", pList));
}

/* API: GET /api/v1/periods/{p}/scheme   ROLE: public
** The scheme as stored (its text, whole), with its hash. */
void api_period_scheme(Req *r){
  Period p;
  char *z;
  json_t *pDoc;
  if( period_load(r->db, r->azArg[0], &p) ){
    req_json_error(r, 404, "no period with this code");
    return;
  }
  z = period_scheme_json(r->db, p.zCode);
  pDoc = json_loads(z ? z : "null", 0, 0);
  free(z);
  req_json(r, 200, json_pack("{ss ss so sb}", "period", p.zCode, "hash", p.zSchemeHash,
                             "scheme", pDoc ? pDoc : json_null(), "frozen", p.zFrozenAt[0]!=0));
}

/* API: GET /api/v1/periods/{p}/declarations/{code}   ACTION: office_private */
void api_declaration(Req *r){
  Period p;
  Declaration d;
  DeclErr e;
  char zNow[21];
  json_t *pDoc;
  int bEdit;
  if( declare_target(r, ACT_OFFICE_PRIVATE, &p) ) return;
  if( declaration_load(r->db, &p, r->azArg[1], &d) ){
    req_json_error(r, 404, "no office with this code");
    return;
  }
  period_now(zNow);
  memset(&e, 0, sizeof e);
  bEdit = declaration_editable(r->db, &p, &d, zNow, &e);
  pDoc = declaration_json(&d, 0);
  json_object_set_new(pDoc, "editable", json_boolean(bEdit));
  if( !bEdit ) json_object_set_new(pDoc, "why_not_editable", json_string(e.zEn));
  declaration_clear(&d);
  req_json(r, 200, pDoc);
}

/* API: PUT /api/v1/periods/{p}/declarations/{code}   ACTION: declare
** Body {"version":N,"values":{...},"staff":[...]} -> {"version":N+1}. */
void api_declaration_put(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  json_t *pV;
  int iNew = 0;
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  if( r->pJson==0 || !json_is_object(r->pJson) ){
    req_json_error(r, 400, "the body must be a JSON object {\"version\":N,\"values\":{..},\"staff\":[..]}");
    return;
  }
  pV = json_object_get(r->pJson, "version");
  if( !json_is_integer(pV) || json_integer_value(pV)<0 || json_integer_value(pV)>1000000000 ){
    req_json(r, 400, json_pack("{ss ss}", "error",
             "version: required, the version you read (0 before the first save)", "field", "version"));
    return;
  }
  {
    const char *zKey;
    json_t *pX;
    json_object_foreach(r->pJson, zKey, pX){
      if( strcmp(zKey, "version") && strcmp(zKey, "values") && strcmp(zKey, "staff") ){
        req_json(r, 400, json_pack("{ss ss}", "error", "unknown field (expected version, values, staff)",
                                   "field", zKey));
        return;
      }
    }
  }
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( declaration_save(r->db, &a, &p, r->azArg[1], (int)json_integer_value(pV),
                       json_object_get(r->pJson, "values"), json_object_get(r->pJson, "staff"),
                       zNow, &iNew, &e) ){
    sendErr(r, &e);
    return;
  }
  req_json(r, 200, json_pack("{si ss}", "version", iNew, "state", "draft"));
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/documents   ACTION: declare
** multipart/form-data with fields "indicator" and "file" -> 201. */
void api_declaration_document(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  const char *zInd;
  Upload *pU = r->pUpload;
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  if( pU==0 || (!pU->bFile && !pU->bError) ){
    req_json(r, 400, json_pack("{ss ss}", "error",
             "send multipart/form-data with the fields indicator and file", "field", "file"));
    return;
  }
  if( pU->bTooLarge ){
    req_json(r, 413, json_pack("{ss ss}", "error",
             "file: larger than 5 MB; nothing was stored", "field", "file"));
    return;
  }
  if( pU->bError || pU->zTmp[0]==0 ){
    req_json_error(r, 400, "the upload did not arrive whole; nothing was stored");
    return;
  }
  zInd = req_form(r, "indicator");
  if( zInd==0 || zInd[0]==0 ){
    req_json(r, 422, json_pack("{ss ss}", "error", "indicator: required", "field", "indicator"));
    return;
  }
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( document_adopt(r->db, server_dir(r->pSrv), &a, &p, r->azArg[1], zInd, pU->zName,
                     pU->zTmp, pU->nSize, pU->zSha256, zNow, &e) ){
    pU->zTmp[0] = 0;
    sendErr(r, &e);
    return;
  }
  pU->zTmp[0] = 0;
  {
    DocRef d;
    const char *zType = "";
    if( document_find(r->db, &p, r->azArg[1], pU->zSha256, &d)==0 ){
      zType = req_strdup(r, d.zMime);
      free(d.zName);
    }
    req_json(r, 201, json_pack("{ss sI ss ss}", "sha256", pU->zSha256,
                               "size", (json_int_t)pU->nSize, "type", zType, "indicator", zInd));
  }
}

/* Send stored document zSha of the declaration as an attachment. */
void declare_send_document(Req *r, const Period *p, const char *zOffice, const char *zSha){
  DocRef d;
  if( document_find(r->db, p, zOffice, zSha, &d) ){
    req_error2(r, 404, "این مدرک در این خوداظهاری نیست.", "no such document in this declaration");
    return;
  }
  send_document(r, &d);
  free(d.zName);
}

/* Send the stored file of *pD (its name and sniffed type) as an attachment,
** or inline (?inline=1) for the types a browser renders itself. */
void send_document(Req *r, const DocRef *pD){
  const DocRef d = *pD;
  char *zPath;
  int fd;
  struct stat st;
  Buf b = {0};
  int bInline = 0;
  zPath = document_path(server_dir(r->pSrv), d.zSha);
  fd = zPath ? open(zPath, O_RDONLY|O_CLOEXEC) : -1;
  free(zPath);
  if( fd<0 || fstat(fd, &st)!=0 ){
    if( fd>=0 ) close(fd);
    req_error2(r, 500, "پروندهٔ مدرک در انبار پیدا نشد.", "the document's file is missing from the store");
    return;
  }
  /* ?inline=1: shown in the review page, only for the sniffed types a
  ** browser renders itself; images sandboxed, PDF framable by our pages */
  {
    const char *zInline = req_query(r, "inline");
    int bImg = strcmp(d.zMime, "image/png")==0 || strcmp(d.zMime, "image/jpeg")==0;
    int bPdf = strcmp(d.zMime, "application/pdf")==0;
    if( zInline && strcmp(zInline, "1")==0 && (bImg || bPdf) ){
      bInline = 1;
      req_set_header(r, "Content-Security-Policy", bImg
        ? "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"
        : "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'");
      req_set_header(r, "X-Frame-Options", "SAMEORIGIN");
    }
  }
  /* RFC 6266: an ASCII fallback and the UTF-8 name */
  buf_puts(&b, bInline ? "inline; filename=\"document" : "attachment; filename=\"document");
  {
    const char *zDot = strrchr(d.zName, '.');
    if( zDot && strlen(zDot)<=5 ){
      const char *z;
      int bOk = 1;
      for(z=zDot+1; *z; z++) if( !((*z>='a' && *z<='z') || (*z>='A' && *z<='Z') || (*z>='0' && *z<='9')) ) bOk = 0;
      if( bOk ) buf_puts(&b, zDot);
    }
  }
  buf_puts(&b, "\"; filename*=UTF-8''");
  url_encode(&b, d.zName);
  req_send_file(r, fd, (long long)st.st_size, req_strdup(r, d.zMime));
  req_set_header(r, "Content-Disposition", buf_str(&b));
  req_set_header(r, "Cache-Control", "private, no-store");
  buf_free(&b);
}

/* API: GET /api/v1/periods/{p}/declarations/{code}/documents/{sha}
** PAGE: GET /periods/{p}/declarations/{code}/documents/{sha}
** ACTION: office_private */
void api_declaration_document_get(Req *r){
  Period p;
  if( declare_target(r, ACT_OFFICE_PRIVATE, &p) ) return;
  declare_send_document(r, &p, r->azArg[1], r->azArg[2]);
}

/* API: POST /api/v1/periods/{p}/declarations/{code}/submit   ACTION: declare */
void api_declaration_submit(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( declaration_submit(r->db, &a, &p, r->azArg[1], zNow, &e) ){
    sendErr(r, &e);
    return;
  }
  req_json(r, 200, json_pack("{ss}", "state", "submitted"));
}
