/*
** page_external.c — external scores on the web (docs/external.md):
** association scores (/association), committee rulings (/committee), and
** an office's citizen satisfaction (/offices/{code}/satisfaction).
**
** Association and committee users work within their province. HQ admins
** (ACT_ADMIN) have their own copy of the association page under
** /admin/association, for any province and after the window.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/association.h"
#include "domain/period.h"
#include "domain/ruling.h"
#include "domain/survey.h"
#include "domain/user.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

/* A number for pages: up to two decimals, Persian digits. */
static const char *faDec(Req *r, double v, int nDec){
  return fa_num(r, req_printf(r, "%.*f", nDec, v));
}

/*
** The province a request works on: the principal's own for a provincial
** role, else the "province" parameter (HQ). Fills pObj. Returns the code,
** or NULL when there is none (an HQ admin who named no province).
*/
static const char *requestProvince(Req *r, Object *pObj){
  const char *z = 0;
  memset(pObj, 0, sizeof *pObj);
  if( r->pWho && role_scope_kind(r->pWho->role)==SCOPE_PROVINCE ) z = r->pWho->zScope;
  else z = req_param(r, "province");
  if( z && z[0] && access_object_province(r->db, z, pObj)==0 ) return pObj->zProvince;
  return 0;
}

/* The period named by ?period= / the form, else the current one. */
static int requestPeriod(Req *r, Period *p){
  const char *z = req_param(r, "period");
  if( z && z[0] ) return period_load(r->db, z, p);
  return period_current(r->db, p);
}

/*
** The guard of the association and committee pages. Under /admin/ (HQ's
** copy of the association page, for changes after the window) it is
** ACT_ADMIN; otherwise eAct within the principal's province. Sets *pbHq.
** Returns 1 to go on, 0 when answered.
*/
static int guard(Req *r, Action eAct, const Object *pObj, int *pbHq){
  *pbHq = strncmp(r->zPath, "/admin/", 7)==0;
  if( *pbHq ) return req_allow(r, ACT_ADMIN, 0);
  return req_allow(r, eAct, pObj->zProvince ? pObj : 0);
}

/* <select> of provinces for HQ, as a GET form. */
static void provincePicker(Req *r, const char *zAction, const char *zSel, const char *zPeriod){
  sqlite3_stmt *p = db_prepare(r->db, "SELECT code,name_fa FROM province ORDER BY name_fa COLLATE fa");
  html(r, "<form class=\"search\" method=\"get\" action=\"%s\"><input type=\"hidden\" name=\"period\" value=\"%s\">"
          "<label for=\"province\">استان</label><select id=\"province\" name=\"province\">",
       zAction, zPeriod);
  while( sqlite3_step(p)==SQLITE_ROW ){
    const char *zCode = db_col_text(p, 0);
    html(r, "<option value=\"%s\"%s>%s</option>", zCode,
         zSel && strcmp(zSel, zCode)==0 ? " selected" : "", db_col_text(p, 1));
  }
  db_finalize(p);
  html(r, "</select><button class=\"btn\">نمایش</button></form>");
}

/* ---- /association ------------------------------------------------------------ */

