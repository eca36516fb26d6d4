/*
** page_agency.c — agencies and their services: HQ's list of agencies, an
** agency's services with their coverage, and one service's edit form with
** where it is offered and where no office offers it (docs/allocation.md).
**
** Every change is a POST that redirects back with ?ok=saved, or shows the
** page again with the refusal and the typed values (status 422).
*/
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/agency.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* Coverage figures of the newest allocation, or none. */
static int latestAllocation(Req *r, Allocation *pA){
  return allocation_latest(r->db, pA)==0;
}

/* The guard for an agency's pages: ACT_AGENCY on agency zCode. */
static int allowAgency(Req *r, const char *zCode){
  Object o;
  memset(&o, 0, sizeof o);
  o.zAgency = zCode;
  return req_allow(r, ACT_AGENCY, &o);
}

/* PAGE: GET /agency   ROLE: agency (its own), hq_admin (the list) */
void page_agency_home(Req *r){
  if( !req_allow(r, ACT_AGENCY, 0) ) return;
  if( r->pWho->zScope[0] ){
    req_redirect(r, req_printf(r, "/agencies/%s", url_q(r, r->pWho->zScope)));
  }else{
    req_redirect(r, "/agencies");
  }
}

/* The list of agencies, and (HQ admin) the form to add one. */
static void agenciesPage(Req *r, const char *zErr, const char *zCode, const char *zName){
  Agency *aA;
  int n = agency_list(r->db, &aA), i;
  const char *zOk = req_query(r, "ok");
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "دستگاه‌های اجرایی");
  html(r, "<h1>دستگاه‌های اجرایی و خدمات آن‌ها</h1>");
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk && strcmp(zOk, "saved")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">دستگاه ذخیره شد.</p>");
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"دستگاه‌ها\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">کد</th><th scope=\"col\">نام</th>"
          "<th scope=\"col\" class=\"num\">خدمات فعال</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    html(r, "<tr><td><span class=\"num\" dir=\"ltr\">%s</span></td><td><a href=\"/agencies/%s\">%s</a></td>"
            "<td class=\"num\">%s</td></tr>",
         aA[i].zCode, url_q(r, aA[i].zCode), aA[i].zName, fa_int(r, aA[i].nService));
  }
  if( n==0 ) html(r, "<tr><td colspan=\"3\">هنوز دستگاهی ثبت نشده است.</td></tr>");
  html(r, "</tbody></table></div>");
  agency_list_free(aA, n);
  if( access_allow(r->pWho, ACT_ADMIN, 0) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/agencies\"><h2>افزودن یا تغییر نام دستگاه</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<p><label for=\"ag-code\">کد (لاتین، مانند post)</label>"
            "<input id=\"ag-code\" name=\"code\" dir=\"ltr\" required value=\"%s\"></p>"
            "<p><label for=\"ag-name\">نام فارسی</label>"
            "<input id=\"ag-name\" name=\"name\" required value=\"%s\"></p>"
            "<button class=\"btn primary\">ذخیره</button></form>",
         r->pWho->zCsrf, zCode ? zCode : "", zName ? zName : "");
  }
  html_end(r);
}

/* PAGE: GET /agencies   ROLE: hq_reviewer, hq_admin */
void page_agencies(Req *r){
  if( !req_allow(r, ACT_HQ_VIEW, 0) ) return;
  agenciesPage(r, 0, 0, 0);
}

/* PAGE: POST /agencies   ROLE: hq_admin (code, name) */
void page_agencies_save(Req *r){
  char *zErr = 0, *zFa = 0;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  req_actor(r, &a);
  if( agency_save(r->db, &a, req_param(r, "code"), req_param(r, "name"), &zErr, &zFa)<0 ){
    r->status = 422;
    agenciesPage(r, req_strdup(r, zFa), req_param(r, "code"), req_param(r, "name"));
  }else{
    req_redirect(r, "/agencies?ok=saved");
  }
  free(zErr);
  free(zFa);
}

