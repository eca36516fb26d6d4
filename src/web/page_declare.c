/*
** page_declare.c — the office's self-declaration page: the declared
** indicators of the period's scheme, the staff roster, the documents per
** claim; save a draft, submit, "confirm unchanged"; and the region's or
** HQ's window extension. Plain forms: works without JavaScript.
**
** Every change is a POST that redirects back with ?ok=WHAT (a fixed
** message), or shows the page again with the error and what was typed.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/change.h"
#include "domain/declaration.h"
#include "domain/document.h"
#include "domain/office.h"
#include "domain/period.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/server.h"

#define BLANK_STAFF_ROWS 3

static const char *okMessage(const char *z){
  static const struct { const char *zKey, *zMsg; } a[] = {
    { "saved",     "پیش‌نویس ذخیره شد." },
    { "submitted", "خوداظهاری ارسال شد. پس از بررسی، نتیجه در همین صفحه دیده می‌شود." },
    { "confirmed", "داده‌های دورهٔ پیشین بدون تغییر تأیید و ارسال شد." },
    { "uploaded",  "مدرک بارگذاری شد." },
    { "removed",   "مدرک از این شاخص برداشته شد." },
    { "extended",  "مهلت این دفتر تمدید شد." },
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

/* The point rule of an indicator in words. */
static void ruleText(Req *r, const Indicator *pI){
  int k;
  switch( pI->kind ){
    case KIND_NUMBER:
      for(k=0; k<pI->nBand; k++){
        const Band *b = &pI->aBand[k];
        if( b->bOpen ){
          html(r, "%s%s و بیشتر: %s امتیاز", k ? "؛ " : "", faNumber(r, b->min), faNumber(r, b->points));
        }else{
          html(r, "%sاز %s تا کمتر از %s: %s امتیاز", k ? "؛ " : "", faNumber(r, b->min),
               faNumber(r, b->max), faNumber(r, b->points));
        }
      }
      break;
    case KIND_COUNT:
      html(r, "هر مورد %s امتیاز، حداکثر %s امتیاز", faNumber(r, pI->pointsEach), faNumber(r, pI->cap));
      break;
    case KIND_CHOICE:
      for(k=0; k<pI->nChoice; k++){
        html(r, "%s%s: %s امتیاز", k ? "؛ " : "", pI->aChoice[k].zLabel, faNumber(r, pI->aChoice[k].points));
      }
      break;
    default:
      html(r, "بله: %s امتیاز؛ خیر: %s امتیاز", faNumber(r, pI->yesPoints), faNumber(r, pI->noPoints));
      break;
  }
}

/* A declared value as text for the read-only view and form fields. */
static const char *valueText(Req *r, const Indicator *pI, json_t *pV, int bPersian){
  if( pV==0 || json_is_null(pV) ) return "";
  if( json_is_string(pV) ){
    int k = scheme_choice_index(pI, json_string_value(pV));
    if( bPersian && k>=0 ) return pI->aChoice[k].zLabel;
    return req_strdup(r, json_string_value(pV));
  }
  if( json_is_boolean(pV) ) return bPersian ? (json_is_true(pV) ? "بله" : "خیر") : (json_is_true(pV) ? "yes" : "no");
  if( json_is_number(pV) ){
    double v = json_number_value(pV);
    return bPersian ? faNumber(r, v) : (v==floor(v) ? req_printf(r, "%.0f", v) : req_printf(r, "%g", v));
  }
  return "";
}

/* The URL of the page. */
static const char *pageUrl(Req *r, const char *zPeriod, const char *zOffice){
  return req_printf(r, "/periods/%s/declarations/%s", url_q(r, zPeriod), url_q(r, zOffice));
}