/* Render the association page; azErr lists messages (Persian). */
static void associationPage(Req *r, const Period *p, const char *zProv, int bHq,
                            char **azErr, int nErr, const char *zOk){
  Scheme sch;
  AssocRule rule;
  AssocRow *a = 0;
  char *zErr = 0;
  char zNow[21];
  const char *zSort = req_param(r, "sort");
  int n = 0, i, bOpen;
  const char *zBase = bHq ? "/admin/association" : "/association";
  static const struct { const char *zKey, *zLabel; } aCol[] = {
    { "code", "کد" }, { "name", "نام دفتر" }, { "city", "شهر یا روستا" }, { "score", "امتیاز" },
  };
  html_begin(r, "امتیاز انجمن صنفی");
  html(r, "<h1>امتیاز انجمن صنفی — دورهٔ %s</h1>", fa_num(r, p->zCode));
  if( period_scheme(r->db, p, &sch, &zErr) ){
    html(r, "<ul class=\"errors\" role=\"alert\"><li>طرح امتیازدهی دوره خوانده نشد.</li></ul>");
    free(zErr);
    html_end(r);
    return;
  }
  if( association_rule(&sch, &rule) ){
    html(r, "<ul class=\"errors\" role=\"alert\"><li>طرح امتیازدهی این دوره شاخص انجمن صنفی ندارد.</li></ul>");
    scheme_clear(&sch);
    html_end(r);
    return;
  }
  scheme_clear(&sch);
  period_now(zNow);
  bOpen = association_window_open(p, zNow);
  if( bHq ) provincePicker(r, zBase, zProv, p->zCode);
  html(r, "<p class=\"note\">امتیاز هر دفتر از %s تا %s%s. مهلت ثبت: %s تا %s — %s</p>",
       faDec(r, rule.min, 0), faDec(r, rule.max, 0), rule.bInteger ? " (عدد صحیح)" : "",
       fa_date(r, p->zDeclareFrom), fa_date(r, p->zReviewTo),
       bOpen ? "باز است." : (bHq ? "بسته است؛ تغییر شما به‌عنوان ستاد ثبت می‌شود." : "بسته است؛ تغییر با ستاد است."));
  if( nErr ){
    html(r, "<ul class=\"errors\" role=\"alert\">");
    for(i=0; i<nErr; i++) html(r, "<li>%s</li>", azErr[i]);
    html(r, "</ul><p>هیچ امتیازی ذخیره نشد.</p>");
  }else if( zOk ){
    html(r, "<p class=\"flash ok\" role=\"status\">%s امتیاز ذخیره شد.</p>", fa_num(r, zOk));
  }
  if( zProv==0 ){
    html(r, "<p>استانی را برگزینید.</p>");
    html_end(r);
    return;
  }
  n = association_rows(r->db, p->id, zProv, zSort, &a);
  html(r, "<form method=\"post\" action=\"%s\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<input type=\"hidden\" name=\"period\" value=\"%s\">"
          "<input type=\"hidden\" name=\"province\" value=\"%s\">",
       zBase, r->pWho->zCsrf, p->zCode, zProv);
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"دفاتر استان\">"
          "<table class=\"list\"><thead><tr>");
  for(i=0; i<4; i++){
    html(r, "<th scope=\"col\"><a href=\"%s?period=%s&amp;province=%s&amp;sort=%s\">%s</a></th>",
         zBase, url_q(r, p->zCode), url_q(r, zProv), aCol[i].zKey, aCol[i].zLabel);
  }
  html(r, "<th scope=\"col\">یادداشت</th><th scope=\"col\">ثبت</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    const char *zScore = a[i].bHas ? req_printf(r, "%g", a[i].score) : "";
    html(r, "<tr><td><span class=\"num\" dir=\"ltr\">%s</span></td><td>%s</td><td>%s</td>"
            "<td><input name=\"s_%s\" value=\"%s\" inputmode=\"decimal\" size=\"5\" aria-label=\"امتیاز %s\"></td>"
            "<td><input name=\"n_%s\" value=\"%s\" aria-label=\"یادداشت %s\"></td><td class=\"muted\">%s</td></tr>",
         a[i].zCode, a[i].zName, a[i].zCity, a[i].zCode, zScore, a[i].zName,
         a[i].zCode, a[i].zNote, a[i].zName, a[i].bHas ? fa_date(r, a[i].zAt) : "—");
  }
  html(r, "</tbody></table></div><button class=\"btn primary\">ذخیرهٔ امتیازها</button></form>");
  html(r, "<form class=\"card\" method=\"post\" action=\"%s/upload\" enctype=\"multipart/form-data\">"
          "<h2>بارگذاری پرونده CSV</h2><p class=\"muted\">ستون‌ها: <span dir=\"ltr\">office_code,score,note</span></p>"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<input type=\"hidden\" name=\"period\" value=\"%s\">"
          "<input type=\"hidden\" name=\"province\" value=\"%s\">"
          "<label for=\"file\">پرونده</label> <input id=\"file\" type=\"file\" name=\"file\" accept=\".csv,text/csv\"> "
          "<button class=\"btn\">بارگذاری</button></form>",
       zBase, r->pWho->zCsrf, p->zCode, zProv);
  association_rows_free(a, n);
  html_end(r);
}

/* PAGE: /association?period=&sort=   ACTION: association_score
** PAGE: /admin/association?period=&province=&sort=   ACTION: admin */
void page_association(Req *r){
  Object obj;
  Period p;
  int bHq;
  const char *zProv = requestProvince(r, &obj);
  if( !guard(r, ACT_ASSOCIATION_SCORE, &obj, &bHq) ){ access_object_clear(&obj); return; }
  if( requestPeriod(r, &p) ){
    access_object_clear(&obj);
    req_error(r, 404, "دوره‌ای نیست.");
    return;
  }
  associationPage(r, &p, zProv, bHq, 0, 0, req_param(r, "saved"));
  access_object_clear(&obj);
}