/* The fields of the service form, filled from pS (NULL: empty). */
static void serviceForm(Req *r, const char *zAction, const Service *pS, int bNew){
  static const char *const azChannel[] = { "both", "urban", "rural_ict" };
  static const char *const azArea[] = { "all", "provinces", "localities" };
  size_t i;
  int k;
  html(r, "<form class=\"card\" method=\"post\" action=\"%s\"><h2>%s</h2>"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
       zAction, bNew ? "خدمت تازه" : "ویرایش خدمت", r->pWho->zCsrf);
  if( bNew ){
    html(r, "<p><label for=\"sv-code\">کد خدمت (لاتین، مانند post.parcel)</label>"
            "<input id=\"sv-code\" name=\"code\" dir=\"ltr\" required value=\"%s\"></p>",
         pS && pS->zCode ? pS->zCode : "");
  }
  html(r, "<p><label for=\"sv-name\">نام فارسی خدمت</label>"
          "<input id=\"sv-name\" name=\"name\" required value=\"%s\"></p>"
          "<p><label for=\"sv-channel\">کانال ارائه</label><select id=\"sv-channel\" name=\"channel\">",
       pS && pS->zName ? pS->zName : "");
  for(i=0; i<sizeof(azChannel)/sizeof(azChannel[0]); i++){
    html(r, "<option value=\"%s\"%s>%s</option>", azChannel[i],
         pS && pS->zChannel && strcmp(pS->zChannel, azChannel[i])==0 ? " selected" : "",
         service_channel_label(azChannel[i]));
  }
  html(r, "</select></p><p><label for=\"sv-min\">کمینهٔ رتبهٔ دفتر</label><select id=\"sv-min\" name=\"min_rank\">"
          "<option value=\"\">بدون شرط</option>");
  for(k=1; k<=3; k++){
    html(r, "<option value=\"%d\"%s>رتبهٔ %s یا بهتر</option>", k,
         pS && pS->minRank==k ? " selected" : "", fa_int(r, k));
  }
  html(r, "</select></p><p><label for=\"sv-fac\">امکان لازم در دفتر</label><select id=\"sv-fac\" name=\"facility\">"
          "<option value=\"\">هیچ</option>");
  for(k=0; azFacility[k]; k++){
    html(r, "<option value=\"%s\"%s>%s</option>", azFacility[k],
         pS && pS->zFacility && strcmp(pS->zFacility, azFacility[k])==0 ? " selected" : "",
         facility_label(azFacility[k]));
  }
  html(r, "</select></p><fieldset><legend>گسترهٔ ارائه</legend>");
  for(i=0; i<sizeof(azArea)/sizeof(azArea[0]); i++){
    int bSel = pS && pS->zArea ? strcmp(pS->zArea, azArea[i])==0 : i==0;
    html(r, "<p><input type=\"radio\" id=\"sv-area-%s\" name=\"area\" value=\"%s\"%s> "
            "<label for=\"sv-area-%s\">%s</label></p>",
         azArea[i], azArea[i], bSel ? " checked" : "", azArea[i], service_area_label(azArea[i]));
  }
  html(r, "<p><label for=\"sv-areas\">استان‌ها (کد یا نام، جدا با ویرگول) یا محل‌ها به شکل استان/شهر</label>"
          "<textarea id=\"sv-areas\" name=\"areas\" rows=\"3\">%s</textarea></p></fieldset>"
          "<p><input type=\"checkbox\" id=\"sv-active\" name=\"active\" value=\"1\"%s> "
          "<label for=\"sv-active\">فعال</label></p>"
          "<button class=\"btn primary\">ذخیره</button></form>",
       pS && pS->zAreas ? pS->zAreas : "", !pS || pS->bActive ? " checked" : "");
}

/* Fill a ServiceIn from the form; zCode from the path when given. */
static void serviceFromForm(Req *r, const char *zAgency, const char *zCode, ServiceIn *pIn){
  const char *zMin = req_param(r, "min_rank");
  memset(pIn, 0, sizeof *pIn);
  pIn->zCode = zCode ? zCode : req_param(r, "code");
  pIn->zAgency = zAgency;
  pIn->zName = req_param(r, "name");
  pIn->zChannel = req_param(r, "channel");
  pIn->minRank = zMin && zMin[0] ? (zMin[0]>='1' && zMin[0]<='3' && zMin[1]==0 ? zMin[0]-'0' : -1) : 0;
  pIn->zFacility = req_param(r, "facility");
  pIn->zArea = req_param(r, "area");
  pIn->zAreas = req_param(r, "areas");
  pIn->bActive = req_param(r, "active")!=0;
}

