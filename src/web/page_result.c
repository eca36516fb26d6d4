/*
** page_result.c — results for people: an office's result with its whole
** breakdown (draft before publication, published after), objections filed
** by the office and decided by HQ, the public rank card of the office page,
** and HQ's result sets page (rank, publish). docs/ranking.md.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/declaration.h"
#include "domain/document.h"
#include "domain/office.h"
#include "domain/period.h"
#include "domain/result.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/server.h"

/* ---- Small pieces ------------------------------------------------------ */

/* The badge of a rank (0: unranked) and status. */
static void rankBadge(Req *r, int iRank, const char *zStatus){
  if( iRank>=1 && iRank<=3 ){
    html(r, "<span class=\"badge rank%d\">رتبهٔ %s</span>", iRank, fa_int(r, iRank));
  }else{
    html(r, "<span class=\"badge unranked\">بدون رتبه — %s</span>",
         rank_status_label(rank_status_from_code(zStatus)));
  }
}

/* A score as Persian digits with at most two decimals ("—" unranked). */
static const char *scoreFa(Req *r, double v, int iRank){
  Buf b = {0};
  const char *z;
  if( iRank==0 ) return "—";
  rank_num(&b, v);
  z = fa_num(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* A value of a breakdown as Persian text under its indicator. */
static const char *valueFa(Req *r, const Indicator *pI, json_t *pV){
  if( pV==0 || json_is_null(pV) ) return "—";
  if( json_is_boolean(pV) ) return json_is_true(pV) ? "بله" : "خیر";
  if( json_is_string(pV) ){
    int k = pI ? scheme_choice_index(pI, json_string_value(pV)) : -1;
    return k>=0 ? pI->aChoice[k].zLabel : json_string_value(pV);
  }
  if( json_is_number(pV) ){
    Buf b = {0};
    const char *z;
    rank_num(&b, json_number_value(pV));
    z = fa_num(r, buf_str(&b));
    buf_free(&b);
    if( pI && pI->zUnit[0] ) z = req_printf(r, "%s %s", z, pI->zUnit);
    return z;
  }
  return "—";
}

static const char *numFa(Req *r, json_t *pV){
  Buf b = {0};
  const char *z;
  rank_num(&b, json_is_number(pV) ? json_number_value(pV) : 0);
  z = fa_num(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* The newest period code with a result set (bPublished: a published one),
** arena string or NULL. */
static const char *latestPeriod(Req *r, const char *zOffice, int bPublished){
  char *z;
  const char *zOut;
  sqlite3_stmt *q = db_prepare(r->db,
    "SELECT p.code FROM result_set s JOIN period p ON p.id=s.period_id"
    " JOIN result x ON x.result_set_id=s.id AND x.office_code=?1"
    " WHERE (?2=0 OR s.state='published') ORDER BY p.code DESC LIMIT 1");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 2, bPublished);
  z = sqlite3_step(q)==SQLITE_ROW ? xstrdup(db_col_text(q, 0)) : 0;
  db_finalize(q);
  zOut = z ? req_strdup(r, z) : 0;
  free(z);
  return zOut;
}

/* The full breakdown of one result (indicators and penalties). */
static void breakdown(Req *r, const OfficeResult *pRes, const Scheme *pScheme,
                      const char *zCaption){
  json_error_t e;
  json_t *pB = json_loads(pRes->zBreakdown ? pRes->zBreakdown : "{}", 0, &e), *pA, *pX;
  size_t i;
  if( pB==0 ) return;
  html(r, "<div class=\"card\"><dl class=\"facts\">"
          "<dt>دوره</dt><dd><span class=\"num\" dir=\"ltr\">%s</span> (نسخهٔ %s%s)</dd>"
          "<dt>رتبه</dt><dd>", pRes->zPeriod, fa_int(r, pRes->iVersion),
       pRes->bPublished ? "، منتشرشده" : "، پیش‌نویس");
  rankBadge(r, pRes->iRank, pRes->zStatus);
  html(r, "</dd><dt>امتیاز</dt><dd>%s</dd>", scoreFa(r, pRes->score, pRes->iRank));
  if( pRes->iPlace>0 ){
    html(r, "<dt>جایگاه در میان دفاتر هم‌نوع</dt><dd>%s</dd>", fa_int(r, pRes->iPlace));
  }
  if( json_string_value(json_object_get(pB, "reason_fa"))
   && json_string_value(json_object_get(pB, "reason_fa"))[0] ){
    html(r, "<dt>دلیل</dt><dd>%s</dd>", json_string_value(json_object_get(pB, "reason_fa")));
  }
  html(r, "</dl></div>");
  pA = json_object_get(pB, "indicators");
  if( json_array_size(pA)>0 ){
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">"
            "<table class=\"list\"><caption>%s</caption><thead><tr>"
            "<th scope=\"col\">شاخص</th><th scope=\"col\">منبع</th>"
            "<th scope=\"col\">مقدار اظهارشده</th><th scope=\"col\">مقدار تأییدشده</th>"
            "<th scope=\"col\">امتیاز</th><th scope=\"col\">قاعده</th></tr></thead><tbody>",
         zCaption, zCaption);
    json_array_foreach(pA, i, pX){
      const char *zKey = json_string_value(json_object_get(pX, "key"));
      const Indicator *pI = pScheme ? scheme_indicator(pScheme, zKey) : 0;
      const char *zBasis = json_string_value(json_object_get(pX, "basis"));
      int k;
      const char *zBasisFa = zBasis ? zBasis : "";
      for(k=0; k<RB_COUNT; k++){
        if( zBasis && strcmp(zBasis, rank_basis_code((RankBasis)k))==0 ){
          zBasisFa = rank_basis_label((RankBasis)k);
        }
      }
      html(r, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td>%s</td>"
              "<td class=\"num\">%s از %s</td><td>%s</td></tr>",
           pI ? pI->zLabel : (zKey ? zKey : ""), zBasisFa,
           valueFa(r, pI, json_object_get(pX, "declared")),
           valueFa(r, pI, json_object_get(pX, "verified")),
           numFa(r, json_object_get(pX, "points")), numFa(r, json_object_get(pX, "max")),
           fa_num(r, json_string_value(json_object_get(pX, "rule_fa"))
                     ? json_string_value(json_object_get(pX, "rule_fa")) : ""));
    }
    html(r, "</tbody><tfoot><tr><th scope=\"row\">جمع شاخص‌ها</th><td colspan=\"3\"></td>"
            "<td class=\"num\">%s</td><td></td></tr></tfoot></table></div>",
         numFa(r, json_object_get(pB, "sum")));
  }
  pA = json_object_get(pB, "penalties");
  if( json_array_size(pA)>0 ){
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"کسر امتیاز\">"
            "<table class=\"list\"><caption>کسر امتیاز با رأی قطعی کمیته</caption><thead><tr>"
            "<th scope=\"col\">شمارهٔ رأی</th><th scope=\"col\">تخلف</th>"
            "<th scope=\"col\">تاریخ قطعیت</th><th scope=\"col\">امتیاز</th></tr></thead><tbody>");
    json_array_foreach(pA, i, pX){
      html(r, "<tr><td class=\"num\" dir=\"ltr\">%s</td><td>%s%s</td><td>%s</td>"
              "<td class=\"num\">%s</td></tr>",
           json_string_value(json_object_get(pX, "no")) ? json_string_value(json_object_get(pX, "no")) : "",
           json_string_value(json_object_get(pX, "label")) ? json_string_value(json_object_get(pX, "label")) : "",
           json_is_true(json_object_get(pX, "revokes")) ? " (لغو پروانه)" : "",
           fa_date(r, json_string_value(json_object_get(pX, "final_date"))),
           numFa(r, json_object_get(pX, "points")));
    }
    html(r, "</tbody></table></div>");
  }
  json_decref(pB);
}

/* Published versions side by side, when an objection revised the result. */
static void history(Req *r, const char *zPeriod, const char *zOffice){
  OfficeResult *a;
  int n, i;
  result_office_history(r->db, zPeriod, zOffice, &a, &n);
  if( n>1 ){
    html(r, "<h2>نسخه‌های منتشرشده</h2>"
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"نسخه‌های نتیجه\">"
            "<table class=\"list\"><thead><tr><th scope=\"col\"></th>");
    for(i=0; i<n; i++){
      html(r, "<th scope=\"col\">نسخهٔ %s%s</th>", fa_int(r, a[i].iVersion),
           i==n-1 ? " (کنونی)" : i==0 ? " (نخست)" : "");
    }
    html(r, "</tr></thead><tbody><tr><th scope=\"row\">امتیاز</th>");
    for(i=0; i<n; i++) html(r, "<td class=\"num\">%s</td>", scoreFa(r, a[i].score, a[i].iRank));
    html(r, "</tr><tr><th scope=\"row\">رتبه</th>");
    for(i=0; i<n; i++){ html(r, "<td>"); rankBadge(r, a[i].iRank, a[i].zStatus); html(r, "</td>"); }
    html(r, "</tr><tr><th scope=\"row\">تاریخ انتشار</th>");
    for(i=0; i<n; i++) html(r, "<td>%s</td>", fa_date(r, a[i].zPublishedAt));
    html(r, "</tr><tr><th scope=\"row\">سبب</th>");
    for(i=0; i<n; i++){
      if( a[i].iObjection ) html(r, "<td>پذیرش اعتراض شمارهٔ %s</td>", fa_int(r, a[i].iObjection));
      else html(r, "<td>انتشار نتیجه</td>");
    }
    html(r, "</tr></tbody></table></div>");
  }
  result_office_free(a, n);
}

/* ---- The public card (office page) ------------------------------------ */

void page_office_result_card(Req *r, const char *zOffice){
  OfficeResult res;
  OfficeResult *a;
  int n, i;
  if( result_office_latest(r->db, zOffice, &res)==0 ){
    result_office_history(r->db, res.zPeriod, zOffice, &a, &n);
    if( n>1 ){
      /* An upheld objection revised the result: old and new side by side. */
      html(r, "<section id=\"revised\"><h2>بازنگری نتیجه پس از اعتراض</h2>"
              "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"نتیجهٔ پیشین و کنونی\">"
              "<table class=\"list\"><caption>دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></caption>"
              "<thead><tr><th scope=\"col\"></th>", res.zPeriod);
      for(i=0; i<n; i++){
        html(r, "<th scope=\"col\">%s (نسخهٔ %s)</th>",
             i==0 ? "نتیجهٔ نخست" : i==n-1 ? "نتیجهٔ کنونی" : "بازنگری", fa_int(r, a[i].iVersion));
      }
      html(r, "</tr></thead><tbody><tr><th scope=\"row\">امتیاز</th>");
      for(i=0; i<n; i++) html(r, "<td class=\"num\">%s</td>", scoreFa(r, a[i].score, a[i].iRank));
      html(r, "</tr><tr><th scope=\"row\">رتبه</th>");
      for(i=0; i<n; i++){ html(r, "<td>"); rankBadge(r, a[i].iRank, a[i].zStatus); html(r, "</td>"); }
      html(r, "</tr><tr><th scope=\"row\">تاریخ انتشار</th>");
      for(i=0; i<n; i++) html(r, "<td>%s</td>", fa_date(r, a[i].zPublishedAt));
      html(r, "</tr></tbody></table></div></section>");
    }
    result_office_free(a, n);
    result_office_clear(&res);
  }
  if( r->pWho && access_allow(r->pWho, ACT_OFFICE_PRIVATE, 0) ){
    html(r, "<p><a href=\"/offices/%s/result\">نتیجهٔ ارزیابی با ریز امتیازها</a></p>",
         url_q(r, zOffice));
  }
}

/* ---- The office's result page ----------------------------------------- */

/* ?ok= messages. */
static const char *okMessage(const char *z){
  if( z==0 ) return 0;
  if( strcmp(z, "filed")==0 ) return "اعتراض ثبت شد و به ستاد فرستاده شد.";
  if( strcmp(z, "decided")==0 ) return "تصمیم دربارهٔ اعتراض ثبت شد.";
  if( strcmp(z, "ranked")==0 ) return "رتبه‌بندی انجام شد و نتیجه به صورت پیش‌نویس ذخیره شد.";
  if( strcmp(z, "published")==0 ) return "نتیجه منتشر شد و دوره «منتشرشده» شد.";
  return 0;
}

/* Was form field zName sent with the value zValue (a refused form shown
** again keeps what was ticked)? */
static int formHas(Req *r, const char *zName, const char *zValue){
  int i;
  for(i=0; i<r->nForm; i++){
    if( strcmp(r->aForm[i].zName, zName)==0 && strcmp(r->aForm[i].zValue, zValue)==0 ) return 1;
  }
  return 0;
}

/* The links to an objection's documents (a list; nothing when none). */
static void objectionDocs(Req *r, const Objection *pO){
  int k;
  if( pO->nDoc==0 ) return;
  html(r, "<ul class=\"docs\">");
  for(k=0; k<pO->nDoc; k++){
    html(r, "<li><a href=\"/offices/%s/objections/%lld/documents/%s\">%s</a></li>",
         url_q(r, pO->zOffice), pO->id, pO->azDoc[k], pO->azDocName[k]);
  }
  html(r, "</ul>");
}

/* The objection form of an office operator. */
static void objectionForm(Req *r, const char *zOffice, const char *zPeriod,
                          const Scheme *pScheme){
  char zDeadline[11], zNow[21], zToday[11];
  sqlite3_stmt *q;
  int k, nDoc = 0;
  int bPost = strcmp(r->zMethod, "POST")==0;
  if( objection_deadline(r->db, zPeriod, zDeadline) ) return;
  period_now(zNow);
  if( period_tehran_date(zNow, zToday)==0 && strcmp(zToday, zDeadline)>0 ){
    html(r, "<p class=\"muted\">مهلت اعتراض به نتیجهٔ این دوره در %s به پایان رسید.</p>",
         fa_date(r, zDeadline));
    return;
  }
  html(r, "<h2>اعتراض به نتیجه</h2><div class=\"card\">"
          "<p>تا پایان روز %s می‌توانید به امتیاز شاخص‌های خوداظهاری اعتراض کنید. "
          "بازبینی از ستاد که در بررسی خوداظهاری این دفتر نقشی نداشته است دربارهٔ آن تصمیم می‌گیرد.</p>"
          "<form method=\"post\" action=\"/offices/%s/objections\" enctype=\"multipart/form-data\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
          "<input type=\"hidden\" name=\"period\" value=\"%s\">"
          "<fieldset><legend>شاخص‌های مورد اعتراض</legend>",
       fa_date(r, zDeadline), url_q(r, zOffice), r->pWho->zCsrf, zPeriod);
  for(k=0; k<pScheme->nInd; k++){
    const Indicator *pI = &pScheme->aInd[k];
    if( pI->source!=SRC_DECLARED && pI->source!=SRC_ROSTER ) continue;
    html(r, "<label><input type=\"checkbox\" name=\"indicator\" value=\"%s\"%s> %s</label>",
         pI->zKey, formHas(r, "indicator", pI->zKey) ? " checked" : "", pI->zLabel);
  }
  html(r, "</fieldset><p><label for=\"obj-text\">شرح اعتراض</label>"
          "<textarea id=\"obj-text\" name=\"text\" required maxlength=\"4000\">%s</textarea></p>",
       bPost && req_form(r, "text") ? req_form(r, "text") : "");
  q = db_prepare(r->db,
    "SELECT dd.sha256, dd.name, dd.indicator FROM declaration_document dd"
    " JOIN declaration d ON d.id=dd.declaration_id JOIN period p ON p.id=d.period_id"
    " WHERE d.office_code=?1 AND p.code=?2 ORDER BY dd.id");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zPeriod, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( nDoc++==0 ) html(r, "<fieldset><legend>اسناد پیوست (از اسناد خوداظهاری)</legend>");
    html(r, "<label><input type=\"checkbox\" name=\"document\" value=\"%s\"%s> %s</label>",
         db_col_text(q, 0), formHas(r, "document", db_col_text(q, 0)) ? " checked" : "",
         db_col_text(q, 1));
  }
  db_finalize(q);
  if( nDoc ) html(r, "</fieldset>");
  html(r, "<p><label for=\"obj-files\">اسناد تازه (PDF، JPEG یا PNG، هر کدام تا ۵ مگابایت، حداکثر %s پرونده)</label>"
          "<input id=\"obj-files\" type=\"file\" name=\"file\" multiple"
          " accept=\"application/pdf,image/jpeg,image/png\"></p>"
          "<button class=\"btn primary\" type=\"submit\">ثبت اعتراض</button></form></div>",
       fa_int(r, UPLOAD_MAX_FILES));
}

