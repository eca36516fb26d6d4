/*
** page_allocate.c — services by rank, as people see it: an office's
** preferences and granted services with the reason for each, its
** facilities (set by HQ), and HQ's allocation page (run, national picture,
** versions and diff). docs/allocation.md.
*/
#include <stdlib.h>
#include <string.h>

#include "domain/agency.h"
#include "domain/office.h"
#include "domain/period.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* Write a rank badge, or "unranked". (Markup: written here, never passed
** through a %s, which would escape it.) */
static void rankBadge(Req *r, int bNull, int rank){
  if( bNull || rank<1 || rank>3 ) html(r, "<span class=\"badge unranked\">بدون رتبه</span>");
  else html(r, "<span class=\"badge rank%d\">رتبهٔ %s</span>", rank, fa_int(r, rank));
}

/* The Persian reason of a grant. */
static const char *grantReason(Req *r, const char *zKind, int iPref, int cap, int nAvail,
                               const char *zCity){
  if( strcmp(zKind, "preference")==0 ){
    return req_printf(r, "اولویت %s شما، در سقف %s خدمت از %s خدمت قابل ارائه در محل",
                      fa_int(r, iPref), fa_int(r, cap), fa_int(r, nAvail));
  }
  return req_printf(r, "پوشش: در %s دفتر دیگری این خدمت را ارائه نمی‌داد و این دفتر بهترین رتبه را با ظرفیت خالی داشت",
                    zCity);
}

/* Persian label of an allocation_office status. */
static const char *statusLabel(const char *z){
  if( strcmp(z, "ranked")==0 ) return "رتبه‌بندی‌شده";
  if( strcmp(z, "did_not_participate")==0 ) return "شرکت‌نکرده (رتبهٔ ۳ تا دورهٔ بعد)";
  if( strcmp(z, "revoked")==0 ) return "پروانه لغو شده";
  if( strcmp(z, "suspended")==0 ) return "پروانه تعلیق شده";
  if( strcmp(z, "no_result")==0 ) return "بدون نتیجه در این دوره";
  return z;
}

static char *serviceName(Req *r, const char *zCode){
  char *z = db_text(r->db, "SELECT name_fa FROM service WHERE code=?1", zCode);
  char *zOut = req_strdup(r, z ? z : zCode);
  free(z);
  return zOut;
}

/* ---- an office's services ---------------------------------------------- */

