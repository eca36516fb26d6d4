/*
** page_review.c — the regional working group's pages (docs/review.md):
** the queue of a region, the review page of one declaration (each claim
** beside its documents, last period's value, the decision form), the
** manager's confirmation, HQ's send-down and finalisation of a region, and
** an office's audit timeline. Plain forms, no JavaScript.
**
** Every change is a POST that redirects back with ?ok=WHAT (a fixed
** message), or shows the page again with the error.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/declaration.h"
#include "domain/office.h"
#include "domain/period.h"
#include "domain/review.h"
#include "domain/user.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"

#define QUEUE_PER_PAGE 50

/* The page policy of the server with <object> allowed for our own PDFs. */
#define REVIEW_CSP "default-src 'self'; img-src 'self' data:; style-src 'self'; " \
                   "script-src 'self'; object-src 'self'; frame-src 'self'; base-uri 'none'; " \
                   "form-action 'self'; frame-ancestors 'none'"

static const char *okMessage(const char *z){
  static const struct { const char *zKey, *zMsg; } a[] = {
    { "decided",   "تصمیم دربارهٔ ادعا ثبت شد." },
    { "bulk",      "ادعاهای باقی‌مانده‌ای که مدرک داشتند پذیرفته شدند." },
    { "completed", "بررسی این خوداظهاری پایان یافت." },
    { "returned",  "خوداظهاری با دلیل و مهلت اصلاح به دفتر برگشت." },
    { "reopened",  "خوداظهاری برای بررسی دوباره به کارشناس برگشت." },
    { "confirmed", "خوداظهاری از سوی منطقه تأیید شد." },
    { "sent_down", "خوداظهاری از ستاد به منطقه برگشت." },
    { "finalised", "منطقه نهایی شد." },
    { "resumed",   "مهلت اصلاح گذشته بود؛ بررسی با همان مقادیر پیشین ادامه یافت." },
  };
  size_t i;
  for(i=0; z && i<sizeof(a)/sizeof(a[0]); i++){
    if( strcmp(z, a[i].zKey)==0 ) return a[i].zMsg;
  }
  return 0;
}

/* A number as Persian text, without a needless fraction. */
static const char *faNumber(Req *r, double v){
  char z[40];
  if( v==floor(v) && fabs(v)<1e15 ) snprintf(z, sizeof z, "%.0f", v);
  else snprintf(z, sizeof z, "%g", v);
  if( v<0 ) return req_printf(r, "−%s", fa_num(r, z+1));
  return fa_num(r, z);
}

/* A claim value as Persian text ("—" for none). */
static const char *valueFa(Req *r, const Indicator *pI, json_t *pV){
  if( pV==0 || json_is_null(pV) ) return "—";
  if( json_is_string(pV) ){
    int k = pI ? scheme_choice_index(pI, json_string_value(pV)) : -1;
    return k>=0 ? pI->aChoice[k].zLabel : req_strdup(r, json_string_value(pV));
  }
  if( json_is_boolean(pV) ) return json_is_true(pV) ? "بله" : "خیر";
  if( json_is_number(pV) ){
    const char *z = faNumber(r, json_number_value(pV));
    return pI && pI->zUnit[0] ? req_printf(r, "%s %s", z, pI->zUnit) : z;
  }
  return "—";
}

/* A value typed in the adjust form as JSON for indicator pI (caller owns). */
static json_t *formValue(const Indicator *pI, const char *z){
  double v;
  if( z==0 || z[0]==0 ) return json_null();
  if( pI->kind==KIND_YESNO ){
    if( strcmp(z, "yes")==0 ) return json_true();
    if( strcmp(z, "no")==0 ) return json_false();
    return json_string(z);
  }
  if( pI->kind==KIND_CHOICE ) return json_string(z);
  if( text_parse_double(z, &v)==0 ){
    return v==floor(v) && fabs(v)<1e15 ? json_integer((json_int_t)v) : json_real(v);
  }
  return json_string(z);
}

static const char *reviewUrl(Req *r, const char *zPeriod, const char *zOffice){
  return req_printf(r, "/periods/%s/review/%s", url_q(r, zPeriod), url_q(r, zOffice));
}

/* The period a review page defaults to: the newest in review, else the
** current one. Returns 0 or -1. */
static int defaultPeriod(Req *r, Period *p){
  char *z = db_text(r->db, "SELECT code FROM period WHERE state='reviewing' ORDER BY code DESC LIMIT 1", 0);
  int rc;
  if( z ){
    rc = period_load(r->db, z, p);
    free(z);
    if( rc==0 ) return 0;
  }
  return period_current(r->db, p);
}

/* The period named by ?period=, else the default. */
static int queryPeriod(Req *r, Period *p){
  const char *z = req_param(r, "period");
  if( z && z[0] ) return period_load(r->db, z, p);
  return defaultPeriod(r, p);
}

/* The reason of the last reopen or send-down of a declaration, if it is
** still the latest change of state. Heap or NULL. */
static char *lastNote(Req *r, const char *zPeriod, const char *zOffice, char *zAction, size_t nAction){
  sqlite3_stmt *q = db_prepare(r->db,
    "SELECT action, json_extract(after,'$.reason'), username FROM audit"
    " WHERE office_code=?1 AND object=?2 AND action LIKE 'review.%' AND action<>'review.decide'"
    " ORDER BY id DESC LIMIT 1");
  char *z = 0;
  char *zObj = req_printf(r, "%s/%s", zPeriod, zOffice);
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zObj, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    const char *zA = db_col_text(q, 0);
    if( strcmp(zA, "review.reopen")==0 || strcmp(zA, "review.send_down")==0 ){
      z = xsprintf("%s (%s)", db_col_text(q, 1), db_col_text(q, 2));
      snprintf(zAction, nAction, "%s", zA);
    }
  }
  db_finalize(q);
  return z;
}

