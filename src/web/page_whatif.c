/*
** page_whatif.c — the what-if simulator (HQ admin): change rank thresholds
** per office type and the weight of each indicator, and see at once the
** rank counts by type and region and the offices whose rank would change.
**
** Nothing is stored. The period's baseline — its scheme, its snapshot and
** the engine's results under it — comes from the server's WhatifCache
** (whatif.h) while the inputs are unchanged, else is brought up to date
** (the offices whose inputs changed read again) or loaded; each request
** then runs the pure engine once, under the changed scheme, in memory, and
** throws the result away. The time this takes is shown on the page and
** sent, part by part, as a Server-Timing header.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/period.h"
#include "domain/rank.h"
#include "domain/snapshot.h"
#include "domain/whatif.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/server.h"

static const char *const azType[2] = { "urban", "rural_ict" };
static const char *const azTypeFa[2] = { "پیشخوان شهری", "ICT روستایی" };

typedef struct WhatIf {
  Period per;
  WhatifCache *pCache;         /* the server's, or NULL */
  const WhatifBase *pBase;     /* the period's scheme, inputs and results */
  Scheme mod;                  /* the changed scheme */
  ResultSet b;                 /* the engine's results under it */
  const Snapshot *pSnap;       /* &pBase->snap */
  const ResultSet *pA;         /* &pBase->rs */
  int bMod, bB, bHit;
  int nRefreshed;              /* not kept: offices read again, -1 all */
  struct timespec t0;          /* the start, for the total */
  double msLoad, msRun;
  const char *zErr;            /* Persian, for the form */
  const char *zErrEn;          /* English, for the API */
  /* by region (pBase->azRegion): [region][0 base / 1 what-if][column] */
  int aRegion[WHATIF_MAX_REGION][2][RANK_NCOL];
  int nChanged;
} WhatIf;

static double msSince(const struct timespec *p0){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - p0->tv_sec)*1e3 + (t.tv_nsec - p0->tv_nsec)/1e6;
}

/* A number parameter; 1 with *pV when present and valid, 0 absent, -1 bad. */
static int numParam(Req *r, const char *zName, double *pV){
  const char *z = req_param(r, zName);
  if( z==0 || z[0]==0 ) return 0;
  return text_parse_double(z, pV)==0 ? 1 : -1;
}

static void whatifClear(WhatIf *p){
  if( p->bB ) rank_clear(&p->b);
  if( p->bMod ) scheme_clear(&p->mod);
  whatif_base_release(p->pCache, p->pBase);
  p->pBase = 0;
}

/* The Server-Timing header, once the response is built: where the time
** went, and whether the period's inputs came from the cache. */
static void whatifTiming(Req *r, WhatIf *p){
  double msTotal = msSince(&p->t0);
  const char *zHow = p->bHit ? "inputs kept"
                  : p->nRefreshed<0 ? "inputs loaded"
                  : req_printf(r, "inputs refreshed: %d office%s", p->nRefreshed,
                               p->nRefreshed==1 ? "" : "s");
  req_set_header(r, "Server-Timing",
    req_printf(r, "load;dur=%.1f;desc=\"%s\", rank;dur=%.1f, render;dur=%.1f, total;dur=%.1f",
               p->msLoad, zHow, p->msRun, msTotal - p->msLoad - p->msRun, msTotal));
}