/* The office's grants in the newest allocation that includes it. */
static void officeGrants(Req *r, const char *zOffice){
  Allocation al;
  sqlite3_stmt *p;
  int n = 0;
  if( allocation_latest(r->db, &al) ){
    html(r, "<p class=\"muted\">هنوز خدمتی میان دفاتر توزیع نشده است.</p>");
    return;
  }
  p = db_prepare(r->db, "SELECT rank IS NULL, rank, status, available, cap, granted, city"
                        " FROM allocation_office WHERE allocation_id=?1 AND office_code=?2");
  sqlite3_bind_int64(p, 1, al.id);
  sqlite3_bind_text(p, 2, zOffice, -1, SQLITE_STATIC);
  if( sqlite3_step(p)!=SQLITE_ROW ){
    db_finalize(p);
    html(r, "<p class=\"muted\">این دفتر در آخرین توزیع نبوده است.</p>");
    return;
  }
  html(r, "<p class=\"muted\">توزیع دورهٔ <span dir=\"ltr\">%s</span>، نسخهٔ %s، %s</p>"
          "<div class=\"card\"><dl class=\"facts\"><dt>رتبه</dt><dd>",
       al.zPeriod, fa_int(r, al.version), fa_date(r, al.zCreatedAt));
  rankBadge(r, sqlite3_column_int(p, 0), sqlite3_column_int(p, 1));
  html(r, "</dd><dt>وضعیت در دوره</dt><dd>%s</dd>"
          "<dt>خدمات قابل ارائه در محل</dt><dd>%s</dd><dt>سقف این رتبه</dt><dd>%s</dd>"
          "<dt>خدمات واگذارشده</dt><dd>%s</dd></dl></div>",
       statusLabel(db_col_text(p, 2)), fa_int(r, sqlite3_column_int(p, 3)),
       fa_int(r, sqlite3_column_int(p, 4)), fa_int(r, sqlite3_column_int(p, 5)));
  {
    int cap = sqlite3_column_int(p, 4), nAvail = sqlite3_column_int(p, 3);
    const char *zCity = req_strdup(r, db_col_text(p, 6));
    db_finalize(p);
    p = db_prepare(r->db, "SELECT g.service_code, coalesce(s.name_fa, g.service_code), g.kind, g.pref"
                          " FROM allocation_grant g LEFT JOIN service s ON s.code=g.service_code"
                          " WHERE g.allocation_id=?1 AND g.office_code=?2 ORDER BY g.seq");
    sqlite3_bind_int64(p, 1, al.id);
    sqlite3_bind_text(p, 2, zOffice, -1, SQLITE_STATIC);
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"خدمات واگذارشده\">"
            "<table class=\"list\"><thead><tr><th scope=\"col\">خدمت</th><th scope=\"col\">علت واگذاری</th>"
            "</tr></thead><tbody>");
    while( sqlite3_step(p)==SQLITE_ROW ){
      n++;
      html(r, "<tr><td>%s <span class=\"muted\" dir=\"ltr\">%s</span></td><td>%s</td></tr>",
           db_col_text(p, 1), db_col_text(p, 0),
           grantReason(r, db_col_text(p, 2), sqlite3_column_int(p, 3), cap, nAvail, zCity));
    }
    db_finalize(p);
    if( n==0 ) html(r, "<tr><td colspan=\"2\">خدمتی به این دفتر واگذار نشده است.</td></tr>");
    html(r, "</tbody></table></div>");
  }
  p = db_prepare(r->db, "SELECT k.pref, coalesce(s.name_fa, k.service_code), k.why FROM allocation_skip k"
                        " LEFT JOIN service s ON s.code=k.service_code"
                        " WHERE k.allocation_id=?1 AND k.office_code=?2 ORDER BY k.pref");
  sqlite3_bind_int64(p, 1, al.id);
  sqlite3_bind_text(p, 2, zOffice, -1, SQLITE_STATIC);
  n = 0;
  while( sqlite3_step(p)==SQLITE_ROW ){
    if( n++==0 ){
      html(r, "<h3>اولویت‌هایی که واگذار نشد</h3><div class=\"table-wrap\" tabindex=\"0\" role=\"region\""
              " aria-label=\"اولویت‌های واگذارنشده\"><table class=\"list\"><thead><tr>"
              "<th scope=\"col\" class=\"num\">اولویت</th><th scope=\"col\">خدمت</th><th scope=\"col\">علت</th>"
              "</tr></thead><tbody>");
    }
    html(r, "<tr><td class=\"num\">%s</td><td>%s</td><td>%s</td></tr>",
         fa_int(r, sqlite3_column_int(p, 0)), db_col_text(p, 1), alloc_why_label(db_col_text(p, 2)));
  }
  db_finalize(p);
  if( n ) html(r, "</tbody></table></div>");
}