/* One document of a claim: shown in the page (images, PDF) with a link. */
static void docView(Req *r, const char *zDocUrl, const DocRef *pR){
  const char *zHref = req_printf(r, "%s/%s", zDocUrl, pR->zSha);
  html(r, "<figure class=\"doc\">");
  if( strcmp(pR->zMime, "image/png")==0 || strcmp(pR->zMime, "image/jpeg")==0 ){
    html(r, "<img src=\"%s?inline=1\" alt=\"%s\" loading=\"lazy\">", zHref, pR->zName);
  }else if( strcmp(pR->zMime, "application/pdf")==0 ){
    html(r, "<object data=\"%s?inline=1\" type=\"application/pdf\" aria-label=\"%s\">"
            "<p>نمایش PDF در این مرورگر ممکن نیست.</p></object>", zHref, pR->zName);
  }
  html(r, "<figcaption><a href=\"%s\" download=\"%s\">%s</a> (%s کیلوبایت)</figcaption></figure>",
       zHref, pR->zName, pR->zName, fa_int(r, (pR->nSize+1023)/1024));
}

/* The decision of a claim in words. */
static void decisionText(Req *r, const Indicator *pI, const ReviewClaim *pC){
  if( pC->eDec==CD_NONE ){
    html(r, "<span class=\"state\">بررسی‌نشده</span>");
    return;
  }
  html(r, "<span class=\"state\">%s</span>", claim_decision_label(pC->eDec));
  if( pC->eDec==CD_ADJUST ) html(r, " مقدار تأییدشده: <b>%s</b>", valueFa(r, pI, pC->pVerified));
  if( pC->zReason && pC->zReason[0] ) html(r, " — دلیل: %s", pC->zReason);
  html(r, " <span class=\"muted\">(<bdi>%s</bdi>، %s)</span>", pC->zReviewer[0] ? pC->zReviewer : "سامانه",
       fa_date(r, pC->zDecidedAt));
}

/* The adjust input for a claim's indicator. */
static void valueInput(Req *r, const Indicator *pI, const char *zId){
  int k;
  switch( pI->kind ){
    case KIND_CHOICE:
      html(r, "<select id=\"%s\" name=\"value\"><option value=\"\">—</option>", zId);
      for(k=0; k<pI->nChoice; k++){
        html(r, "<option value=\"%s\">%s</option>", pI->aChoice[k].zValue, pI->aChoice[k].zLabel);
      }
      html(r, "</select>");
      break;
    case KIND_YESNO:
      html(r, "<select id=\"%s\" name=\"value\"><option value=\"\">—</option>"
              "<option value=\"yes\">بله</option><option value=\"no\">خیر</option></select>", zId);
      break;
    default:
      html(r, "<input id=\"%s\" name=\"value\" inputmode=\"decimal\" dir=\"ltr\">", zId);
      break;
  }
}

