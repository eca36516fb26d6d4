/*
** page_period.c — HQ's periods pages (create, advance, replace the scheme
** of a draft), the public scheme table of a period, and change requests
** (filed by an office, decided by its region).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/change.h"
#include "domain/office.h"
#include "domain/period.h"
#include "domain/scheme.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

static const char *okMessage(const char *z){
  static const struct { const char *zKey, *zMsg; } a[] = {
    { "created",  "دوره ساخته شد (پیش‌نویس)." },
    { "advanced", "دوره به وضعیت بعدی رفت." },
    { "scheme",   "طرح امتیازدهی دوره جایگزین شد." },
    { "filed",    "درخواست تغییر ثبت شد و به منطقه فرستاده شد." },
    { "decided",  "دربارهٔ درخواست تغییر تصمیم گرفته شد." },
  };
  size_t i;
  for(i=0; z && i<sizeof(a)/sizeof(a[0]); i++){
    if( strcmp(z, a[i].zKey)==0 ) return a[i].zMsg;
  }
  return 0;
}

/* Split a multi-line error into <li> items. */
static void errorList(Req *r, const char *zErr){
  const char *z = zErr;
  html(r, "<ul class=\"errors\" role=\"alert\">");
  while( z && *z ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    html(r, "<li dir=\"ltr\">%.*s</li>", (int)n, z);
    z += n + (zEnd ? 1 : 0);
  }
  html(r, "</ul>");
}

/* The list and the create form; zErr and typed values after a refusal. */
static void periodsPage(Req *r, const char *zErr){
  Period *a;
  int n, i;
  const char *zOk = zErr ? 0 : okMessage(req_query(r, "ok"));
  const char *zScheme = req_form(r, "scheme");
  period_list(r->db, &a, &n);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "دوره‌ها");
  html(r, "<h1>دوره‌های ارزیابی</h1>");
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( zErr ){
    html(r, "<p class=\"flash error\">دوره ساخته نشد:</p>");
    errorList(r, zErr);
  }
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"دوره‌ها\">"
          "<table class=\"list\"><thead><tr><th>دوره</th><th>وضعیت</th><th>خوداظهاری</th>"
          "<th>پایان بررسی</th><th>طرح</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    html(r, "<tr><td><a href=\"/admin/periods/%s\"><span class=\"num\" dir=\"ltr\">%s</span></a></td>"
            "<td><span class=\"state\">%s</span></td><td>%s تا %s</td><td>%s</td>"
            "<td><span class=\"num\" dir=\"ltr\">%.12s</span>%s</td></tr>",
         url_q(r, a[i].zCode), a[i].zCode, period_state_label(a[i].state),
         fa_date(r, a[i].zDeclareFrom), fa_date(r, a[i].zDeclareTo), fa_date(r, a[i].zReviewTo),
         a[i].zSchemeHash, a[i].zFrozenAt[0] ? " (قفل)" : "");
  }
  if( n==0 ) html(r, "<tr><td colspan=\"5\">هنوز دوره‌ای نیست.</td></tr>");
  html(r, "</tbody></table></div>");
  free(a);
  html(r, "<form class=\"card\" method=\"post\" action=\"/admin/periods\"><h2>دورهٔ تازه</h2>"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<label for=\"code\">کد دوره (مانند 1399-1)</label>"
          "<input id=\"code\" name=\"code\" dir=\"ltr\" required value=\"%s\">"
          "<label for=\"from\">آغاز خوداظهاری (تاریخ شمسی)</label>"
          "<input id=\"from\" name=\"declare_from\" placeholder=\"۱۳۹۹/۰۵/۰۱\" required value=\"%s\">"
          "<label for=\"to\">پایان خوداظهاری (تا پایان همان روز، وقت تهران)</label>"
          "<input id=\"to\" name=\"declare_to\" placeholder=\"۱۳۹۹/۰۵/۳۰\" required value=\"%s\">"
          "<label for=\"rto\">پایان بررسی</label>"
          "<input id=\"rto\" name=\"review_to\" placeholder=\"۱۳۹۹/۰۶/۲۰\" required value=\"%s\">"
          "<p><label><input type=\"checkbox\" name=\"deemed_confirm\" value=\"1\"> "
          "دفتری که چیزی را تغییر ندهد، داده‌های دورهٔ پیشین را تأیید کرده است</label></p>"
          "<div class=\"note assumption\"><p>طرح پیش‌فرض امتیازدهی فرض است؛ جدول رسمی منتشر نشده است. "
          "می‌توانید متن JSON طرح را اینجا عوض کنید (قالب در docs/scoring.md).</p></div>"
          "<label for=\"scheme\">طرح امتیازدهی (JSON)</label>"
          "<textarea id=\"scheme\" name=\"scheme\" dir=\"ltr\" rows=\"16\">%s</textarea>"
          "<button class=\"btn primary\">ساختن دوره</button></form>",
       r->pWho->zCsrf, req_form(r, "code"), req_form(r, "declare_from"), req_form(r, "declare_to"),
       req_form(r, "review_to"), zScheme ? zScheme : scheme_default_json());
  html_end(r);
}