static void officeServicesPage(Req *r, const Object *pObj, const char *zErr){
  const char *zCode = pObj->zOffice;
  Office o;
  char **azPref, **azAvail;
  int nPref, nAvail, i, j, nOther = 0;
  int bEdit = access_allow(r->pWho, ACT_DECLARE, pObj);
  int bAdmin = access_allow(r->pWho, ACT_ADMIN, pObj);
  const char *zOk = req_query(r, "ok");
  if( office_load(r->db, zCode, &o) ){ req_error(r, 404, "دفتری با این کد ثبت نشده است."); return; }
  nPref = pref_list(r->db, zCode, &azPref);
  nAvail = office_available_services(r->db, zCode, &azAvail);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "خدمات دفتر");
  html(r, "<h1>خدمات %s</h1><p class=\"muted\"><span dir=\"ltr\">%s</span> — %s، %s</p>",
       o.zName, o.zCode, office_type_label(o.zType), o.zCity);
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk && strcmp(zOk, "saved")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">فهرست اولویت‌ها ذخیره شد.</p>");
  else if( zOk && strcmp(zOk, "facility")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">امکانات دفتر ذخیره شد.</p>");

  html(r, "<h2>خدمات واگذارشده بر پایهٔ رتبه</h2>");
  officeGrants(r, zCode);

  html(r, "<h2>اولویت‌های دفتر</h2><p>خدمات به ترتیب همین فهرست و تا سقف رتبهٔ دفتر واگذار می‌شوند "
          "(رتبهٔ ۱ همهٔ خدمات محل، رتبهٔ ۲ تا ۷۰٪ و رتبهٔ ۳ تا ۳۰٪).</p>");
  if( bEdit ){
    html(r, "<form method=\"post\" action=\"/offices/%s/services\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", url_q(r, zCode), r->pWho->zCsrf);
  }
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"اولویت‌ها\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\" class=\"num\">اولویت</th>"
          "<th scope=\"col\">خدمت</th>");
  if( bEdit ) html(r, "<th scope=\"col\">جابه‌جایی</th>");
  html(r, "</tr></thead><tbody>");
  for(i=0; i<nPref; i++){
    html(r, "<tr><td class=\"num\">%s</td><td>%s <span class=\"muted\" dir=\"ltr\">%s</span></td>",
         fa_int(r, i+1), serviceName(r, azPref[i]), azPref[i]);
    if( bEdit ){
      html(r, "<td>");
      if( i>0 ) html(r, "<button name=\"act\" value=\"up:%s\" aria-label=\"بالا بردن %s\">▲ بالا</button> ",
                     azPref[i], azPref[i]);
      if( i+1<nPref ) html(r, "<button name=\"act\" value=\"down:%s\" aria-label=\"پایین بردن %s\">▼ پایین</button> ",
                           azPref[i], azPref[i]);
      html(r, "<button name=\"act\" value=\"remove:%s\" aria-label=\"حذف %s\">حذف</button></td>",
           azPref[i], azPref[i]);
    }
    html(r, "</tr>");
  }
  if( nPref==0 ) html(r, "<tr><td colspan=\"3\">هنوز خدمتی انتخاب نشده است.</td></tr>");
  html(r, "</tbody></table></div>");

  html(r, "<h2>خدمات قابل ارائه در محل این دفتر</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"خدمات قابل ارائه\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">خدمت</th><th scope=\"col\">دستگاه</th>");
  if( bEdit ) html(r, "<th scope=\"col\">افزودن</th>");
  html(r, "</tr></thead><tbody>");
  for(i=0; i<nAvail; i++){
    char *zAg;
    for(j=0; j<nPref && strcmp(azPref[j], azAvail[i])!=0; j++){}
    if( j<nPref ) continue;
    nOther++;
    zAg = db_text(r->db, "SELECT a.name_fa FROM service s JOIN agency a ON a.code=s.agency_code"
                         " WHERE s.code=?1", azAvail[i]);
    html(r, "<tr><td>%s <span class=\"muted\" dir=\"ltr\">%s</span></td><td>%s</td>",
         serviceName(r, azAvail[i]), azAvail[i], zAg ? zAg : "");
    free(zAg);
    if( bEdit ) html(r, "<td><button name=\"act\" value=\"add:%s\" aria-label=\"افزودن %s\">+ افزودن</button></td>",
                     azAvail[i], azAvail[i]);
    html(r, "</tr>");
  }
  if( nOther==0 ) html(r, "<tr><td colspan=\"3\">خدمت دیگری در محل این دفتر نیست.</td></tr>");
  html(r, "</tbody></table></div>");
  if( bEdit ) html(r, "</form>");

  html(r, "<h2>امکانات دفتر</h2><p>%s: %s</p>", facility_label("civil_booth"),
       facility_has(r->db, zCode, "civil_booth") ? "دارد" : "ندارد");
  if( bAdmin ){
    int bHas = facility_has(r->db, zCode, "civil_booth");
    html(r, "<form method=\"post\" action=\"/offices/%s/facilities\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<input type=\"hidden\" name=\"facility\" value=\"civil_booth\">"
            "<input type=\"hidden\" name=\"on\" value=\"%d\">"
            "<button class=\"btn\">%s</button></form>",
         url_q(r, zCode), r->pWho->zCsrf, !bHas, bHas ? "برداشتن باجهٔ ثبت احوال" : "ثبت باجهٔ ثبت احوال");
  }
  pref_free(azPref, nPref);
  pref_free(azAvail, nAvail);
  office_clear(&o);
  html_end(r);
}