/*
** Render the review page of the declaration of (p, azArg[1]); pE: an error
** to show (NULL for none).
*/
static void renderReview(Req *r, const Period *p, const DeclErr *pE){
  const char *zOffice = r->azArg[1];
  const char *zUrl = reviewUrl(r, p->zCode, zOffice);
  const char *zDocUrl = req_printf(r, "/periods/%s/declarations/%s/documents",
                                   url_q(r, p->zCode), url_q(r, zOffice));
  const char *zCsrf = r->pWho ? r->pWho->zCsrf : "";
  const char *zOk = pE ? 0 : okMessage(req_query(r, "ok"));
  Scheme s;
  Declaration d;
  ReviewView v;
  Office o;
  Object obj;
  char *zErr = 0, *zNote;
  char zNoteAction[32] = "", zToday[11] = "", zNow[21];
  int bReview, bConfirm, bFinalise, bDecide, i, k, bFour;

  if( period_scheme(r->db, p, &s, &zErr) ){
    free(zErr);
    req_error(r, 500, "طرح امتیازدهی این دوره خوانده نمی‌شود.");
    return;
  }
  if( office_load(r->db, zOffice, &o) ){
    scheme_clear(&s);
    req_not_found(r);
    return;
  }
  if( review_load(r->db, p, &s, zOffice, &v) || declaration_load(r->db, p, zOffice, &d) ){
    review_view_clear(&v);
    office_clear(&o);
    scheme_clear(&s);
    req_error(r, 404, "این دفتر در این دوره خوداظهاری ندارد.");
    return;
  }
  access_object_office(r->db, zOffice, &obj);
  bReview = access_allow(r->pWho, ACT_REVIEW, &obj);
  bConfirm = access_allow(r->pWho, ACT_CONFIRM, &obj);
  bFinalise = access_allow(r->pWho, ACT_FINALISE, &obj);
  access_object_clear(&obj);
  bDecide = bReview && review_transition(v.state, RA_DECIDE)!=0;
  bFour = r->pWho && review_user_decided(r->db, v.iDecl, r->pWho->iUser);
  period_now(zNow);
  period_tehran_date_plus(zNow, 10, zToday);
  zNote = lastNote(r, p->zCode, zOffice, zNoteAction, sizeof zNoteAction);

  req_set_header(r, "Cache-Control", "no-store");
  req_set_header(r, "Content-Security-Policy", REVIEW_CSP);
  html_begin(r, "بررسی خوداظهاری");
  html(r, "<h1>بررسی خوداظهاری %s — دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1>",
       o.zName, p->zCode);
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( pE ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", pE->zFa);

  html(r, "<section class=\"card\"><dl class=\"facts\">"
          "<dt>دفتر</dt><dd><span class=\"num\" dir=\"ltr\">%s</span> — %s، %s</dd>"
          "<dt>وضعیت</dt><dd><span class=\"state\" id=\"state\" data-state=\"%s\">%s</span></dd>"
          "<dt>دور بررسی</dt><dd>%s</dd>",
       o.zCode, office_type_label(o.zType), o.zCity, decl_state_code(v.state),
       decl_state_label(v.state), fa_int(r, v.iRound));
  if( d.zSubmittedAt[0] ) html(r, "<dt>زمان ارسال</dt><dd>%s</dd>", fa_date(r, d.zSubmittedAt));
  if( v.state==DS_RETURNED ){
    html(r, "<dt>مهلت اصلاح</dt><dd>تا پایان %s</dd><dt>دلیل برگشت</dt><dd>%s</dd>",
         fa_date(r, d.zCorrectionDue), d.zReturnReason ? d.zReturnReason : "");
  }
  if( v.zConfirmedAt[0] ) html(r, "<dt>تأیید منطقه</dt><dd>%s، %s</dd>", v.zConfirmedBy, fa_date(r, v.zConfirmedAt));
  if( v.zFinalisedAt[0] ) html(r, "<dt>نهایی‌سازی ستاد</dt><dd>%s، %s</dd>", v.zFinalisedBy, fa_date(r, v.zFinalisedAt));
  if( zNote ){
    html(r, "<dt>%s</dt><dd>%s</dd>", strcmp(zNoteAction, "review.send_down")==0
         ? "دلیل برگشت از ستاد" : "دلیل برگشت از مدیر منطقه", zNote);
  }
  html(r, "</dl><p><a href=\"/periods/%s/declarations/%s\">خوداظهاری و فهرست کارکنان</a> · "
          "<a href=\"/offices/%s/timeline\">رویدادهای این دفتر</a></p></section>",
       url_q(r, p->zCode), url_q(r, zOffice), url_q(r, zOffice));
  free(zNote);

  /* Bulk action */
  if( bDecide ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/accept-all\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<p>پذیرش همهٔ ادعاهای بررسی‌نشده‌ای که مدرک لازم را دارند (هر پذیرش جداگانه در رویدادها ثبت می‌شود).</p>"
            "<button class=\"btn\">پذیرش ادعاهای دارای مدرک</button></form>", zUrl, zCsrf);
  }

  /* Claims, each beside its documents */
  html(r, "<h2>ادعاها</h2>");
  for(i=0; i<v.nClaim; i++){
    const ReviewClaim *pC = &v.aClaim[i];
    const Indicator *pI = scheme_indicator(&s, pC->zIndicator);
    const char *zId = req_printf(r, "c_%s", pC->zIndicator);
    int nDoc = 0;
    html(r, "<section class=\"card claim\" id=\"%s\"><h3>%s</h3><div class=\"claim-grid\"><div>",
         zId, pI ? pI->zLabel : pC->zIndicator);
    html(r, "<dl class=\"facts\"><dt>مقدار اظهارشده</dt><dd>%s</dd>", valueFa(r, pI, pC->pDeclared));
    if( pC->zPrevPeriod[0] ){
      html(r, "<dt>مقدار تأییدشدهٔ دورهٔ پیش (<span class=\"num\" dir=\"ltr\">%s</span>)</dt><dd>%s%s</dd>",
           pC->zPrevPeriod, pC->ePrevDec==CD_REJECT ? "رد شده" : valueFa(r, pI, pC->pPrevValue),
           pC->ePrevDec==CD_NONE ? " (بررسی‌نشده)" : "");
    }else{
      html(r, "<dt>دورهٔ پیش</dt><dd>—</dd>");
    }
    html(r, "<dt>تصمیم</dt><dd>");
    decisionText(r, pI, pC);
    html(r, "</dd></dl>");
    if( bDecide && pI ){
      html(r, "<form method=\"post\" action=\"%s/claims/%s\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<fieldset><legend>تصمیم</legend>"
              "<label><input type=\"radio\" name=\"decision\" value=\"accept\" required> پذیرش</label>"
              "<label><input type=\"radio\" name=\"decision\" value=\"adjust\"> اصلاح مقدار</label>"
              "<label><input type=\"radio\" name=\"decision\" value=\"reject\"> رد</label></fieldset>"
              "<label for=\"%s_v\">مقدار اصلاح‌شده (فقط برای اصلاح)</label>",
           zUrl, url_q(r, pC->zIndicator), zCsrf, zId);
      valueInput(r, pI, req_printf(r, "%s_v", zId));
      html(r, "<label for=\"%s_r\">دلیل (برای اصلاح و رد لازم است)</label>"
              "<textarea id=\"%s_r\" name=\"reason\"></textarea>"
              "<button class=\"btn primary\">ثبت تصمیم</button></form>", zId, zId);
    }
    html(r, "</div><div class=\"docs\">");
    for(k=0; k<d.nDoc; k++){
      if( strcmp(d.aDoc[k].zIndicator, pC->zIndicator)!=0 ) continue;
      docView(r, zDocUrl, &d.aDoc[k]);
      nDoc++;
    }
    if( nDoc==0 ){
      html(r, "<p class=\"muted\">%s</p>", pI && pI->doc==DOC_REQUIRED ? "مدرکی پیوست نشده است (لازم)."
                                           : "مدرکی پیوست نشده است.");
    }
    html(r, "</div></div></section>");
  }
  if( v.nClaim==0 ) html(r, "<p>این خوداظهاری ادعایی ندارد.</p>");

  /* Reviewer: complete, send back to the office */
  if( bReview && review_transition(v.state, RA_COMPLETE) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/complete\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<p>وقتی دربارهٔ همهٔ ادعاها تصمیم گرفته شد، بررسی را پایان دهید تا برای تأیید به مدیر منطقه برود.</p>"
            "<button class=\"btn\">پایان بررسی</button></form>", zUrl, zCsrf);
  }
  /* Reviewer: a send-back whose deadline lapsed comes back for review */
  if( bReview && review_transition(v.state, RA_RESUME) ){
    char zTehran[11] = "";
    period_tehran_date(zNow, zTehran);
    if( d.zCorrectionDue[0] && strcmp(zTehran, d.zCorrectionDue)>0 ){
      html(r, "<form class=\"card\" method=\"post\" action=\"%s/resume\"><h2>مهلت اصلاح گذشته است</h2>"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<p>دفتر تا پایان %s دوباره ارسال نکرد. با ادامهٔ بررسی، تصمیم‌های پیشین می‌مانند و "
              "می‌توانید دربارهٔ ادعاهای اصلاح‌نشده تصمیم بگیرید.</p>"
              "<button class=\"btn\">ادامهٔ بررسی</button></form>",
           zUrl, zCsrf, fa_date(r, d.zCorrectionDue));
    }
  }
  if( bReview && review_transition(v.state, RA_RETURN) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/return\"><h2>برگشت به دفتر برای اصلاح</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"ret_reason\">دلیل</label><textarea id=\"ret_reason\" name=\"reason\" required></textarea>"
            "<label for=\"ret_deadline\">مهلت اصلاح (تاریخ شمسی)</label>"
            "<input id=\"ret_deadline\" name=\"deadline\" value=\"%s\" required>"
            "<button class=\"btn\">برگشت به دفتر</button></form>", zUrl, zCsrf, fa_date(r, zToday));
  }
  /* Manager: confirm (four eyes), back to the reviewer */
  if( bConfirm && review_transition(v.state, RA_CONFIRM) ){
    if( bFour ){
      html(r, "<p class=\"note\" role=\"status\">اصل چهار چشم: شما دربارهٔ ادعایی از همین خوداظهاری تصمیم "
              "گرفته‌اید؛ تأیید آن با مدیر دیگری است.</p>");
    }else{
      html(r, "<form class=\"card\" method=\"post\" action=\"%s/confirm\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<p>همهٔ ادعاها بررسی شده‌اند. با تأیید، خوداظهاری برای نهایی‌سازی به ستاد می‌رود.</p>"
              "<button class=\"btn primary\">تأیید منطقه</button></form>", zUrl, zCsrf);
    }
  }
  if( bConfirm && review_transition(v.state, RA_REOPEN) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/reopen\"><h2>برگشت به کارشناس</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"reo_reason\">دلیل</label><textarea id=\"reo_reason\" name=\"reason\" required></textarea>"
            "<button class=\"btn\">برگشت به کارشناس</button></form>", zUrl, zCsrf);
  }
  /* HQ: send back down */
  if( bFinalise && review_transition(v.state, RA_SEND_DOWN) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/send-down\"><h2>برگشت به منطقه</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"sd_reason\">دلیل</label><textarea id=\"sd_reason\" name=\"reason\" required></textarea>"
            "<button class=\"btn\">برگشت به منطقه</button></form>", zUrl, zCsrf);
  }

  /* Rounds sent back to the office */
  if( v.nRound>0 ){
    html(r, "<h2>دورهای برگشت به دفتر</h2>");
    for(i=0; i<v.nRound; i++){
      const ReviewRound *pR = &v.aRound[i];
      html(r, "<details class=\"card round\"><summary>دور %s: برگشت در %s از سوی %s — مهلت تا %s — %s</summary>"
              "<p>دلیل: %s</p>",
           fa_int(r, pR->iRound), fa_date(r, pR->zReturnedAt), pR->zReturnedBy[0] ? pR->zReturnedBy : "سامانه",
           fa_date(r, pR->zDeadline),
           pR->zResubmittedAt[0] ? req_printf(r, "دوباره ارسال شد در %s", fa_date(r, pR->zResubmittedAt))
                                 : "در انتظار اصلاح",
           pR->zReason);
      html(r, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\"><thead><tr><th>شاخص</th><th>اظهارشده</th>"
              "<th>تصمیم</th></tr></thead><tbody>");
      for(k=0; k<pR->nClaim; k++){
        const ReviewClaim *pC = &pR->aClaim[k];
        const Indicator *pI = scheme_indicator(&s, pC->zIndicator);
        html(r, "<tr><td>%s</td><td>%s</td><td>", pI ? pI->zLabel : pC->zIndicator, valueFa(r, pI, pC->pDeclared));
        decisionText(r, pI, pC);
        html(r, "</td></tr>");
      }
      html(r, "</tbody></table></div></details>");
    }
  }
  html_end(r);
  declaration_clear(&d);
  review_view_clear(&v);
  office_clear(&o);
  scheme_clear(&s);
}

