/*
** page_users.c — the HQ admin's users page: list, add, disable/enable,
** reset password, lift login locks, create and revoke API tokens.
**
** Every change is a POST that redirects back with ?ok=WHAT (a fixed
** message, never reflected text), or shows the page again with errors.
*/
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/login.h"
#include "domain/user.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* Fixed confirmation messages for ?ok=. */
static const char *okMessage(const char *z){
  static const struct { const char *zKey, *zMsg; } a[] = {
    { "added",    "کاربر افزوده شد." },
    { "passwd",   "گذرواژه تغییر کرد و نشست‌های کاربر بسته شد." },
    { "disabled", "حساب غیرفعال شد و نشست‌های آن بسته شد." },
    { "enabled",  "حساب فعال شد." },
    { "unlocked", "قفل ورود برداشته شد." },
    { "revoked",  "توکن باطل شد." },
  };
  size_t i;
  for(i=0; z && i<sizeof(a)/sizeof(a[0]); i++){
    if( strcmp(z, a[i].zKey)==0 ) return a[i].zMsg;
  }
  return 0;
}

/* The page; zErr (a Persian message) and the add form's previous values
** when showing it again after a failed add. */
static void usersPage(Req *r, const char *zErr, const char *zUser, const char *zRole,
                      const char *zScope){
  User *aU = 0;
  ApiToken *aT = 0;
  LoginLock *aL = 0;
  int nU, nT, nL, i, k;
  const char *zOk = okMessage(req_query(r, "ok"));
  const char *zCsrf = r->pWho->zCsrf;

  nU = user_list(r->db, &aU);
  nT = login_token_list(r->db, 0, &aT);
  nL = login_lock_list(r->db, &aL);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "کاربران");
  html(r, "<h1>کاربران و دسترسی‌ها</h1>");
  if( zOk && !zErr ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);

  /* The users. */
  html(r, "<h2>فهرست کاربران</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"فهرست کاربران\">"
          "<table class=\"list\"><thead><tr><th>نام کاربری</th><th>نقش</th><th>حوزه</th>"
          "<th>وضعیت</th><th>آخرین ورود</th><th>کارها</th></tr></thead><tbody>");
  for(i=0; i<nU; i++){
    const User *u = &aU[i];
    const char *zQ = url_q(r, u->zUsername);
    html(r, "<tr><td dir=\"ltr\">%s</td><td>%s</td><td dir=\"ltr\">%s</td><td>%s%s</td><td>%s</td><td>",
         u->zUsername, role_label(u->role), u->zScope[0] ? u->zScope : "—",
         u->bDisabled ? "غیرفعال" : "فعال", u->bLocked ? "، قفل ورود" : "",
         fa_date(r, u->zLastLogin));
    if( r->pWho->iUser!=u->iId ){
      html(r, "<form method=\"post\" action=\"/admin/users/%s/%s\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<button type=\"submit\">%s</button></form>",
           zQ, u->bDisabled ? "enable" : "disable", zCsrf,
           u->bDisabled ? "فعال‌سازی" : "غیرفعال‌سازی");
    }
    if( u->bLocked ){
      html(r, "<form method=\"post\" action=\"/admin/unlock\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<input type=\"hidden\" name=\"kind\" value=\"user\">"
              "<input type=\"hidden\" name=\"key\" value=\"%s\">"
              "<button type=\"submit\">برداشتن قفل</button></form>", zCsrf, u->zUsername);
    }
    html(r, "<form method=\"post\" action=\"/admin/users/%s/password\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"pw-%lld\">گذرواژهٔ تازه</label>"
            "<input id=\"pw-%lld\" name=\"password\" type=\"password\" dir=\"ltr\" minlength=\"10\""
            " autocomplete=\"new-password\" required>"
            "<button type=\"submit\">تغییر گذرواژه</button></form>",
         zQ, zCsrf, u->iId, u->iId);
    if( !u->bDisabled ){
      html(r, "<form method=\"post\" action=\"/admin/users/%s/token\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<label for=\"tl-%lld\">برچسب توکن API</label>"
              "<input id=\"tl-%lld\" name=\"label\" maxlength=\"60\" dir=\"ltr\">"
              "<button type=\"submit\">ساخت توکن</button></form>",
           zQ, zCsrf, u->iId, u->iId);
    }
    html(r, "</td></tr>");
  }
  if( nU==0 ) html(r, "<tr><td colspan=\"6\">هنوز کاربری ثبت نشده است.</td></tr>");
  html(r, "</tbody></table></div>");

  /* Add a user. */
  html(r, "<h2>افزودن کاربر</h2><div class=\"card\"><form method=\"post\" action=\"/admin/users\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<p><label for=\"nu-name\">نام کاربری</label>"
          "<input id=\"nu-name\" name=\"username\" dir=\"ltr\" required maxlength=\"32\""
          " pattern=\"[a-zA-Z0-9._\\-]{3,32}\" value=\"%s\"></p>"
          "<p><label for=\"nu-role\">نقش</label><select id=\"nu-role\" name=\"role\">",
       zCsrf, zUser ? zUser : "");
  for(k=1; k<ROLE_COUNT; k++){
    html(r, "<option value=\"%s\"%s>%s</option>", role_code((Role)k),
         zRole && strcmp(zRole, role_code((Role)k))==0 ? " selected" : "", role_label((Role)k));
  }
  html(r, "</select></p>"
          "<p><label for=\"nu-scope\">حوزه</label>"
          "<input id=\"nu-scope\" name=\"scope\" dir=\"ltr\" maxlength=\"63\" value=\"%s\""
          " aria-describedby=\"nu-scope-help\">"
          "<small id=\"nu-scope-help\">کد دفتر برای متصدی دفتر، کد منطقه برای کارشناس و مدیر منطقه، "
          "کد استان برای انجمن و کمیته، کد دستگاه برای دستگاه اجرایی؛ برای نقش‌های ستاد خالی.</small></p>"
          "<p><label for=\"nu-pw\">گذرواژه (دست‌کم ۱۰ نویسه)</label>"
          "<input id=\"nu-pw\" name=\"password\" type=\"password\" dir=\"ltr\" minlength=\"10\""
          " autocomplete=\"new-password\" required></p>"
          "<p><button class=\"btn primary\" type=\"submit\">افزودن</button></p></form></div>",
       zScope ? zScope : "");

  /* Locks. */
  html(r, "<h2>قفل‌های ورود</h2>");
  if( nL==0 ){
    html(r, "<p>قفلی در کار نیست.</p>");
  }else{
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"قفل‌های ورود\">"
            "<table class=\"list\"><thead><tr><th>نوع</th><th>نام کاربری یا نشانی</th>"
            "<th>ورود ناموفق</th><th>کار</th></tr></thead><tbody>");
    for(i=0; i<nL; i++){
      html(r, "<tr><td>%s</td><td dir=\"ltr\">%s</td><td>%s</td><td>"
              "<form method=\"post\" action=\"/admin/unlock\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
              "<input type=\"hidden\" name=\"key\" value=\"%s\">"
              "<button type=\"submit\">برداشتن قفل</button></form></td></tr>",
           strcmp(aL[i].zKind, "user")==0 ? "نام کاربری" : "نشانی",
           aL[i].zKey, fa_int(r, aL[i].nFailures), zCsrf, aL[i].zKind, aL[i].zKey);
    }
    html(r, "</tbody></table></div>");
  }

  /* API tokens. */
  html(r, "<h2>توکن‌های API</h2>");
  if( nT==0 ){
    html(r, "<p>توکن فعالی وجود ندارد.</p>");
  }else{
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"توکن‌های API\">"
            "<table class=\"list\"><thead><tr><th>شناسه</th><th>کاربر</th><th>برچسب</th>"
            "<th>ساخته</th><th>آخرین استفاده</th><th>کار</th></tr></thead><tbody>");
    for(i=0; i<nT; i++){
      html(r, "<tr><td>%s</td><td dir=\"ltr\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>"
              "<form method=\"post\" action=\"/admin/tokens/%lld/revoke\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<button type=\"submit\">ابطال</button></form></td></tr>",
           fa_int(r, aT[i].iId), aT[i].zUsername, aT[i].zLabel[0] ? aT[i].zLabel : "—",
           fa_date(r, aT[i].zCreated), fa_date(r, aT[i].zLastUsed), aT[i].iId, zCsrf);
    }
    html(r, "</tbody></table></div>");
  }
  html_end(r);
  free(aU);
  free(aT);
  free(aL);
}