/* PAGE: GET /offices/{code}/services   ROLE: office (its own), its region, HQ */
void page_office_services(Req *r){
  Object obj;
  access_object_office(r->db, r->azArg[0], &obj);
  if( req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){
    if( obj.zOffice==0 ) req_error(r, 404, "دفتری با این کد ثبت نشده است.");
    else officeServicesPage(r, &obj, 0);
  }
  access_object_clear(&obj);
}

/* PAGE: POST /offices/{code}/services   ROLE: office (its own)
** (act = "add:SVC" | "remove:SVC" | "up:SVC" | "down:SVC") */
void page_office_services_save(Req *r){
  Object obj;
  const char *zAct, *zSvc = 0, **az;
  char **azOld, *zErr = 0, *zFa = 0;
  int n, nOld, i, k = -1, ok = 1, rc;
  Actor a;
  access_object_office(r->db, r->azArg[0], &obj);
  if( !req_allow(r, ACT_DECLARE, &obj) ){ access_object_clear(&obj); return; }
  if( obj.zOffice==0 ){ req_error(r, 404, "دفتری با این کد ثبت نشده است."); return; }
  zAct = req_param(r, "act");
  if( zAct && strchr(zAct, ':') ) zSvc = strchr(zAct, ':') + 1;
  /* The new order, as pointers into azOld and the request. */
  nOld = pref_list(r->db, obj.zOffice, &azOld);
  az = req_alloc(r, sizeof(char *)*(size_t)(nOld+1));
  for(n=0; n<nOld; n++){
    az[n] = azOld[n];
    if( zSvc && strcmp(azOld[n], zSvc)==0 ) k = n;
  }
  if( zSvc==0 ){
    ok = 0;
  }else if( strncmp(zAct, "add:", 4)==0 ){
    if( k<0 ) az[n++] = zSvc;
  }else if( k<0 ){
    ok = 0;
  }else if( strncmp(zAct, "remove:", 7)==0 ){
    for(i=k; i+1<n; i++) az[i] = az[i+1];
    n--;
  }else if( strncmp(zAct, "up:", 3)==0 && k>0 ){
    az[k] = az[k-1]; az[k-1] = azOld[k];
  }else if( strncmp(zAct, "down:", 5)==0 && k+1<n ){
    az[k] = az[k+1]; az[k+1] = azOld[k];
  }else if( strncmp(zAct, "up:", 3)!=0 && strncmp(zAct, "down:", 5)!=0 ){
    ok = 0;
  }
  if( !ok ){
    r->status = 422;
    officeServicesPage(r, &obj, "این تغییر شناخته نشد؛ صفحه را دوباره باز کنید.");
  }else{
    req_actor(r, &a);
    rc = pref_set(r->db, &a, obj.zOffice, az, n, &zErr, &zFa);
    if( rc ){
      r->status = 422;
      officeServicesPage(r, &obj, req_strdup(r, zFa));
    }else{
      req_redirect(r, req_printf(r, "/offices/%s/services?ok=saved", url_q(r, obj.zOffice)));
    }
  }
  pref_free(azOld, nOld);
  free(zErr);
  free(zFa);
  access_object_clear(&obj);
}

/* PAGE: POST /offices/{code}/facilities   ROLE: hq_admin (facility, on) */
void page_office_facilities(Req *r){
  Object obj;
  char *zErr = 0;
  Actor a;
  access_object_office(r->db, r->azArg[0], &obj);
  if( !req_allow(r, ACT_ADMIN, &obj) ){ access_object_clear(&obj); return; }
  req_actor(r, &a);
  if( obj.zOffice==0 ){
    req_error(r, 404, "دفتری با این کد ثبت نشده است.");
  }else if( facility_set(r->db, &a, obj.zOffice, req_param(r, "facility"),
                         req_param_int(r, "on", 1)!=0, &zErr) ){
    req_error(r, 422, "امکان نادرست است.");
  }else{
    req_redirect(r, req_printf(r, "/offices/%s/services?ok=facility", url_q(r, obj.zOffice)));
  }
  free(zErr);
  access_object_clear(&obj);
}