/* PAGE: GET /periods/{p}/review/{code}   ACTION: office_private */
void page_review(Req *r){
  Period p;
  if( declare_target(r, ACT_OFFICE_PRIVATE, &p) ) return;
  renderReview(r, &p, 0);
}

/* After a POST: redirect with ?ok=zOk, or show the page with the error. */
static void after(Req *r, const Period *p, int rc, const DeclErr *pE, const char *zOk,
                  const char *zAnchor){
  if( rc ){
    renderReview(r, p, pE);
    r->status = pE->status ? pE->status : 500;
    return;
  }
  req_redirect(r, req_printf(r, "%s?ok=%s%s%s", reviewUrl(r, p->zCode, r->azArg[1]), zOk,
                             zAnchor ? "#" : "", zAnchor ? zAnchor : ""));
}

/*
** The common start of a review action: the declaration and the caller's
** right to act on it (declare_target answers 401/403/404 itself), the
** actor, the time, and a cleared error. Returns non-zero when the request
** is already answered.
*/
static int reviewBegin(Req *r, Action eAct, Period *pP, Actor *pA, char zNow[21], DeclErr *pE){
  if( declare_target(r, eAct, pP) ) return 1;
  memset(pE, 0, sizeof *pE);
  period_now(zNow);
  req_actor(r, pA);
  return 0;
}

