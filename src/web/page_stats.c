/*
** page_stats.c — national statistics: the public page /stats, HQ's
** /hq/stats with the fairness section, the downloads /stats/export and
** the JSON twin GET /api/v1/periods/{p}/stats (docs/statistics.md).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "domain/stats.h"
#include "store/db.h"
#include "web/auth.h"
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

/* A percentage in Persian digits with one decimal and "٪". */
static const char *faPct(Req *r, double v){
  Buf b = {0};
  const char *z;
  svg_fa_num(&b, v, 1);
  buf_puts(&b, "\xD9\xAA");
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/* The period asked for (?period=), else the newest with a published result
** set. NULL when there is none. */
static const char *statsPeriod(Req *r, char ***pazAll, int *pnAll){
  const char *z = req_param(r, "period");
  *pnAll = stats_periods(r->db, pazAll);
  if( z && z[0] ) return z;
  return *pnAll>0 ? req_strdup(r, (*pazAll)[0]) : 0;
}

/* The period picker (a GET form). */
static void periodForm(Req *r, const char *zAction, const char *zSel, char **az, int n){
  int i;
  html(r, "<form class=\"search\" method=\"get\" action=\"%s\">"
          "<label for=\"period\">دوره</label><select id=\"period\" name=\"period\">", zAction);
  for(i=0; i<n; i++){
    html(r, "<option value=\"%s\"%s>%s</option>", az[i],
         zSel && strcmp(zSel, az[i])==0 ? " selected" : "", faPeriod(r, az[i]));
  }
  html(r, "</select><button class=\"btn\">نمایش</button></form>");
}

/* One table row: label, offices, participants, %, ranks among participants,
** out of the ranking, difference. */
static void rowPart(Req *r, const char *zLabel, const StatRow *p){
  html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
          "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
          "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
       zLabel, fa_int(r, p->nOffices), fa_int(r, p->nPart),
       faPct(r, stats_pct(p->nPart, p->nOffices)), fa_int(r, p->aRank[1]),
       fa_int(r, p->aRank[2]), fa_int(r, p->aRank[3]), fa_int(r, stats_out_part(p)),
       fa_int(r, p->nDiffPart));
}

static void headPart(Req *r, const char *zFirst){
  html(r, "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">دفاتر</th>"
          "<th scope=\"col\">شرکت‌کننده</th><th scope=\"col\">درصد مشارکت</th>"
          "<th scope=\"col\">رتبهٔ ۱</th><th scope=\"col\">رتبهٔ ۲</th><th scope=\"col\">رتبهٔ ۳</th>"
          "<th scope=\"col\">خارج از رتبه‌بندی</th><th scope=\"col\">اختلاف</th></tr></thead>",
       zFirst);
}

/* Ranks among all offices: non-participants in rank 3. */
static void rowAll(Req *r, const char *zLabel, const StatRow *p){
  html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
          "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
          "<td class=\"num\">%s</td></tr>",
       zLabel, fa_int(r, stats_all_rank(p, 1)), fa_int(r, stats_all_rank(p, 2)),
       fa_int(r, stats_all_rank(p, 3)), fa_int(r, stats_out_all(p)), fa_int(r, p->nOffices),
       fa_int(r, p->nDiffAll));
}

static void headAll(Req *r, const char *zFirst){
  html(r, "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">رتبهٔ ۱</th>"
          "<th scope=\"col\">رتبهٔ ۲</th><th scope=\"col\">رتبهٔ ۳ (با غایبان)</th>"
          "<th scope=\"col\">خارج از رتبه‌بندی</th><th scope=\"col\">دفاتر</th>"
          "<th scope=\"col\">اختلاف</th></tr></thead>", zFirst);
}

/* Percentages of all offices in rank 1, 2, 3 and out, into a[4]. */
static void mixAll(const StatRow *p, double *a){
  int k;
  for(k=1; k<=3; k++) a[k-1] = stats_pct(stats_all_rank(p, k), p->nOffices);
  a[3] = stats_pct(stats_out_all(p), p->nOffices);
}