/* The whole page; zErr a Persian error to show (status already set). */
static void resultPage(Req *r, const char *zOffice, const char *zPeriodArg, const char *zErr){
  Office o;
  ResultSetInfo pub, last;
  OfficeResult res;
  Period per;
  Scheme sch;
  Objection *aObj;
  int nObj, i, bScheme = 0, bPub, bDraft;
  char *zE = 0;
  const char *zPeriod = zPeriodArg && zPeriodArg[0] ? zPeriodArg : latestPeriod(r, zOffice, 0);
  const char *zOk = okMessage(req_query(r, "ok"));
  if( office_load(r->db, zOffice, &o) ){
    req_error(r, 404, "دفتری با این کد در سامانه ثبت نشده است.");
    return;
  }
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, req_printf(r, "نتیجهٔ ارزیابی %s", o.zName));
  html(r, "<h1>نتیجهٔ ارزیابی</h1><p class=\"muted\"><a href=\"/offices/%s\">%s</a> — "
          "<span class=\"num\" dir=\"ltr\">%s</span></p>",
       url_q(r, o.zCode), fa_num(r, o.zName), o.zCode);
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( zPeriod==0 || period_load(r->db, zPeriod, &per) ){
    html(r, "<p>هنوز نتیجه‌ای برای این دفتر ساخته نشده است.</p>");
    office_clear(&o);
    html_end(r);
    return;
  }
  if( period_scheme(r->db, &per, &sch, &zE)==0 ) bScheme = 1;
  free(zE);
  bPub = result_set_latest(r->db, zPeriod, 1, &pub)==0;
  bDraft = result_set_latest(r->db, zPeriod, 0, &last)==0 && !last.bPublished;

  if( bDraft && result_office(r->db, last.id, zOffice, &res)==0 ){
    html(r, "<h2>پیش‌نویس نتیجه (پیش از انتشار)</h2>"
            "<p class=\"note\">این نتیجه هنوز منتشر نشده است. ریز امتیازها را بررسی کنید؛ "
            "اگر نادرستی در داده‌ها می‌بینید، پیش از انتشار به منطقهٔ خود خبر دهید.</p>");
    breakdown(r, &res, bScheme ? &sch : 0, "ریز امتیازهای پیش‌نویس");
    result_office_clear(&res);
  }
  if( bPub && result_office(r->db, pub.id, zOffice, &res)==0 ){
    html(r, "<h2>نتیجهٔ منتشرشده</h2>");
    breakdown(r, &res, bScheme ? &sch : 0, "ریز امتیازهای نتیجهٔ منتشرشده");
    result_office_clear(&res);
    history(r, zPeriod, zOffice);
  }else if( !bDraft ){
    html(r, "<p>هنوز نتیجه‌ای برای این دفتر در دورهٔ <span class=\"num\" dir=\"ltr\">%s</span>"
            " ساخته نشده است.</p>", zPeriod);
  }

  objection_list(r->db, zPeriod, zOffice, OBJ_COUNT, &aObj, &nObj);
  if( nObj>0 ){
    html(r, "<h2>اعتراض‌ها</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\""
            " aria-label=\"اعتراض‌ها\"><table class=\"list\"><thead><tr>"
            "<th scope=\"col\">شماره</th><th scope=\"col\">شاخص‌ها</th><th scope=\"col\">تاریخ</th>"
            "<th scope=\"col\">وضعیت</th><th scope=\"col\">دلیل تصمیم</th>"
            "<th scope=\"col\">اسناد</th></tr></thead><tbody>");
    for(i=0; i<nObj; i++){
      int k;
      html(r, "<tr><td class=\"num\">%s</td><td>", fa_int(r, aObj[i].id));
      for(k=0; k<aObj[i].nInd; k++){
        const Indicator *pI = bScheme ? scheme_indicator(&sch, aObj[i].azInd[k]) : 0;
        html(r, "%s%s", k ? "، " : "", pI ? pI->zLabel : aObj[i].azInd[k]);
      }
      html(r, "</td><td>%s</td><td>%s</td><td>%s</td><td>", fa_date(r, aObj[i].zFiledAt),
           objection_state_label(aObj[i].state), aObj[i].zReason[0] ? aObj[i].zReason : "—");
      if( aObj[i].nDoc ) objectionDocs(r, &aObj[i]);
      else html(r, "—");
      html(r, "</td></tr>");
    }
    html(r, "</tbody></table></div>");
  }
  if( bPub && bScheme && r->pWho && r->pWho->role==ROLE_OFFICE ){
    int bPending = 0;
    for(i=0; i<nObj; i++) if( aObj[i].state==OBJ_FILED ) bPending = 1;
    if( !bPending ) objectionForm(r, zOffice, zPeriod, &sch);
  }
  objection_list_free(aObj, nObj);
  if( bScheme ) scheme_clear(&sch);
  office_clear(&o);
  html_end(r);
}