/* PAGE: POST /periods/{p}/review/{code}/claims/{key}   ACTION: review
** (decision, value, reason) */
void page_review_claim(Req *r){
  Period p;
  Scheme s;
  DeclErr e;
  Actor a;
  char zNow[21];
  char *zErr = 0;
  json_t *pV = 0;
  const Indicator *pI;
  int rc;
  if( declare_target(r, ACT_REVIEW, &p) ) return;
  if( period_scheme(r->db, &p, &s, &zErr) ){
    free(zErr);
    req_error(r, 500, "طرح امتیازدهی این دوره خوانده نمی‌شود.");
    return;
  }
  memset(&e, 0, sizeof e);
  pI = scheme_indicator(&s, r->azArg[2]);
  if( pI && req_param(r, "value") ) pV = formValue(pI, req_param(r, "value"));
  period_now(zNow);
  req_actor(r, &a);
  rc = review_decide(r->db, &a, &p, &s, r->azArg[1], r->azArg[2],
                     claim_decision_from_code(req_param(r, "decision")), pV,
                     req_param(r, "reason"), zNow, &e);
  json_decref(pV);
  scheme_clear(&s);
  after(r, &p, rc, &e, "decided", req_printf(r, "c_%s", r->azArg[2]));
}

/* PAGE: POST /periods/{p}/review/{code}/accept-all   ACTION: review */
void page_review_accept_all(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  int n = 0, rc;
  if( reviewBegin(r, ACT_REVIEW, &p, &a, zNow, &e) ) return;
  rc = review_accept_all(r->db, &a, &p, 0, r->azArg[1], zNow, &n, &e);
  after(r, &p, rc, &e, "bulk", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/complete   ACTION: review */
void page_review_complete(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_REVIEW, &p, &a, zNow, &e) ) return;
  after(r, &p, review_complete(r->db, &a, &p, r->azArg[1], zNow, &e), &e, "completed", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/return   ACTION: review
** (reason, deadline) */
void page_review_return(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_REVIEW, &p, &a, zNow, &e) ) return;
  after(r, &p, review_return(r->db, &a, &p, r->azArg[1], req_param(r, "reason"),
                             req_param(r, "deadline"), zNow, &e), &e, "returned", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/resume   ACTION: review (a lapsed send-back) */
void page_review_resume(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_REVIEW, &p, &a, zNow, &e) ) return;
  after(r, &p, review_resume(r->db, &a, &p, r->azArg[1], zNow, &e), &e, "resumed", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/reopen   ACTION: confirm (reason) */
void page_review_reopen(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_CONFIRM, &p, &a, zNow, &e) ) return;
  after(r, &p, review_reopen(r->db, &a, &p, r->azArg[1], req_param(r, "reason"), zNow, &e),
        &e, "reopened", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/confirm   ACTION: confirm */
void page_review_confirm(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_CONFIRM, &p, &a, zNow, &e) ) return;
  after(r, &p, review_confirm(r->db, &a, &p, r->azArg[1], zNow, &e), &e, "confirmed", 0);
}

/* PAGE: POST /periods/{p}/review/{code}/send-down   ACTION: finalise (reason) */
void page_review_send_down(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( reviewBegin(r, ACT_FINALISE, &p, &a, zNow, &e) ) return;
  after(r, &p, review_send_down(r->db, &a, &p, r->azArg[1], req_param(r, "reason"), zNow, &e),
        &e, "sent_down", 0);
}