/* PAGE: GET /admin/users   ROLE: hq_admin */
void page_users(Req *r){
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  usersPage(r, 0, 0, 0, 0);
}

/* PAGE: POST /admin/users   ROLE: hq_admin (username, role, scope, password) */
void page_users_add(Req *r){
  const char *zUser, *zRole, *zScope, *zPw;
  char *zErr = 0;
  long long rc;
  Role e;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  zUser = req_param(r, "username");
  zRole = req_param(r, "role");
  zScope = req_param(r, "scope");
  zPw = req_form(r, "password");
  e = role_from_code(zRole);
  if( e==ROLE_COUNT ){
    rc = USER_EBADROLE;
  }else{
    req_actor(r, &a);
    rc = user_create(r->db, &a, zUser, e, zScope, zPw, &zErr);
    free(zErr);
  }
  if( rc<0 ){
    r->status = 422;
    usersPage(r, user_error_fa((int)rc), zUser, zRole, zScope);
    return;
  }
  req_redirect(r, "/admin/users?ok=added");
}

/* PAGE: POST /admin/users/{username}/password   ROLE: hq_admin (password) */
void page_users_password(Req *r){
  char *zErr = 0;
  int rc;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  req_actor(r, &a);
  rc = user_set_password(r->db, &a, r->azArg[0], req_form(r, "password"), &zErr);
  free(zErr);
  if( rc==USER_ENOTFOUND ){ req_not_found(r); return; }
  if( rc ){
    r->status = 422;
    usersPage(r, user_error_fa(rc), 0, 0, 0);
    return;
  }
  req_redirect(r, "/admin/users?ok=passwd");
}