/* Guard an office route: 1 with *pObj filled (caller clears), or 0 after
** answering. A code that is no office still goes through the guard first,
** so that the anonymous get 401 rather than learn which codes exist. */
static int officeGuard(Req *r, Action e, Object *pObj){
  if( access_object_office(r->db, r->azArg[0], pObj) ){
    if( req_allow(r, e, 0) ) req_error(r, 404, "دفتری با این کد در سامانه ثبت نشده است.");
    return 0;
  }
  if( !req_allow(r, e, pObj) ){
    access_object_clear(pObj);
    return 0;
  }
  return 1;
}

/* PAGE: /offices/{code}/result?period=   ROLE: office_private */
void page_office_result(Req *r){
  Object obj;
  if( !officeGuard(r, ACT_OFFICE_PRIVATE, &obj) ) return;
  resultPage(r, r->azArg[0], req_param(r, "period"), 0);
  access_object_clear(&obj);
}

int objection_uploads(Req *r, ObjUpload **paUp, int *pnUp, DeclErr *pE){
  ObjUpload *a;
  int i, n = 0;
  *paUp = 0;
  *pnUp = 0;
  memset(pE, 0, sizeof *pE);
  if( r->pUpload==0 ) return 0;
  if( r->nUpload==0 && r->pUpload->bError ){
    decl_err(pE, 400, "file", "the upload did not arrive whole; nothing was filed",
             "پرونده‌ها کامل نرسیدند؛ اعتراض ثبت نشد. دوباره بفرستید.");
    return -1;
  }
  if( r->bUploadTooMany ){
    decl_err(pE, 413, "file", "", "");
    snprintf(pE->zEn, sizeof pE->zEn, "file: at most %d files with one objection; nothing was filed",
             UPLOAD_MAX_FILES);
    snprintf(pE->zFa, sizeof pE->zFa, "با هر اعتراض حداکثر %s پرونده می‌توان فرستاد؛ اعتراض ثبت نشد.",
             fa_int(r, UPLOAD_MAX_FILES));
    return -1;
  }
  a = req_alloc(r, sizeof(ObjUpload)*(size_t)(r->nUpload + 1));
  for(i=0; i<r->nUpload; i++){
    Upload *pF = &r->aUpload[i];
    if( !pF->bFile || (pF->zName[0]==0 && pF->nSize==0) ) continue;   /* an empty file input */
    if( pF->bTooLarge ){
      decl_err(pE, 413, "file", "", "");
      snprintf(pE->zEn, sizeof pE->zEn, "file \"%s\": larger than 5 MB; nothing was stored;"
               " the objection was not filed", req_strdup(r, pF->zName));
      snprintf(pE->zFa, sizeof pE->zFa, "پروندهٔ «%s»: حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد."
               " اعتراض ثبت نشد.", req_strdup(r, pF->zName));
      return -1;
    }
    if( pF->bError || pF->zTmp[0]==0 ){
      decl_err(pE, 400, "file", "", "");
      snprintf(pE->zEn, sizeof pE->zEn, "file \"%s\": did not arrive whole; nothing was filed",
               req_strdup(r, pF->zName));
      snprintf(pE->zFa, sizeof pE->zFa, "پروندهٔ «%s» کامل نرسید؛ اعتراض ثبت نشد. دوباره بفرستید.",
               req_strdup(r, pF->zName));
      return -1;
    }
    a[n].zTmp = pF->zTmp;
    a[n].zName = pF->zName;
    a[n].nSize = pF->nSize;
    a[n].zSha = pF->zSha256;
    n++;
  }
  *paUp = a;
  *pnUp = n;
  return 0;
}