/* PAGE: GET /review   ACTION: logged_in
** Regional roles go to their region's queue, HQ to the regions' status. */
void page_review_home(Req *r){
  if( !req_allow(r, ACT_LOGGED_IN, 0) ) return;
  if( role_scope_kind(r->pWho->role)==SCOPE_REGION ){
    req_redirect(r, req_printf(r, "/review/%s", url_q(r, r->pWho->zScope)));
  }else if( role_scope_kind(r->pWho->role)==SCOPE_NATION ){
    req_redirect(r, "/hq/finalise");
  }else{
    req_redirect(r, "/");
  }
}

/* A <select> of the query's options; azOpt is value, label pairs. */
static void selectBox(Req *r, const char *zName, const char *zLabel, const char *zCur,
                      const char *const *azOpt, int nOpt){
  int i;
  html(r, "<label>%s<select name=\"%s\"><option value=\"\">همه</option>", zLabel, zName);
  for(i=0; i<nOpt; i++){
    html(r, "<option value=\"%s\"%s>%s</option>", azOpt[2*i],
         zCur && strcmp(zCur, azOpt[2*i])==0 ? " selected" : "", azOpt[2*i+1]);
  }
  html(r, "</select></label>");
}

/* PAGE: GET /review/{region}?period=&province=&type=&state=&page=
** ACTION: office_private (the region) */
void page_review_queue(Req *r){
  Object obj;
  Period p;
  ReviewQuery rq;
  ReviewRow *a;
  int n, nTotal, i, aCount[DS_COUNT], nProv = 0, nPages;
  char *zRegionFa;
  const char *azState[2*(DS_COUNT-2)], *azProv[2*40];
  static const char *const azType[] = { "urban", "دفتر پیشخوان شهری", "rural_ict", "دفتر ICT روستایی" };
  sqlite3_stmt *q;
  Buf link = {0};
  access_object_region(r->azArg[0], &obj);
  if( !req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  zRegionFa = db_text(r->db, "SELECT name_fa FROM region WHERE code=?1", r->azArg[0]);
  if( zRegionFa==0 ){ req_not_found(r); return; }
  if( queryPeriod(r, &p) ){
    free(zRegionFa);
    req_error(r, 404, "دوره‌ای با این کد نیست.");
    return;
  }
  memset(&rq, 0, sizeof rq);
  rq.zRegion = r->azArg[0];
  rq.zProvince = req_param(r, "province");
  rq.zType = req_param(r, "type");
  rq.state = decl_state_from_code(req_param(r, "state"));
  rq.iPage = (int)req_param_int(r, "page", 1);
  if( rq.iPage<1 || rq.iPage>100000 ) rq.iPage = 1;
  rq.nPerPage = QUEUE_PER_PAGE;
  if( rq.zType && strcmp(rq.zType, "urban") && strcmp(rq.zType, "rural_ict") ) rq.zType = 0;
  review_counts(r->db, &p, &rq, aCount);
  nTotal = review_queue(r->db, &p, &rq, &a, &n);

  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "صف بررسی");
  html(r, "<h1>صف بررسی منطقهٔ %s — دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1>", zRegionFa, p.zCode);
  html(r, "<div class=\"stats\">"
          "<p class=\"stat\"><b>%s</b> در انتظار بررسی</p><p class=\"stat\"><b>%s</b> در حال بررسی</p>"
          "<p class=\"stat\"><b>%s</b> بررسی‌شده</p><p class=\"stat\"><b>%s</b> برگشت به دفتر</p>"
          "<p class=\"stat\"><b>%s</b> تأییدشدهٔ منطقه</p><p class=\"stat\"><b>%s</b> نهایی</p></div>",
       fa_int(r, aCount[DS_SUBMITTED]), fa_int(r, aCount[DS_IN_REVIEW]), fa_int(r, aCount[DS_REVIEWED]),
       fa_int(r, aCount[DS_RETURNED]), fa_int(r, aCount[DS_CONFIRMED]), fa_int(r, aCount[DS_FINALISED]));

  /* filters */
  for(i=DS_SUBMITTED; i<DS_COUNT; i++){
    azState[2*(i-DS_SUBMITTED)] = decl_state_code((DeclState)i);
    azState[2*(i-DS_SUBMITTED)+1] = decl_state_label((DeclState)i);
  }
  q = db_prepare(r->db, "SELECT code, name_fa FROM province WHERE region_code=?1 ORDER BY name_fa COLLATE fa");
  sqlite3_bind_text(q, 1, r->azArg[0], -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW && nProv<40 ){
    azProv[2*nProv] = req_strdup(r, db_col_text(q, 0));
    azProv[2*nProv+1] = req_strdup(r, db_col_text(q, 1));
    nProv++;
  }
  db_finalize(q);
  html(r, "<form class=\"search\" method=\"get\" action=\"/review/%s\">"
          "<input type=\"hidden\" name=\"period\" value=\"%s\">", url_q(r, r->azArg[0]), p.zCode);
  selectBox(r, "province", "استان", rq.zProvince, azProv, nProv);
  selectBox(r, "type", "نوع دفتر", rq.zType, azType, 2);
  selectBox(r, "state", "وضعیت", req_param(r, "state"), azState, DS_COUNT-2);
  html(r, "<button class=\"btn\">نمایش</button></form>");

  html(r, "<p>%s خوداظهاری</p>", fa_int(r, nTotal));
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"صف بررسی\">"
          "<table class=\"list\"><thead><tr><th>کد</th><th>دفتر</th><th>نوع</th><th>استان</th>"
          "<th>وضعیت</th><th>ادعاهای بررسی‌شده</th><th>دور</th><th>ارسال</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    const ReviewRow *pR = &a[i];
    html(r, "<tr><td><a href=\"%s\"><span class=\"num\" dir=\"ltr\">%s</span></a></td><td>%s</td>"
            "<td>%s</td><td>%s</td><td><span class=\"state\">%s</span>%s</td>"
            "<td class=\"num\">%s از %s</td><td class=\"num\">%s</td><td>%s</td></tr>",
         reviewUrl(r, p.zCode, pR->zOffice), pR->zOffice, pR->zName, office_type_label(pR->zType),
         pR->zProvinceFa, decl_state_label(pR->state),
         pR->state==DS_RETURNED ? req_printf(r, " تا %s", fa_date(r, pR->zCorrectionDue)) : "",
         fa_int(r, pR->nDecided), fa_int(r, pR->nClaim), fa_int(r, pR->iRound), fa_date(r, pR->zSubmittedAt));
  }
  if( n==0 ) html(r, "<tr><td colspan=\"8\">خوداظهاری‌ای با این شرط‌ها نیست.</td></tr>");
  html(r, "</tbody></table></div>");
  nPages = (nTotal + QUEUE_PER_PAGE - 1)/QUEUE_PER_PAGE;
  if( nPages>1 ){
    buf_printf(&link, "/review/%s?period=%s", r->azArg[0], p.zCode);
    html(r, "<nav class=\"pager\" aria-label=\"صفحه‌ها\">");
    for(i=1; i<=nPages && i<=200; i++){
      if( i==rq.iPage ){
        html(r, "<span class=\"current\" aria-current=\"page\">%s</span>", fa_int(r, i));
      }else{
        html(r, "<a href=\"%s&amp;province=%s&amp;type=%s&amp;state=%s&amp;page=%d\">%s</a>",
             buf_str(&link), url_q(r, rq.zProvince ? rq.zProvince : ""), url_q(r, rq.zType ? rq.zType : ""),
             url_q(r, req_param(r, "state") ? req_param(r, "state") : ""), i, fa_int(r, i));
      }
    }
    html(r, "</nav>");
  }
  buf_free(&link);
  html_end(r);
  review_rows_free(a, n);
  free(zRegionFa);
}