/* PAGE: GET /admin/periods   ACTION: admin */
void page_periods(Req *r){
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  periodsPage(r, 0);
}

/* PAGE: POST /admin/periods   ACTION: admin */
void page_periods_create(Req *r){
  PeriodNew pn;
  Actor a;
  char *zErr = 0;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  memset(&pn, 0, sizeof pn);
  pn.zCode = req_param(r, "code");
  pn.zDeclareFrom = req_param(r, "declare_from");
  pn.zDeclareTo = req_param(r, "declare_to");
  pn.zReviewTo = req_param(r, "review_to");
  pn.bDeemedConfirm = req_param(r, "deemed_confirm")!=0;
  req_actor(r, &a);
  if( period_create(r->db, &a, &pn, req_form(r, "scheme"), &zErr) ){
    periodsPage(r, zErr);
    free(zErr);
    r->status = 422;
    return;
  }
  req_redirect(r, req_printf(r, "/admin/periods/%s?ok=created", url_q(r, pn.zCode)));
}

/* One period: state, dates, scheme, participation, actions. */
static void periodPage(Req *r, const Period *p, const char *zErr, const char *zErrFa){
  const char *zOk = zErr || zErrFa ? 0 : okMessage(req_query(r, "ok"));
  const char *zBlockedFa = 0;
  char *zBlocked = period_advance_blocked(r->db, p, &zBlockedFa);
  char *zScheme = period_scheme_json(r->db, p->zCode);
  sqlite3_stmt *q;
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "دوره");
  html(r, "<h1>دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1>", p->zCode);
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( zErrFa ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErrFa);
  if( zErr ) errorList(r, zErr);
  html(r, "<section class=\"card\"><dl class=\"facts\">"
          "<dt>وضعیت</dt><dd><span class=\"state\">%s</span></dd>"
          "<dt>خوداظهاری</dt><dd>%s تا پایان %s (وقت تهران)</dd>"
          "<dt>پایان بررسی</dt><dd>%s</dd>"
          "<dt>دفتر بدون تغییر</dt><dd>%s</dd>"
          "<dt>طرح امتیازدهی</dt><dd><a href=\"/periods/%s/scheme\">جدول امتیازها</a> — "
          "<span class=\"num\" dir=\"ltr\" title=\"%s\">sha256 %.16s…</span>%s</dd></dl></section>",
       period_state_label(p->state), fa_date(r, p->zDeclareFrom), fa_date(r, p->zDeclareTo),
       fa_date(r, p->zReviewTo),
       p->bDeemedConfirm ? "داده‌های دورهٔ پیشین را تأیید کرده است" : "باید ثبت‌نام و خوداظهاری کند",
       url_q(r, p->zCode), p->zSchemeHash, p->zSchemeHash,
       p->zFrozenAt[0] ? "؛ قفل شده از آغاز دوره" : "؛ تا آغاز دوره تغییرپذیر");
  /* declarations by state */
  html(r, "<h2>خوداظهاری‌ها</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"خوداظهاری‌ها\">"
          "<table class=\"list\"><thead><tr><th>وضعیت</th><th class=\"num\">شمار</th></tr></thead><tbody>");
  q = db_prepare(r->db, "SELECT state, count(*) FROM declaration WHERE period_id=?1 GROUP BY state ORDER BY state");
  sqlite3_bind_int64(q, 1, p->id);
  while( sqlite3_step(q)==SQLITE_ROW ){
    html(r, "<tr><td>%s</td><td class=\"num\">%s</td></tr>",
         decl_state_label(decl_state_from_code(db_col_text(q, 0))), fa_int(r, sqlite3_column_int64(q, 1)));
  }
  db_finalize(q);
  html(r, "</tbody></table></div>");
  /* result sets: ranking makes the period ranked, publishing published */
  {
    int nSet = (int)db_int(r->db, 0, "SELECT count(*) FROM result_set s JOIN period p"
                           " ON p.id=s.period_id WHERE p.code=?1", p->zCode);
    int nPub = (int)db_int(r->db, 0, "SELECT count(*) FROM result_set s JOIN period p"
                           " ON p.id=s.period_id WHERE p.code=?1 AND s.state='published'", p->zCode);
    html(r, "<h2>نتیجه‌ها</h2><p id=\"results\">%s نسخهٔ نتیجه، %s منتشرشده. "
            "<a href=\"/admin/results\">نتیجه‌ها و انتشار</a></p>",
         fa_int(r, nSet), fa_int(r, nPub));
  }
  if( p->state<PS_CLOSED && zBlocked ){
    html(r, "<p class=\"note\" id=\"advance-blocked\">%s</p>", zBlockedFa);
  }else if( p->state<PS_CLOSED ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/admin/periods/%s/advance\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<p>رفتن به وضعیت بعدی: <b>%s</b>%s</p>"
            "<button class=\"btn primary\">رفتن به «%s»</button></form>",
         url_q(r, p->zCode), r->pWho->zCsrf, period_state_label((PeriodState)(p->state+1)),
         p->state==PS_DRAFT ? " (طرح امتیازدهی از این پس قفل می‌شود)" : "",
         period_state_label((PeriodState)(p->state+1)));
  }
  if( !p->zFrozenAt[0] ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/admin/periods/%s/scheme\"><h2>جایگزینی طرح</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"scheme\">طرح امتیازدهی (JSON)</label>"
            "<textarea id=\"scheme\" name=\"scheme\" dir=\"ltr\" rows=\"16\">%s</textarea>"
            "<button class=\"btn\">جایگزینی طرح</button></form>",
         url_q(r, p->zCode), r->pWho->zCsrf,
         req_form(r, "scheme") ? req_form(r, "scheme") : (zScheme ? zScheme : ""));
  }
  free(zScheme);
  free(zBlocked);
  html_end(r);
}