/* Disable or enable r->azArg[0]. */
static void setDisabled(Req *r, int bDisabled){
  char *zErr = 0;
  int rc;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( bDisabled ){
    User u;
    if( user_load(r->db, r->azArg[0], &u)==0 && u.iId==r->pWho->iUser ){
      req_error(r, 409, "نمی‌توانید حساب خودتان را غیرفعال کنید.");
      return;
    }
  }
  req_actor(r, &a);
  rc = user_set_disabled(r->db, &a, r->azArg[0], bDisabled, &zErr);
  free(zErr);
  if( rc==USER_ENOTFOUND ){ req_not_found(r); return; }
  if( rc ){ req_error(r, 500, user_error_fa(rc)); return; }
  req_redirect(r, bDisabled ? "/admin/users?ok=disabled" : "/admin/users?ok=enabled");
}

/* PAGE: POST /admin/users/{username}/disable   ROLE: hq_admin */
void page_users_disable(Req *r){ setDisabled(r, 1); }

/* PAGE: POST /admin/users/{username}/enable   ROLE: hq_admin */
void page_users_enable(Req *r){ setDisabled(r, 0); }

/* PAGE: POST /admin/users/{username}/token   ROLE: hq_admin (label) */
void page_users_token(Req *r){
  char zTok[LOGIN_TOKEN_SIZE];
  char *zErr = 0;
  long long iId;
  User u;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( user_load(r->db, r->azArg[0], &u) ){ req_not_found(r); return; }
  req_actor(r, &a);
  iId = login_token_create(r->db, &a, u.zUsername, req_param(r, "label"), zTok, &zErr);
  free(zErr);
  if( iId<0 ){
    req_error(r, 422, "ساخت توکن ممکن نشد: حساب غیرفعال است یا برچسب بیش از ۶۰ نویسه است.");
    return;
  }
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "توکن API");
  html(r, "<h1>توکن API تازه</h1><div class=\"card\">"
          "<p class=\"flash ok\" role=\"status\">توکن شمارهٔ %s برای <bdi>%s</bdi> ساخته شد.</p>"
          "<p>این توکن فقط همین یک بار نشان داده می‌شود؛ آن را اکنون در جای امنی نگه دارید. "
          "برنامه‌ها آن را در سرآیند <code dir=\"ltr\">Authorization: Bearer …</code> می‌فرستند.</p>"
          "<p><code dir=\"ltr\" id=\"token\">%s</code></p>"
          "<p><a href=\"/admin/users\">بازگشت به کاربران</a></p></div>",
       fa_int(r, iId), u.zUsername, zTok);
  html_end(r);
}

/* PAGE: POST /admin/tokens/{id}/revoke   ROLE: hq_admin */
void page_tokens_revoke(Req *r){
  long long iId;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( text_parse_int(r->azArg[0], &iId) || iId<=0 ){ req_not_found(r); return; }
  req_actor(r, &a);
  if( login_token_revoke(r->db, &a, iId) ){ req_not_found(r); return; }
  req_redirect(r, "/admin/users?ok=revoked");
}

/* PAGE: POST /admin/unlock   ROLE: hq_admin (kind = user | addr, key) */
void page_unlock(Req *r){
  const char *zKind = req_form(r, "kind");
  const char *zKey = req_form(r, "key");
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( zKind==0 || zKey==0 || (strcmp(zKind, "user")!=0 && strcmp(zKind, "addr")!=0) ){
    req_error(r, 422, "نوع قفل (user یا addr) و کلید آن لازم است.");
    return;
  }
  req_actor(r, &a);
  login_unlock(r->db, &a, zKind, zKey);
  req_redirect(r, "/admin/users?ok=unlocked");
}
