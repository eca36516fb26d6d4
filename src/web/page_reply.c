/*
** page_reply.c — the right to reply: the office writes its reply to a
** published result (/offices/{code}/reply), HQ admin approves or rejects
** it (/admin/replies); approved replies show on the public office page.
*/
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/reply.h"
#include "domain/stats.h"
#include "domain/user.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"


/* A period code in Persian words ("نیمهٔ نخست ۱۳۹۹"). */
static const char *faPeriod(Req *r, const char *zCode){
  Buf b = {0};
  const char *z;
  stats_period_fa(&b, zCode);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* The office's page, with an error (zErr) or the text typed (zText). */
static void replyForm(Req *r, const char *zCode, const char *zErr, const char *zText,
                      const char *zPeriodSel, int status){
  Reply *a;
  int n, i, nPer;
  char **azPer;
  char *zName = db_text(r->db, "SELECT name FROM office WHERE code=?1", zCode);
  html_begin(r, "پاسخ دفتر به نتیجه");
  html(r, "<h1>پاسخ دفتر به نتیجهٔ ارزیابی</h1><p class=\"muted\">%s (<span class=\"num\">%s</span>)</p>"
          "<p>دفتر می‌تواند دربارهٔ نتیجهٔ منتشرشدهٔ خود متنی بنویسد. این متن پس از تأیید ستاد "
          "در صفحهٔ عمومی دفتر نشان داده می‌شود.</p>",
       zName ? fa_num(r, zName) : "", zCode);
  free(zName);
  if( zErr ) html(r, "<ul class=\"errors\" id=\"errors\"><li>%s</li></ul>", zErr);
  if( req_query(r, "ok") && zErr==0 ){
    html(r, "<p class=\"flash ok\">پاسخ ذخیره شد و در انتظار تأیید ستاد است.</p>");
  }
  nPer = stats_periods(r->db, &azPer);
  if( nPer==0 ){
    html(r, "<p class=\"muted\">هنوز نتیجه‌ای منتشر نشده است که بتوان به آن پاسخ داد.</p>");
  }else{
    html(r, "<form class=\"card\" method=\"post\" action=\"/offices/%s/reply\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<p><label for=\"period\">دوره</label> <select id=\"period\" name=\"period\">",
         url_q(r, zCode), r->pWho ? r->pWho->zCsrf : "");
    for(i=0; i<nPer; i++){
      html(r, "<option value=\"%s\"%s>%s</option>", azPer[i],
           zPeriodSel && strcmp(zPeriodSel, azPer[i])==0 ? " selected" : "", faPeriod(r, azPer[i]));
    }
    html(r, "</select></p><p><label for=\"text\">متن پاسخ (تا %s نویسه)</label><br>"
            "<textarea id=\"text\" name=\"text\" rows=\"6\" cols=\"60\" maxlength=\"%d\" required>%s</textarea></p>"
            "<p><button class=\"btn primary\">فرستادن برای تأیید</button></p></form>",
         fa_int(r, REPLY_MAX_CHARS), REPLY_MAX_CHARS, zText ? zText : "");
  }
  stats_strings_free(azPer, nPer);
  n = reply_list(r->db, zCode, NULL, &a);
  if( n>0 ){
    html(r, "<h2>پاسخ‌های این دفتر</h2><div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"my-replies\">"
            "<thead><tr><th scope=\"col\">دوره</th><th scope=\"col\">متن</th>"
            "<th scope=\"col\">وضعیت</th><th scope=\"col\">دلیل ستاد</th></tr></thead><tbody>");
    for(i=0; i<n; i++){
      html(r, "<tr><td class=\"num\">%s</td><td>%s</td><td><span class=\"state\" data-state=\"%s\">%s</span></td>"
              "<td>%s</td></tr>", faPeriod(r, a[i].zPeriod), a[i].zText, a[i].zState,
           reply_state_label(a[i].zState), a[i].zReason[0] ? a[i].zReason : "—");
    }
    html(r, "</tbody></table></div>");
  }
  reply_list_free(a, n);
  html_end(r);
  r->status = status;
}

/* Check access to office zCode for eAct; answers and returns 0 when denied. */
static int officeAllow(Req *r, const char *zCode, Action eAct){
  Object o;
  int b;
  if( access_object_office(r->db, zCode, &o) ){
    req_error(r, 404, "دفتری با این کد در سامانه ثبت نشده است.");
    return 0;
  }
  b = req_allow(r, eAct, &o);
  access_object_clear(&o);
  return b;
}

/* PAGE: /offices/{code}/reply   ROLE: office operator (ACT_DECLARE) */
void page_reply(Req *r){
  if( !officeAllow(r, r->azArg[0], ACT_DECLARE) ) return;
  replyForm(r, r->azArg[0], 0, 0, 0, 200);
}

/* PAGE: POST /offices/{code}/reply (period, text)   ROLE: office operator (ACT_DECLARE) */
void page_reply_post(Req *r){
  const char *zPeriod = req_form(r, "period");
  const char *zText = req_form(r, "text");
  Actor a;
  char *zErr = 0;
  if( !officeAllow(r, r->azArg[0], ACT_DECLARE) ) return;
  req_actor(r, &a);
  if( zPeriod==0 || zPeriod[0]==0 ){
    replyForm(r, r->azArg[0], "دوره: یک دوره را برگزینید.", zText, 0, 422);
    return;
  }
  if( reply_write(r->db, &a, r->azArg[0], zPeriod, zText, &zErr)<0 ){
    replyForm(r, r->azArg[0], req_strdup(r, zErr ? zErr : "پاسخ ذخیره نشد."), zText, zPeriod, 422);
    free(zErr);
    return;
  }
  req_redirect(r, req_printf(r, "/offices/%s/reply?ok=1", url_q(r, r->azArg[0])));
}

/* The admin's list of pending replies, with an error (zErr) and status. */
static void repliesPage(Req *r, const char *zErr, int status){
  Reply *a;
  int n, i;
  html_begin(r, "پاسخ‌های دفاتر");
  html(r, "<h1>پاسخ‌های دفاتر به نتیجه</h1>");
  if( req_query(r, "done") && zErr==0 ) html(r, "<p class=\"flash ok\">تصمیم ثبت شد.</p>");
  if( zErr ) html(r, "<ul class=\"errors\" id=\"errors\"><li>%s</li></ul>", zErr);
  n = reply_list(r->db, NULL, "pending", &a);
  html(r, "<h2>در انتظار تأیید</h2>");
  if( n==0 ) html(r, "<p class=\"muted\" id=\"no-pending\">پاسخی در انتظار تأیید نیست.</p>");
  for(i=0; i<n; i++){
    html(r, "<div class=\"card\" id=\"reply-%lld\"><p><a href=\"/offices/%s\" class=\"num\">%s</a> — "
            "%s، نوشته‌شده در %s</p><blockquote><p>%s</p></blockquote>"
            "<form method=\"post\" action=\"/admin/replies/%lld/approve\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<button class=\"btn primary\">تأیید و نمایش عمومی</button></form>"
            "<form method=\"post\" action=\"/admin/replies/%lld/reject\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<label for=\"reason-%lld\">دلیل رد</label> "
            "<input id=\"reason-%lld\" name=\"reason\" required> "
            "<button class=\"btn\">رد</button></form></div>",
         a[i].iId, url_q(r, a[i].zOffice), a[i].zOffice, faPeriod(r, a[i].zPeriod),
         fa_date(r, a[i].zWrittenAt), a[i].zText, a[i].iId, r->pWho->zCsrf, a[i].iId,
         r->pWho->zCsrf, a[i].iId, a[i].iId);
  }
  reply_list_free(a, n);
  html_end(r);
  r->status = status;
}

/* PAGE: /admin/replies   ROLE: HQ admin (ACT_ADMIN) */
void page_replies(Req *r){
  if( !req_allow(r, ACT_ADMIN, NULL) ) return;
  repliesPage(r, 0, 200);
}

/* Approve or reject reply azArg[0]. */
static void replyDecide(Req *r, int bApprove){
  long long iId;
  Actor a;
  char *zErr = 0;
  if( !req_allow(r, ACT_ADMIN, NULL) ) return;
  if( text_parse_int(r->azArg[0], &iId) || iId<1 ){
    req_error(r, 404, "چنین پاسخی نیست.");
    return;
  }
  req_actor(r, &a);
  if( reply_decide(r->db, &a, iId, bApprove, req_form(r, "reason"), &zErr) ){
    repliesPage(r, req_strdup(r, zErr ? zErr : "تصمیم ثبت نشد."), 422);
    free(zErr);
    return;
  }
  req_redirect(r, "/admin/replies?done=1");
}

/* PAGE: POST /admin/replies/{id}/approve   ROLE: HQ admin (ACT_ADMIN) */
void page_reply_approve(Req *r){ replyDecide(r, 1); }

/* PAGE: POST /admin/replies/{id}/reject (reason)   ROLE: HQ admin (ACT_ADMIN) */
void page_reply_reject(Req *r){ replyDecide(r, 0); }