/* PAGE: GET /admin/periods/{p}   ACTION: admin */
void page_period(Req *r){
  Period p;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( period_load(r->db, r->azArg[0], &p) ){ req_not_found(r); return; }
  periodPage(r, &p, 0, 0);
}

/* PAGE: POST /admin/periods/{p}/advance   ACTION: admin */
void page_period_advance(Req *r){
  Period p;
  PeriodState eNew;
  Actor a;
  char *zErr = 0;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  req_actor(r, &a);
  if( period_advance(r->db, &a, r->azArg[0], &eNew, &zErr) ){
    const char *zFa = 0;
    char *zWhy;
    if( period_load(r->db, r->azArg[0], &p) ){ free(zErr); req_not_found(r); return; }
    zWhy = period_advance_blocked(r->db, &p, &zFa);
    r->status = 409;
    if( zWhy ) periodPage(r, &p, 0, req_printf(r, "دوره به وضعیت بعدی نرفت: %s", zFa));
    else periodPage(r, &p, zErr, 0);
    free(zWhy);
    free(zErr);
    return;
  }
  req_redirect(r, req_printf(r, "/admin/periods/%s?ok=advanced", url_q(r, r->azArg[0])));
}

/* PAGE: POST /admin/periods/{p}/scheme   ACTION: admin */
void page_period_scheme_set(Req *r){
  Period p;
  Actor a;
  char *zErr = 0;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  req_actor(r, &a);
  if( period_set_scheme(r->db, &a, r->azArg[0], req_form(r, "scheme"), &zErr) ){
    if( period_load(r->db, r->azArg[0], &p) ){ free(zErr); req_not_found(r); return; }
    periodPage(r, &p, zErr, 0);
    r->status = strstr(zErr ? zErr : "", "frozen") ? 409 : 422;
    free(zErr);
    return;
  }
  req_redirect(r, req_printf(r, "/admin/periods/%s?ok=scheme", url_q(r, r->azArg[0])));
}