/* PAGE: POST /association   ACTION: association_score
** PAGE: POST /admin/association   ACTION: admin (also after the window)
** Fields s_CODE (score) and n_CODE (note) for the province's offices;
** all or nothing. */
void page_association_save(Req *r){
  Object obj;
  Period p;
  Scheme sch;
  AssocRule rule;
  AssocRow *a;
  Actor act;
  char zNow[21];
  char **azErr = 0;
  char *zErr = 0;
  int bHq, n, i, nErr = 0, nSaved = 0;
  const char *zProv = requestProvince(r, &obj);
  if( !guard(r, ACT_ASSOCIATION_SCORE, &obj, &bHq) ){ access_object_clear(&obj); return; }
  if( zProv==0 || requestPeriod(r, &p) ){
    access_object_clear(&obj);
    req_error(r, 400, "استان یا دوره مشخص نیست.");
    return;
  }
  if( period_scheme(r->db, &p, &sch, &zErr) ){
    free(zErr);
    access_object_clear(&obj);
    req_error(r, 500, "طرح امتیازدهی دوره خوانده نشد.");
    return;
  }
  i = association_rule(&sch, &rule);
  scheme_clear(&sch);
  if( i ){
    access_object_clear(&obj);
    req_error(r, 409, "طرح امتیازدهی این دوره شاخص انجمن صنفی ندارد.");
    return;
  }
  req_actor(r, &act);
  period_now(zNow);
  n = association_rows(r->db, p.id, zProv, "code", &a);
  db_begin(r->db);
  for(i=0; i<n; i++){
    const char *zS = req_form(r, req_printf(r, "s_%s", a[i].zCode));
    const char *zN = req_form(r, req_printf(r, "n_%s", a[i].zCode));
    int rc;
    if( zS==0 || zS[0]==0 ) continue;
    rc = association_set(r->db, &act, &p, &rule, zProv, a[i].zCode, zS, zN, bHq, zNow);
    if( rc==1 ) nSaved++;
    if( rc<0 ){
      char *zMsg = association_error_fa(rc, &rule);
      azErr = realloc(azErr, sizeof(char*)*(size_t)(nErr + 1));
      azErr[nErr++] = req_printf(r, "%s (%s): %s", a[i].zName, a[i].zCode, zMsg);
      free(zMsg);
      if( rc==ASSOC_EWINDOW || rc==ASSOC_EDB ) break;
    }
  }
  association_rows_free(a, n);
  if( nErr ){
    db_rollback(r->db);
    associationPage(r, &p, zProv, bHq, azErr, nErr, 0);
    r->status = 422;
  }else{
    db_commit(r->db);
    req_redirect(r, req_printf(r, "%s?period=%s&province=%s&saved=%d",
                               bHq ? "/admin/association" : "/association",
                               url_q(r, p.zCode), url_q(r, zProv), nSaved));
  }
  free(azErr);
  access_object_clear(&obj);
}