/* The uploads were consumed (stored or removed): the server has nothing
** left to remove. */
static void uploadsConsumed(Req *r){
  int i;
  for(i=0; i<r->nUpload; i++) r->aUpload[i].zTmp[0] = 0;
}

/* PAGE: POST /offices/{code}/objections (period, indicator..., text,
** document... [sha256 of declaration documents], file... [new documents;
** multipart])   ROLE: declare */
void page_objection_file(Req *r){
  Object obj;
  const char **azInd, **azDoc;
  int nInd = 0, nDoc = 0, nUp = 0, i;
  char zNow[21];
  const char *zPeriod = req_param(r, "period");
  ObjUpload *aUp = 0;
  DeclErr e;
  long long id = -1;
  if( !officeGuard(r, ACT_DECLARE, &obj) ) return;
  azInd = req_alloc(r, sizeof(char *)*(size_t)(r->nForm + 1));
  azDoc = req_alloc(r, sizeof(char *)*(size_t)(r->nForm + 1));
  for(i=0; i<r->nForm; i++){
    if( strcmp(r->aForm[i].zName, "indicator")==0 ) azInd[nInd++] = r->aForm[i].zValue;
    if( strcmp(r->aForm[i].zName, "document")==0 ) azDoc[nDoc++] = r->aForm[i].zValue;
  }
  period_now(zNow);
  if( objection_uploads(r, &aUp, &nUp, &e)==0 ){
    Actor a;
    req_actor(r, &a);
    id = objection_file_docs(r->db, server_dir(r->pSrv), &a, zPeriod ? zPeriod : "",
                             r->azArg[0], azInd, nInd, req_form(r, "text"), azDoc, nDoc,
                             aUp, nUp, zNow, &e);
    uploadsConsumed(r);
  }
  if( id>0 ){
    req_redirect(r, req_printf(r, "/offices/%s/result?period=%s&ok=filed",
                               url_q(r, r->azArg[0]), url_q(r, zPeriod)));
  }else{
    r->status = e.status ? e.status : 422;
    resultPage(r, r->azArg[0], zPeriod, e.zFa[0] ? req_strdup(r, e.zFa) : "اعتراض ثبت نشد.");
  }
  access_object_clear(&obj);
}