/*
** Render the page. pE: an error to show (NULL for none); pValues/pStaff:
** what was typed, shown instead of the stored data after a refused save.
*/
static void renderPage(Req *r, const Period *p, const DeclErr *pE, json_t *pValues,
                       json_t *pStaff){
  Scheme s;
  Declaration d;
  Office o;
  DeclErr why;
  char *zErr = 0;
  char zNow[21], zExt[11] = "";
  char *zExtReason = 0;
  const char *zOk = pE ? 0 : okMessage(req_query(r, "ok"));
  const char *zUrl = pageUrl(r, p->zCode, r->azArg[1]);
  const char *zCsrf = r->pWho ? r->pWho->zCsrf : "";
  int bEdit, bMayDeclare, bMayExtend, i, k, nRows;
  Object obj;

  if( period_scheme(r->db, p, &s, &zErr) ){
    free(zErr);
    req_error(r, 500, "طرح امتیازدهی این دوره خوانده نمی‌شود.");
    return;
  }
  if( declaration_load(r->db, p, r->azArg[1], &d) || office_load(r->db, r->azArg[1], &o) ){
    scheme_clear(&s);
    req_not_found(r);
    return;
  }
  period_now(zNow);
  memset(&why, 0, sizeof why);
  bEdit = declaration_editable(r->db, p, &d, zNow, &why);
  access_object_office(r->db, o.zCode, &obj);
  bMayDeclare = access_allow(r->pWho, ACT_DECLARE, &obj);
  bMayExtend = access_allow(r->pWho, ACT_EXTEND, &obj);
  access_object_clear(&obj);
  period_extension(r->db, p->id, o.zCode, zExt, &zExtReason);

  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "خوداظهاری");
  html(r, "<h1>خوداظهاری %s — دورهٔ <span class=\"num\" dir=\"ltr\">%s</span></h1>",
       o.zName, p->zCode);
  if( zOk ) html(r, "<p class=\"flash ok\" role=\"status\">%s</p>", zOk);
  if( pE ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", pE->zFa);

  /* Status */
  html(r, "<section class=\"card\"><dl class=\"facts\">"
          "<dt>دفتر</dt><dd><span class=\"num\" dir=\"ltr\">%s</span> — %s، %s</dd>"
          "<dt>وضعیت</dt><dd><span class=\"state\">%s</span></dd>"
          "<dt>مهلت خوداظهاری</dt><dd>%s تا پایان %s (به وقت تهران)</dd>",
       o.zCode, office_type_label(o.zType), o.zCity,
       decl_state_label(d.state==DS_NONE ? DS_DRAFT : d.state),
       fa_date(r, p->zDeclareFrom), fa_date(r, p->zDeclareTo));
  if( zExt[0] ){
    html(r, "<dt>تمدید مهلت این دفتر</dt><dd>تا پایان %s — %s</dd>", fa_date(r, zExt), zExtReason);
  }
  if( d.state==DS_RETURNED ){
    html(r, "<dt>مهلت اصلاح</dt><dd>تا پایان %s</dd><dt>دلیل برگشت</dt><dd>%s</dd>",
         fa_date(r, d.zCorrectionDue), d.zReturnReason ? d.zReturnReason : "");
  }
  if( d.zSubmittedAt[0] ) html(r, "<dt>زمان ارسال</dt><dd>%s</dd>", fa_date(r, d.zSubmittedAt));
  html(r, "</dl></section>");
  free(zExtReason);
  if( !bEdit ) html(r, "<p class=\"note\" role=\"status\">%s</p>", why.zFa);
  if( s.bAssumption ){
    html(r, "<div class=\"note assumption\"><p>%s — <a href=\"/periods/%s/scheme\">جدول امتیازها</a></p></div>",
         s.zNote && s.zNote[0] ? s.zNote : "امتیازهای این طرح فرض‌اند.", url_q(r, p->zCode));
  }

  /* Confirm unchanged */
  if( bEdit && bMayDeclare && d.id==0 && d.zPrefillFrom[0] ){
    html(r, "<section class=\"card\"><h2>بدون تغییر</h2>"
            "<p>این صفحه با داده‌های تأییدشدهٔ دورهٔ <span class=\"num\" dir=\"ltr\">%s</span> پر شده است. "
            "اگر چیزی تغییر نکرده، با یک کلیک همان را تأیید و ارسال کنید.</p>"
            "<form method=\"post\" action=\"%s/confirm\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<button class=\"btn primary\">تأیید بدون تغییر و ارسال</button></form></section>",
         d.zPrefillFrom, zUrl, zCsrf);
  }

  /* Values and staff */
  if( bEdit && bMayDeclare ){
    html(r, "<form method=\"post\" action=\"%s\" class=\"declare\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<input type=\"hidden\" name=\"version\" value=\"%d\">", zUrl, zCsrf, d.iVersion);
  }
  html(r, "<h2>شاخص‌ها</h2>");
  for(i=0; i<s.nInd; i++){
    const Indicator *pI = &s.aInd[i];
    json_t *pV = json_object_get(pValues ? pValues : d.pValues, pI->zKey);
    const char *zId = req_printf(r, "v_%s", pI->zKey);
    int bBad = pE && strncmp(pE->zField, "values.", 7)==0 && strcmp(pE->zField+7, pI->zKey)==0;
    if( pI->source!=SRC_DECLARED ) continue;
    html(r, "<fieldset><legend>%s</legend>", pI->zLabel);
    if( pI->zHelp[0] ) html(r, "<p class=\"muted\">%s</p>", pI->zHelp);
    html(r, "<p class=\"muted\">قاعدهٔ امتیاز: ");
    ruleText(r, pI);
    html(r, "</p>");
    if( !(bEdit && bMayDeclare) ){
      const char *zT = valueText(r, pI, pV, 1);
      html(r, "<p><b>%s</b> %s</p></fieldset>", zT[0] ? zT : "—", zT[0] ? pI->zUnit : "");
      continue;
    }
    switch( pI->kind ){
      case KIND_CHOICE:
        html(r, "<label for=\"%s\">گزینه</label><select id=\"%s\" name=\"%s\"%s>"
                "<option value=\"\">— برگزینید —</option>", zId, zId, zId,
             bBad ? " aria-invalid=\"true\"" : "");
        for(k=0; k<pI->nChoice; k++){
          html(r, "<option value=\"%s\"%s>%s</option>", pI->aChoice[k].zValue,
               json_is_string(pV) && strcmp(json_string_value(pV), pI->aChoice[k].zValue)==0 ? " selected" : "",
               pI->aChoice[k].zLabel);
        }
        html(r, "</select>");
        break;
      case KIND_YESNO:
        html(r, "<p role=\"radiogroup\" aria-label=\"%s\">"
                "<label><input type=\"radio\" name=\"%s\" value=\"yes\"%s> بله</label> "
                "<label><input type=\"radio\" name=\"%s\" value=\"no\"%s> خیر</label></p>",
             pI->zLabel, zId, json_is_true(pV) ? " checked" : "", zId, json_is_false(pV) ? " checked" : "");
        break;
      default:
        html(r, "<label for=\"%s\">مقدار%s%s</label>"
                "<input id=\"%s\" name=\"%s\" inputmode=\"decimal\" dir=\"ltr\" value=\"%s\"%s>",
             zId, pI->zUnit[0] ? " به " : "", pI->zUnit, zId, zId, valueText(r, pI, pV, 0),
             bBad ? " aria-invalid=\"true\"" : "");
        break;
    }
    html(r, "</fieldset>");
  }

  /* Staff roster */
  html(r, "<h2>فهرست کارکنان</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"فهرست کارکنان\">"
          "<table class=\"list\"><thead><tr><th>ردیف</th><th>نام و نام خانوادگی</th><th>کد ملی</th>"
          "<th>بیمه</th><th>معلولیت</th><th>تاریخ شروع به کار</th></tr></thead><tbody>");
  if( pStaff && json_is_array(pStaff) ){
    nRows = (int)json_array_size(pStaff);
  }else{
    nRows = d.nStaff;
  }
  for(i=0; i<nRows + ((bEdit && bMayDeclare) ? BLANK_STAFF_ROWS : 0); i++){
    const char *zName = "", *zNid = "", *zStart = "";
    int bIns = 0, bDis = 0;
    if( i<nRows ){
      if( pStaff ){
        json_t *pS = json_array_get(pStaff, (size_t)i);
        zName = json_string_value(json_object_get(pS, "name"));
        zNid = json_string_value(json_object_get(pS, "national_id"));
        zStart = json_string_value(json_object_get(pS, "start_date"));
        bIns = json_is_true(json_object_get(pS, "insured"));
        bDis = json_is_true(json_object_get(pS, "disability"));
        if( !zName ) zName = "";
        if( !zNid ) zNid = "";
        if( !zStart ) zStart = "";
      }else{
        zName = d.aStaff[i].zName;
        zNid = d.aStaff[i].zNid;
        zStart = d.aStaff[i].zStart[0] ? fa_date(r, d.aStaff[i].zStart) : "";
        bIns = d.aStaff[i].bInsured;
        bDis = d.aStaff[i].bDisability;
      }
    }
    if( bEdit && bMayDeclare ){
      html(r, "<tr><td>%s</td>"
              "<td><input name=\"name_%d\" value=\"%s\" aria-label=\"نام ردیف %s\"></td>"
              "<td><input name=\"nid_%d\" value=\"%s\" inputmode=\"numeric\" dir=\"ltr\" aria-label=\"کد ملی ردیف %s\"></td>"
              "<td><input type=\"checkbox\" name=\"insured_%d\" value=\"1\"%s aria-label=\"بیمه ردیف %s\"></td>"
              "<td><input type=\"checkbox\" name=\"disability_%d\" value=\"1\"%s aria-label=\"معلولیت ردیف %s\"></td>"
              "<td><input name=\"start_%d\" value=\"%s\" placeholder=\"۱۳۹۸/۰۲/۱۵\" aria-label=\"تاریخ شروع ردیف %s\"></td></tr>",
           fa_int(r, i+1), i, zName, fa_int(r, i+1), i, zNid, fa_int(r, i+1),
           i, bIns ? " checked" : "", fa_int(r, i+1), i, bDis ? " checked" : "", fa_int(r, i+1),
           i, zStart, fa_int(r, i+1));
    }else{
      Buf b = {0};
      text_mask(&b, zNid);
      html(r, "<tr><td>%s</td><td>%s</td><td dir=\"ltr\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
           fa_int(r, i+1), zName, buf_str(&b), bIns ? "بله" : "خیر", bDis ? "بله" : "خیر",
           zStart[0] ? zStart : "—");
      buf_free(&b);
    }
  }
  if( nRows==0 && !(bEdit && bMayDeclare) ) html(r, "<tr><td colspan=\"6\">کسی در فهرست نیست.</td></tr>");
  html(r, "</tbody></table></div>");
  if( bEdit && bMayDeclare ){
    html(r, "<input type=\"hidden\" name=\"staff_n\" value=\"%d\">"
            "<p class=\"muted\">برای افزودن بیش از %s نفر، ذخیره کنید تا ردیف‌های خالی تازه بیاید. "
            "برای حذف یک نفر، نام و کد ملی او را پاک کنید.</p>"
            "<p><button class=\"btn\" name=\"action\" value=\"save\">ذخیرهٔ پیش‌نویس</button> "
            "<button class=\"btn primary\" name=\"action\" value=\"submit\">ذخیره و ارسال</button></p></form>",
         nRows + BLANK_STAFF_ROWS, fa_int(r, BLANK_STAFF_ROWS));
  }

  /* Documents */
  html(r, "<h2>مدارک</h2>");
  html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"مدارک\">"
          "<table class=\"list\"><thead><tr><th>شاخص</th><th>مدرک</th><th>حجم</th><th>نیاز</th>");
  if( bEdit && bMayDeclare ) html(r, "<th>کار</th>");
  html(r, "</tr></thead><tbody>");
  for(i=0; i<s.nInd; i++){
    const Indicator *pI = &s.aInd[i];
    int n = 0;
    if( pI->doc==DOC_NONE ) continue;
    for(k=0; k<d.nDoc; k++){
      if( strcmp(d.aDoc[k].zIndicator, pI->zKey)!=0 ) continue;
      n++;
      html(r, "<tr><td>%s</td><td><a href=\"%s/documents/%s\" download>%s</a></td><td>%s کیلوبایت</td><td>%s</td>",
           pI->zLabel, zUrl, d.aDoc[k].zSha, d.aDoc[k].zName, fa_int(r, (d.aDoc[k].nSize+1023)/1024),
           pI->doc==DOC_REQUIRED ? "لازم" : "اختیاری");
      if( bEdit && bMayDeclare ){
        html(r, "<td><form method=\"post\" action=\"%s/documents/%s/delete\">"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                "<input type=\"hidden\" name=\"indicator\" value=\"%s\">"
                "<button class=\"btn\">برداشتن</button></form></td>", zUrl, d.aDoc[k].zSha, zCsrf, pI->zKey);
      }
      html(r, "</tr>");
    }
    if( n==0 ){
      html(r, "<tr><td>%s</td><td>—</td><td></td><td>%s</td>", pI->zLabel,
           pI->doc==DOC_REQUIRED ? "لازم" : "اختیاری");
      if( bEdit && bMayDeclare ) html(r, "<td></td>");
      html(r, "</tr>");
    }
  }
  html(r, "</tbody></table></div>");
  if( bEdit && bMayDeclare ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/documents\" enctype=\"multipart/form-data\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"doc_ind\">شاخص</label><select id=\"doc_ind\" name=\"indicator\">", zUrl, zCsrf);
    for(i=0; i<s.nInd; i++){
      if( s.aInd[i].doc==DOC_NONE ) continue;
      html(r, "<option value=\"%s\"%s>%s</option>", s.aInd[i].zKey,
           pE && strcmp(pE->zField, "documents.")>0 && strcmp(pE->zField+10, s.aInd[i].zKey)==0 ? " selected" : "",
           s.aInd[i].zLabel);
    }
    html(r, "</select><label for=\"doc_file\">پرونده (PDF، JPEG یا PNG، حداکثر ۵ مگابایت)</label>"
            "<input id=\"doc_file\" type=\"file\" name=\"file\" accept=\"application/pdf,image/jpeg,image/png\" required>"
            "<button class=\"btn primary\">بارگذاری</button></form>");
  }

  /* Extension by the region or HQ */
  if( bMayExtend && (p->state==PS_DECLARING || p->state==PS_REVIEWING) ){
    html(r, "<form class=\"card\" method=\"post\" action=\"%s/extend\"><h2>تمدید مهلت این دفتر</h2>"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"ext_until\">تا پایان روز (تاریخ شمسی)</label>"
            "<input id=\"ext_until\" name=\"until\" placeholder=\"۱۳۹۹/۰۶/۰۵\" required>"
            "<label for=\"ext_reason\">دلیل</label><textarea id=\"ext_reason\" name=\"reason\" required></textarea>"
            "<button class=\"btn primary\">تمدید</button></form>", zUrl, zCsrf);
  }
  if( bMayDeclare ){
    html(r, "<p><a href=\"/offices/%s/changes\">درخواست تغییر نوع دفتر، نشانی یا اطلاعات پروانه</a></p>",
         url_q(r, o.zCode));
  }
  html_end(r);
  office_clear(&o);
  declaration_clear(&d);
  scheme_clear(&s);
}