/* PAGE: POST /association/upload   ACTION: association_score
** PAGE: POST /admin/association/upload   ACTION: admin
** multipart: period, province, file (CSV office_code,score,note). */
void page_association_upload(Req *r){
  Object obj;
  Period p;
  Scheme sch;
  AssocRule rule;
  AssocStats st;
  Actor act;
  Upload *pU = r->pUpload;
  char zNow[21];
  char *zErr = 0, *zBuf = 0;
  size_t nBuf = 0;
  FILE *pIn, *pErr;
  int bHq, rc;
  const char *zProv = requestProvince(r, &obj);
  if( !guard(r, ACT_ASSOCIATION_SCORE, &obj, &bHq) ){ access_object_clear(&obj); return; }
  if( zProv==0 || requestPeriod(r, &p) ){
    access_object_clear(&obj);
    req_error(r, 400, "استان یا دوره مشخص نیست.");
    return;
  }
  if( pU==0 || !pU->bFile || pU->bError || pU->bTooLarge || pU->zTmp[0]==0 ){
    char *az[1];
    az[0] = (char *)(pU && pU->bTooLarge ? "پرونده بیش از اندازه بزرگ است." : "پرونده‌ای نرسید.");
    associationPage(r, &p, zProv, bHq, az, 1, 0);
    r->status = pU && pU->bTooLarge ? 413 : 400;
    access_object_clear(&obj);
    return;
  }
  if( period_scheme(r->db, &p, &sch, &zErr) ){
    free(zErr);
    access_object_clear(&obj);
    req_error(r, 500, "طرح امتیازدهی دوره خوانده نشد.");
    return;
  }
  rc = association_rule(&sch, &rule);
  scheme_clear(&sch);
  if( rc ){
    access_object_clear(&obj);
    req_error(r, 409, "طرح امتیازدهی این دوره شاخص انجمن صنفی ندارد.");
    return;
  }
  pIn = fopen(pU->zTmp, "rb");
  pErr = open_memstream(&zBuf, &nBuf);
  req_actor(r, &act);
  period_now(zNow);
  rc = pIn ? association_import(r->db, &act, &p, &rule, zProv, bHq, zNow, pIn, pErr, &st) : 2;
  if( pIn ) fclose(pIn);
  fclose(pErr);
  if( rc==0 ){
    req_redirect(r, req_printf(r, "%s?period=%s&province=%s&saved=%d",
                               bHq ? "/admin/association" : "/association",
                               url_q(r, p.zCode), url_q(r, zProv), st.nChanged));
  }else{
    char *az[50];
    int n = 0;
    char *z = zBuf, *zEol;
    while( z && *z && n<50 ){
      zEol = strchr(z, '\n');
      if( zEol ) *zEol = 0;
      az[n++] = req_printf(r, "سطر %s", z);
      z = zEol ? zEol + 1 : 0;
    }
    if( n==0 ) az[n++] = "خطای پایگاه داده.";
    associationPage(r, &p, zProv, bHq, az, n, 0);
    r->status = rc==1 ? 422 : 500;
  }
  free(zBuf);
  access_object_clear(&obj);
}

/* ---- /committee ----------------------------------------------------------------- */

static void committeePage(Req *r, const char *zProv, int bHq, const char *zErr, const char *zOk){
  Period p;
  Scheme sch;
  Ruling *a = 0;
  char *zE = 0;
  int n, i, bScheme = 0;
  html_begin(r, "آرای کمیسیون");
  html(r, "<h1>آرای کمیتهٔ نظارت</h1>");
  if( period_current(r->db, &p)==0 && period_scheme(r->db, &p, &sch, &zE)==0 ) bScheme = 1;
  free(zE);
  if( bHq ) provincePicker(r, "/committee", zProv, bScheme ? p.zCode : "");
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  n = ruling_list(r->db, zProv, 0, &a);
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"آرا\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">دفتر</th><th scope=\"col\">تخلف</th>"
          "<th scope=\"col\">شمارهٔ رأی</th><th scope=\"col\">تاریخ</th><th scope=\"col\" class=\"num\">امتیاز</th>"
          "<th scope=\"col\">وضعیت</th><th scope=\"col\">قطعی از</th><th scope=\"col\">تغییر وضعیت</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    const Penalty *pP = bScheme ? scheme_penalty(&sch, a[i].zKind) : 0;
    html(r, "<tr><td><span class=\"num\" dir=\"ltr\">%s</span> %s</td><td>%s</td><td><span dir=\"ltr\">%s</span></td>"
            "<td>%s</td><td class=\"num\">%s</td><td>%s</td><td>%s</td><td>",
         a[i].zOffice, a[i].zOfficeName, pP ? pP->zLabel : a[i].zKind, a[i].zNo,
         fa_date(r, a[i].zDate), faDec(r, a[i].points, 0), ruling_state_label(a[i].zState),
         a[i].zFinalDate[0] ? fa_date(r, a[i].zFinalDate) : "—");
    if( strcmp(a[i].zState, "overturned")!=0 ){
      html(r, "<form method=\"post\" action=\"/committee/%lld/state\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<select name=\"state\" aria-label=\"وضعیت تازه\">", a[i].id, r->pWho->zCsrf);
      if( strcmp(a[i].zState, "final")!=0 ) html(r, "<option value=\"final\">قطعی</option>");
      if( strcmp(a[i].zState, "under_appeal")!=0 ) html(r, "<option value=\"under_appeal\">در تجدیدنظر</option>");
      html(r, "<option value=\"overturned\">نقض‌شده</option></select> "
              "<input name=\"date\" size=\"10\" placeholder=\"تاریخ قطعیت\" aria-label=\"تاریخ قطعیت\"> "
              "<button class=\"btn\">ثبت</button></form>");
    }
    html(r, "</td></tr>");
  }
  html(r, "</tbody></table></div>");
  ruling_list_free(a, n);
  if( bScheme ){
    html(r, "<form class=\"card\" method=\"post\" action=\"/committee\"><h2>ثبت رأی تازه</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<input type=\"hidden\" name=\"province\" value=\"%s\">"
            "<p><label for=\"office\">کد دفتر</label> <input id=\"office\" name=\"office\" dir=\"ltr\" required></p>"
            "<p><label for=\"kind\">نوع تخلف</label> <select id=\"kind\" name=\"kind\">",
         r->pWho->zCsrf, zProv ? zProv : "");
    for(i=0; i<sch.nPen; i++){
      html(r, "<option value=\"%s\">%s (%s)%s</option>", sch.aPen[i].zKind, sch.aPen[i].zLabel,
           faDec(r, sch.aPen[i].points, 0), sch.aPen[i].bRevokes ? " — لغو پروانه" : "");
    }
    html(r, "</select></p>"
            "<p><label for=\"no\">شمارهٔ رأی</label> <input id=\"no\" name=\"no\" required></p>"
            "<p><label for=\"date\">تاریخ رأی</label> <input id=\"date\" name=\"date\" placeholder=\"۱۳۹۹/۰۵/۱۰\" required></p>"
            "<p><label for=\"state\">وضعیت</label> <select id=\"state\" name=\"state\">"
            "<option value=\"final\">قطعی</option><option value=\"under_appeal\">در تجدیدنظر</option></select></p>"
            "<p><label for=\"note\">یادداشت</label> <input id=\"note\" name=\"note\"></p>"
            "<button class=\"btn primary\">ثبت رأی</button></form>");
    scheme_clear(&sch);
  }else{
    html(r, "<p class=\"muted\">هنوز دوره‌ای با طرح امتیازدهی نیست؛ ثبت رأی پس از تعریف دوره ممکن است.</p>");
  }
  html_end(r);
}