/* GET /offices/{code}/objections/{id}/documents/{sha} and its API twin:
** the office's own objection, its linked document. */
void objection_send_document(Req *r){
  Object obj;
  Objection o;
  DocRef d;
  long long id;
  if( access_object_office(r->db, r->azArg[0], &obj) ){
    if( req_allow(r, ACT_OFFICE_PRIVATE, 0) ){
      req_error2(r, 404, "دفتری با این کد در سامانه ثبت نشده است.", "no office with this code");
    }
    return;
  }
  if( !req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){
    access_object_clear(&obj);
    return;
  }
  access_object_clear(&obj);
  if( text_parse_int(r->azArg[1], &id) || id<=0 || objection_load(r->db, id, &o) ){
    req_error2(r, 404, "اعتراضی با این شماره نیست.", "no such objection");
    return;
  }
  if( strcmp(o.zOffice, r->azArg[0])!=0 || document_find_objection(r->db, id, r->azArg[2], &d) ){
    objection_clear(&o);
    req_error2(r, 404, "این سند پیوست این اعتراض نیست.", "no such document with this objection");
    return;
  }
  objection_clear(&o);
  send_document(r, &d);
  free(d.zName);
}

/* PAGE: GET /offices/{code}/objections/{id}/documents/{sha}   ROLE: office_private */
void page_objection_document(Req *r){
  objection_send_document(r);
}

/* ---- HQ: objections ----------------------------------------------------- */