/* PAGE: GET /periods/{p}/declarations/{code}   ACTION: office_private */
void page_declaration(Req *r){
  Period p;
  if( declare_target(r, ACT_OFFICE_PRIVATE, &p) ) return;
  renderPage(r, &p, 0, 0, 0);
}

/* PAGE: GET /declare   ACTION: logged_in (office operators go to the
** declaration of the current period; others to the list of periods) */
void page_declare_home(Req *r){
  Period p;
  if( !req_allow(r, ACT_LOGGED_IN, 0) ) return;
  if( period_current(r->db, &p) ){
    req_error(r, 404, "هنوز دوره‌ای تعریف نشده است.");
    return;
  }
  if( r->pWho->role==ROLE_OFFICE ){
    req_redirect(r, pageUrl(r, p.zCode, r->pWho->zScope));
    return;
  }
  req_redirect(r, req_printf(r, "/periods/%s/scheme", url_q(r, p.zCode)));
}

/* The typed form as {values} and [staff] for declaration_save. */
static void formToJson(Req *r, const Scheme *pS, json_t **ppValues, json_t **ppStaff){
  json_t *pV = json_object(), *pA = json_array();
  long long nRows = req_param_int(r, "staff_n", 0), i;
  int k;
  for(k=0; k<pS->nInd; k++){
    const Indicator *pI = &pS->aInd[k];
    const char *z;
    if( pI->source!=SRC_DECLARED ) continue;
    z = req_param(r, req_printf(r, "v_%s", pI->zKey));
    if( z==0 || z[0]==0 ) continue;
    if( pI->kind==KIND_YESNO ){
      if( strcmp(z, "yes")==0 ) json_object_set_new(pV, pI->zKey, json_true());
      else if( strcmp(z, "no")==0 ) json_object_set_new(pV, pI->zKey, json_false());
      else json_object_set_new(pV, pI->zKey, json_string(z));
    }else if( pI->kind==KIND_CHOICE ){
      json_object_set_new(pV, pI->zKey, json_string(z));
    }else{
      double v;
      if( text_parse_double(z, &v)==0 ){
        json_object_set_new(pV, pI->zKey, v==floor(v) && fabs(v)<1e15 ? json_integer((json_int_t)v) : json_real(v));
      }else{
        json_object_set_new(pV, pI->zKey, json_string(z));
      }
    }
  }
  if( nRows<0 ) nRows = 0;
  if( nRows>600 ) nRows = 600;
  for(i=0; i<nRows; i++){
    const char *zName = req_param(r, req_printf(r, "name_%lld", i));
    const char *zNid = req_param(r, req_printf(r, "nid_%lld", i));
    const char *zStart = req_param(r, req_printf(r, "start_%lld", i));
    json_t *pM;
    if( (zName==0 || zName[0]==0) && (zNid==0 || zNid[0]==0) ) continue;
    pM = json_pack("{ss ss sb sb}", "name", zName ? zName : "", "national_id", zNid ? zNid : "",
                   "insured", req_param(r, req_printf(r, "insured_%lld", i))!=0,
                   "disability", req_param(r, req_printf(r, "disability_%lld", i))!=0);
    if( zStart && zStart[0] ) json_object_set_new(pM, "start_date", json_string(zStart));
    json_array_append_new(pA, pM);
  }
  *ppValues = pV;
  *ppStaff = pA;
}