static const char *const azMixSer[4] = { "رتبهٔ ۱", "رتبهٔ ۲", "رتبهٔ ۳", "خارج از رتبه‌بندی" };

/* A chart inside its figure with a caption. */
static void figure(Req *r, const SvgChart *c, int bLines, const char *zCaption){
  Buf b = {0};
  if( bLines ) svg_lines(&b, c); else svg_bars(&b, c);
  html(r, "<figure class=\"chart\">");
  html_raw(r, buf_str(&b));
  html(r, "<figcaption>%s</figcaption></figure>", zCaption);
  buf_free(&b);
}

/* The charts: rank mix by type, participation and rank mix by region,
** trends across periods. */
static void charts(Req *r, const StatReport *p, const StatTrend *aT, int nT){
  double aV[64*4];
  const char *azCat[64];
  int i, t, n;
  SvgChart c;

  for(t=0; t<ST_NTYPE; t++){
    azCat[t] = stats_type_label(t);
    mixAll(&p->a[t], &aV[t*4]);
  }
  memset(&c, 0, sizeof c);
  c.zTitle = "ترکیب رتبه‌ها بر پایهٔ نوع دفتر (درصد همهٔ دفاتر)";
  c.nCat = ST_NTYPE; c.azCat = azCat; c.nSer = 4; c.azSer = azMixSer;
  c.aV = aV; c.bStacked = 1; c.bPercent = 1;
  figure(r, &c, 0, "ترکیب رتبه‌ها بر پایهٔ نوع دفتر؛ غایبان در رتبهٔ ۳ شمرده شده‌اند.");

  n = p->nRegion<64 ? p->nRegion : 64;
  for(i=0; i<n; i++){
    azCat[i] = p->aRegion[i].zNameFa;
    aV[i*2] = stats_pct(p->aRegion[i].a[ST_URBAN].nPart, p->aRegion[i].a[ST_URBAN].nOffices);
    aV[i*2+1] = stats_pct(p->aRegion[i].a[ST_RURAL].nPart, p->aRegion[i].a[ST_RURAL].nOffices);
  }
  {
    static const char *const azSer[2] = { "پیشخوان شهری", "ICT روستایی" };
    memset(&c, 0, sizeof c);
    c.zTitle = "درصد مشارکت بر پایهٔ منطقه";
    c.nCat = n; c.azCat = azCat; c.nSer = 2; c.azSer = azSer; c.aV = aV; c.bPercent = 1;
    figure(r, &c, 0, "درصد دفاتری که در این دوره شرکت کردند، بر پایهٔ منطقه و نوع دفتر.");
  }
  for(i=0; i<n; i++) mixAll(&p->aRegion[i].a[ST_TOTAL], &aV[i*4]);
  memset(&c, 0, sizeof c);
  c.zTitle = "ترکیب رتبه‌ها بر پایهٔ منطقه (درصد همهٔ دفاتر)";
  c.nCat = n; c.azCat = azCat; c.nSer = 4; c.azSer = azMixSer; c.aV = aV;
  c.bStacked = 1; c.bPercent = 1;
  figure(r, &c, 0, "ترکیب رتبه‌ها در هر منطقه؛ غایبان در رتبهٔ ۳ شمرده شده‌اند.");

  if( nT>0 ){
    static const char *const azSer[3] = { "همه", "پیشخوان شهری", "ICT روستایی" };
    n = nT<64 ? nT : 64;
    for(i=0; i<n; i++){
      azCat[i] = faPeriod(r, aT[i].zPeriod);
      aV[i*3] = stats_pct(aT[i].a[ST_TOTAL].nPart, aT[i].a[ST_TOTAL].nOffices);
      aV[i*3+1] = stats_pct(aT[i].a[ST_URBAN].nPart, aT[i].a[ST_URBAN].nOffices);
      aV[i*3+2] = stats_pct(aT[i].a[ST_RURAL].nPart, aT[i].a[ST_RURAL].nOffices);
    }
    memset(&c, 0, sizeof c);
    c.zTitle = "روند درصد مشارکت در دوره‌ها";
    c.nCat = n; c.azCat = azCat; c.nSer = 3; c.azSer = azSer; c.aV = aV; c.bPercent = 1;
    figure(r, &c, 1, "درصد مشارکت در دوره‌های پیاپی (نخستین دوره در سمت راست).");
    for(i=0; i<n; i++) mixAll(&aT[i].a[ST_TOTAL], &aV[i*4]);
    memset(&c, 0, sizeof c);
    c.zTitle = "روند ترکیب رتبه‌ها در دوره‌ها";
    c.nCat = n; c.azCat = azCat; c.nSer = 4; c.azSer = azMixSer; c.aV = aV;
    c.bStacked = 1; c.bPercent = 1;
    figure(r, &c, 0, "ترکیب رتبه‌های همهٔ دفاتر در دوره‌های پیاپی.");
  }
}