/*
** Get the period's baseline (kept, or loaded now), apply the request's
** changes to a copy of its scheme, run the engine under it and count.
** Returns 0, or -1 with p->zErr / p->zErrEn set (and the HTTP status in
** *pStatus). Stores nothing.
*/
static int whatifRun(Req *r, WhatIf *p, int *pStatus){
  const char *zPeriod = req_param(r, "period");
  struct timespec t1;
  char *zE = 0;
  int t, k, i, rc;
  memset(p, 0, sizeof *p);
  *pStatus = 200;
  clock_gettime(CLOCK_MONOTONIC, &p->t0);
  p->pCache = r->pSrv ? server_whatif(r->pSrv) : 0;
  if( zPeriod && zPeriod[0] ? period_load(r->db, zPeriod, &p->per) : period_current(r->db, &p->per) ){
    *pStatus = 404;
    p->zErr = "دوره‌ای برای شبیه‌سازی نیست.";
    p->zErrEn = "no such period";
    return -1;
  }
  rc = whatif_base_get(p->pCache, r->db, &p->per, &p->pBase, &p->bHit, &zE);
  free(zE);
  if( rc!=WHATIF_OK ){
    *pStatus = 500;
    p->zErr = rc==WHATIF_ESCHEME ? "طرح امتیازدهی دوره خوانده نشد."
            : rc==WHATIF_EINPUTS ? "ورودی‌های دوره خوانده نشد."
            : "طرح امتیازدهی با ورودی‌ها جور نیست.";
    p->zErrEn = rc==WHATIF_ESCHEME ? "the period's scheme does not parse"
              : rc==WHATIF_EINPUTS ? "cannot load the period's inputs"
              : "the scheme does not fit the inputs";
    return -1;
  }
  p->nRefreshed = p->pBase->nRefreshed;
  p->pSnap = &p->pBase->snap;
  p->pA = &p->pBase->rs;
  scheme_copy(&p->mod, &p->pBase->scheme);
  p->bMod = 1;
  p->msLoad = msSince(&p->t0);
  clock_gettime(CLOCK_MONOTONIC, &t1);

  /* The changes: thresholds per type, a weight per indicator. */
  for(t=0; t<2; t++){
    double v1, v2;
    int b1 = numParam(r, req_printf(r, "thr_%s_1", azType[t]), &v1);
    int b2 = numParam(r, req_printf(r, "thr_%s_2", azType[t]), &v2);
    for(k=0; k<p->mod.nThr; k++){
      if( strcmp(p->mod.aThr[k].zType, azType[t])!=0 ) continue;
      if( b1==0 ) v1 = p->mod.aThr[k].rank1;
      if( b2==0 ) v2 = p->mod.aThr[k].rank2;
    }
    if( b1<0 || b2<0 || ((b1 || b2) && rank_set_thresholds(&p->mod, azType[t], v1, v2)) ){
      *pStatus = 422;
      p->zErr = req_printf(r, "آستانه‌های %s درست نیستند: آستانهٔ رتبهٔ ۱ باید عددی بزرگ‌تر از آستانهٔ رتبهٔ ۲ باشد.", azTypeFa[t]);
      p->zErrEn = req_printf(r, "thr_%s: rank1 must be a number greater than rank2", azType[t]);
      return -1;
    }
  }
  for(k=0; k<p->mod.nInd; k++){
    double w;
    int b = numParam(r, req_printf(r, "w_%s", p->mod.aInd[k].zKey), &w);
    if( b<0 || (b && (w<0 || w>10)) ){
      *pStatus = 422;
      p->zErr = req_printf(r, "ضریب «%s» باید عددی از ۰ تا ۱۰ باشد.", p->mod.aInd[k].zLabel);
      p->zErrEn = req_printf(r, "w_%s: a number from 0 to 10", p->mod.aInd[k].zKey);
      return -1;
    }
    if( b && w!=1 ) rank_scale_indicator(&p->mod, k, w);
  }

  /* The engine under the changed scheme; the period's own results are the
  ** baseline's. */
  if( rank_assign(p->pSnap, &p->mod, &p->b)!=RANK_OK ){
    *pStatus = 500;
    p->zErr = "طرح امتیازدهی با ورودی‌ها جور نیست.";
    p->zErrEn = "the scheme does not fit the inputs";
    return -1;
  }
  p->bB = 1;
  for(i=0; i<p->pBase->nRegion; i++) memcpy(p->aRegion[i][0], p->pBase->aRegion[i], sizeof p->aRegion[i][0]);
  for(i=0; i<p->pA->nRes; i++){
    int g = p->pBase->aiRegion[i];
    if( g>=0 ) p->aRegion[g][1][whatif_col(&p->b.aRes[i])]++;
    if( p->pA->aRes[i].iRank!=p->b.aRes[i].iRank ) p->nChanged++;
  }
  p->msRun = msSince(&t1);
  return 0;
}

