/*
** static.c — embedded assets, the health check, robots.txt.
*/
#include <string.h>

#include "web/assets.h"
#include "web/pages.h"

/* PAGE: /static/{name}   ROLE: public */
void page_static(Req *r){
  const char *zName = r->zPath + strlen("/static/");
  const Asset *pA = asset_find(zName);
  const char *zInm;
  if( pA==0 ){ req_not_found(r); return; }
  r->zType = pA->zMime;
  req_set_header(r, "ETag", pA->zEtag);
  if( strcmp(zName, pA->zHashedName)==0 ){
    req_set_header(r, "Cache-Control", "public, max-age=31536000, immutable");
  }else{
    req_set_header(r, "Cache-Control", "public, max-age=300");
  }
  zInm = req_header(r, "If-None-Match");
  if( zInm && strcmp(zInm, pA->zEtag)==0 ){
    r->status = 304;
    return;
  }
  buf_append(&r->out, (const char *)pA->a, pA->n);
}

/* PAGE: /healthz   ROLE: public */
void page_healthz(Req *r){
  r->zType = "text/plain; charset=utf-8";
  req_set_header(r, "Cache-Control", "no-store");
  buf_puts(&r->out, "ok");
}

/* PAGE: /robots.txt   ROLE: public */
void page_robots(Req *r){
  r->zType = "text/plain; charset=utf-8";
  buf_puts(&r->out, "User-agent: *\nDisallow: /api/\nDisallow: /login\n");
}