/* The same values as a Service for showing the form again (strings point
** into the request). */
static void serviceEcho(const ServiceIn *pIn, Service *pS){
  memset(pS, 0, sizeof *pS);
  pS->zCode = (char *)pIn->zCode;
  pS->zName = (char *)pIn->zName;
  pS->zChannel = (char *)pIn->zChannel;
  pS->minRank = pIn->minRank>0 ? pIn->minRank : 0;
  pS->zFacility = (char *)pIn->zFacility;
  pS->zArea = (char *)pIn->zArea;
  pS->zAreas = (char *)pIn->zAreas;
  pS->bActive = pIn->bActive;
}

/* An agency's page: its services with national coverage, the add form. */
static void agencyPage(Req *r, const char *zCode, const char *zErr, const Service *pEcho){
  char *zName = agency_name(r->db, zCode);
  Service *aS;
  Allocation al;
  int n, i, bAl;
  const char *zOk = req_query(r, "ok");
  if( zName==0 ){ req_error(r, 404, "دستگاهی با این کد ثبت نشده است."); return; }
  bAl = latestAllocation(r, &al);
  n = service_list(r->db, zCode, &aS);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, zName);
  html(r, "<h1>%s</h1><p class=\"muted\">کد دستگاه: <span dir=\"ltr\">%s</span></p>", zName, zCode);
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk && strcmp(zOk, "saved")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">خدمت ذخیره شد.</p>");
  if( bAl ){
    html(r, "<p>پوشش بر پایهٔ آخرین توزیع: دورهٔ <span dir=\"ltr\">%s</span>، نسخهٔ %s (%s). "
            "<a href=\"/api/v1/periods/%s/coverage.csv?agency=%s\">CSV پوشش</a> · "
            "<a href=\"/api/v1/periods/%s/coverage?agency=%s\">JSON</a></p>",
         al.zPeriod, fa_int(r, al.version), fa_date(r, al.zCreatedAt),
         url_q(r, al.zPeriod), url_q(r, zCode), url_q(r, al.zPeriod), url_q(r, zCode));
  }else{
    html(r, "<p class=\"muted\">هنوز خدمتی میان دفاتر توزیع نشده است.</p>");
  }
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"خدمات دستگاه\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">کد</th><th scope=\"col\">خدمت</th>"
          "<th scope=\"col\">کانال</th><th scope=\"col\">کمینهٔ رتبه</th><th scope=\"col\">امکان لازم</th>"
          "<th scope=\"col\">گستره</th><th scope=\"col\" class=\"num\">دفاتر ارائه‌دهنده</th>"
          "<th scope=\"col\" class=\"num\">محل‌های بی‌دفتر</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    long long nOff = 0, nGap = 0;
    if( bAl ){
      sqlite3_stmt *p = db_stmt(r->db,
        "SELECT (SELECT count(*) FROM allocation_grant WHERE allocation_id=?1 AND service_code=?2),"
        "       (SELECT count(*) FROM allocation_gap WHERE allocation_id=?1 AND service_code=?2)");
      sqlite3_bind_int64(p, 1, al.id);
      sqlite3_bind_text(p, 2, aS[i].zCode, -1, SQLITE_STATIC);
      if( sqlite3_step(p)==SQLITE_ROW ){ nOff = sqlite3_column_int64(p, 0); nGap = sqlite3_column_int64(p, 1); }
      db_release(p);
    }
    html(r, "<tr><td><span class=\"num\" dir=\"ltr\">%s</span></td>"
            "<td><a href=\"/agencies/%s/services/%s\">%s</a>%s</td><td>%s</td><td>%s</td><td>%s</td>"
            "<td>%s%s%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
         aS[i].zCode, url_q(r, zCode), url_q(r, aS[i].zCode), aS[i].zName,
         aS[i].bActive ? "" : " (غیرفعال)", service_channel_label(aS[i].zChannel),
         aS[i].minRank ? fa_int(r, aS[i].minRank) : "—",
         aS[i].zFacility[0] ? facility_label(aS[i].zFacility) : "—",
         service_area_label(aS[i].zArea), aS[i].zAreas[0] ? ": " : "", aS[i].zAreas,
         bAl ? fa_int(r, nOff) : "—", bAl ? fa_int(r, nGap) : "—");
  }
  if( n==0 ) html(r, "<tr><td colspan=\"8\">این دستگاه هنوز خدمتی تعریف نکرده است.</td></tr>");
  html(r, "</tbody></table></div>");
  service_list_free(aS, n);
  serviceForm(r, req_printf(r, "/agencies/%s/services", url_q(r, zCode)), pEcho, 1);
  html_end(r);
  free(zName);
}

