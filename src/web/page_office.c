/*
** page_office.c — the public pages: home, office search, office card.
*/
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/office.h"
#include "store/db.h"
#include "web/html.h"
#include "web/pages.h"

#define PER_PAGE 20

/* PAGE: /   ROLE: public */
void page_home(Req *r){
  long long nUrban = db_int(r->db, 0, "SELECT count(*) FROM office WHERE type='urban'", 0);
  long long nRural = db_int(r->db, 0, "SELECT count(*) FROM office WHERE type='rural_ict'", 0);
  html_begin(r, "خانه");
  html(r, "<h1>سامانهٔ ارزیابی و رتبه‌بندی دفاتر پیشخوان</h1>"
          "<p>رتبهٔ هر دفتر پیشخوان خدمات دولت و دفتر ICT روستایی را ببینید؛ "
          "خدمات دستگاه‌ها بر پایهٔ همین رتبه میان دفاتر توزیع می‌شود.</p>"
          "<form class=\"search\" method=\"get\" action=\"/offices\" role=\"search\">"
          "<label for=\"q\">جست‌وجوی دفتر</label>"
          "<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"کد، نام یا شهر دفتر\">"
          "<button class=\"btn primary\">جست‌وجو</button></form>"
          "<section class=\"stats\">"
          "<div class=\"stat\"><b>%s</b><span>دفتر پیشخوان شهری</span></div>"
          "<div class=\"stat\"><b>%s</b><span>دفتر ICT روستایی</span></div>"
          "<div class=\"stat\"><b>%s</b><span>استان</span></div>"
          "</section>",
       fa_int(r, nUrban), fa_int(r, nRural),
       fa_int(r, db_int(r->db, 0, "SELECT count(*) FROM province", 0)));
  html_end(r);
}

/* Write the <option>s of the province filter, zSel selected. */
static void provinceOptions(Req *r, const char *zSel){
  sqlite3_stmt *p = db_prepare(r->db,
    "SELECT code,name_fa FROM province ORDER BY name_fa COLLATE fa");
  html(r, "<option value=\"\">همهٔ استان‌ها</option>");
  while( sqlite3_step(p)==SQLITE_ROW ){
    const char *zCode = db_col_text(p, 0);
    html(r, "<option value=\"%s\"%s>%s</option>", zCode,
         zSel && strcmp(zSel, zCode)==0 ? " selected" : "", db_col_text(p, 1));
  }
  db_finalize(p);
}

/* The query string of the current search with page iPage. */
static const char *searchUrl(Req *r, const char *zQ, const char *zProv,
                             const char *zType, int iPage){
  return req_printf(r, "/offices?q=%s&province=%s&type=%s&page=%d",
                    url_q(r, zQ ? zQ : ""), url_q(r, zProv ? zProv : ""),
                    url_q(r, zType ? zType : ""), iPage);
}