/* A number as Persian text. */
static const char *faNum(Req *r, double v){
  char z[40];
  if( v==floor(v) && fabs(v)<1e15 ) snprintf(z, sizeof z, "%.0f", fabs(v));
  else snprintf(z, sizeof z, "%g", fabs(v));
  return req_printf(r, "%s%s", v<0 ? "−" : "", fa_num(r, z));
}

/* PAGE: GET /periods/{p}/scheme   ROLE: public
** The period's scoring rules as a table (explainability). */
void page_period_scheme(Req *r){
  Period p;
  Scheme s;
  char *zErr = 0;
  int i, k;
  if( period_load(r->db, r->azArg[0], &p) ){ req_not_found(r); return; }
  if( period_scheme(r->db, &p, &s, &zErr) ){
    free(zErr);
    req_error(r, 500, "طرح امتیازدهی این دوره خوانده نمی‌شود.");
    return;
  }
  html_begin(r, "طرح امتیازدهی");
  html(r, "<h1>طرح امتیازدهی دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1><p>%s</p>", p.zCode, s.zName);
  if( s.bAssumption ){
    html(r, "<div class=\"note assumption\"><p>%s</p></div>", s.zNote[0] ? s.zNote : "امتیازهای این طرح فرض‌اند.");
  }
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"شاخص‌ها\">"
          "<table class=\"list\"><thead><tr><th>شاخص</th><th>منبع</th><th>قاعده</th>"
          "<th class=\"num\">بیشینه</th><th>مدرک</th></tr></thead><tbody>");
  for(i=0; i<s.nInd; i++){
    const Indicator *pI = &s.aInd[i];
    html(r, "<tr><td>%s</td><td>%s</td><td>", pI->zLabel, scheme_source_label(pI->source));
    switch( pI->kind ){
      case KIND_NUMBER:
        for(k=0; k<pI->nBand; k++){
          if( pI->aBand[k].bOpen ) html(r, "%s%s و بیشتر: %s", k ? "؛ " : "", faNum(r, pI->aBand[k].min), faNum(r, pI->aBand[k].points));
          else html(r, "%s[%s، %s): %s", k ? "؛ " : "", faNum(r, pI->aBand[k].min), faNum(r, pI->aBand[k].max), faNum(r, pI->aBand[k].points));
        }
        break;
      case KIND_COUNT:
        html(r, "هر مورد %s، سقف %s", faNum(r, pI->pointsEach), faNum(r, pI->cap));
        break;
      case KIND_CHOICE:
        for(k=0; k<pI->nChoice; k++) html(r, "%s%s: %s", k ? "؛ " : "", pI->aChoice[k].zLabel, faNum(r, pI->aChoice[k].points));
        break;
      default:
        html(r, "بله: %s؛ خیر: %s", faNum(r, pI->yesPoints), faNum(r, pI->noPoints));
        break;
    }
    html(r, "</td><td class=\"num\">%s</td><td>%s</td></tr>", faNum(r, pI->maxPoints),
         pI->doc==DOC_REQUIRED ? "لازم" : pI->doc==DOC_OPTIONAL ? "اختیاری" : "—");
  }
  html(r, "</tbody><tfoot><tr><th colspan=\"3\">جمع</th><th class=\"num\">%s</th><th></th></tr></tfoot></table></div>",
       faNum(r, s.maxScore));
  html(r, "<h2>امتیاز منفی (احکام قطعی کمیته)</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"امتیاز منفی\">"
          "<table class=\"list\"><thead><tr><th>تخلف</th><th class=\"num\">امتیاز هر حکم</th><th>لغو پروانه</th></tr></thead><tbody>");
  for(i=0; i<s.nPen; i++){
    html(r, "<tr><td>%s</td><td class=\"num\">%s</td><td>%s</td></tr>", s.aPen[i].zLabel,
         faNum(r, s.aPen[i].points), s.aPen[i].bRevokes ? "بله" : "خیر");
  }
  html(r, "</tbody></table></div><h2>رتبه‌ها</h2><ul>");
  for(i=0; i<s.nThr; i++){
    html(r, "<li>%s: رتبهٔ ۱ از %s، رتبهٔ ۲ از %s، وگرنه رتبهٔ ۳</li>", office_type_label(s.aThr[i].zType),
         faNum(r, s.aThr[i].rank1), faNum(r, s.aThr[i].rank2));
  }
  html(r, "<li>دفتر شرکت‌نکرده: امتیاز %s، رتبهٔ %s</li>"
          "<li>مهلت اعتراض: %s روز</li>"
          "<li>سقف خدمات: رتبهٔ ۱ %s٪، رتبهٔ ۲ %s٪، رتبهٔ ۳ %s٪</li></ul>"
          "<p class=\"muted\" dir=\"ltr\">sha256 %s</p>",
       faNum(r, s.nonParticipantScore), fa_int(r, s.nonParticipantRank), fa_int(r, s.objectionDays),
       faNum(r, s.aServiceCap[0]*100), faNum(r, s.aServiceCap[1]*100), faNum(r, s.aServiceCap[2]*100),
       s.zHash);
  html_end(r);
  scheme_clear(&s);
}