/* PAGE: GET /hq/finalise?period=   ACTION: finalise
** Every region's participating / confirmed / finalised declarations. */
void page_hq_finalise(Req *r){
  Period p;
  sqlite3_stmt *q;
  const char *zCsrf;
  const char *zOk = okMessage(req_query(r, "ok"));
  if( !req_allow(r, ACT_FINALISE, 0) ) return;
  zCsrf = r->pWho->zCsrf;
  if( queryPeriod(r, &p) ){
    req_error(r, 404, "دوره‌ای با این کد نیست.");
    return;
  }
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "نهایی‌سازی مناطق");
  html(r, "<h1>نهایی‌سازی مناطق — دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1>", p.zCode);
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  html(r, "<p>ستاد منطقه‌ای را نهایی می‌کند که همهٔ خوداظهاری‌های ارسال‌شده‌اش تأیید منطقه گرفته باشند.</p>"
          "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"مناطق\">"
          "<table class=\"list\"><thead><tr><th>منطقه</th><th>ارسال‌شده</th><th>تأییدشده</th>"
          "<th>نهایی</th><th>کار</th></tr></thead><tbody>");
  q = db_prepare(r->db, "SELECT code, name_fa FROM region ORDER BY name_fa COLLATE fa");
  while( sqlite3_step(q)==SQLITE_ROW ){
    int nPart, nConf, nFinal;
    const char *zReg = req_strdup(r, db_col_text(q, 0));
    review_region_status(r->db, &p, zReg, &nPart, &nConf, &nFinal);
    html(r, "<tr><td><a href=\"/review/%s?period=%s\">%s</a></td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
         url_q(r, zReg), url_q(r, p.zCode), db_col_text(q, 1), fa_int(r, nPart), fa_int(r, nConf),
         fa_int(r, nFinal));
    if( nPart>0 && nConf>0 && nConf+nFinal==nPart ){
      html(r, "<form method=\"post\" action=\"/hq/finalise/%s/%s\">"
              "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
              "<button class=\"btn primary\">نهایی‌سازی</button></form>",
           url_q(r, p.zCode), url_q(r, zReg), zCsrf);
    }else if( nPart>0 && nFinal==nPart ){
      html(r, "نهایی شده");
    }else{
      html(r, "<span class=\"muted\">در انتظار تأیید منطقه</span>");
    }
    html(r, "</td></tr>");
  }
  db_finalize(q);
  html(r, "</tbody></table></div>");
  html_end(r);
}

/* PAGE: POST /hq/finalise/{p}/{region}   ACTION: finalise (the region) */
void page_hq_finalise_region(Req *r){
  Object obj;
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  int n = 0;
  access_object_region(r->azArg[1], &obj);
  if( !req_allow(r, ACT_FINALISE, &obj) ){ access_object_clear(&obj); return; }
  access_object_clear(&obj);
  if( period_load(r->db, r->azArg[0], &p) ){
    req_error(r, 404, "دوره‌ای با این کد نیست.");
    return;
  }
  memset(&e, 0, sizeof e);
  period_now(zNow);
  req_actor(r, &a);
  if( review_finalise_region(r->db, &a, &p, r->azArg[1], zNow, &n, &e) ){
    req_error(r, e.status ? e.status : 500, e.zFa);
    return;
  }
  req_redirect(r, req_printf(r, "/hq/finalise?period=%s&ok=finalised", url_q(r, p.zCode)));
}