/* A threshold's value for the form: the request's, else the scheme's. */
static const char *thrValue(Req *r, const Scheme *pS, int t, int k){
  const char *z = req_param(r, req_printf(r, "thr_%s_%d", azType[t], k));
  int i;
  if( z && z[0] ) return z;
  for(i=0; i<pS->nThr; i++){
    if( strcmp(pS->aThr[i].zType, azType[t])==0 ){
      Buf b = {0};
      const char *zOut;
      rank_num(&b, k==1 ? pS->aThr[i].rank1 : pS->aThr[i].rank2);
      zOut = req_strdup(r, buf_str(&b));
      buf_free(&b);
      return zOut;
    }
  }
  return "";
}

/* One row of a counts table: base → what-if per column. */
static void countCells(Req *r, const int *aBase, const int *aNew){
  int c;
  for(c=0; c<RANK_NCOL; c++){
    if( aBase[c]==aNew[c] ){
      html(r, "<td class=\"num\">%s</td>", fa_int(r, aNew[c]));
    }else{
      html(r, "<td class=\"num\"><del>%s</del> <ins>%s</ins></td>", fa_int(r, aBase[c]), fa_int(r, aNew[c]));
    }
  }
}

/* PAGE: /admin/whatif?period=&thr_urban_1=&thr_urban_2=&thr_rural_ict_1=
**       &thr_rural_ict_2=&w_KEY=   ROLE: admin */
void page_whatif(Req *r){
  WhatIf w;
  int st, rc, t, k, i, n;
  static const char *const azCol[RANK_NCOL] = { "رتبهٔ ۱", "رتبهٔ ۲", "رتبهٔ ۳", "بدون رتبه" };
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  rc = whatifRun(r, &w, &st);
  if( rc && !w.bMod ){
    req_error(r, st, w.zErr);
    whatifClear(&w);
    return;
  }
  r->status = st;
  req_set_header(r, "Cache-Control", "no-store");
  html_begin(r, "شبیه‌ساز «اگر…»");
  html(r, "<h1>شبیه‌ساز «اگر…»</h1>"
          "<p>آستانه‌های رتبه یا ضریب شاخص‌ها را تغییر دهید و اثر آن را بر رتبهٔ دفاتر دورهٔ "
          "<span class=\"num\" dir=\"ltr\">%s</span> ببینید. هیچ نتیجهٔ ذخیره‌شده‌ای تغییر نمی‌کند.</p>",
       w.per.zCode);
  if( rc ) html(r, "<ul class=\"errors\" role=\"alert\"><li>%s</li></ul>", w.zErr);

  /* The form (GET: nothing changes, the address can be shared). */
  html(r, "<form class=\"card\" method=\"get\" action=\"/admin/whatif\">"
          "<input type=\"hidden\" name=\"period\" value=\"%s\">"
          "<fieldset><legend>آستانه‌های رتبه (امتیاز کمینه)</legend>", w.per.zCode);
  for(t=0; t<2; t++){
    for(k=1; k<=2; k++){
      html(r, "<p><label for=\"thr-%s-%d\">%s — رتبهٔ %s</label>"
              "<input id=\"thr-%s-%d\" name=\"thr_%s_%d\" inputmode=\"decimal\" dir=\"ltr\" value=\"%s\"></p>",
           azType[t], k, azTypeFa[t], fa_int(r, k), azType[t], k, azType[t], k,
           thrValue(r, &w.pBase->scheme, t, k));
    }
  }
  html(r, "</fieldset><fieldset><legend>ضریب هر شاخص (۱ = بدون تغییر)</legend>");
  for(k=0; k<w.pBase->scheme.nInd; k++){
    const char *z = req_param(r, req_printf(r, "w_%s", w.pBase->scheme.aInd[k].zKey));
    html(r, "<p><label for=\"w-%s\">%s</label><input id=\"w-%s\" name=\"w_%s\" inputmode=\"decimal\""
            " dir=\"ltr\" value=\"%s\"></p>", w.pBase->scheme.aInd[k].zKey, w.pBase->scheme.aInd[k].zLabel,
         w.pBase->scheme.aInd[k].zKey, w.pBase->scheme.aInd[k].zKey, z && z[0] ? z : "1");
  }
  html(r, "</fieldset><button class=\"btn primary\" type=\"submit\">شبیه‌سازی</button> "
          "<a class=\"btn\" href=\"/admin/whatif?period=%s\">بازگشت به طرح دوره</a></form>",
       url_q(r, w.per.zCode));

  if( rc==0 ){
    html(r, "<section class=\"stats\">"
            "<div class=\"stat\"><b>%s</b><span>دفتر</span></div>"
            "<div class=\"stat\"><b>%s</b><span>دفتری که رتبه‌اش تغییر می‌کند</span></div>"
            "<div class=\"stat\"><b>%s ms</b><span>زمان محاسبه در کارساز</span></div></section>",
         fa_int(r, w.pA->nRes), fa_int(r, w.nChanged),
         fa_num(r, req_printf(r, "%.1f", w.msLoad + w.msRun)));

    html(r, "<h2>رتبه‌ها به تفکیک نوع دفتر</h2>"
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"رتبه‌ها به تفکیک نوع\">"
            "<table class=\"list\" id=\"by-type\"><thead><tr><th scope=\"col\">نوع</th>");
    for(k=0; k<RANK_NCOL; k++) html(r, "<th scope=\"col\">%s</th>", azCol[k]);
    html(r, "</tr></thead><tbody>");
    for(t=0; t<2; t++){
      html(r, "<tr data-type=\"%s\"><th scope=\"row\">%s</th>", azType[t], azTypeFa[t]);
      countCells(r, w.pA->aCount[t], w.b.aCount[t]);
      html(r, "</tr>");
    }
    html(r, "</tbody></table></div>");

    html(r, "<h2>رتبه‌ها به تفکیک منطقه</h2>"
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"رتبه‌ها به تفکیک منطقه\">"
            "<table class=\"list\" id=\"by-region\"><thead><tr><th scope=\"col\">منطقه</th>");
    for(k=0; k<RANK_NCOL; k++) html(r, "<th scope=\"col\">%s</th>", azCol[k]);
    html(r, "</tr></thead><tbody>");
    for(i=0; i<w.pBase->nRegion; i++){
      char *zName = db_text(r->db, "SELECT name_fa FROM region WHERE code=?1", w.pBase->azRegion[i]);
      html(r, "<tr data-region=\"%s\"><th scope=\"row\">%s</th>", w.pBase->azRegion[i], zName ? zName : w.pBase->azRegion[i]);
      free(zName);
      countCells(r, w.aRegion[i][0], w.aRegion[i][1]);
      html(r, "</tr>");
    }
    html(r, "</tbody></table></div>");

    html(r, "<h2>دفاتری که رتبه‌شان تغییر می‌کند</h2>");
    if( w.nChanged==0 ){
      html(r, "<p class=\"muted\">رتبهٔ هیچ دفتری تغییر نمی‌کند.</p>");
    }else{
      if( w.nChanged>500 ) html(r, "<p class=\"muted\">۵۰۰ دفتر نخست از %s دفتر.</p>", fa_int(r, w.nChanged));
      html(r, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"دفاتری که رتبه‌شان تغییر می‌کند\">"
              "<table class=\"list\" id=\"changed\"><thead><tr><th scope=\"col\">دفتر</th><th scope=\"col\">نوع</th>"
              "<th scope=\"col\">امتیاز اکنون</th><th scope=\"col\">رتبهٔ اکنون</th>"
              "<th scope=\"col\">امتیاز در شبیه‌سازی</th><th scope=\"col\">رتبه در شبیه‌سازی</th></tr></thead><tbody>");
      for(i=0, n=0; i<w.pA->nRes && n<500; i++){
        const RankResult *pA = &w.pA->aRes[i], *pB = &w.b.aRes[i];
        const SnapOffice *pO = &w.pSnap->aOff[i];
        Buf b1 = {0}, b2 = {0};
        if( pA->iRank==pB->iRank ) continue;
        n++;
        rank_num(&b1, pA->score);
        rank_num(&b2, pB->score);
        html(r, "<tr><td><a class=\"num\" href=\"/offices/%s\">%s</a></td><td>%s</td>"
                "<td class=\"num\">%s</td><td><span class=\"badge rank%d\">%s</span></td>"
                "<td class=\"num\">%s</td><td><span class=\"badge rank%d\">%s</span></td></tr>",
             url_q(r, pO->zCode), pO->zCode, strcmp(pO->zType, "urban")==0 ? azTypeFa[0] : azTypeFa[1],
             fa_num(r, buf_str(&b1)), pA->iRank, fa_int(r, pA->iRank),
             fa_num(r, buf_str(&b2)), pB->iRank, fa_int(r, pB->iRank));
        buf_free(&b1);
        buf_free(&b2);
      }
      html(r, "</tbody></table></div>");
    }
  }
  whatifClear(&w);
  html_end(r);
  whatifTiming(r, &w);
}