/* ---- Change requests ------------------------------------------------ */

static const char *changeStateFa(const char *z){
  if( strcmp(z, "pending")==0 ) return "در انتظار تصمیم";
  if( strcmp(z, "accepted")==0 ) return "پذیرفته و اعمال شد";
  if( strcmp(z, "rejected")==0 ) return "رد شد";
  return z;
}

/* A table of change requests; bDecide: with accept/reject forms. */
static void changeTable(Req *r, ChangeRequest *a, int n, int bDecide){
  int i;
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"درخواست‌های تغییر\">"
          "<table class=\"list\"><thead><tr><th>دفتر</th><th>فیلد</th><th>مقدار کنونی</th>"
          "<th>مقدار درخواستی</th><th>دلیل</th><th>وضعیت</th>");
  if( bDecide ) html(r, "<th>تصمیم</th>");
  html(r, "</tr></thead><tbody>");
  for(i=0; i<n; i++){
    html(r, "<tr><td><span class=\"num\" dir=\"ltr\">%s</span></td><td>%s</td><td>%s</td><td>%s</td>"
            "<td>%s</td><td>%s%s%s</td>",
         a[i].zOffice, change_field_label(a[i].zField), a[i].zOld, a[i].zNew, a[i].zReason,
         changeStateFa(a[i].zState), a[i].zDecisionReason[0] ? " — " : "", a[i].zDecisionReason);
    if( bDecide ){
      if( strcmp(a[i].zState, "pending")==0 ){
        html(r, "<td><form method=\"post\" action=\"/changes/%lld/decide\">"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                "<label for=\"why%lld\">دلیل</label><input id=\"why%lld\" name=\"reason\">"
                "<button class=\"btn primary\" name=\"decision\" value=\"accept\">پذیرش</button> "
                "<button class=\"btn\" name=\"decision\" value=\"reject\">رد</button></form></td>",
             a[i].id, r->pWho->zCsrf, a[i].id, a[i].id);
      }else{
        html(r, "<td></td>");
      }
    }
    html(r, "</tr>");
  }
  if( n==0 ) html(r, "<tr><td colspan=\"%d\">درخواستی نیست.</td></tr>", bDecide ? 7 : 6);
  html(r, "</tbody></table></div>");
}

