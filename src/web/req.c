/*
** req.c — request memory, input accessors, and response helpers.
*/
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/text.h"
#include "web/html.h"
#include "web/req.h"
#include "web/reqimpl.h"

/* A simple bump allocator: a list of blocks freed together. */
typedef struct Block { struct Block *pNext; size_t n, used; char a[]; } Block;
struct Arena { Block *pHead; };

#define ARENA_BLOCK 8192

void *req_alloc(Req *r, size_t n){
  Block *b = r->pArena->pHead;
  n = (n + 15) & ~(size_t)15;
  if( b==0 || b->used + n > b->n ){
    size_t sz = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    Block *pNew = xmalloc(sizeof(Block) + sz);
    pNew->n = sz;
    pNew->used = 0;
    pNew->pNext = b;
    r->pArena->pHead = b = pNew;
  }
  b->used += n;
  return b->a + b->used - n;
}

char *req_strdup(Req *r, const char *z){
  size_t n;
  char *zOut;
  if( z==0 ) return 0;
  n = strlen(z);
  zOut = req_alloc(r, n+1);
  memcpy(zOut, z, n+1);
  return zOut;
}

char *req_printf(Req *r, const char *zFmt, ...){
  va_list ap;
  Buf b = {0};
  char *z;
  va_start(ap, zFmt);
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* Decode %XX and '+' in place. */
static void urlDecode(char *z){
  char *zOut = z;
  while( *z ){
    if( *z=='+' ){ *zOut++ = ' '; z++; }
    else if( z[0]=='%' && z[1] && z[2] && strchr("0123456789abcdefABCDEF", z[1])
             && strchr("0123456789abcdefABCDEF", z[2]) ){
      char h[3] = { z[1], z[2], 0 };
      *zOut++ = (char)strtol(h, 0, 16);
      z += 3;
    }else{
      *zOut++ = *z++;
    }
  }
  *zOut = 0;
}

Req *req_new(Server *pSrv, void *pConn, const char *zMethod, const char *zUrl){
  Req *r = xcalloc(1, sizeof(Req));
  const char *zQ;
  r->pArena = xcalloc(1, sizeof(Arena));
  r->pSrv = pSrv;
  r->pConn = pConn;
  r->zMethod = req_strdup(r, zMethod);
  zQ = strchr(zUrl, '?');
  r->zPath = zQ ? req_printf(r, "%.*s", (int)(zQ - zUrl), zUrl) : req_strdup(r, zUrl);
  r->status = 200;
  r->zAddr = "";
  if( pConn ){
    const union MHD_ConnectionInfo *pInfo =
      MHD_get_connection_info(pConn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if( pInfo && pInfo->client_addr ){
      char zA[64] = "";
      const struct sockaddr *sa = pInfo->client_addr;
      if( sa->sa_family==AF_INET ){
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, zA, sizeof zA);
      }else if( sa->sa_family==AF_INET6 ){
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, zA, sizeof zA);
      }
      r->zAddr = req_strdup(r, zA);
    }
  }
  return r;
}

void req_free(Req *r){
  Block *b, *pNext;
  if( r==0 ) return;
  for(b=r->pArena->pHead; b; b=pNext){ pNext = b->pNext; free(b); }
  free(r->pArena);
  buf_free(&r->body);
  buf_free(&r->out);
  if( r->fdOut>0 ) close(r->fdOut);
  if( r->pJson ) json_decref(r->pJson);
  free(r);
}

/*
** Parse the body: application/x-www-form-urlencoded into r->aForm, and
** application/json into r->pJson. Anything else is left for the handler.
*/
void req_parse_body(Req *r){
  const char *zType = req_header(r, "Content-Type");
  if( zType==0 || r->body.n==0 ) return;
  if( strncmp(zType, "application/x-www-form-urlencoded", 33)==0 ){
    char *z = req_strdup(r, buf_str(&r->body));
    int n = 1, i = 0;
    char *zP;
    for(zP=z; *zP; zP++) if( *zP=='&' ) n++;
    r->aForm = req_alloc(r, sizeof(Param)*(size_t)n);
    while( z && *z ){
      char *zAmp = strchr(z, '&');
      char *zEq;
      if( zAmp ) *zAmp = 0;
      zEq = strchr(z, '=');
      if( zEq ){ *zEq = 0; zEq++; } else { zEq = z + strlen(z); }
      urlDecode(z);
      urlDecode(zEq);
      r->aForm[i].zName = z;
      r->aForm[i].zValue = zEq;
      i++;
      z = zAmp ? zAmp+1 : 0;
    }
    r->nForm = i;
  }else if( strncmp(zType, "application/json", 16)==0 ){
    json_error_t err;
    r->pJson = json_loadb(buf_str(&r->body), r->body.n, JSON_REJECT_DUPLICATES, &err);
  }
}