/* Persian name of an audit action (the code itself when unknown). */
static const char *actionFa(const char *z){
  static const struct { const char *zCode, *zFa; } a[] = {
    { "declaration.save", "ذخیرهٔ خوداظهاری" },
    { "declaration.submit", "ارسال خوداظهاری" },
    { "declaration.confirm_unchanged", "تأیید بدون تغییر" },
    { "review.decide", "تصمیم دربارهٔ ادعا" },
    { "review.complete", "پایان بررسی" },
    { "review.return", "برگشت به دفتر" },
    { "review.reopen", "برگشت به کارشناس" },
    { "review.resume", "ادامهٔ بررسی پس از مهلت" },
    { "review.confirm", "تأیید منطقه" },
    { "review.send_down", "برگشت از ستاد" },
    { "review.finalise", "نهایی‌سازی" },
  };
  size_t i;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++) if( strcmp(z, a[i].zCode)==0 ) return a[i].zFa;
  return 0;
}

/* Mask national IDs (members named *national_id* or nid) in a JSON value. */
static void maskJson(json_t *p){
  const char *zKey;
  json_t *pV;
  size_t i;
  if( json_is_object(p) ){
    json_object_foreach(p, zKey, pV){
      if( json_is_string(pV) && (strstr(zKey, "national_id") || strcmp(zKey, "nid")==0) ){
        Buf b = {0};
        text_mask(&b, json_string_value(pV));
        json_object_set_new(p, zKey, json_string(buf_str(&b)));
        buf_free(&b);
      }else{
        maskJson(pV);
      }
    }
  }else if( json_is_array(p) ){
    for(i=0; i<json_array_size(p); i++) maskJson(json_array_get(p, i));
  }
}

/* An audit before/after text for the timeline, personal data masked. */
static const char *maskedJson(Req *r, const char *z){
  json_t *p;
  char *zOut;
  const char *zRet;
  if( z==0 ) return "";
  p = json_loads(z, JSON_DECODE_ANY, 0);
  if( p==0 ) return z;
  maskJson(p);
  zOut = json_dumps(p, JSON_COMPACT|JSON_ENCODE_ANY);
  json_decref(p);
  zRet = req_strdup(r, zOut ? zOut : "");
  free(zOut);
  return zRet;
}

/* PAGE: GET /offices/{code}/timeline   ACTION: office_private
** The audit entries about one office, newest first. */
void page_office_timeline(Req *r){
  Object obj;
  Office o;
  AuditEntry *a;
  int n, nTotal, i, bAddr;
  int bOffice = access_object_office(r->db, r->azArg[0], &obj)==0;
  if( !req_allow(r, ACT_OFFICE_PRIVATE, &obj) ){ access_object_clear(&obj); return; }
  bAddr = access_allow(r->pWho, ACT_HQ_VIEW, &obj);
  access_object_clear(&obj);
  if( !bOffice || office_load(r->db, r->azArg[0], &o) ){ req_not_found(r); return; }
  nTotal = audit_office(r->db, o.zCode, 500, &a, &n);
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "رویدادهای دفتر");
  html(r, "<h1>رویدادهای دفتر %s <span class=\"num\" dir=\"ltr\">%s</span></h1>", o.zName, o.zCode);
  html(r, "<p class=\"muted\">هر تغییر وضعیت یا مقدار، با زمان، کاربر، پیش و پس از آن؛ "
          "این فهرست بخشی از زنجیرهٔ رویدادهای سامانه است که با <code dir=\"ltr\">pishkhan audit verify</code> "
          "وارسی می‌شود. %s رویداد%s.</p>", fa_int(r, nTotal),
       nTotal>n ? req_printf(r, "؛ %s رویداد تازه‌تر نشان داده شده است", fa_int(r, n)) : "");
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"رویدادها\">"
          "<table class=\"list timeline\"><thead><tr><th>#</th><th>زمان</th><th>کاربر</th>");
  if( bAddr ) html(r, "<th>نشانی</th>");
  html(r, "<th>رویداد</th><th>موضوع</th><th>پیش</th><th>پس</th></tr></thead><tbody>");
  for(i=0; i<n; i++){
    const AuditEntry *pE = &a[i];
    const char *zFa = actionFa(pE->zAction);
    html(r, "<tr><td class=\"num\">%s</td><td>%s</td><td dir=\"ltr\">%s</td>",
         fa_int(r, pE->iId), fa_date(r, pE->zAt), pE->zUser);
    if( bAddr ) html(r, "<td dir=\"ltr\">%s</td>", pE->zAddr);
    html(r, "<td>%s <code dir=\"ltr\">%s</code></td><td dir=\"ltr\">%s</td>"
            "<td><code dir=\"ltr\">%s</code></td><td><code dir=\"ltr\">%s</code></td></tr>",
         zFa ? zFa : "", pE->zAction, pE->zObject, maskedJson(r, pE->zBefore),
         maskedJson(r, pE->zAfter));
  }
  if( n==0 ) html(r, "<tr><td colspan=\"%d\">رویدادی ثبت نشده است.</td></tr>", bAddr ? 8 : 7);
  html(r, "</tbody></table></div>");
  html_end(r);
  audit_entries_free(a, n);
  office_clear(&o);
}
