/*
** page_login.c — login and logout pages, and GET /api/v1/me.
*/
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "domain/access.h"
#include "domain/login.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/session.h"

/* A local path to return to after login, or "/" for anything else (an
** absolute or scheme-relative URL would make an open redirect). */
static const char *safeNext(const char *z){
  size_t i, n;
  if( z==0 || z[0]!='/' || z[1]=='/' || z[1]=='\\' ) return "/";
  n = strlen(z);
  if( n>512 ) return "/";
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c<0x20 || c==0x7f || c=='\\' ) return "/";
  }
  return z;
}

/* The login form, with an error message when zErr is not NULL. */
static void loginForm(Req *r, const char *zErr, const char *zUser, const char *zNext){
  const char *zCsrf = session_anon_csrf(r);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "ورود");
  html(r, "<h1>ورود به سامانه</h1><div class=\"card\">");
  if( zErr ) html(r, "<p class=\"flash error\" role=\"alert\">%s</p>", zErr);
  html(r, "<form method=\"post\" action=\"/login\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<input type=\"hidden\" name=\"next\" value=\"%s\">"
          "<p><label for=\"username\">نام کاربری</label>"
          "<input id=\"username\" name=\"username\" autocomplete=\"username\" dir=\"ltr\""
          " required maxlength=\"64\" value=\"%s\"%s></p>"
          "<p><label for=\"password\">گذرواژه</label>"
          "<input id=\"password\" name=\"password\" type=\"password\" dir=\"ltr\""
          " autocomplete=\"current-password\" required%s></p>"
          "<p><button class=\"btn primary\" type=\"submit\">ورود</button></p>"
          "</form></div>",
       zCsrf, safeNext(zNext), zUser ? zUser : "",
       zErr ? "" : " autofocus", zErr ? " autofocus aria-invalid=\"true\"" : "");
  html_end(r);
}

/* PAGE: GET /login   ROLE: public */
void page_login(Req *r){
  if( r->pWho && !r->pWho->bBearer ){
    html_begin(r, "ورود");
    html(r, "<h1>ورود به سامانه</h1><div class=\"card\"><p>شما با نام کاربری "
            "<bdi>%s</bdi> (%s) وارد شده‌اید.</p><p><a href=\"%s\">ادامه</a></p></div>",
         r->pWho->zUsername, role_label(r->pWho->role), safeNext(req_query(r, "next")));
    html_end(r);
    return;
  }
  loginForm(r, 0, 0, req_query(r, "next"));
}

/* PAGE: POST /login   ROLE: public (fields username, password, csrf, next) */
void page_login_post(Req *r){
  const char *zUser = req_form(r, "username");
  const char *zPw = req_form(r, "password");
  const char *zNext = safeNext(req_form(r, "next"));
  struct timeval tv;
  LoginResult res;
  gettimeofday(&tv, 0);
  login_attempt(r->db, session_policy(), zUser, zPw, session_client_addr(r),
                (long long)tv.tv_sec*1000 + tv.tv_usec/1000, &res);
  switch( res.e ){
    case LOGIN_OK:
      session_set_cookie(r, res.zToken);
      req_redirect(r, zNext);
      break;
    case LOGIN_BAD:
      r->status = 401;
      loginForm(r, "نام کاربری یا گذرواژه نادرست است.", zUser, zNext);
      break;
    case LOGIN_DISABLED:
      r->status = 403;
      loginForm(r, "این حساب کاربری غیرفعال شده است. برای فعال‌سازی با ستاد تماس بگیرید.", zUser, zNext);
      break;
    case LOGIN_DELAYED: {
      char zSec[16];
      snprintf(zSec, sizeof zSec, "%d", res.nRetryAfter);
      r->status = 429;
      req_set_header(r, "Retry-After", zSec);
      loginForm(r, req_printf(r, "پس از چند ورود ناموفق باید کمی صبر کنید: %s ثانیهٔ دیگر دوباره تلاش کنید.",
                              fa_int(r, res.nRetryAfter)), zUser, zNext);
      break;
    }
    case LOGIN_LOCKED:
      r->status = 403;
      loginForm(r, res.bAddr
        ? "به‌دلیل ورودهای ناموفق پیاپی از این نشانی، ورود از آن قفل شده است. برای بازگشایی با ستاد تماس بگیرید."
        : "به‌دلیل ورودهای ناموفق پیاپی، این حساب قفل شده است. برای بازگشایی با ستاد تماس بگیرید.",
        zUser, zNext);
      break;
    default:
      req_error2(r, 500, "خطای سامانه؛ لطفاً دوباره تلاش کنید.", "internal error");
      break;
  }
}

/* PAGE: POST /logout   ROLE: public (ends the caller's own session, if any) */
void page_logout(Req *r){
  const char *zTok = req_cookie(r, SESSION_COOKIE);
  if( r->pWho && !r->pWho->bBearer && zTok ){
    Actor a;
    req_actor(r, &a);
    login_session_end(r->db, &a, zTok);
  }
  session_set_cookie(r, 0);
  req_redirect(r, "/");
}

/* API: GET /api/v1/me   ROLE: logged in */
void api_me(Req *r){
  json_t *pScope;
  const Principal *w;
  Object o;
  if( !req_allow(r, ACT_LOGGED_IN, 0) ) return;
  w = r->pWho;
  pScope = json_object();
  switch( role_scope_kind(w->role) ){
    case SCOPE_OFFICE:
      if( access_object_office(r->db, w->zScope, &o)==0 ){
        json_object_set_new(pScope, "province", json_string(o.zProvince));
        json_object_set_new(pScope, "region", json_string(o.zRegion));
        access_object_clear(&o);
      }
      json_object_set_new(pScope, "office", json_string(w->zScope));
      break;
    case SCOPE_PROVINCE:
      if( access_object_province(r->db, w->zScope, &o)==0 ){
        json_object_set_new(pScope, "region", json_string(o.zRegion));
        access_object_clear(&o);
      }
      json_object_set_new(pScope, "province", json_string(w->zScope));
      break;
    case SCOPE_REGION:
      json_object_set_new(pScope, "region", json_string(w->zScope));
      break;
    case SCOPE_AGENCY:
      json_object_set_new(pScope, "agency", json_string(w->zScope));
      break;
    default:
      break;
  }
  req_set_header(r, "Cache-Control", "no-store");
  req_json(r, 200, json_pack("{ss ss so ss}", "username", w->zUsername,
                             "role", role_code(w->role), "scope", pScope, "csrf", w->zCsrf));
}