/* PAGE: /committee?province=   ACTION: ruling */
void page_committee(Req *r){
  Object obj;
  int bHq;
  const char *zProv = requestProvince(r, &obj);
  const char *zOk = req_param(r, "ok");
  if( !guard(r, ACT_RULING, &obj, &bHq) ){ access_object_clear(&obj); return; }
  committeePage(r, zProv, bHq, 0, zOk && zOk[0] ? "رأی ثبت شد." : 0);
  access_object_clear(&obj);
}

/* Load the current period's scheme for a ruling change. 0 or answered. */
static int rulingScheme(Req *r, Scheme *pS){
  Period p;
  char *zErr = 0;
  if( period_current(r->db, &p) || period_scheme(r->db, &p, pS, &zErr) ){
    free(zErr);
    req_error(r, 409, "هنوز دوره‌ای با طرح امتیازدهی نیست.");
    return 0;
  }
  return 1;
}

/* PAGE: POST /committee   ACTION: ruling — office, kind, no,
** date, state, note. */
void page_committee_add(Req *r){
  Object obj;
  Scheme sch;
  RulingNew rn;
  Actor act;
  long long id;
  int bHq;
  const char *zProv = requestProvince(r, &obj);
  if( !guard(r, ACT_RULING, &obj, &bHq) ){ access_object_clear(&obj); return; }
  if( !rulingScheme(r, &sch) ){ access_object_clear(&obj); return; }
  memset(&rn, 0, sizeof rn);
  rn.zOffice = req_param(r, "office");
  rn.zKind = req_param(r, "kind");
  rn.zNo = req_param(r, "no");
  rn.zDate = req_param(r, "date");
  rn.zState = req_param(r, "state");
  rn.zNote = req_param(r, "note");
  req_actor(r, &act);
  id = ruling_add(r->db, &act, &sch, bHq ? 0 : zProv, &rn);
  scheme_clear(&sch);
  if( id<0 ){
    committeePage(r, zProv, bHq, ruling_error_fa((int)id), 0);
    r->status = id==RULING_ESCOPE ? 403 : id==RULING_EDB ? 500 : 422;
  }else{
    req_redirect(r, req_printf(r, "/committee?ok=1&province=%s", url_q(r, zProv ? zProv : "")));
  }
  access_object_clear(&obj);
}