/* The reconciliation line and, when a sum fails, the failures. */
static void checks(Req *r, const StatReport *p){
  int i;
  if( p->nFail==0 ){
    html(r, "<p class=\"flash ok\" id=\"reconciles\">همهٔ %s جمع سطرها و ستون‌ها (و جمع مناطق و "
            "استان‌ها با کل کشور) بررسی شد و درست است: جدول‌ها با هم می‌خوانند.</p>",
         fa_int(r, p->nCheck));
    return;
  }
  html(r, "<div class=\"flash error\" id=\"reconciles\"><p>%s جمع از %s جمع بررسی‌شده درست "
          "نیست:</p><ul>", fa_int(r, p->nFail), fa_int(r, p->nCheck));
  for(i=0; i<p->nFail && i<STAT_MAX_FAIL; i++){
    html(r, "<li><span class=\"num\" dir=\"ltr\">%s</span>: %s / %s</li>", p->aFail[i].zWhat,
         fa_int(r, p->aFail[i].nWant), fa_int(r, p->aFail[i].nGot));
  }
  html(r, "</ul></div>");
}

/* The published figures beside their sums: where the difference goes. */
static void published(Req *r){
  int i;
  html(r, "<section><h2>ارقام اعلام‌شدهٔ پیشین و اختلاف آن‌ها</h2>"
          "<p>در ارقامی که پیش‌تر منتشر شده، جمع رتبه‌ها با شمار دفاتر یا شرکت‌کنندگان "
          "نمی‌خواند. این سامانه جدول‌ها را چنان می‌سازد که همیشه بخوانند، و اختلاف ارقام "
          "اعلام‌شده را در ستون جداگانه‌ای نشان می‌دهد.</p>"
          "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\"><thead><tr>"
          "<th scope=\"col\">دوره</th><th scope=\"col\">نوع</th><th scope=\"col\">دفاتر</th>"
          "<th scope=\"col\">شرکت‌کننده</th><th scope=\"col\">رتبهٔ ۱</th>"
          "<th scope=\"col\">رتبهٔ ۲</th><th scope=\"col\">رتبهٔ ۳</th>"
          "<th scope=\"col\">جمع رتبه‌ها</th><th scope=\"col\">اختلاف اعلام‌شده و بی‌توضیح</th>"
          "</tr></thead><tbody>");
  for(i=0; i<nStatPublished; i++){
    const StatPublished *pP = &aStatPublished[i];
    StatRow row;
    stats_row_from_published(pP, &row);
    stats_row_reconcile(&row);
    html(r, "<tr><td class=\"num\">%s</td><td>%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
         faPeriod(r, pP->zPeriod), stats_type_label(pP->t), fa_int(r, pP->nOffices),
         pP->nPart>=0 ? fa_int(r, pP->nPart) : "—", fa_int(r, pP->aRank[0]),
         fa_int(r, pP->aRank[1]), fa_int(r, pP->aRank[2]), fa_int(r, stats_ranked(&row)),
         fa_int(r, pP->nPart>=0 ? row.nDiffPart : row.nDiffAll));
  }
  html(r, "</tbody></table></div><p class=\"muted\">اختلاف = شرکت‌کنندگان (یا همهٔ دفاتر، "
          "وقتی شمار شرکت‌کنندگان اعلام نشده) منهای جمع رتبه‌ها.</p></section>");
}