/* PAGE: /offices?q=&province=&type=&page=   ROLE: public */
void page_offices(Req *r){
  const char *zQ = req_param(r, "q");
  const char *zProv = req_param(r, "province");
  const char *zType = req_param(r, "type");
  long long iPage = req_param_int(r, "page", 1);
  OfficeQuery q;
  OfficeHit *a;
  int n, nTotal, i, nPage;
  if( iPage<1 ) iPage = 1;
  if( iPage>100000 ) iPage = 100000;
  if( zType && strcmp(zType, "urban")!=0 && strcmp(zType, "rural_ict")!=0 ) zType = 0;
  memset(&q, 0, sizeof q);
  q.zQ = zQ; q.zProvince = zProv; q.zType = zType;
  q.iPage = (int)iPage; q.nPerPage = PER_PAGE;
  nTotal = office_search(r->db, &q, &a, &n);
  nPage = (nTotal + PER_PAGE - 1) / PER_PAGE;

  html_begin(r, "جست‌وجوی دفاتر");
  html(r, "<h1>جست‌وجوی دفاتر</h1>"
          "<form class=\"search\" method=\"get\" action=\"/offices\" role=\"search\">"
          "<label for=\"q\">کد، نام یا شهر</label>"
          "<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\">"
          "<label for=\"province\">استان</label><select id=\"province\" name=\"province\">",
       zQ ? zQ : "");
  provinceOptions(r, zProv);
  html(r, "</select><label for=\"type\">نوع دفتر</label><select id=\"type\" name=\"type\">"
          "<option value=\"\">همه</option>"
          "<option value=\"urban\"%s>پیشخوان شهری</option>"
          "<option value=\"rural_ict\"%s>ICT روستایی</option></select>"
          "<button class=\"btn primary\">جست‌وجو</button></form>",
       zType && strcmp(zType, "urban")==0 ? " selected" : "",
       zType && strcmp(zType, "rural_ict")==0 ? " selected" : "");
  if( nTotal==0 ){
    html(r, "<p class=\"muted\">دفتری با این مشخصات پیدا نشد.</p>");
  }else{
    html(r, "<p class=\"muted\">%s دفتر پیدا شد.</p>"
            "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\"><thead><tr>"
            "<th scope=\"col\">کد</th><th scope=\"col\">نام دفتر</th><th scope=\"col\">نوع</th>"
            "<th scope=\"col\">استان</th><th scope=\"col\">شهر یا روستا</th><th scope=\"col\">وضعیت</th>"
            "</tr></thead><tbody>", fa_int(r, nTotal));
    for(i=0; i<n; i++){
      html(r, "<tr><td class=\"num\">%s</td><td><a href=\"/offices/%s\">%s</a></td>"
              "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
           a[i].zCode, url_q(r, a[i].zCode), fa_num(r, a[i].zName),
           office_type_label(a[i].zType), a[i].zProvinceFa, a[i].zCity,
           office_status_label(a[i].zStatus));
    }
    html(r, "</tbody></table></div>");
    if( nPage>1 ){
      html(r, "<nav class=\"pager\" aria-label=\"صفحه‌ها\">");
      if( iPage>1 ) html(r, "<a href=\"%s\" rel=\"prev\">قبلی</a>", searchUrl(r, zQ, zProv, zType, (int)iPage-1));
      html(r, "<span class=\"current\">صفحهٔ %s از %s</span>", fa_int(r, iPage), fa_int(r, nPage));
      if( iPage<nPage ) html(r, "<a href=\"%s\" rel=\"next\">بعدی</a>", searchUrl(r, zQ, zProv, zType, (int)iPage+1));
      html(r, "</nav>");
    }
  }
  office_hits_free(a, n);
  html_end(r);
}

/* PAGE: /offices/{code}   ROLE: public */
void page_office(Req *r){
  Office o;
  char *zProvFa, *zRegionFa;
  if( office_load(r->db, r->azArg[0], &o) ){
    req_error(r, 404, "دفتری با این کد در سامانه ثبت نشده است.");
    return;
  }
  zProvFa = db_text(r->db, "SELECT name_fa FROM province WHERE code=?1", o.zProvince);
  zRegionFa = db_text(r->db,
    "SELECT r.name_fa FROM province p JOIN region r ON r.code=p.region_code WHERE p.code=?1",
    o.zProvince);
  html_begin(r, o.zName);
  html(r, "<h1>%s</h1><p class=\"muted\">%s، %s</p><div class=\"card\"><dl class=\"facts\">"
          "<dt>کد دفتر</dt><dd class=\"num\">%s</dd>"
          "<dt>نوع</dt><dd>%s</dd>"
          "<dt>استان</dt><dd>%s</dd>"
          "<dt>منطقه</dt><dd>%s</dd>"
          "<dt>شهر یا روستا</dt><dd>%s</dd>"
          "<dt>نشانی</dt><dd>%s</dd>"
          "<dt>تلفن</dt><dd class=\"num\">%s</dd>"
          "<dt>شمارهٔ پروانه</dt><dd class=\"num\">%s</dd>"
          "<dt>تاریخ پروانه</dt><dd>%s</dd>"
          "<dt>وضعیت</dt><dd><span class=\"state\">%s</span>%s%s</dd>"
          "</dl></div>",
       fa_num(r, o.zName), o.zCity, zProvFa ? zProvFa : "",
       o.zCode, office_type_label(o.zType), zProvFa ? zProvFa : "",
       zRegionFa ? zRegionFa : "", o.zCity,
       o.zAddress[0] ? fa_num(r, o.zAddress) : "—",
       o.zPhone[0] ? fa_num(r, o.zPhone) : "—",
       o.zLicenceNo[0] ? fa_num(r, o.zLicenceNo) : "—",
       fa_date(r, o.zLicenceDate), office_status_label(o.zStatus),
       o.zStatusReason && o.zStatusReason[0] ? " — " : "",
       o.zStatusReason ? o.zStatusReason : "");
  office_transparency(r, o.zCode);   /* published ranks, approved replies (page_cert.c) */
  page_office_result_card(r, o.zCode);  /* revisions after objections (page_result.c) */
  free(zProvFa);
  free(zRegionFa);
  office_clear(&o);
  html_end(r);
}