/* PAGE: GET /agencies/{agency}   ROLE: agency (its own), hq_admin */
void page_agency(Req *r){
  if( !allowAgency(r, r->azArg[0]) ) return;
  agencyPage(r, r->azArg[0], 0, 0);
}

/* PAGE: POST /agencies/{agency}/services   ROLE: agency (its own), hq_admin */
void page_agency_service_add(Req *r){
  ServiceIn in;
  char *zErr = 0, *zFa = 0;
  char *zName;
  Actor a;
  if( !allowAgency(r, r->azArg[0]) ) return;
  zName = agency_name(r->db, r->azArg[0]);
  if( zName==0 ){ req_error(r, 404, "دستگاهی با این کد ثبت نشده است."); return; }
  free(zName);
  serviceFromForm(r, r->azArg[0], 0, &in);
  if( in.zCode && db_int(r->db, 0, "SELECT count(*) FROM service WHERE code=?1", in.zCode)>0 ){
    zFa = xstrdup("خدمتی با این کد از پیش هست؛ برای تغییر آن، خدمت را از فهرست باز کنید.");
  }else{
    req_actor(r, &a);
    if( service_save(r->db, &a, &in, &zErr, &zFa)>=0 ){
      req_redirect(r, req_printf(r, "/agencies/%s?ok=saved", url_q(r, r->azArg[0])));
      return;
    }
  }
  {
    Service echo;
    serviceEcho(&in, &echo);
    r->status = 422;
    agencyPage(r, r->azArg[0], req_strdup(r, zFa ? zFa : ""), &echo);
  }
  free(zErr);
  free(zFa);
}