/* PAGE: POST /periods/{p}/declarations/{code}   ACTION: declare
** Save the draft (action=save) or save and submit (action=submit). */
void page_declaration_save(Req *r){
  Period p;
  Scheme s;
  DeclErr e;
  Actor a;
  char zNow[21];
  char *zErr = 0;
  json_t *pValues, *pStaff;
  int iNew = 0, bSubmit;
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  if( period_scheme(r->db, &p, &s, &zErr) ){
    free(zErr);
    req_error(r, 500, "طرح امتیازدهی این دوره خوانده نمی‌شود.");
    return;
  }
  formToJson(r, &s, &pValues, &pStaff);
  scheme_clear(&s);
  bSubmit = req_param(r, "action") && strcmp(req_param(r, "action"), "submit")==0;
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( declaration_save(r->db, &a, &p, r->azArg[1], (int)req_param_int(r, "version", -1),
                       pValues, pStaff, zNow, &iNew, &e)
   || (bSubmit && declaration_submit(r->db, &a, &p, r->azArg[1], zNow, &e)) ){
    int status = e.status ? e.status : 500;
    /* After a saved draft failed to submit, show the stored data. */
    if( iNew ){
      renderPage(r, &p, &e, 0, 0);
    }else{
      renderPage(r, &p, &e, pValues, pStaff);
    }
    r->status = status;
    json_decref(pValues);
    json_decref(pStaff);
    return;
  }
  json_decref(pValues);
  json_decref(pStaff);
  req_redirect(r, req_printf(r, "%s?ok=%s", pageUrl(r, p.zCode, r->azArg[1]),
                             bSubmit ? "submitted" : "saved"));
}