/* The counts of one side (0 the period's scheme, 1 the what-if) as JSON:
** {"by_type":{TYPE:{rank1,rank2,rank3,unranked}},"by_region":{REGION:{..}}} */
static void sideJson(Buf *b, const WhatIf *p, int iSide){
  static const char *const azCol[RANK_NCOL] = { "rank1", "rank2", "rank3", "unranked" };
  const ResultSet *pRs = iSide ? &p->b : p->pA;
  int t, g, c;
  buf_puts(b, "{\"by_type\":{");
  for(t=0; t<2; t++){
    buf_printf(b, "%s\"%s\":{", t ? "," : "", azType[t]);
    for(c=0; c<RANK_NCOL; c++) buf_printf(b, "%s\"%s\":%d", c ? "," : "", azCol[c], pRs->aCount[t][c]);
    buf_putc(b, '}');
  }
  buf_puts(b, "},\"by_region\":{");
  for(g=0; g<p->pBase->nRegion; g++){
    if( g ) buf_putc(b, ',');
    rank_json_str(b, p->pBase->azRegion[g]);
    buf_putc(b, ':');
    for(c=0; c<RANK_NCOL; c++) buf_printf(b, "%s\"%s\":%d", c ? "," : "{", azCol[c], p->aRegion[g][iSide][c]);
    buf_putc(b, '}');
  }
  buf_puts(b, "}}");
}