/* A table of groups (regions or provinces). */
static void groupTable(Req *r, const char *zTitle, const StatGroup *aG, int nG,
                       const StatReport *p, const char *zId){
  int i, t;
  html(r, "<section id=\"%s\"><h2>%s</h2><div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\">",
       zId, zTitle);
  headPart(r, "نام و نوع");
  html(r, "<tbody>");
  for(i=0; i<nG; i++){
    for(t=0; t<ST_NTYPE; t++){
      rowPart(r, req_printf(r, "%s — %s", aG[i].zNameFa, stats_type_label(t)), &aG[i].a[t]);
    }
  }
  for(t=0; t<ST_NTYPE; t++){
    rowPart(r, req_printf(r, "کل کشور — %s", stats_type_label(t)), &p->a[t]);
  }
  html(r, "</tbody></table></div></section>");
}

/* Everything both pages show. */
static void statsBody(Req *r, const StatReport *p, const StatTrend *aT, int nT, int bHq){
  int t, e, i;
  html(r, "<p class=\"muted\">نسخهٔ %s نتایج، منتشرشده در %s. غایبان (دفاتری که در دوره شرکت "
          "نکردند) بنا بر ضوابط در رتبهٔ ۳ شمرده می‌شوند؛ دفاتری که پروانه‌شان لغو یا تعلیق "
          "شده، با دلیلشان جدا آمده‌اند.</p>",
       fa_int(r, p->iVersion), fa_date(r, p->zPublishedAt));
  checks(r, p);

  html(r, "<section class=\"stats\">");
  for(t=0; t<ST_NTYPE; t++){
    html(r, "<div class=\"stat\"><b>%s</b><span>دفتر %s، %s شرکت‌کننده (%s)</span></div>",
         fa_int(r, p->a[t].nOffices), stats_type_label(t), fa_int(r, p->a[t].nPart),
         faPct(r, stats_pct(p->a[t].nPart, p->a[t].nOffices)));
  }
  html(r, "</section>");

  html(r, "<section><h2>مشارکت و رتبه‌ها در میان شرکت‌کنندگان</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-participants\">");
  headPart(r, "نوع دفتر");
  html(r, "<tbody>");
  for(t=0; t<ST_NTYPE; t++) rowPart(r, stats_type_label(t), &p->a[t]);
  html(r, "</tbody></table></div></section>");

  html(r, "<section><h2>رتبه‌ها در میان همهٔ دفاتر</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-all\">");
  headAll(r, "نوع دفتر");
  html(r, "<tbody>");
  for(t=0; t<ST_NTYPE; t++) rowAll(r, stats_type_label(t), &p->a[t]);
  html(r, "</tbody></table></div></section>");

  html(r, "<section><h2>دفاتر بی‌رتبهٔ ارزیابی، بر پایهٔ دلیل</h2>"
          "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-unranked\"><thead><tr>"
          "<th scope=\"col\">نوع دفتر</th><th scope=\"col\">شرکت نکرده (رتبهٔ ۳)</th>");
  for(e=0; e<SO_N; e++) html(r, "<th scope=\"col\">%s</th>", stats_out_label(e));
  html(r, "<th scope=\"col\">جمع</th></tr></thead><tbody>");
  for(t=0; t<ST_NTYPE; t++){
    const StatRow *pR = &p->a[t];
    html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td>", stats_type_label(t),
         fa_int(r, pR->nNonPart));
    for(e=0; e<SO_N; e++){
      html(r, "<td class=\"num\">%s</td>", fa_int(r, pR->aOutPart[e] + pR->aOutNon[e]));
    }
    html(r, "<td class=\"num\">%s</td></tr>", fa_int(r, pR->nNonPart + stats_out_all(pR)));
  }
  html(r, "</tbody></table></div></section>");

  html(r, "<section><h2>نمودارها</h2>");
  charts(r, p, aT, nT);
  html(r, "</section>");

  groupTable(r, "بر پایهٔ منطقه", p->aRegion, p->nRegion, p, "by-region");
  html(r, "<p class=\"note assumption\">نقشهٔ منطقه‌ها فرض است؛ تنها منطقه‌های جنوب و "
          "جنوب‌شرق تأیید شده‌اند.</p>");
  if( bHq ) groupTable(r, "بر پایهٔ استان", p->aProvince, p->nProvince, p, "by-province");

  if( nT>0 ){
    html(r, "<section><h2>روند در دوره‌ها</h2><div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\">");
    headPart(r, "دوره");
    html(r, "<tbody>");
    for(i=0; i<nT; i++) rowPart(r, faPeriod(r, aT[i].zPeriod), &aT[i].a[ST_TOTAL]);
    html(r, "</tbody></table></div></section>");
  }
  published(r);
  html(r, "<section><h2>دریافت داده</h2><ul>"
          "<li><a href=\"/stats/export?period=%s&amp;format=csv&amp;by=province\">CSV</a></li>"
          "<li><a href=\"/stats/export?period=%s&amp;format=xlsx\">اکسل (XLSX)</a></li>"
          "<li><a href=\"/api/v1/periods/%s/stats\">JSON</a></li>"
          "<li><a href=\"/api/v1/periods/%s/results\">نتایج منتشرشدهٔ هر دفتر (داده‌های باز)</a></li>"
          "</ul></section>",
       url_q(r, p->zPeriod), url_q(r, p->zPeriod), url_q(r, p->zPeriod), url_q(r, p->zPeriod));
}