const char *req_header(Req *r, const char *zName){
  if( r->pConn==0 ) return 0;
  return MHD_lookup_connection_value(r->pConn, MHD_HEADER_KIND, zName);
}

const char *req_cookie(Req *r, const char *zName){
  if( r->pConn==0 ) return 0;
  return MHD_lookup_connection_value(r->pConn, MHD_COOKIE_KIND, zName);
}

const char *req_query(Req *r, const char *zName){
  if( r->pConn==0 ) return 0;
  return MHD_lookup_connection_value(r->pConn, MHD_GET_ARGUMENT_KIND, zName);
}

const char *req_form(Req *r, const char *zName){
  int i;
  for(i=0; i<r->nForm; i++){
    if( strcmp(r->aForm[i].zName, zName)==0 ) return r->aForm[i].zValue;
  }
  return 0;
}

const char *req_param(Req *r, const char *zName){
  const char *z = req_form(r, zName);
  char *zN;
  if( z==0 ) z = req_query(r, zName);
  if( z==0 ) return 0;
  zN = text_normalize_dup(z);
  if( zN==0 ) return 0;
  z = req_strdup(r, zN);
  free(zN);
  return z;
}

long long req_param_int(Req *r, const char *zName, long long iDflt){
  const char *z = req_param(r, zName);
  long long v;
  if( z==0 || text_parse_int(z, &v) ) return iDflt;
  return v;
}

void req_set_header(Req *r, const char *zName, const char *zValue){
  if( r->nHdr>=REQ_MAX_HEADERS ) return;
  r->azHdr[r->nHdr][0] = req_strdup(r, zName);
  r->azHdr[r->nHdr][1] = req_strdup(r, zValue);
  r->nHdr++;
}

void req_redirect(Req *r, const char *zUrl){
  r->status = 303;
  req_set_header(r, "Location", zUrl);
  buf_reset(&r->out);
}

int req_is_api(const Req *r){
  return strncmp(r->zPath, "/api/", 5)==0;
}

void req_send_file(Req *r, int fd, long long nSize, const char *zType){
  buf_reset(&r->out);
  if( r->fdOut>0 ) close(r->fdOut);
  r->status = 200;
  r->zType = zType;
  r->fdOut = fd;
  r->nFdOut = nSize;
}

void req_json(Req *r, int status, json_t *pDoc){
  char *z = json_dumps(pDoc, JSON_COMPACT);
  r->status = status;
  r->zType = "application/json; charset=utf-8";
  buf_reset(&r->out);
  if( z ){ buf_puts(&r->out, z); free(z); }
  buf_putc(&r->out, '\n');
  json_decref(pDoc);
}

void req_json_error(Req *r, int status, const char *zMsg){
  req_json(r, status, json_pack("{ss}", "error", zMsg));
}

/* Persian title for a status code. */
static const char *statusTitle(int status){
  switch( status ){
    case 400: return "درخواست نادرست";
    case 401: return "ورود لازم است";
    case 403: return "دسترسی مجاز نیست";
    case 404: return "پیدا نشد";
    case 405: return "روش نادرست";
    case 409: return "تعارض";
    case 413: return "حجم بیش از حد";
    case 415: return "نوع پرونده پذیرفته نیست";
    case 422: return "داده نادرست";
    case 429: return "درخواست‌های پیاپی";
    default:  return status>=500 ? "خطای سامانه" : "خطا";
  }
}

void req_error(Req *r, int status, const char *zMsg){
  if( req_is_api(r) ){
    req_json_error(r, status, zMsg);
    return;
  }
  buf_reset(&r->out);
  r->nHdr = 0;
  r->zType = 0;
  html_begin(r, statusTitle(status));
  html(r, "<h1>%s</h1><div class=\"card\"><p>%s</p>"
          "<p><a href=\"/\">بازگشت به صفحهٔ نخست</a></p></div>",
       statusTitle(status), zMsg);
  html_end(r);
  r->status = status;
}

void req_error2(Req *r, int status, const char *zFa, const char *zEn){
  req_error(r, status, req_is_api(r) ? zEn : zFa);
}

void req_not_found(Req *r){
  req_error(r, 404, req_is_api(r) ? "not found" : "صفحه‌ای با این نشانی پیدا نشد.");
}