/* API: GET /api/v1/whatif?period=&thr_...=&w_KEY=   ROLE: admin
** {"period","ms":{"load","rank"},"inputs_kept","inputs_refreshed","base":{"by_type":{..},"by_region":{..}},
**  "whatif":{..},"changed":[{"office","type","region","from","to","score_from","score_to"}],
**  "offices"}
** Written directly (thousands of changed offices: no JSON tree). */
void api_whatif(Req *r){
  WhatIf w;
  Buf *b = &r->out;
  int st, i, n;
  if( !req_allow(r, ACT_ADMIN, 0) ) return;
  if( whatifRun(r, &w, &st) ){
    req_json_error(r, st, w.zErrEn);
    whatifClear(&w);
    return;
  }
  buf_reset(b);
  buf_puts(b, "{\"period\":");
  rank_json_str(b, w.per.zCode);
  buf_printf(b, ",\"ms\":{\"load\":%.3f,\"rank\":%.3f},\"inputs_kept\":%s,\"inputs_refreshed\":",
             w.msLoad, w.msRun, w.bHit ? "true" : "false");
  if( w.bHit || w.nRefreshed<0 ) buf_puts(b, "null"); else buf_printf(b, "%d", w.nRefreshed);
  buf_puts(b, ",\"base\":");
  sideJson(b, &w, 0);
  buf_puts(b, ",\"whatif\":");
  sideJson(b, &w, 1);
  buf_puts(b, ",\"changed\":[");
  for(i=0, n=0; i<w.pA->nRes; i++){
    const RankResult *pA = &w.pA->aRes[i], *pB = &w.b.aRes[i];
    const SnapOffice *pO = &w.pSnap->aOff[i];
    if( pA->iRank==pB->iRank ) continue;
    buf_puts(b, n++ ? ",{\"office\":" : "{\"office\":");
    rank_json_str(b, pO->zCode);
    buf_puts(b, ",\"type\":");
    rank_json_str(b, pO->zType);
    buf_puts(b, ",\"region\":");
    rank_json_str(b, pO->zRegion);
    buf_printf(b, ",\"from\":%d,\"to\":%d,\"score_from\":", pA->iRank, pB->iRank);
    rank_num(b, pA->score);
    buf_puts(b, ",\"score_to\":");
    rank_num(b, pB->score);
    buf_putc(b, '}');
  }
  buf_printf(b, "],\"offices\":%d}\n", w.pA->nRes);
  r->status = 200;
  r->zType = "application/json; charset=utf-8";
  whatifClear(&w);
  whatifTiming(r, &w);
}