/* Submit and confirm-unchanged: run xDo, then back to the page with zOk,
** or the page again with the error. */
static void officeAction(Req *r, int (*xDo)(sqlite3 *, const Actor *, const Period *,
                                            const char *, const char *, DeclErr *),
                         const char *zOk){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( xDo(r->db, &a, &p, r->azArg[1], zNow, &e) ){
    renderPage(r, &p, &e, 0, 0);
    r->status = e.status ? e.status : 500;
    return;
  }
  req_redirect(r, req_printf(r, "%s?ok=%s", pageUrl(r, p.zCode, r->azArg[1]), zOk));
}

/* PAGE: POST /periods/{p}/declarations/{code}/submit   ACTION: declare */
void page_declaration_submit(Req *r){ officeAction(r, declaration_submit, "submitted"); }

/* PAGE: POST /periods/{p}/declarations/{code}/confirm   ACTION: declare */
void page_declaration_confirm(Req *r){
  officeAction(r, declaration_confirm_unchanged, "confirmed");
}

/* PAGE: POST /periods/{p}/declarations/{code}/documents   ACTION: declare
** (multipart: indicator, file) */
void page_declaration_upload(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  Upload *pU = r->pUpload;
  memset(&e, 0, sizeof e);
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  if( pU==0 || !pU->bFile ){
    decl_err(&e, 400, "file", "", "پرونده‌ای فرستاده نشد.");
  }else if( pU->bTooLarge ){
    decl_err(&e, 413, "file", "", "حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد.");
  }else if( pU->bError || pU->zTmp[0]==0 ){
    decl_err(&e, 400, "file", "", "پرونده کامل نرسید؛ چیزی ذخیره نشد. دوباره بفرستید.");
  }else{
    period_now(zNow);
    req_actor(r, &a);
    if( document_adopt(r->db, server_dir(r->pSrv), &a, &p, r->azArg[1],
                       req_form(r, "indicator"), pU->zName, pU->zTmp, pU->nSize,
                       pU->zSha256, zNow, &e)==0 ){
      pU->zTmp[0] = 0;
      req_redirect(r, req_printf(r, "%s?ok=uploaded", pageUrl(r, p.zCode, r->azArg[1])));
      return;
    }
    pU->zTmp[0] = 0;
  }
  renderPage(r, &p, &e, 0, 0);
  r->status = e.status;
}