/* Load the report and trends for a page; answers the request itself and
** returns -1 when there is nothing to show. */
static int statsLoad(Req *r, const char *zPeriod, StatReport *p){
  int rc;
  if( zPeriod==0 ){
    memset(p, 0, sizeof *p);
    return 1;
  }
  rc = stats_load(r->db, zPeriod, p);
  if( rc==STAT_ENOPERIOD ){
    req_error(r, 404, "چنین دوره‌ای نیست.");
    return -1;
  }
  return rc==STAT_ENORESULT ? 1 : 0;
}

/* The share of rank 1 and the ceiling warning. */
static void ceiling(Req *r, const StatReport *p){
  int t;
  html(r, "<section><h2>سهم رتبهٔ ۱</h2><div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-ceiling\">"
          "<thead><tr><th scope=\"col\">نوع دفتر</th><th scope=\"col\">سهم رتبهٔ ۱ از رتبه‌گرفتگان</th>"
          "<th scope=\"col\">هشدار</th></tr></thead><tbody>");
  for(t=0; t<ST_NTYPE; t++){
    html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td>%s</td></tr>",
         stats_type_label(t), faPct(r, 100.0 * stats_rank1_share(&p->a[t])),
         stats_ceiling(&p->a[t])
           ? "سقف: بیشتر دفاتر به رتبهٔ ۱ رسیده‌اند و رتبه دیگر دفاتر را از هم جدا نمی‌کند "
             "(چنان‌که در ۱۴۰۱ در کل کشور ۶۵٪ رسیدند)."
           : "—");
  }
  html(r, "</tbody></table></div></section>");
}