/* ---- HQ: run and national picture -------------------------------------- */

/* The national picture of allocation pA. */
static void nationalPicture(Req *r, const Allocation *pA){
  sqlite3_stmt *p;
  Allocation prev;
  html(r, "<div class=\"card\"><dl class=\"facts\"><dt>دوره</dt><dd dir=\"ltr\">%s</dd>"
          "<dt>نسخه</dt><dd>%s</dd><dt>زمان اجرا</dt><dd>%s</dd><dt>اجراکننده</dt><dd dir=\"ltr\">%s</dd>"
          "<dt>مجموعهٔ نتایج</dt><dd>%s</dd><dt>سقف رتبه‌ها</dt><dd>%s٪ / %s٪ / %s٪</dd>"
          "<dt>دفاتر</dt><dd>%s</dd><dt>واگذاری‌ها</dt><dd>%s</dd>"
          "<dt>خدمت-محل بی‌دفتر</dt><dd>%s</dd><dt>چکیدهٔ ورودی‌ها</dt><dd dir=\"ltr\" class=\"num\">%.16s…</dd></dl>"
          "<p><a href=\"/api/v1/periods/%s/allocation.csv?version=%d\">CSV دفاتر</a> · "
          "<a href=\"/api/v1/periods/%s/allocation?version=%d\">JSON</a> · "
          "<a href=\"/api/v1/periods/%s/coverage.csv?version=%d\">CSV پوشش</a></p></div>",
       pA->zPeriod, fa_int(r, pA->version), fa_date(r, pA->zCreatedAt), pA->zCreatedBy,
       fa_int(r, pA->iResultSet), fa_int(r, (long long)(pA->aCap[0]*100+0.5)),
       fa_int(r, (long long)(pA->aCap[1]*100+0.5)), fa_int(r, (long long)(pA->aCap[2]*100+0.5)),
       fa_int(r, pA->nOffice), fa_int(r, pA->nGrant), fa_int(r, pA->nGap), pA->zHash,
       url_q(r, pA->zPeriod), pA->version, url_q(r, pA->zPeriod), pA->version,
       url_q(r, pA->zPeriod), pA->version);

  /* By rank. */
  p = db_prepare(r->db,
    "SELECT rank IS NULL, rank, count(*), sum(available), sum(cap), sum(granted)"
    " FROM allocation_office WHERE allocation_id=?1 GROUP BY rank ORDER BY rank IS NULL, rank");
  sqlite3_bind_int64(p, 1, pA->id);
  html(r, "<h2>به تفکیک رتبه</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"به تفکیک رتبه\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">رتبه</th><th scope=\"col\" class=\"num\">دفاتر</th>"
          "<th scope=\"col\" class=\"num\">خدمات قابل ارائه</th><th scope=\"col\" class=\"num\">مجموع سقف‌ها</th>"
          "<th scope=\"col\" class=\"num\">واگذارشده</th></tr></thead><tbody>");
  while( sqlite3_step(p)==SQLITE_ROW ){
    html(r, "<tr><td>");
    rankBadge(r, sqlite3_column_int(p, 0), sqlite3_column_int(p, 1));
    html(r, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td></tr>",
         fa_int(r, sqlite3_column_int64(p, 2)), fa_int(r, sqlite3_column_int64(p, 3)),
         fa_int(r, sqlite3_column_int64(p, 4)), fa_int(r, sqlite3_column_int64(p, 5)));
  }
  db_finalize(p);
  html(r, "</tbody></table></div>");

  /* By province. */
  p = db_prepare(r->db,
    "SELECT pr.name_fa, count(*), sum(ao.rank IS NOT NULL), sum(ao.granted),"
    " (SELECT count(*) FROM allocation_gap g WHERE g.allocation_id=?1 AND g.province_code=pr.code)"
    " FROM allocation_office ao JOIN province pr ON pr.code=ao.province_code"
    " WHERE ao.allocation_id=?1 GROUP BY pr.code ORDER BY pr.name_fa COLLATE fa");
  sqlite3_bind_int64(p, 1, pA->id);
  html(r, "<h2>به تفکیک استان</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"به تفکیک استان\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">استان</th><th scope=\"col\" class=\"num\">دفاتر</th>"
          "<th scope=\"col\" class=\"num\">دارای رتبه</th><th scope=\"col\" class=\"num\">واگذاری‌ها</th>"
          "<th scope=\"col\" class=\"num\">خدمت-محل بی‌دفتر</th></tr></thead><tbody>");
  while( sqlite3_step(p)==SQLITE_ROW ){
    html(r, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td></tr>", db_col_text(p, 0),
         fa_int(r, sqlite3_column_int64(p, 1)), fa_int(r, sqlite3_column_int64(p, 2)),
         fa_int(r, sqlite3_column_int64(p, 3)), fa_int(r, sqlite3_column_int64(p, 4)));
  }
  db_finalize(p);
  html(r, "</tbody></table></div>");

  /* By service. */
  p = db_prepare(r->db,
    "SELECT s.code, s.name_fa, a.name_fa,"
    " (SELECT count(*) FROM allocation_grant g WHERE g.allocation_id=?1 AND g.service_code=s.code),"
    " (SELECT count(*) FROM allocation_gap g WHERE g.allocation_id=?1 AND g.service_code=s.code)"
    " FROM service s JOIN agency a ON a.code=s.agency_code WHERE s.active"
    " ORDER BY a.name_fa COLLATE fa, s.code");
  sqlite3_bind_int64(p, 1, pA->id);
  html(r, "<h2>به تفکیک خدمت</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"به تفکیک خدمت\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">خدمت</th><th scope=\"col\">دستگاه</th>"
          "<th scope=\"col\" class=\"num\">دفاتر ارائه‌دهنده</th><th scope=\"col\" class=\"num\">محل‌های بی‌دفتر</th>"
          "</tr></thead><tbody>");
  while( sqlite3_step(p)==SQLITE_ROW ){
    html(r, "<tr><td>%s <span class=\"muted\" dir=\"ltr\">%s</span></td><td>%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td></tr>", db_col_text(p, 1), db_col_text(p, 0), db_col_text(p, 2),
         fa_int(r, sqlite3_column_int64(p, 3)), fa_int(r, sqlite3_column_int64(p, 4)));
  }
  db_finalize(p);
  html(r, "</tbody></table></div>");

  /* Diff against the previous version. */
  if( pA->version>1 && allocation_find(r->db, pA->zPeriod, pA->version-1, &prev)==0 ){
    AllocChange *aC;
    int n = allocation_diff(r->db, prev.id, pA->id, &aC), i, nAdd = 0;
    for(i=0; i<n; i++) nAdd += aC[i].bAdded;
    html(r, "<h2>تغییر نسبت به نسخهٔ %s</h2><p>%s واگذاری افزوده و %s واگذاری برداشته شد.</p>",
         fa_int(r, prev.version), fa_int(r, nAdd), fa_int(r, n - nAdd));
    if( n ){
      html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"تغییرها\">"
              "<table class=\"list\"><thead><tr><th scope=\"col\">دفتر</th><th scope=\"col\">خدمت</th>"
              "<th scope=\"col\">تغییر</th></tr></thead><tbody>");
      for(i=0; i<n && i<500; i++){
        html(r, "<tr><td><a href=\"/offices/%s/services\" dir=\"ltr\">%s</a></td><td dir=\"ltr\">%s</td>"
                "<td>%s</td></tr>", url_q(r, aC[i].zOffice), aC[i].zOffice, aC[i].zService,
             aC[i].bAdded ? "افزوده" : "برداشته");
      }
      html(r, "</tbody></table></div>");
    }
    alloc_changes_free(aC, n);
  }
}