static void officeChangesPage(Req *r, const char *zErr){
  ChangeRequest *a;
  int n, i;
  Office o;
  Object obj;
  const char *zOk = zErr ? 0 : okMessage(req_query(r, "ok"));
  int bMay;
  if( office_load(r->db, r->azArg[0], &o) ){ req_not_found(r); return; }
  access_object_office(r->db, o.zCode, &obj);
  bMay = access_allow(r->pWho, ACT_DECLARE, &obj);
  access_object_clear(&obj);
  change_list(r->db, o.zCode, 0, 0, &a, &n);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "درخواست تغییر");
  html(r, "<h1>درخواست‌های تغییر — %s</h1>", o.zName);
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  html(r, "<p>نوع دفتر، نشانی و اطلاعات پروانه را دفتر خودش عوض نمی‌کند: درخواست با دلیل به منطقه می‌رود "
          "و با پذیرش آن، تغییر در بانک اطلاعات دفاتر اعمال می‌شود.</p>");
  changeTable(r, a, n, 0);
  change_list_free(a, n);
  if( bMay ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/offices/%s/changes\"><h2>درخواست تازه</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"field\">فیلد</label><select id=\"field\" name=\"field\">",
         url_q(r, o.zCode), r->pWho->zCsrf);
    for(i=0; azChangeField[i]; i++){
      html(r, "<option value=\"%s\"%s>%s</option>", azChangeField[i],
           req_form(r, "field") && strcmp(req_form(r, "field"), azChangeField[i])==0 ? " selected" : "",
           azChangeFieldFa[i]);
    }
    html(r, "</select><label for=\"nv\">مقدار تازه (تاریخ شمسی؛ نوع: urban یا rural_ict)</label>"
            "<input id=\"nv\" name=\"new_value\" required value=\"%s\">"
            "<label for=\"why\">دلیل</label><textarea id=\"why\" name=\"reason\" required>%s</textarea>"
            "<button class=\"btn primary\">ثبت درخواست</button></form>",
         req_form(r, "new_value"), req_form(r, "reason"));
  }
  html_end(r);
  office_clear(&o);
}

/* PAGE: GET /offices/{code}/changes   ACTION: office_private */
void page_office_changes(Req *r){
  Object obj;
  int bOffice = access_object_office(r->db, r->azArg[0], &obj)==0;
  if( !req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  if( !bOffice ){ req_not_found(r); return; }
  officeChangesPage(r, 0);
}

/* PAGE: POST /offices/{code}/changes   ACTION: declare */
void page_office_changes_file(Req *r){
  Object obj;
  Actor a;
  DeclErr e;
  char zNow[21];
  long long id;
  int bOffice = access_object_office(r->db, r->azArg[0], &obj)==0;
  if( !req_allow(r, ACT_DECLARE, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  if( !bOffice ){ req_not_found(r); return; }
  req_actor(r, &a);
  period_now(zNow);
  memset(&e, 0, sizeof e);
  if( change_file(r->db, &a, r->azArg[0], req_param(r, "field"), req_param(r, "new_value"),
                  req_param(r, "reason"), zNow, &id, &e) ){
    officeChangesPage(r, e.zFa);
    r->status = e.status;
    return;
  }
  req_redirect(r, req_printf(r, "/offices/%s/changes?ok=filed", url_q(r, r->azArg[0])));
}

/* PAGE: GET /changes   ACTION: review (the reviewer's region) */
void page_changes(Req *r){
  ChangeRequest *a;
  int n;
  const char *zOk = okMessage(req_query(r, "ok"));
  if( !req_allow(r, ACT_REVIEW, 0) ) return;
  change_list(r->db, 0, r->pWho->zScope, 0, &a, &n);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "درخواست‌های تغییر");
  html(r, "<h1>درخواست‌های تغییر دفاتر منطقه</h1>");
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  changeTable(r, a, n, 1);
  change_list_free(a, n);
  html_end(r);
}

/* PAGE: POST /changes/{id}/decide   ACTION: review (the office's region) */
void page_change_decide(Req *r){
  ChangeRequest c;
  Object obj;
  Actor a;
  DeclErr e;
  char zNow[21];
  long long id;
  const char *zDec = req_param(r, "decision");
  if( text_parse_int(r->azArg[0], &id) || change_load(r->db, id, &c) ){
    if( !req_allow(r, ACT_REVIEW, 0) ) return;
    req_not_found(r);
    return;
  }
  access_object_office(r->db, c.zOffice, &obj);
  change_clear(&c);
  if( !req_allow(r, ACT_REVIEW, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  if( zDec==0 || (strcmp(zDec, "accept")!=0 && strcmp(zDec, "reject")!=0) ){
    req_error(r, 422, "تصمیم باید «پذیرش» یا «رد» باشد.");
    return;
  }
  req_actor(r, &a);
  period_now(zNow);
  memset(&e, 0, sizeof e);
  if( change_decide(r->db, &a, id, strcmp(zDec, "accept")==0, req_param(r, "reason"), zNow, &e) ){
    req_error(r, e.status, e.zFa);
    return;
  }
  req_redirect(r, "/changes?ok=decided");
}