/* The fairness section of HQ's page. */
static void fairness(Req *r, const StatReport *p){
  StatFairness f;
  int i, t, k;
  stats_fairness(r->db, p, &f);
  html(r, "<section id=\"fairness\"><h2>انصاف</h2>");

  /* rank mix by region and type beside the nation's */
  html(r, "<h3>ترکیب رتبه‌ها در هر منطقه در کنار ترکیب ملی</h3>"
          "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-mix\"><thead><tr>"
          "<th scope=\"col\">منطقه</th><th scope=\"col\">نوع</th>"
          "<th scope=\"col\">رتبهٔ ۱</th><th scope=\"col\">رتبهٔ ۱ ملی</th>"
          "<th scope=\"col\">رتبهٔ ۲</th><th scope=\"col\">رتبهٔ ۲ ملی</th>"
          "<th scope=\"col\">رتبهٔ ۳</th><th scope=\"col\">رتبهٔ ۳ ملی</th></tr></thead><tbody>");
  for(i=0; i<p->nRegion; i++){
    for(t=0; t<ST_TOTAL; t++){
      const StatRow *pR = &p->aRegion[i].a[t], *pN = &p->a[t];
      html(r, "<tr><th scope=\"row\">%s</th><td>%s</td>", p->aRegion[i].zNameFa,
           stats_type_label(t));
      for(k=1; k<=3; k++){
        html(r, "<td class=\"num\">%s</td><td class=\"num muted\">%s</td>",
             faPct(r, stats_pct(stats_all_rank(pR, k), pR->nOffices)),
             faPct(r, stats_pct(stats_all_rank(pN, k), pN->nOffices)));
      }
      html(r, "</tr>");
    }
  }
  html(r, "</tbody></table></div>");

  /* reviewers */
  html(r, "<h3>نرخ اصلاح و رد هر بررسی‌کننده در کنار منطقه‌اش</h3>");
  if( f.nRev==0 ){
    html(r, "<p class=\"muted\">در این دوره هنوز ادعایی بررسی نشده است.</p>");
  }else{
    html(r, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-reviewers\"><thead><tr>"
            "<th scope=\"col\">بررسی‌کننده</th><th scope=\"col\">منطقه</th>"
            "<th scope=\"col\">ادعاها</th><th scope=\"col\">اصلاح</th>"
            "<th scope=\"col\">اصلاح در منطقه</th><th scope=\"col\">رد</th>"
            "<th scope=\"col\">رد در منطقه</th></tr></thead><tbody>");
    for(i=0; i<f.nRev; i++){
      const StatReviewer *pV = &f.aRev[i];
      const StatReviewRegion *pG = &f.all;
      int g;
      for(g=0; g<f.nReg; g++) if( strcmp(f.aReg[g].zRegion, pV->zRegion)==0 ) pG = &f.aReg[g];
      html(r, "<tr><th scope=\"row\" dir=\"ltr\">%s</th><td>%s</td><td class=\"num\">%s</td>"
              "<td class=\"num\">%s</td><td class=\"num muted\">%s</td>"
              "<td class=\"num\">%s</td><td class=\"num muted\">%s</td></tr>",
           pV->zUser, pV->zRegion[0] ? pV->zRegion : "—", fa_int(r, pV->nClaim),
           faPct(r, stats_pct(pV->nAdjust, pV->nClaim)),
           faPct(r, stats_pct(pG->nAdjust, pG->nClaim)),
           faPct(r, stats_pct(pV->nReject, pV->nClaim)),
           faPct(r, stats_pct(pG->nReject, pG->nClaim)));
    }
    html(r, "</tbody></table></div>");
  }

  /* near a threshold */
  html(r, "<h3>دفاتر نزدیک آستانهٔ رتبه (تا %s امتیاز)</h3><p id=\"near-count\">"
          "پیشخوان شهری: %s، ICT روستایی: %s، همه: %s دفتر.</p>",
       fa_int(r, (long long)STAT_NEAR), fa_int(r, f.aNearCount[ST_URBAN]),
       fa_int(r, f.aNearCount[ST_RURAL]), fa_int(r, f.aNearCount[ST_TOTAL]));
  if( f.nNear>0 ){
    int n = f.nNear<50 ? f.nNear : 50;
    html(r, "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"list\" id=\"t-near\"><thead><tr>"
            "<th scope=\"col\">دفتر</th><th scope=\"col\">نوع</th><th scope=\"col\">امتیاز</th>"
            "<th scope=\"col\">رتبه</th><th scope=\"col\">آستانه</th></tr></thead><tbody>");
    for(i=0; i<n; i++){
      const StatNear *pN = &f.aNear[i];
      Buf b1 = {0}, b2 = {0};
      svg_fa_num(&b1, pN->score, 2);
      svg_fa_num(&b2, pN->threshold, 1);
      html(r, "<tr><td><a href=\"/offices/%s\">%s</a></td><td>%s</td><td class=\"num\">%s</td>"
              "<td class=\"num\">%s</td><td class=\"num\">%s (رتبهٔ %s)</td></tr>",
           url_q(r, pN->zOffice), fa_num(r, pN->zName), stats_type_label(pN->t),
           buf_str(&b1), fa_int(r, pN->iRank), buf_str(&b2), fa_int(r, pN->iBoundary));
      buf_free(&b1);
      buf_free(&b2);
    }
    html(r, "</tbody></table></div>");
    if( f.aNearCount[ST_TOTAL]>n ){
      html(r, "<p class=\"muted\">%s دفتر نزدیک‌تر از همه نشان داده شده است.</p>", fa_int(r, n));
    }
  }
  ceiling(r, p);
  html(r, "</section>");
  stats_fairness_clear(&f);
}

