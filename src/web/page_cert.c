/*
** page_cert.c — public transparency: an office's published ranks and its
** approved replies (a section of /offices/{code}), the printable rank
** certificate /offices/{code}/certificate/{period} with its QR code, and
** the verification page /verify?c=TOKEN (and GET /api/v1/verify?c=).
*/
#include <stdlib.h>
#include <string.h>

#include "domain/certificate.h"
#include "domain/office.h"
#include "domain/reply.h"
#include "domain/stats.h"
#include "store/db.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/svg.h"


/* A period code in Persian words ("نیمهٔ نخست ۱۳۹۹"). */
static const char *faPeriod(Req *r, const char *zCode){
  Buf b = {0};
  const char *z;
  stats_period_fa(&b, zCode);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* A score (REAL) in Persian digits with two decimals. */
static const char *faScore(Req *r, double v){
  Buf b = {0};
  const char *z;
  svg_fa_num(&b, v, 2);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* A score as a token holds it ("73.25") in Persian digits. */
static const char *faScoreText(Req *r, const char *z){
  double v = atof(z);
  return faScore(r, v);
}

/* Persian label of a result status. */
static const char *statusLabel(const char *z){
  if( strcmp(z, "ranked")==0 ) return "رتبه‌بندی‌شده";
  if( strcmp(z, "did_not_participate")==0 ) return "شرکت نکرد (رتبهٔ ۳ بنا بر ضوابط)";
  if( strcmp(z, "revoked")==0 ) return "پروانه لغو شد؛ خارج از رتبه‌بندی";
  if( strcmp(z, "suspended")==0 ) return "تعلیق؛ خارج از رتبه‌بندی";
  return z;
}

/* The public URL of this installation, without a trailing slash: the
** setting public_url, else http:// and the request's Host (when it looks
** like a host name), else http://localhost. */
static const char *publicBase(Req *r){
  char *z = db_setting(r->db, "public_url");
  const char *zHost;
  if( z && z[0] ){
    const char *zOut;
    size_t n = strlen(z);
    while( n>0 && z[n-1]=='/' ) z[--n] = 0;
    zOut = req_strdup(r, z);
    free(z);
    return zOut;
  }
  free(z);
  zHost = req_header(r, "Host");
  if( zHost && zHost[0] && strlen(zHost)<128
   && strspn(zHost, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")==strlen(zHost) ){
    return req_printf(r, "http://%s", zHost);
  }
  return "http://localhost";
}

/*
** The transparency section of the public office page: the office's
** published result of each period (rank, score, certificate) and its
** replies approved by HQ.
*/
void office_transparency(Req *r, const char *zCode){
  sqlite3_stmt *q;
  Reply *aR;
  int n = 0, nR, i;
  html(r, "<section id=\"published\"><h2>رتبه‌های منتشرشده</h2>");
  if( stats_have_results(r->db) ){
    q = db_prepare(r->db,
      "SELECT p.code, rs.version, coalesce(rs.published_at,''), r.status, r.rank, r.score"
      " FROM result_set rs JOIN period p ON p.id=rs.period_id"
      " JOIN result r ON r.result_set_id=rs.id AND r.office_code=?1"
      " WHERE rs.state='published' AND rs.version=(SELECT max(x.version) FROM result_set x"
      "   WHERE x.period_id=rs.period_id AND x.state='published')"
      " ORDER BY p.code DESC");
    sqlite3_bind_text(q, 1, zCode, -1, SQLITE_STATIC);
    while( sqlite3_step(q)==SQLITE_ROW ){
      const char *zPeriod = db_col_text(q, 0);
      const char *zStatus = db_col_text(q, 3);
      int bRanked = strcmp(zStatus, "ranked")==0 && sqlite3_column_type(q, 4)!=SQLITE_NULL;
      int iRank = sqlite3_column_int(q, 4);
      if( n++==0 ){
        html(r, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\"><thead><tr>"
                "<th scope=\"col\">دوره</th><th scope=\"col\">رتبه</th><th scope=\"col\">امتیاز</th>"
                "<th scope=\"col\">وضعیت</th><th scope=\"col\">نسخه و تاریخ انتشار</th>"
                "<th scope=\"col\">گواهی</th></tr></thead><tbody>");
      }
      html(r, "<tr><td class=\"num\">%s</td>", faPeriod(r, zPeriod));
      if( bRanked && iRank>=1 && iRank<=3 ){
        html(r, "<td><span class=\"badge rank%d\">رتبهٔ %s</span></td>", iRank, fa_int(r, iRank));
      }else{
        html(r, "<td><span class=\"badge unranked\">بی‌رتبه</span></td>");
      }
      html(r, "<td class=\"num\">%s</td><td>%s</td><td>نسخهٔ %s، %s</td>",
           sqlite3_column_type(q, 5)==SQLITE_NULL ? "—" : faScore(r, sqlite3_column_double(q, 5)),
           statusLabel(zStatus), fa_int(r, sqlite3_column_int(q, 1)),
           fa_date(r, db_col_text(q, 2)));
      if( bRanked ){
        html(r, "<td><a href=\"/offices/%s/certificate/%s\">گواهی رتبه</a></td></tr>",
             url_q(r, zCode), url_q(r, zPeriod));
      }else{
        html(r, "<td>—</td></tr>");
      }
    }
    db_finalize(q);
  }
  if( n ) html(r, "</tbody></table></div>");
  else html(r, "<p class=\"muted\">برای این دفتر هنوز نتیجه‌ای منتشر نشده است.</p>");
  html(r, "</section>");

  nR = reply_list(r->db, zCode, "approved", &aR);
  if( nR>0 ){
    html(r, "<section id=\"replies\"><h2>پاسخ دفتر</h2>");
    for(i=0; i<nR; i++){
      html(r, "<blockquote class=\"card\"><p class=\"muted\">دربارهٔ نتیجهٔ دورهٔ %s "
              "(تأییدشده در %s)</p><p>%s</p></blockquote>",
           faPeriod(r, aR[i].zPeriod), fa_date(r, aR[i].zDecidedAt), aR[i].zText);
    }
    html(r, "</section>");
  }
  reply_list_free(aR, nR);
}

/* PAGE: /offices/{code}/certificate/{period}   ROLE: public */
void page_certificate(Req *r){
  Office o;
  Cert c;
  char zToken[CERT_TOKEN_MAX];
  const char *zUrl;
  char *zProvFa;
  Buf qr = {0};
  if( office_load(r->db, r->azArg[0], &o) ){
    req_error(r, 404, "دفتری با این کد در سامانه ثبت نشده است.");
    return;
  }
  if( cert_issue(r->db, o.zCode, r->azArg[1], &c, zToken) ){
    office_clear(&o);
    req_error(r, 404, "این دفتر در این دوره رتبهٔ منتشرشده‌ای ندارد.");
    return;
  }
  zUrl = req_printf(r, "%s/verify?c=%s", publicBase(r), zToken);
  zProvFa = db_text(r->db, "SELECT name_fa FROM province WHERE code=?1", o.zProvince);
  html_begin(r, "گواهی رتبه");
  html(r, "<article class=\"card certificate\" id=\"certificate\">"
          "<h1>گواهی رتبهٔ دفتر</h1>"
          "<p>سازمان تنظیم مقررات و ارتباطات رادیویی گواهی می‌کند که در ارزیابی دورهٔ %s، "
          "دفتر زیر رتبهٔ <strong>%s</strong> را با امتیاز <strong>%s</strong> گرفته است.</p>"
          "<dl class=\"facts\"><dt>دفتر</dt><dd>%s</dd>"
          "<dt>کد دفتر</dt><dd class=\"num\">%s</dd>"
          "<dt>نوع</dt><dd>%s</dd>"
          "<dt>استان و شهر</dt><dd>%s، %s</dd>"
          "<dt>دوره</dt><dd class=\"num\">%s</dd>"
          "<dt>رتبه</dt><dd><span class=\"badge rank%d\">رتبهٔ %s</span></dd>"
          "<dt>امتیاز</dt><dd class=\"num\">%s</dd>"
          "<dt>نسخهٔ نتایج</dt><dd class=\"num\">%s</dd></dl>",
       faPeriod(r, c.zPeriod), fa_int(r, c.iRank), faScoreText(r, c.zScore),
       fa_num(r, o.zName), o.zCode, office_type_label(o.zType), zProvFa ? zProvFa : "",
       o.zCity, faPeriod(r, c.zPeriod), c.iRank, fa_int(r, c.iRank), faScoreText(r, c.zScore),
       fa_int(r, c.iVersion));
  html(r, "<figure class=\"qr\">");
  if( svg_qr(&qr, zUrl, 176, "رمزینهٔ بررسی درستی گواهی")==0 ) html_raw(r, buf_str(&qr));
  html(r, "<figcaption>برای بررسی درستی این گواهی، رمزینه را بخوانید یا به نشانی زیر بروید:"
          "<br><a href=\"%s\" dir=\"ltr\" class=\"num\" id=\"verify-link\">%s</a></figcaption>"
          "</figure></article>"
          "<p class=\"muted\">این صفحه برای چاپ آماده است.</p>", zUrl, zUrl);
  html_end(r);
  buf_free(&qr);
  free(zProvFa);
  office_clear(&o);
}

/* Verdict code of an outcome, for pages and the API. */
static const char *verdictCode(int rc){
  switch( rc ){
    case CERT_GENUINE: return "genuine";
    case CERT_SUPERSEDED: return "superseded";
    case CERT_FORGED: return "forged";
    case CERT_UNKNOWN: return "unknown";
    default: return "malformed";
  }
}

/* PAGE: /verify?c=TOKEN   ROLE: public */
void page_verify(Req *r){
  const char *zToken = req_query(r, "c");
  Cert c;
  CertNow now;
  int rc;
  html_begin(r, "بررسی گواهی رتبه");
  html(r, "<h1>بررسی درستی گواهی رتبه</h1>");
  if( zToken==0 || zToken[0]==0 ){
    html(r, "<form class=\"search\" method=\"get\" action=\"/verify\">"
            "<label for=\"c\">رمز گواهی</label><input id=\"c\" name=\"c\" dir=\"ltr\">"
            "<button class=\"btn primary\">بررسی</button></form>"
            "<p class=\"muted\">رمزینهٔ روی گواهی را بخوانید؛ این صفحه با رمز آن باز می‌شود.</p>");
    html_end(r);
    return;
  }
  rc = cert_verify(r->db, zToken, &c, &now);
  if( rc==CERT_GENUINE || rc==CERT_SUPERSEDED ){
    char *zName = db_text(r->db, "SELECT name FROM office WHERE code=?1", c.zOffice);
    if( rc==CERT_GENUINE ){
      html(r, "<p class=\"flash ok\" id=\"verdict\" data-verdict=\"genuine\">این گواهی معتبر است: "
              "دفتر، دوره، رتبه و امتیاز آن با نتایج منتشرشده یکی است.</p>");
    }else{
      html(r, "<div class=\"flash error\" id=\"verdict\" data-verdict=\"superseded\"><p>این گواهی "
              "برای نسخهٔ %s نتایج درست بود، اما نتایج این دوره پس از آن بازنگری شده است.</p>"
              "<p>نتیجهٔ کنونی: %s.</p></div>",
           fa_int(r, c.iVersion),
           now.iRank ? req_printf(r, "رتبهٔ %s با امتیاز %s (نسخهٔ %s)", fa_int(r, now.iRank),
                                  faScoreText(r, now.zScore), fa_int(r, now.iVersion))
                     : "بی‌رتبه");
    }
    html(r, "<div class=\"card\"><dl class=\"facts\"><dt>دفتر</dt><dd><a href=\"/offices/%s\">%s</a></dd>"
            "<dt>کد دفتر</dt><dd class=\"num\">%s</dd><dt>دوره</dt><dd class=\"num\">%s</dd>"
            "<dt>رتبه</dt><dd>رتبهٔ %s</dd><dt>امتیاز</dt><dd class=\"num\">%s</dd>"
            "<dt>نسخهٔ نتایج</dt><dd class=\"num\">%s</dd></dl></div>",
         url_q(r, c.zOffice), zName ? fa_num(r, zName) : c.zOffice, c.zOffice,
         faPeriod(r, c.zPeriod), fa_int(r, c.iRank), faScoreText(r, c.zScore),
         fa_int(r, c.iVersion));
    free(zName);
  }else if( rc==CERT_FORGED ){
    html(r, "<p class=\"flash error\" id=\"verdict\" data-verdict=\"forged\">این گواهی معتبر "
            "نیست: رمز آن با دفتر، دوره، رتبه و امتیازی که در آن آمده نمی‌خواند؛ گواهی "
            "دست‌کاری شده یا ساختگی است.</p>");
  }else if( rc==CERT_UNKNOWN ){
    html(r, "<p class=\"flash error\" id=\"verdict\" data-verdict=\"unknown\">این گواهی تأیید "
            "نمی‌شود: در نتایج منتشرشده چنین رتبه‌ای برای این دفتر ثبت نیست.</p>");
  }else{
    html(r, "<p class=\"flash error\" id=\"verdict\" data-verdict=\"malformed\">رمز گواهی "
            "خوانا نیست؛ آن را کامل و بی‌تغییر وارد کنید.</p>");
  }
  html_end(r);
}

/* API: GET /api/v1/verify?c=TOKEN   ROLE: public */
void api_verify(Req *r){
  const char *zToken = req_query(r, "c");
  Cert c;
  CertNow now;
  int rc;
  json_t *p;
  if( zToken==0 || zToken[0]==0 ){
    req_json_error(r, 400, "parameter c (the certificate token) is required");
    return;
  }
  rc = cert_verify(r->db, zToken, &c, &now);
  p = json_pack("{ss sb}", "verdict", verdictCode(rc),
                "genuine", rc==CERT_GENUINE);
  if( rc==CERT_GENUINE || rc==CERT_SUPERSEDED ){
    json_object_set_new(p, "certificate", json_pack("{ss ss si ss si}",
      "office", c.zOffice, "period", c.zPeriod, "rank", c.iRank, "score", c.zScore,
      "version", c.iVersion));
  }
  if( now.iVersion ){
    json_object_set_new(p, "current", now.iRank
      ? json_pack("{si si ss}", "version", now.iVersion, "rank", now.iRank, "score", now.zScore)
      : json_pack("{si sn}", "version", now.iVersion, "rank"));
  }
  req_json(r, 200, p);
}