static void allocatePage(Req *r, const char *zErr){
  Period *aP;
  int nP = 0, i, v;
  const char *zPeriod = req_param(r, "period");
  long long iVersion = req_param_int(r, "version", 0);
  const char *zOk = req_query(r, "ok");
  Allocation al;
  int bAl = 0;
  period_list(r->db, &aP, &nP);
  if( zPeriod==0 ){
    if( allocation_latest(r->db, &al)==0 ){ zPeriod = req_strdup(r, al.zPeriod); }
    else if( nP ) zPeriod = req_strdup(r, aP[0].zCode);
  }
  if( zPeriod ) bAl = allocation_find(r->db, zPeriod, (int)iVersion, &al)==0;
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "توزیع خدمات");
  html(r, "<h1>توزیع خدمات دستگاه‌ها بر پایهٔ رتبه</h1>");
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk && strcmp(zOk, "new")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">نسخهٔ تازهٔ توزیع ذخیره شد.</p>");
  else if( zOk && strcmp(zOk, "same")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">ورودی‌ها تغییری نکرده‌اند؛ نسخهٔ پیشین برقرار است.</p>");
  html(r, "<form class=\"search\" method=\"get\" action=\"/admin/allocate\">"
          "<label for=\"al-period\">دوره</label><select id=\"al-period\" name=\"period\">");
  for(i=0; i<nP; i++){
    html(r, "<option value=\"%s\"%s>%s</option>", aP[i].zCode,
         zPeriod && strcmp(zPeriod, aP[i].zCode)==0 ? " selected" : "", fa_num(r, aP[i].zCode));
  }
  html(r, "</select><button class=\"btn\">نمایش</button></form>");
  free(aP);
  if( zPeriod && access_allow(r->pWho, ACT_ADMIN, 0) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/admin/allocate\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"period\" value=\"%s\">"
            "<p>توزیع بر پایهٔ آخرین نتایج منتشرشدهٔ دورهٔ <span dir=\"ltr\">%s</span>، فهرست خدمات و اولویت‌های "
            "کنونی دفاتر اجرا می‌شود. اگر ورودی‌ها تغییر کرده باشند نسخهٔ تازه‌ای ساخته می‌شود.</p>"
            "<button class=\"btn primary\">اجرای توزیع</button></form>",
         r->pWho->zCsrf, zPeriod, zPeriod);
  }
  if( bAl ){
    long long nMax = db_int(r->db, 0, "SELECT max(version) FROM allocation a JOIN period p ON p.id=a.period_id"
                                      " WHERE p.code=?1", zPeriod);
    html(r, "<p>نسخه‌ها: ");
    for(v=1; v<=nMax; v++){
      html(r, "%s<a href=\"/admin/allocate?period=%s&amp;version=%d\"%s>%s</a>", v>1 ? " · " : "",
           url_q(r, zPeriod), v, v==al.version ? " aria-current=\"page\"" : "", fa_int(r, v));
    }
    html(r, "</p>");
    nationalPicture(r, &al);
  }else if( zPeriod ){
    html(r, "<p class=\"muted\">برای این دوره هنوز توزیعی اجرا نشده است.</p>");
  }
  html_end(r);
}

/* PAGE: GET /admin/allocate?period=&version=   ROLE: hq_reviewer, hq_admin */
void page_admin_allocate(Req *r){
  if( !req_allow(r, ACT_HQ_VIEW, 0) ) return;
  allocatePage(r, 0);
}

/* PAGE: POST /admin/allocate   ROLE: hq_admin (period) */
void page_admin_allocate_run(Req *r){
  const char *zPeriod;
  AllocOutcome o;
  char *zErr = 0;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  zPeriod = req_param(r, "period");
  req_actor(r, &a);
  if( allocation_run(r->db, &a, zPeriod, 0, &o, &zErr) ){
    r->status = 422;
    allocatePage(r, req_printf(r, "توزیع اجرا نشد: %s", zErr));
    free(zErr);
    return;
  }
  req_redirect(r, req_printf(r, "/admin/allocate?period=%s&ok=%s", url_q(r, zPeriod), o.bNew ? "new" : "same"));
}