/* The page of either audience. */
static void statsPage(Req *r, int bHq){
  char **az;
  int n, nT = 0, rc;
  const char *zPeriod = statsPeriod(r, &az, &n);
  StatReport rep;
  StatTrend *aT = 0;
  rc = statsLoad(r, zPeriod, &rep);
  if( rc<0 ){ stats_strings_free(az, n); return; }
  html_begin(r, bHq ? "آمار و انصاف (ستاد)" : "آمار ملی");
  html(r, "<h1>%s</h1>", bHq ? "آمار ملی و بررسی انصاف" : "آمار ملی رتبه‌بندی دفاتر");
  if( n>0 ) periodForm(r, bHq ? "/hq/stats" : "/stats", zPeriod, az, n);
  if( rc>0 ){
    html(r, "<p class=\"muted\" id=\"no-results\">%s</p>", zPeriod
         ? "برای این دوره هنوز نتیجه‌ای منتشر نشده است."
         : "هنوز نتیجهٔ هیچ دوره‌ای منتشر نشده است.");
  }else{
    html(r, "<h2 class=\"muted\">دورهٔ %s</h2>", faPeriod(r, rep.zPeriod));
    nT = stats_trends(r->db, &aT);
    statsBody(r, &rep, aT, nT, bHq);
    if( bHq ) fairness(r, &rep);
    else ceiling(r, &rep);
  }
  html_end(r);
  free(aT);
  stats_clear(&rep);
  stats_strings_free(az, n);
}

/* PAGE: /stats?period=   ROLE: public */
void page_stats(Req *r){
  statsPage(r, 0);
}

/* PAGE: /hq/stats?period=   ROLE: HQ (ACT_HQ_VIEW) */
void page_hq_stats(Req *r){
  if( !req_allow(r, ACT_HQ_VIEW, NULL) ) return;
  statsPage(r, 1);
}