/* PAGE: /objections?state=   ROLE: objection_decide */
void page_objections(Req *r){
  Objection *a;
  int n, i;
  const char *zState = req_param(r, "state");
  ObjState e = OBJ_FILED;
  if( !req_allow(r, ACT_OBJECTION_DECIDE, 0) ) return;
  if( zState && strcmp(zState, "all")==0 ) e = OBJ_COUNT;
  else if( zState && strcmp(zState, "upheld")==0 ) e = OBJ_UPHELD;
  else if( zState && strcmp(zState, "rejected")==0 ) e = OBJ_REJECTED;
  objection_list(r->db, 0, 0, e, &a, &n);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "اعتراض‌ها");
  html(r, "<h1>اعتراض‌ها به نتیجه</h1><nav class=\"pager\" aria-label=\"وضعیت\">"
          "<a href=\"/objections\">در دست بررسی</a> <a href=\"/objections?state=upheld\">پذیرفته</a> "
          "<a href=\"/objections?state=rejected\">ردشده</a> <a href=\"/objections?state=all\">همه</a></nav>");
  if( n==0 ){
    html(r, "<p class=\"muted\">اعتراضی در این فهرست نیست.</p>");
  }else{
    html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"اعتراض‌ها\">"
            "<table class=\"list\"><thead><tr><th scope=\"col\">شماره</th><th scope=\"col\">دفتر</th>"
            "<th scope=\"col\">دوره</th><th scope=\"col\">تاریخ</th><th scope=\"col\">وضعیت</th>"
            "</tr></thead><tbody>");
    for(i=0; i<n; i++){
      html(r, "<tr><td><a href=\"/objections/%lld\">%s</a></td><td class=\"num\">%s</td>"
              "<td><span class=\"num\" dir=\"ltr\">%s</span></td><td>%s</td><td>%s</td></tr>",
           a[i].id, fa_int(r, a[i].id), a[i].zOffice, a[i].zPeriod, fa_date(r, a[i].zFiledAt),
           objection_state_label(a[i].state));
    }
    html(r, "</tbody></table></div>");
  }
  objection_list_free(a, n);
  html_end(r);
}

/* The objection page; zErr a Persian error. */
static void objectionPage(Req *r, long long id, const char *zErr){
  Objection o;
  Period per;
  Scheme sch;
  OfficeResult res;
  json_t *pB = 0;
  char *zE = 0;
  int k, bScheme = 0, bIndep;
  const char *zOk = okMessage(req_query(r, "ok"));
  if( objection_load(r->db, id, &o) ){
    req_error(r, 404, "اعتراضی با این شماره نیست.");
    return;
  }
  if( period_load(r->db, o.zPeriod, &per)==0 && period_scheme(r->db, &per, &sch, &zE)==0 ) bScheme = 1;
  free(zE);
  bIndep = objection_independent(r->db, o.zPeriod, o.zOffice, r->pWho->iUser);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, req_printf(r, "اعتراض %lld", id));
  html(r, "<h1>اعتراض شمارهٔ %s</h1>", fa_int(r, id));
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  html(r, "<div class=\"card\"><dl class=\"facts\">"
          "<dt>دفتر</dt><dd><a href=\"/offices/%s/result?period=%s\" class=\"num\">%s</a></dd>"
          "<dt>دوره</dt><dd><span class=\"num\" dir=\"ltr\">%s</span></dd>"
          "<dt>تاریخ ثبت</dt><dd>%s</dd><dt>وضعیت</dt><dd>%s</dd>"
          "<dt>شرح</dt><dd>%s</dd>",
       url_q(r, o.zOffice), url_q(r, o.zPeriod), o.zOffice, o.zPeriod,
       fa_date(r, o.zFiledAt), objection_state_label(o.state), o.zText);
  if( o.state!=OBJ_FILED ){
    html(r, "<dt>تاریخ تصمیم</dt><dd>%s</dd><dt>دلیل تصمیم</dt><dd>%s</dd>",
         fa_date(r, o.zDecidedAt), o.zReason);
  }
  html(r, "</dl>");
  if( o.nDoc>0 ){
    html(r, "<p>اسناد پیوست:</p>");
    objectionDocs(r, &o);
  }
  html(r, "</div>");

  /* The objected indicators in the objected result. */
  if( result_office(r->db, o.iSet, o.zOffice, &res)==0 ){
    json_error_t je;
    pB = json_loads(res.zBreakdown, 0, &je);
    result_office_clear(&res);
  }
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"شاخص‌های مورد اعتراض\">"
          "<table class=\"list\"><caption>شاخص‌های مورد اعتراض در نتیجهٔ منتشرشده</caption>"
          "<thead><tr><th scope=\"col\">شاخص</th><th scope=\"col\">اظهارشده</th>"
          "<th scope=\"col\">تأییدشده</th><th scope=\"col\">امتیاز</th></tr></thead><tbody>");
  for(k=0; k<o.nInd; k++){
    const Indicator *pI = bScheme ? scheme_indicator(&sch, o.azInd[k]) : 0;
    json_t *pX = 0, *pL;
    size_t j;
    json_array_foreach(json_object_get(pB, "indicators"), j, pL){
      const char *zK = json_string_value(json_object_get(pL, "key"));
      if( zK && strcmp(zK, o.azInd[k])==0 ) pX = pL;
    }
    html(r, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td class=\"num\">%s</td></tr>",
         pI ? pI->zLabel : o.azInd[k], valueFa(r, pI, json_object_get(pX, "declared")),
         valueFa(r, pI, json_object_get(pX, "verified")),
         pX ? numFa(r, json_object_get(pX, "points")) : "—");
  }
  html(r, "</tbody></table></div>");
  json_decref(pB);

  if( o.state==OBJ_FILED && !bIndep ){
    html(r, "<p class=\"note\">شما در بررسی خوداظهاری این دفتر در این دوره نقش داشته‌اید؛ "
            "بازبین دیگری از ستاد باید دربارهٔ این اعتراض تصمیم بگیرد.</p>");
  }else if( o.state==OBJ_FILED && bScheme ){
    html(r, "<h2>تصمیم</h2><div class=\"card\"><form method=\"post\" action=\"/objections/%lld/decide\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<fieldset><legend>نتیجهٔ بررسی</legend>"
            "<label><input type=\"radio\" name=\"decision\" value=\"uphold\" required> پذیرش اعتراض</label>"
            "<label><input type=\"radio\" name=\"decision\" value=\"reject\"> رد اعتراض</label></fieldset>"
            "<fieldset><legend>مقدار تأییدشدهٔ تازه (اگر اعتراض پذیرفته شود)</legend>", id, r->pWho->zCsrf);
    for(k=0; k<o.nInd; k++){
      const Indicator *pI = scheme_indicator(&sch, o.azInd[k]);
      int c;
      if( pI==0 ) continue;
      html(r, "<p><label for=\"v-%s\">%s</label>", pI->zKey, pI->zLabel);
      if( pI->kind==KIND_CHOICE ){
        html(r, "<select id=\"v-%s\" name=\"value_%s\"><option value=\"\">—</option>", pI->zKey, pI->zKey);
        for(c=0; c<pI->nChoice; c++){
          html(r, "<option value=\"%s\">%s</option>", pI->aChoice[c].zValue, pI->aChoice[c].zLabel);
        }
        html(r, "</select></p>");
      }else if( pI->kind==KIND_YESNO ){
        html(r, "<select id=\"v-%s\" name=\"value_%s\"><option value=\"\">—</option>"
                "<option value=\"yes\">بله</option><option value=\"no\">خیر</option></select></p>",
             pI->zKey, pI->zKey);
      }else{
        html(r, "<input id=\"v-%s\" name=\"value_%s\" inputmode=\"decimal\" dir=\"ltr\"></p>",
             pI->zKey, pI->zKey);
      }
    }
    html(r, "</fieldset><p><label for=\"reason\">دلیل تصمیم (الزامی)</label>"
            "<textarea id=\"reason\" name=\"reason\" required maxlength=\"4000\"></textarea></p>"
            "<button class=\"btn primary\" type=\"submit\">ثبت تصمیم</button></form></div>");
  }
  if( o.iNewSet ){
    html(r, "<p>نسخهٔ تازهٔ نتیجه ساخته و منتشر شد: "
            "<a href=\"/offices/%s/result?period=%s\">نتیجهٔ دفتر</a></p>",
         url_q(r, o.zOffice), url_q(r, o.zPeriod));
  }
  if( bScheme ) scheme_clear(&sch);
  objection_clear(&o);
  html_end(r);
}