/* One service: facts, coverage by province, uncovered localities, form. */
static void servicePage(Req *r, const char *zAgency, const char *zCode, const char *zErr,
                        const Service *pEcho){
  Service s;
  Allocation al;
  int bAl, nGap = 0;
  const char *zOk = req_query(r, "ok");
  if( service_load(r->db, zCode, &s) || strcmp(s.zAgency, zAgency)!=0 ){
    if( s.zCode ) service_clear(&s);
    req_error(r, 404, "این دستگاه خدمتی با این کد ندارد.");
    return;
  }
  bAl = latestAllocation(r, &al);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, s.zName);
  html(r, "<p><a href=\"/agencies/%s\">بازگشت به خدمات دستگاه</a></p><h1>%s</h1>"
          "<div class=\"card\"><dl class=\"facts\"><dt>کد</dt><dd dir=\"ltr\">%s</dd>"
          "<dt>کانال</dt><dd>%s</dd><dt>کمینهٔ رتبه</dt><dd>%s</dd><dt>امکان لازم</dt><dd>%s</dd>"
          "<dt>گستره</dt><dd>%s%s%s</dd><dt>وضعیت</dt><dd>%s</dd></dl></div>",
       url_q(r, zAgency), s.zName, s.zCode, service_channel_label(s.zChannel),
       s.minRank ? fa_int(r, s.minRank) : "بدون شرط",
       s.zFacility[0] ? facility_label(s.zFacility) : "هیچ",
       service_area_label(s.zArea), s.zAreas[0] ? ": " : "", s.zAreas,
       s.bActive ? "فعال" : "غیرفعال");
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk && strcmp(zOk, "saved")==0 ) html(r, "<p class=\"flash ok\" role=\"status\">خدمت ذخیره شد.</p>");
  if( bAl ){
    sqlite3_stmt *p = db_prepare(r->db,
      "SELECT pr.name_fa,"
      " (SELECT count(*) FROM allocation_grant g JOIN allocation_office ao"
      "    ON ao.allocation_id=g.allocation_id AND ao.office_code=g.office_code"
      "  WHERE g.allocation_id=?1 AND g.service_code=?2 AND ao.province_code=pr.code),"
      " (SELECT count(*) FROM allocation_gap WHERE allocation_id=?1 AND service_code=?2"
      "    AND province_code=pr.code)"
      " FROM province pr ORDER BY pr.name_fa COLLATE fa");
    html(r, "<h2>دفاتر ارائه‌دهنده به تفکیک استان</h2><p class=\"muted\">توزیع دورهٔ "
            "<span dir=\"ltr\">%s</span>، نسخهٔ %s</p>"
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"پوشش به تفکیک استان\">"
            "<table class=\"list\"><thead><tr><th scope=\"col\">استان</th>"
            "<th scope=\"col\" class=\"num\">دفاتر ارائه‌دهنده</th>"
            "<th scope=\"col\" class=\"num\">شهر و روستای بی‌دفتر</th></tr></thead><tbody>",
         al.zPeriod, fa_int(r, al.version));
    sqlite3_bind_int64(p, 1, al.id);
    sqlite3_bind_text(p, 2, zCode, -1, SQLITE_STATIC);
    while( sqlite3_step(p)==SQLITE_ROW ){
      if( sqlite3_column_int(p, 1)==0 && sqlite3_column_int(p, 2)==0 ) continue;
      html(r, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
           db_col_text(p, 0), fa_int(r, sqlite3_column_int(p, 1)), fa_int(r, sqlite3_column_int(p, 2)));
    }
    db_finalize(p);
    html(r, "</tbody></table></div>");
    p = db_prepare(r->db,
      "SELECT pr.name_fa, g.city, g.why FROM allocation_gap g JOIN province pr ON pr.code=g.province_code"
      " WHERE g.allocation_id=?1 AND g.service_code=?2 ORDER BY pr.name_fa COLLATE fa, g.city COLLATE fa"
      " LIMIT 500");
    sqlite3_bind_int64(p, 1, al.id);
    sqlite3_bind_text(p, 2, zCode, -1, SQLITE_STATIC);
    html(r, "<h2>شهرها و روستاهایی که هیچ دفتری این خدمت را ارائه نمی‌دهد</h2>"
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"محل‌های بی‌دفتر\">"
            "<table class=\"list\"><thead><tr><th scope=\"col\">استان</th><th scope=\"col\">شهر یا روستا</th>"
            "<th scope=\"col\">علت</th></tr></thead><tbody>");
    while( sqlite3_step(p)==SQLITE_ROW ){
      nGap++;
      html(r, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", db_col_text(p, 0), db_col_text(p, 1),
           alloc_gap_label(db_col_text(p, 2)));
    }
    db_finalize(p);
    if( nGap==0 ) html(r, "<tr><td colspan=\"3\">همه جا پوشش داده شده است.</td></tr>");
    html(r, "</tbody></table></div>");
  }
  serviceForm(r, req_printf(r, "/agencies/%s/services/%s", url_q(r, zAgency), url_q(r, zCode)),
              pEcho ? pEcho : &s, 0);
  html_end(r);
  service_clear(&s);
}

/* PAGE: GET /agencies/{agency}/services/{service}   ROLE: agency (its own), hq_admin */
void page_agency_service(Req *r){
  if( !allowAgency(r, r->azArg[0]) ) return;
  servicePage(r, r->azArg[0], r->azArg[1], 0, 0);
}

/* PAGE: POST /agencies/{agency}/services/{service}   ROLE: agency (its own), hq_admin */
void page_agency_service_save(Req *r){
  ServiceIn in;
  Service echo;
  char *zErr = 0, *zFa = 0, *zOwner;
  Actor a;
  if( !allowAgency(r, r->azArg[0]) ) return;
  zOwner = db_text(r->db, "SELECT agency_code FROM service WHERE code=?1", r->azArg[1]);
  if( zOwner==0 || strcmp(zOwner, r->azArg[0])!=0 ){
    free(zOwner);
    req_error(r, 404, "این دستگاه خدمتی با این کد ندارد.");
    return;
  }
  free(zOwner);
  serviceFromForm(r, r->azArg[0], r->azArg[1], &in);
  req_actor(r, &a);
  if( service_save(r->db, &a, &in, &zErr, &zFa)>=0 ){
    req_redirect(r, req_printf(r, "/agencies/%s/services/%s?ok=saved",
                               url_q(r, r->azArg[0]), url_q(r, r->azArg[1])));
  }else{
    serviceEcho(&in, &echo);
    r->status = 422;
    servicePage(r, r->azArg[0], r->azArg[1], req_strdup(r, zFa), &echo);
  }
  free(zErr);
  free(zFa);
}