/* PAGE: /stats/export?period=&format=csv|xlsx|json&by=region|province   ROLE: public */
void page_stats_export(Req *r){
  const char *zFormat = req_param(r, "format");
  const char *zBy = req_param(r, "by");
  char **az;
  int n, rc, nT;
  const char *zPeriod = statsPeriod(r, &az, &n);
  StatReport rep;
  StatTrend *aT = 0;
  StatBy eBy = STAT_BY_NONE;
  if( zFormat==0 ) zFormat = "csv";
  if( zBy && strcmp(zBy, "region")==0 ) eBy = STAT_BY_REGION;
  if( zBy && strcmp(zBy, "province")==0 ) eBy = STAT_BY_PROVINCE;
  if( strcmp(zFormat, "csv") && strcmp(zFormat, "xlsx") && strcmp(zFormat, "json") ){
    stats_strings_free(az, n);
    req_error(r, 400, "قالب دریافت باید csv، xlsx یا json باشد.");
    return;
  }
  rc = statsLoad(r, zPeriod, &rep);
  stats_strings_free(az, n);
  if( rc<0 ) return;
  if( rc>0 ){
    req_error(r, 404, "برای این دوره نتیجهٔ منتشرشده‌ای نیست.");
    return;
  }
  nT = stats_trends(r->db, &aT);
  buf_reset(&r->out);
  r->status = 200;
  if( strcmp(zFormat, "csv")==0 ){
    stats_csv(&r->out, &rep, eBy);
    r->zType = "text/csv; charset=utf-8";
    req_set_header(r, "Content-Disposition",
                   req_printf(r, "attachment; filename=\"pishkhan-%s.csv\"", rep.zPeriod));
  }else if( strcmp(zFormat, "json")==0 ){
    json_t *pDoc = stats_json(&rep, aT, nT);
    char *z = json_dumps(pDoc, JSON_COMPACT | JSON_REAL_PRECISION(12));
    buf_puts(&r->out, z ? z : "{}");
    buf_putc(&r->out, '\n');
    free(z);
    json_decref(pDoc);
    r->zType = "application/json; charset=utf-8";
  }else{
    char zTmp[] = "/tmp/pishkhan-xlsx-XXXXXX";
    int fd = mkstemp(zTmp);
    FILE *pIn = 0;
    if( fd>=0 ) close(fd);
    if( fd<0 || stats_xlsx(&rep, aT, nT, zTmp) || (pIn = fopen(zTmp, "rb"))==0 ){
      if( fd>=0 ) unlink(zTmp);
      free(aT);
      stats_clear(&rep);
      req_error(r, 500, "ساختن پروندهٔ اکسل ممکن نشد.");
      return;
    }
    {
      char a[65536];
      size_t nRead;
      while( (nRead = fread(a, 1, sizeof a, pIn))>0 ) buf_append(&r->out, a, nRead);
    }
    fclose(pIn);
    unlink(zTmp);
    r->zType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    req_set_header(r, "Content-Disposition",
                   req_printf(r, "attachment; filename=\"pishkhan-%s.xlsx\"", rep.zPeriod));
  }
  free(aT);
  stats_clear(&rep);
}

/* API: GET /api/v1/periods/{p}/stats   ROLE: public */
void api_period_stats(Req *r){
  StatReport rep;
  StatTrend *aT = 0;
  int rc = stats_load(r->db, r->azArg[0], &rep), nT;
  json_t *pDoc;
  char *z;
  if( rc==STAT_ENOPERIOD ){ req_json_error(r, 404, "no such period"); return; }
  if( rc==STAT_ENORESULT ){
    req_json_error(r, 404, "the period has no published result set");
    return;
  }
  nT = stats_trends(r->db, &aT);
  pDoc = stats_json(&rep, aT, nT);
  z = json_dumps(pDoc, JSON_COMPACT | JSON_REAL_PRECISION(12));
  buf_reset(&r->out);
  buf_puts(&r->out, z ? z : "{}");
  buf_putc(&r->out, '\n');
  r->status = 200;
  r->zType = "application/json; charset=utf-8";
  free(z);
  json_decref(pDoc);
  free(aT);
  stats_clear(&rep);
}