/* PAGE: POST /committee/{id}/state   ACTION: ruling — state, date. */
void page_committee_state(Req *r){
  Object obj;
  Scheme sch;
  Actor act;
  long long id = atoll(r->azArg[0]);
  int bHq, rc;
  const char *zProv = requestProvince(r, &obj);
  if( !guard(r, ACT_RULING, &obj, &bHq) ){ access_object_clear(&obj); return; }
  if( !rulingScheme(r, &sch) ){ access_object_clear(&obj); return; }
  req_actor(r, &act);
  rc = ruling_set_state(r->db, &act, &sch, bHq ? 0 : zProv, id, req_param(r, "state"),
                        req_param(r, "date"));
  scheme_clear(&sch);
  if( rc ){
    committeePage(r, zProv, bHq, ruling_error_fa(rc), 0);
    r->status = rc==RULING_ENOTFOUND ? 404 : rc==RULING_ESCOPE ? 403 : rc==RULING_EDB ? 500 : 422;
  }else{
    req_redirect(r, req_printf(r, "/committee?ok=1&province=%s", url_q(r, zProv ? zProv : "")));
  }
  access_object_clear(&obj);
}

/* ---- /offices/{code}/satisfaction ------------------------------------------------ */

/* PAGE: /offices/{code}/satisfaction   ACTION: office_private */
void page_office_satisfaction(Req *r){
  Object obj;
  Period *aP = 0;
  int nP = 0, i;
  const char *zCode = r->azArg[0];
  if( access_object_office(r->db, zCode, &obj) ){
    if( !req_allow(r, ACT_OFFICE_PRIVATE, 0) ) return;
    req_error(r, 404, "دفتری با این کد ثبت نشده است.");
    return;
  }
  if( !req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  html_begin(r, "رضایت شهروندان");
  html(r, "<h1>رضایت شهروندان — دفتر <span dir=\"ltr\">%s</span></h1>"
          "<p class=\"muted\">هر پاسخ نگه داشته می‌شود. امتیاز رتبه‌بندی میانگین بیزی است: میانگین دفتر "
          "به سوی میانگین کشوری کشیده می‌شود، به وزن پاسخ‌های فرضی که طرح امتیازدهی تعیین می‌کند؛ "
          "تا چند پاسخ دفتری را به بالا یا پایین جدول نبرد.</p>", zCode);
  period_list(r->db, &aP, &nP);
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"رضایت\">"
          "<table class=\"list\"><thead><tr><th scope=\"col\">دوره</th><th scope=\"col\" class=\"num\">شمار پاسخ</th>"
          "<th scope=\"col\" class=\"num\">میانگین (۱ تا ۵)</th><th scope=\"col\">بازهٔ اطمینان ۹۵٪</th>"
          "<th scope=\"col\" class=\"num\">میانگین کشوری</th><th scope=\"col\" class=\"num\">وزن پیشین</th>"
          "<th scope=\"col\" class=\"num\">امتیاز رتبه‌بندی (میانگین بیزی)</th><th scope=\"col\" class=\"num\">مقدار شاخص (۰ تا ۱۰۰)</th>"
          "</tr></thead><tbody>");
  for(i=0; i<nP; i++){
    Scheme sch;
    char *zErr = 0;
    double w = 0;
    SurveyOfficeStat st;
    if( period_scheme(r->db, &aP[i], &sch, &zErr)==0 ){
      w = sch.surveyPriorWeight;
      scheme_clear(&sch);
    }
    free(zErr);
    survey_office_stat(r->db, aP[i].id, zCode, w, &st);
    html(r, "<tr><td>%s</td><td class=\"num\">%s</td>", fa_num(r, aP[i].zCode), fa_int(r, st.n));
    if( st.n>0 ){
      html(r, "<td class=\"num\">%s</td><td class=\"num\">%s – %s</td>",
           faDec(r, st.mean, 2), faDec(r, st.lo, 2), faDec(r, st.hi, 2));
    }else{
      html(r, "<td>—</td><td>—</td>");
    }
    html(r, "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
         faDec(r, st.national, 2), faDec(r, st.priorWeight, 0), faDec(r, st.shrunk, 2),
         faDec(r, survey_percent(st.shrunk), 1));
  }
  html(r, "</tbody></table></div>");
  free(aP);
  html_end(r);
}
