/*
** session.c — attach the principal of a request, and the CSRF check.
**
** The only process-wide state is the LoginPolicy, read from the
** environment once (pthread_once) and never changed after.
*/
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domain/login.h"
#include "web/session.h"

static pthread_once_t polOnce = PTHREAD_ONCE_INIT;
static LoginPolicy gPolicy;
static int bTrustProxy;

static void polInit(void){
  const char *z = getenv("PISHKHAN_TRUST_PROXY");
  login_policy_default(&gPolicy);
  bTrustProxy = z && strcmp(z, "1")==0;
}

const LoginPolicy *session_policy(void){
  pthread_once(&polOnce, polInit);
  return &gPolicy;
}

int session_token_eq(const char *zA, const char *zB){
  size_t n;
  if( zA==0 || zB==0 || zA[0]==0 ) return 0;
  n = strlen(zA);
  if( strlen(zB)!=n ) return 0;
  return sodium_memcmp(zA, zB, n)==0;
}

/* Does the "scheme://host[:port]..." URL z name host zHost? */
static int urlHostIs(const char *z, const char *zHost){
  const char *zH = strstr(z, "://");
  size_t n;
  if( zH==0 || zHost==0 || zHost[0]==0 ) return 0;
  if( strncasecmp(z, "http://", 7)!=0 && strncasecmp(z, "https://", 8)!=0 ) return 0;
  zH += 3;
  n = strcspn(zH, "/?#");
  return n==strlen(zHost) && strncasecmp(zH, zHost, n)==0;
}

int session_origin_ok(const char *zOrigin, const char *zReferer, const char *zHost){
  if( zOrigin && zOrigin[0] ) return urlHostIs(zOrigin, zHost);
  if( zReferer && zReferer[0] ) return urlHostIs(zReferer, zHost);
  return 1;
}

const char *session_client_addr(Req *r){
  session_policy();
  if( bTrustProxy ){
    const char *z = req_header(r, "X-Forwarded-For");
    if( z && z[0] ){
      const char *zLast = strrchr(z, ',');
      zLast = zLast ? zLast+1 : z;
      while( *zLast==' ' ) zLast++;
      if( zLast[0] ) return req_strdup(r, zLast);
    }
  }
  return r->zAddr;
}

/* Served over TLS, as far as a proxy in front tells us. */
static int isSecure(Req *r){
  const char *z = req_header(r, "X-Forwarded-Proto");
  return z && strcasecmp(z, "https")==0;
}

void session_set_cookie(Req *r, const char *zToken){
  const char *zSec = isSecure(r) ? "; Secure" : "";
  if( zToken ){
    req_set_header(r, "Set-Cookie",
      req_printf(r, SESSION_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                 zToken, session_policy()->nMax, zSec));
  }else{
    req_set_header(r, "Set-Cookie",
      req_printf(r, SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", zSec));
  }
}

/* Is z 64 hex digits? */
static int isHex64(const char *z){
  int i;
  if( z==0 ) return 0;
  for(i=0; i<64; i++){
    char c = z[i];
    if( !((c>='0' && c<='9') || (c>='a' && c<='f')) ) return 0;
  }
  return z[64]==0;
}

const char *session_anon_csrf(Req *r){
  const char *z = req_cookie(r, SESSION_CSRF_COOKIE);
  unsigned char a[32];
  char zHex[65];
  if( isHex64(z) ) return z;
  randombytes_buf(a, sizeof a);
  sodium_bin2hex(zHex, sizeof zHex, a, sizeof a);
  req_set_header(r, "Set-Cookie",
    req_printf(r, SESSION_CSRF_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
               zHex, isSecure(r) ? "; Secure" : ""));
  return req_strdup(r, zHex);
}

/* The bearer token of the Authorization header, or NULL. */
static const char *bearer(Req *r){
  const char *z = req_header(r, "Authorization");
  if( z && strncasecmp(z, "Bearer ", 7)==0 ){
    z += 7;
    while( *z==' ' ) z++;
    return z;
  }
  return 0;
}

void session_attach(Req *r){
  Principal who;
  const char *zTok = bearer(r);
  r->pWho = 0;
  if( r->db==0 ) return;
  if( zTok ){
    /* An Authorization header decides alone: no fallback to the cookie. */
    if( login_token_find(r->db, zTok, &who)==0 ){
      r->pWho = req_alloc(r, sizeof who);
      memcpy(r->pWho, &who, sizeof who);
    }
    return;
  }
  zTok = req_cookie(r, SESSION_COOKIE);
  if( zTok && zTok[0] ){
    if( login_session_find(r->db, session_policy(), zTok, (long long)time(0), &who)==0 ){
      r->pWho = req_alloc(r, sizeof who);
      memcpy(r->pWho, &who, sizeof who);
    }else{
      session_set_cookie(r, 0);    /* expired or unknown: drop it */
    }
  }
}

int session_csrf_ok(Req *r){
  const char *zGiven, *zWant;
  if( req_header(r, "Authorization") && bearer(r) ) return 1;
  if( !session_origin_ok(req_header(r, "Origin"), req_header(r, "Referer"), req_header(r, "Host")) ){
    return 0;
  }
  zGiven = req_form(r, "csrf");
  if( zGiven==0 || zGiven[0]==0 ) zGiven = req_header(r, "X-CSRF-Token");
  if( r->pWho ){
    zWant = r->pWho->zCsrf;
  }else{
    zWant = req_cookie(r, SESSION_CSRF_COOKIE);
    if( !isHex64(zWant) ) return 0;
  }
  return session_token_eq(zGiven, zWant);
}