/* PAGE: /objections/{id}   ROLE: objection_decide */
void page_objection(Req *r){
  long long id;
  if( !req_allow(r, ACT_OBJECTION_DECIDE, 0) ) return;
  if( text_parse_int(r->azArg[0], &id) || id<=0 ){
    req_error(r, 404, "اعتراضی با این شماره نیست.");
    return;
  }
  objectionPage(r, id, 0);
}

/* PAGE: POST /objections/{id}/decide (decision, reason, value_KEY...)
** ROLE: objection_decide (and independent of the office's review) */
void page_objection_decide(Req *r){
  long long id, iNew = 0;
  const char *zDec = req_form(r, "decision");
  json_t *pV = json_object();
  char zNow[21], *zErr = 0;
  const char *zErrFa = 0;
  int i, st, rc;
  Actor a;
  if( !req_allow(r, ACT_OBJECTION_DECIDE, 0) ){ json_decref(pV); return; }
  if( text_parse_int(r->azArg[0], &id) || id<=0 ){
    json_decref(pV);
    req_error(r, 404, "اعتراضی با این شماره نیست.");
    return;
  }
  if( zDec==0 || (strcmp(zDec, "uphold")!=0 && strcmp(zDec, "reject")!=0) ){
    json_decref(pV);
    r->status = 422;
    objectionPage(r, id, "پذیرش یا رد اعتراض را برگزینید.");
    return;
  }
  for(i=0; i<r->nForm; i++){
    if( strncmp(r->aForm[i].zName, "value_", 6)==0 && r->aForm[i].zValue[0] ){
      json_object_set_new(pV, r->aForm[i].zName + 6, json_string(r->aForm[i].zValue));
    }
  }
  period_now(zNow);
  req_actor(r, &a);
  rc = objection_decide(r->db, &a, id, strcmp(zDec, "uphold")==0, req_form(r, "reason"), pV,
                        zNow, &iNew, &st, &zErr, &zErrFa);
  json_decref(pV);
  free(zErr);
  if( rc==0 ){
    req_redirect(r, req_printf(r, "/objections/%lld?ok=decided", id));
  }else if( st==404 ){
    req_error(r, 404, zErrFa);
  }else{
    r->status = st;
    objectionPage(r, id, zErrFa);
  }
}

/* ---- HQ: result sets ----------------------------------------------------- */

/* Why the latest draft of period p may not be published now (Persian), or
** NULL: only a ranked period (or a published one, for a newer version). */
static const char *publishBlocked(const Period *p){
  switch( p->state ){
    case PS_RANKED: case PS_PUBLISHED: return 0;
    case PS_CLOSED: return "دوره بسته است؛ نتیجهٔ آن دیگر تغییر نمی‌کند.";
    case PS_REVIEWING:
      return "پیش‌نویس پیش از پایان خوداظهاری ساخته شده است؛ برای انتشار، دوباره رتبه‌بندی کنید"
             " (دوره «رتبه‌بندی‌شده» می‌شود).";
    default:
      return "نتیجه تنها پس از پایان خوداظهاری منتشر می‌شود: دوره را در صفحهٔ دوره به «بررسی» ببرید"
             " و سپس رتبه‌بندی کنید.";
  }
}