/* PAGE: POST /periods/{p}/declarations/{code}/documents/{sha}/delete
** ACTION: declare */
void page_declaration_doc_delete(Req *r){
  Period p;
  DeclErr e;
  Actor a;
  char zNow[21];
  if( declare_target(r, ACT_DECLARE, &p) ) return;
  period_now(zNow);
  req_actor(r, &a);
  memset(&e, 0, sizeof e);
  if( document_detach(r->db, &a, &p, r->azArg[1], req_form(r, "indicator"), r->azArg[2], zNow, &e) ){
    renderPage(r, &p, &e, 0, 0);
    r->status = e.status ? e.status : 500;
    return;
  }
  req_redirect(r, req_printf(r, "%s?ok=removed", pageUrl(r, p.zCode, r->azArg[1])));
}

/* PAGE: POST /periods/{p}/declarations/{code}/extend   ACTION: extend */
void page_declaration_extend(Req *r){
  Period p;
  Actor a;
  char *zErr = 0;
  if( declare_target(r, ACT_EXTEND, &p) ) return;
  req_actor(r, &a);
  if( period_extend(r->db, &a, p.zCode, r->azArg[1], req_param(r, "until"),
                    req_param(r, "reason"), &zErr) ){
    DeclErr e;
    memset(&e, 0, sizeof e);
    e.status = 422;
    snprintf(e.zFa, sizeof e.zFa, "تمدید انجام نشد: %s", zErr);
    free(zErr);
    renderPage(r, &p, &e, 0, 0);
    r->status = 422;
    return;
  }
  req_redirect(r, req_printf(r, "%s?ok=extended", pageUrl(r, p.zCode, r->azArg[1])));
}