static void resultsPage(Req *r, const char *zErr){
  Period *aP;
  int nP, i, k;
  const char *zOk = okMessage(req_query(r, "ok"));
  period_list(r->db, &aP, &nP);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "نتیجه‌ها و انتشار");
  html(r, "<h1>نتیجه‌ها و انتشار</h1>"
          "<p>هر بار رتبه‌بندی، نسخهٔ پیش‌نویس تازه‌ای از نتیجه می‌سازد که دفاتر پیش از انتشار "
          "ریز امتیاز خود را در آن می‌بینند. انتشار، آخرین پیش‌نویس را منتشر می‌کند؛ نسخهٔ منتشرشده "
          "هرگز تغییر نمی‌کند. <a href=\"/admin/whatif\">شبیه‌ساز «اگر…»</a></p>");
  if( zErr ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", zErr);
  else if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  for(i=0; i<nP; i++){
    ResultSetInfo *aS;
    int nS;
    result_set_list(r->db, aP[i].zCode, &aS, &nS);
    html(r, "<h2>دورهٔ <span class=\"num\" dir=\"ltr\">%s</span> — "
            "<a href=\"/admin/periods/%s\" class=\"state\" data-state=\"%s\">%s</a></h2>",
         aP[i].zCode, url_q(r, aP[i].zCode), period_state_code(aP[i].state),
         period_state_label(aP[i].state));
    html(r, "<div class=\"grid\">");
    if( aP[i].state<PS_CLOSED ){
      html(r, "<form method=\"post\" action=\"/admin/results/%s/rank\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<button type=\"submit\">رتبه‌بندی (پیش‌نویس تازه)</button></form>",
           url_q(r, aP[i].zCode), r->pWho->zCsrf);
    }
    if( nS>0 && !aS[0].bPublished && publishBlocked(&aP[i])==0 ){
      html(r, "<form method=\"post\" action=\"/admin/results/%s/publish\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<button class=\"btn primary\" type=\"submit\">انتشار نسخهٔ %s</button></form>",
           url_q(r, aP[i].zCode), r->pWho->zCsrf, fa_int(r, aS[0].iVersion));
    }else if( nS>0 && !aS[0].bPublished ){
      html(r, "<p class=\"note\">%s</p>", publishBlocked(&aP[i]));
    }
    html(r, "</div>");
    if( nS>0 ){
      html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"نسخه‌های نتیجهٔ %s\">"
              "<table class=\"list\"><thead><tr><th scope=\"col\">نسخه</th><th scope=\"col\">وضعیت</th>"
              "<th scope=\"col\">دفاتر</th><th scope=\"col\">رتبهٔ ۱</th><th scope=\"col\">رتبهٔ ۲</th>"
              "<th scope=\"col\">رتبهٔ ۳</th><th scope=\"col\">بدون رتبه</th>"
              "<th scope=\"col\">چکیدهٔ ورودی‌ها</th><th scope=\"col\">ساخت</th>"
              "<th scope=\"col\">انتشار</th><th scope=\"col\">یادداشت</th></tr></thead><tbody>",
           aP[i].zCode);
      for(k=0; k<nS; k++){
        html(r, "<tr><td class=\"num\">%s</td><td>%s</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td dir=\"ltr\"><code>%.16s…</code></td><td>%s</td>"
                "<td>%s</td><td>%s</td></tr>",
             fa_int(r, aS[k].iVersion), aS[k].bPublished ? "منتشرشده" : "پیش‌نویس",
             fa_int(r, aS[k].nOffices), fa_int(r, aS[k].nRank1), fa_int(r, aS[k].nRank2),
             fa_int(r, aS[k].nRank3), fa_int(r, aS[k].nUnranked), aS[k].zHash,
             fa_date(r, aS[k].zCreatedAt), fa_date(r, aS[k].zPublishedAt),
             aS[k].iObjection ? req_printf(r, "پذیرش اعتراض %s", fa_int(r, aS[k].iObjection)) : "");
      }
      html(r, "</tbody></table></div>");
    }
    free(aS);
  }
  if( nP==0 ) html(r, "<p class=\"muted\">هنوز دوره‌ای تعریف نشده است.</p>");
  free(aP);
  html_end(r);
}

/* PAGE: /admin/results   ROLE: admin */
void page_results(Req *r){
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  resultsPage(r, 0);
}

/* PAGE: POST /admin/results/{period}/rank   ROLE: admin */
void page_results_rank(Req *r){
  ResultSetInfo info;
  Period per;
  char *zErr = 0;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( db_int(r->db, 0, "SELECT count(*) FROM period WHERE code=?1", r->azArg[0])==0 ){
    req_error(r, 404, "دوره‌ای با این کد نیست.");
    return;
  }
  req_actor(r, &a);
  if( period_load(r->db, r->azArg[0], &per)==0 && per.state==PS_CLOSED ){
    r->status = 409;
    resultsPage(r, "رتبه‌بندی انجام نشد: دوره بسته است؛ نتیجهٔ آن دیگر تغییر نمی‌کند.");
    return;
  }
  if( result_rank(r->db, &a, r->azArg[0], &info, &zErr) ){
    r->status = 409;
    resultsPage(r, req_printf(r, "رتبه‌بندی انجام نشد: %s", zErr ? zErr : ""));
  }else{
    req_redirect(r, "/admin/results?ok=ranked");
  }
  free(zErr);
}

/* PAGE: POST /admin/results/{period}/publish   ROLE: admin */
void page_results_publish(Req *r){
  ResultSetInfo info;
  Period per;
  char *zErr = 0;
  Actor a;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( db_int(r->db, 0, "SELECT count(*) FROM period WHERE code=?1", r->azArg[0])==0 ){
    req_error(r, 404, "دوره‌ای با این کد نیست.");
    return;
  }
  req_actor(r, &a);
  if( period_load(r->db, r->azArg[0], &per)==0 && publishBlocked(&per) ){
    r->status = 409;
    resultsPage(r, publishBlocked(&per));
  }else if( result_publish(r->db, &a, r->azArg[0], &info, &zErr) ){
    r->status = 409;
    resultsPage(r, "پیش‌نویس تازه‌ای برای انتشار نیست؛ نخست رتبه‌بندی کنید.");
  }else{
    req_redirect(r, "/admin/results?ok=published");
  }
  free(zErr);
}
