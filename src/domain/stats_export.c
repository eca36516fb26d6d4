/*
** stats_export.c — the statistics report as text, CSV, JSON and XLSX
** (stats.h). Text and CSV use ASCII digits; the XLSX workbook is Persian
** and right to left, with numbers stored as numbers.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "domain/stats.h"

/* ---- Text ----------------------------------------------------------------- */

static void textRowHead(Buf *p, const char *zFirst){
  buf_printf(p, "  %-22s %8s %8s %6s %7s %7s %7s %7s %8s %8s %6s\n", zFirst,
             "offices", "partic.", "%", "rank 1", "rank 2", "rank 3", "out(p)",
             "non-part", "out(all)", "diff");
}

static void textRow(Buf *p, const char *zFirst, const StatRow *r){
  buf_printf(p, "  %-22s %8lld %8lld %6.1f %7lld %7lld %7lld %7lld %8lld %8lld %6lld\n",
             zFirst, r->nOffices, r->nPart, stats_pct(r->nPart, r->nOffices),
             r->aRank[1], r->aRank[2], r->aRank[3], stats_out_part(r), r->nNonPart,
             stats_out_all(r), r->nDiffPart + r->nDiffAll);
}

void stats_text(Buf *p, const StatReport *pR, StatBy eBy,
                const StatTrend *aTrend, int nTrend){
  int t, i, e;
  buf_printf(p, "Statistics of period %s — result set version %d, published %s\n\n",
             pR->zPeriod, pR->iVersion, pR->zPublishedAt[0] ? pR->zPublishedAt : "-");

  buf_printf(p, "Offices and participation\n  %-10s %8s %13s %6s\n",
             "type", "offices", "participated", "%");
  for(t=0; t<ST_NTYPE; t++){
    buf_printf(p, "  %-10s %8lld %13lld %6.1f\n", stats_type_code(t), pR->a[t].nOffices,
               pR->a[t].nPart, stats_pct(pR->a[t].nPart, pR->a[t].nOffices));
  }

  buf_printf(p, "\nRanks among participants\n  %-10s %7s %7s %7s %7s %7s %13s %10s\n",
             "type", "rank 1", "rank 2", "rank 3", "out", "sum", "participated", "difference");
  for(t=0; t<ST_NTYPE; t++){
    const StatRow *r = &pR->a[t];
    long long nSum = stats_ranked(r) + stats_out_part(r);
    buf_printf(p, "  %-10s %7lld %7lld %7lld %7lld %7lld %13lld %10lld  %s\n",
               stats_type_code(t), r->aRank[1], r->aRank[2], r->aRank[3],
               stats_out_part(r), nSum, r->nPart, r->nDiffPart,
               r->nDiffPart ? "DOES NOT ADD UP" : "ok");
  }

  buf_printf(p, "\nRanks among all offices (non-participants counted in rank 3)\n"
                "  %-10s %7s %7s %7s %7s %7s %8s %10s\n",
             "type", "rank 1", "rank 2", "rank 3", "out", "sum", "offices", "difference");
  for(t=0; t<ST_NTYPE; t++){
    const StatRow *r = &pR->a[t];
    long long nSum = stats_all_rank(r, 1) + stats_all_rank(r, 2) + stats_all_rank(r, 3)
                   + stats_out_all(r);
    buf_printf(p, "  %-10s %7lld %7lld %7lld %7lld %7lld %8lld %10lld  %s\n",
               stats_type_code(t), stats_all_rank(r, 1), stats_all_rank(r, 2),
               stats_all_rank(r, 3), stats_out_all(r), nSum, r->nOffices, r->nDiffAll,
               r->nDiffAll ? "DOES NOT ADD UP" : "ok");
  }

  buf_printf(p, "\nOffices without a rank of their own, by reason\n  %-10s %16s",
             "type", "non-participant");
  for(e=0; e<SO_N; e++) buf_printf(p, " %10s", stats_out_code(e));
  buf_printf(p, " %7s\n", "total");
  for(t=0; t<ST_NTYPE; t++){
    const StatRow *r = &pR->a[t];
    buf_printf(p, "  %-10s %16lld", stats_type_code(t), r->nNonPart);
    for(e=0; e<SO_N; e++) buf_printf(p, " %10lld", r->aOutPart[e] + r->aOutNon[e]);
    buf_printf(p, " %7lld\n", r->nNonPart + stats_out_all(r));
  }

  buf_printf(p, "\nShare of ranked offices in rank 1\n");
  for(t=0; t<ST_NTYPE; t++){
    buf_printf(p, "  %-10s %6.1f %%%s\n", stats_type_code(t),
               100.0 * stats_rank1_share(&pR->a[t]),
               stats_ceiling(&pR->a[t]) ? "  CEILING: most ranked offices reach rank 1" : "");
  }

  if( eBy==STAT_BY_REGION || eBy==STAT_BY_PROVINCE ){
    const StatGroup *aG = eBy==STAT_BY_REGION ? pR->aRegion : pR->aProvince;
    int nG = eBy==STAT_BY_REGION ? pR->nRegion : pR->nProvince;
    buf_printf(p, "\nBy %s\n", eBy==STAT_BY_REGION ? "region" : "province");
    textRowHead(p, eBy==STAT_BY_REGION ? "region / type" : "province / type");
    for(i=0; i<nG; i++){
      for(t=0; t<ST_NTYPE; t++){
        char z[64];
        snprintf(z, sizeof z, "%s %s", aG[i].zCode, stats_type_code(t));
        textRow(p, z, &aG[i].a[t]);
      }
    }
    for(t=0; t<ST_NTYPE; t++){
      char z[64];
      snprintf(z, sizeof z, "nation %s", stats_type_code(t));
      textRow(p, z, &pR->a[t]);
    }
  }

  if( nTrend>0 ){
    buf_printf(p, "\nTrends (all offices)\n");
    textRowHead(p, "period");
    for(i=0; i<nTrend; i++) textRow(p, aTrend[i].zPeriod, &aTrend[i].a[ST_TOTAL]);
  }

  for(i=0; i<nStatPublished; i++){
    const StatPublished *pPub = &aStatPublished[i];
    StatRow row;
    if( strcmp(pPub->zPeriod, pR->zPeriod)!=0 ) continue;
    stats_row_from_published(pPub, &row);
    stats_row_reconcile(&row);
    buf_printf(p, "\nPublished figures for %s, %s (for comparison): offices %lld, "
                  "participated %lld, rank 1 %lld + rank 2 %lld + rank 3 %lld = %lld;"
                  " reported difference (unexplained) %lld\n",
               pPub->zPeriod, stats_type_code(pPub->t), pPub->nOffices, pPub->nPart,
               pPub->aRank[0], pPub->aRank[1], pPub->aRank[2], stats_ranked(&row),
               pPub->nPart>=0 ? row.nDiffPart : row.nDiffAll);
  }

  buf_printf(p, "\nChecks: %d sums checked (every row and column, regions and provinces "
                "against the nation): ", pR->nCheck);
  if( pR->nFail==0 ){
    buf_printf(p, "all hold — the tables reconcile.\n");
  }else{
    buf_printf(p, "%d do not hold — the tables do NOT reconcile:\n", pR->nFail);
    for(i=0; i<pR->nFail && i<STAT_MAX_FAIL; i++){
      buf_printf(p, "  %s: expected %lld, the parts add up to %lld (difference %lld)\n",
                 pR->aFail[i].zWhat, pR->aFail[i].nWant, pR->aFail[i].nGot,
                 pR->aFail[i].nWant - pR->aFail[i].nGot);
    }
  }
}

/* ---- CSV ------------------------------------------------------------------ */

/* Append z as one CSV field (quoted when needed). */
static void csvField(Buf *p, const char *z){
  if( strpbrk(z, ",\"\r\n") ){
    buf_putc(p, '"');
    for(; *z; z++){
      if( *z=='"' ) buf_putc(p, '"');
      buf_putc(p, *z);
    }
    buf_putc(p, '"');
  }else{
    buf_puts(p, z);
  }
}

static void csvRow(Buf *p, const char *zScope, const char *zCode, const char *zNameEn,
                   const char *zNameFa, int t, const StatRow *r){
  buf_printf(p, "%s,", zScope);
  csvField(p, zCode); buf_putc(p, ',');
  csvField(p, zNameEn); buf_putc(p, ',');
  csvField(p, zNameFa); buf_putc(p, ',');
  buf_printf(p, "%s,%lld,%lld,%.1f,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,"
                "%lld,%lld,%lld,%lld,%lld\r\n",
             stats_type_code(t), r->nOffices, r->nPart, stats_pct(r->nPart, r->nOffices),
             r->aRank[1], r->aRank[2], r->aRank[3], stats_out_part(r), r->nNonPart,
             stats_all_rank(r, 1), stats_all_rank(r, 2), stats_all_rank(r, 3),
             stats_out_all(r),
             r->aOutPart[SO_REVOKED] + r->aOutNon[SO_REVOKED],
             r->aOutPart[SO_SUSPENDED] + r->aOutNon[SO_SUSPENDED],
             r->aOutPart[SO_OTHER] + r->aOutNon[SO_OTHER],
             r->nDiffPart, r->nDiffAll);
}

void stats_csv(Buf *p, const StatReport *pR, StatBy eBy){
  int t, i;
  buf_puts(p, "scope,code,name_en,name_fa,type,offices,participated,participation_pct,"
              "rank1,rank2,rank3,out_of_ranking_participants,non_participants,"
              "all_rank1,all_rank2,all_rank3,all_out_of_ranking,revoked,suspended,other,"
              "difference_participants,difference_offices\r\n");
  for(t=0; t<ST_NTYPE; t++) csvRow(p, "nation", "IR", "Iran", "ایران", t, &pR->a[t]);
  if( eBy==STAT_BY_REGION ){
    for(i=0; i<pR->nRegion; i++){
      for(t=0; t<ST_NTYPE; t++){
        csvRow(p, "region", pR->aRegion[i].zCode, pR->aRegion[i].zNameEn,
               pR->aRegion[i].zNameFa, t, &pR->aRegion[i].a[t]);
      }
    }
  }else if( eBy==STAT_BY_PROVINCE ){
    for(i=0; i<pR->nProvince; i++){
      for(t=0; t<ST_NTYPE; t++){
        csvRow(p, "province", pR->aProvince[i].zCode, pR->aProvince[i].zNameEn,
               pR->aProvince[i].zNameFa, t, &pR->aProvince[i].a[t]);
      }
    }
  }
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *jRanksPart(const StatRow *r){
  return json_pack("{sI sI sI sI sI}", "1", (json_int_t)r->aRank[1],
                   "2", (json_int_t)r->aRank[2], "3", (json_int_t)r->aRank[3],
                   "out_of_ranking", (json_int_t)stats_out_part(r),
                   "total", (json_int_t)(stats_ranked(r) + stats_out_part(r)));
}

static json_t *jRanksAll(const StatRow *r){
  return json_pack("{sI sI sI sI sI}", "1", (json_int_t)stats_all_rank(r, 1),
                   "2", (json_int_t)stats_all_rank(r, 2), "3", (json_int_t)stats_all_rank(r, 3),
                   "out_of_ranking", (json_int_t)stats_out_all(r),
                   "total", (json_int_t)(stats_ranked(r) + r->nNonPart + stats_out_all(r)));
}

static json_t *jUnranked(const StatRow *r){
  json_t *o = json_object();
  int e;
  json_object_set_new(o, "did_not_participate", json_integer(r->nNonPart));
  for(e=0; e<SO_N; e++){
    json_object_set_new(o, stats_out_code(e), json_integer(r->aOutPart[e] + r->aOutNon[e]));
  }
  json_object_set_new(o, "total", json_integer(r->nNonPart + stats_out_all(r)));
  return o;
}

/* {"urban": f(a[0]), "rural_ict": f(a[1]), "total": f(a[2])} */
static json_t *jByType(const StatRow *a, json_t *(*f)(const StatRow *)){
  json_t *o = json_object();
  int t;
  for(t=0; t<ST_NTYPE; t++) json_object_set_new(o, stats_type_code(t), f(&a[t]));
  return o;
}
static json_t *jOffices(const StatRow *r){ return json_integer(r->nOffices); }
static json_t *jPart(const StatRow *r){ return json_integer(r->nPart); }
static json_t *jPct(const StatRow *r){ return json_real(stats_pct(r->nPart, r->nOffices)); }
static json_t *jShare(const StatRow *r){
  return json_real(stats_pct(r->aRank[1], stats_ranked(r)));
}
static json_t *jCeiling(const StatRow *r){ return json_boolean(stats_ceiling(r)); }
static json_t *jDiff(const StatRow *r){
  return json_pack("{sI sI}", "participants", (json_int_t)r->nDiffPart,
                   "offices", (json_int_t)r->nDiffAll);
}

/* One region or province: its totals, and the same by type. */
static json_t *jGroup(const StatGroup *g, const char *zKey, int bProvince){
  json_t *o = json_object();
  json_t *pBy = json_object();
  int t;
  json_object_set_new(o, zKey, json_string(g->zCode));
  json_object_set_new(o, "name_fa", json_string(g->zNameFa));
  json_object_set_new(o, "name_en", json_string(g->zNameEn));
  if( bProvince ) json_object_set_new(o, "region", json_string(g->zRegion));
  json_object_set_new(o, "offices", json_integer(g->a[ST_TOTAL].nOffices));
  json_object_set_new(o, "participated", json_integer(g->a[ST_TOTAL].nPart));
  json_object_set_new(o, "participation_pct", jPct(&g->a[ST_TOTAL]));
  json_object_set_new(o, "ranks_participants", jRanksPart(&g->a[ST_TOTAL]));
  json_object_set_new(o, "ranks_all", jRanksAll(&g->a[ST_TOTAL]));
  json_object_set_new(o, "unranked", jUnranked(&g->a[ST_TOTAL]));
  for(t=0; t<ST_TOTAL; t++){
    const StatRow *r = &g->a[t];
    json_object_set_new(pBy, stats_type_code(t), json_pack("{sI sI so so so so}",
      "offices", (json_int_t)r->nOffices, "participated", (json_int_t)r->nPart,
      "participation_pct", jPct(r), "ranks_participants", jRanksPart(r),
      "ranks_all", jRanksAll(r), "unranked", jUnranked(r)));
  }
  json_object_set_new(o, "by_type", pBy);
  return o;
}

json_t *stats_json(const StatReport *p, const StatTrend *aTrend, int nTrend){
  json_t *o = json_object();
  json_t *a;
  int i;
  json_object_set_new(o, "period", json_string(p->zPeriod));
  json_object_set_new(o, "result_set", json_pack("{si ss ss}", "version", p->iVersion,
                      "published_at", p->zPublishedAt, "inputs_hash", p->zInputsHash));
  json_object_set_new(o, "offices", jByType(p->a, jOffices));
  json_object_set_new(o, "participated", jByType(p->a, jPart));
  json_object_set_new(o, "participation_pct", jByType(p->a, jPct));
  json_object_set_new(o, "ranks_participants", jByType(p->a, jRanksPart));
  json_object_set_new(o, "ranks_all", jByType(p->a, jRanksAll));
  json_object_set_new(o, "unranked", jByType(p->a, jUnranked));
  json_object_set_new(o, "rank1_share_pct", jByType(p->a, jShare));
  json_object_set_new(o, "rank1_ceiling", jByType(p->a, jCeiling));
  json_object_set_new(o, "difference", jByType(p->a, jDiff));
  a = json_array();
  for(i=0; i<p->nRegion; i++) json_array_append_new(a, jGroup(&p->aRegion[i], "region", 0));
  json_object_set_new(o, "by_region", a);
  a = json_array();
  for(i=0; i<p->nProvince; i++) json_array_append_new(a, jGroup(&p->aProvince[i], "province", 1));
  json_object_set_new(o, "by_province", a);
  a = json_array();
  for(i=0; i<nTrend; i++){
    const StatRow *r = &aTrend[i].a[ST_TOTAL];
    json_array_append_new(a, json_pack("{ss si so so so so so sb}",
      "period", aTrend[i].zPeriod, "version", aTrend[i].iVersion,
      "offices", jByType(aTrend[i].a, jOffices),
      "participated", jByType(aTrend[i].a, jPart),
      "participation_pct", jPct(r),
      "ranks_all", jByType(aTrend[i].a, jRanksAll),
      "rank1_share_pct", jShare(r),
      "reconciles", aTrend[i].bReconciles));
  }
  json_object_set_new(o, "trends", a);
  a = json_array();
  for(i=0; i<p->nFail && i<STAT_MAX_FAIL; i++){
    json_array_append_new(a, json_pack("{ss sI sI}", "what", p->aFail[i].zWhat,
      "expected", (json_int_t)p->aFail[i].nWant, "parts", (json_int_t)p->aFail[i].nGot));
  }
  json_object_set_new(o, "checks", json_pack("{si si so}", "sums", p->nCheck,
                      "failed", p->nFail, "failures", a));
  json_object_set_new(o, "reconciles", json_boolean(p->nFail==0 && p->nCheck>0));
  return o;
}

/* ---- XLSX ----------------------------------------------------------------- */

/* Persian column names of a row, and the row's numbers. */
static const char *const azXlsxHead[] = {
  "تعداد دفاتر", "شرکت‌کننده", "درصد مشارکت", "رتبهٔ ۱", "رتبهٔ ۲", "رتبهٔ ۳",
  "شرکت‌کنندهٔ خارج از رتبه‌بندی", "غایب (رتبهٔ ۳)", "رتبهٔ ۳ همهٔ دفاتر",
  "همهٔ خارج از رتبه‌بندی", "لغو پروانه", "تعلیق", "دلیل دیگر",
  "اختلاف شرکت‌کنندگان", "اختلاف کل دفاتر",
};
#define XLSX_NHEAD (int)(sizeof(azXlsxHead)/sizeof(azXlsxHead[0]))

static void xlsxRowNumbers(lxw_worksheet *ws, lxw_row_t y, lxw_col_t x,
                           const StatRow *r, lxw_format *pPct){
  double a[XLSX_NHEAD];
  int i;
  a[0] = (double)r->nOffices;
  a[1] = (double)r->nPart;
  a[2] = stats_pct(r->nPart, r->nOffices);
  a[3] = (double)r->aRank[1];
  a[4] = (double)r->aRank[2];
  a[5] = (double)r->aRank[3];
  a[6] = (double)stats_out_part(r);
  a[7] = (double)r->nNonPart;
  a[8] = (double)stats_all_rank(r, 3);
  a[9] = (double)stats_out_all(r);
  a[10] = (double)(r->aOutPart[SO_REVOKED] + r->aOutNon[SO_REVOKED]);
  a[11] = (double)(r->aOutPart[SO_SUSPENDED] + r->aOutNon[SO_SUSPENDED]);
  a[12] = (double)(r->aOutPart[SO_OTHER] + r->aOutNon[SO_OTHER]);
  a[13] = (double)r->nDiffPart;
  a[14] = (double)r->nDiffAll;
  for(i=0; i<XLSX_NHEAD; i++){
    worksheet_write_number(ws, y, (lxw_col_t)(x + i), a[i], i==2 ? pPct : NULL);
  }
}

static void xlsxHead(lxw_worksheet *ws, lxw_row_t y, const char *const *azFirst,
                     int nFirst, lxw_format *pBold){
  int i;
  for(i=0; i<nFirst; i++) worksheet_write_string(ws, y, (lxw_col_t)i, azFirst[i], pBold);
  for(i=0; i<XLSX_NHEAD; i++){
    worksheet_write_string(ws, y, (lxw_col_t)(nFirst + i), azXlsxHead[i], pBold);
  }
  worksheet_set_column(ws, 0, (lxw_col_t)(nFirst + XLSX_NHEAD), 14, NULL);
  worksheet_freeze_panes(ws, y + 1, 0);
}

/* A sheet of groups (regions or provinces), one line per group and type. */
static void xlsxGroups(lxw_workbook *wb, const char *zName, const StatGroup *aG, int nG,
                       int bProvince, lxw_format *pBold, lxw_format *pPct){
  static const char *const azRegion[] = { "کد منطقه", "منطقه", "نوع دفتر" };
  static const char *const azProv[] = { "کد استان", "استان", "منطقه", "نوع دفتر" };
  lxw_worksheet *ws = workbook_add_worksheet(wb, zName);
  int i, t, nFirst = bProvince ? 4 : 3;
  lxw_row_t y = 1;
  worksheet_right_to_left(ws);
  xlsxHead(ws, 0, bProvince ? azProv : azRegion, nFirst, pBold);
  for(i=0; i<nG; i++){
    for(t=0; t<ST_NTYPE; t++, y++){
      worksheet_write_string(ws, y, 0, aG[i].zCode, NULL);
      worksheet_write_string(ws, y, 1, aG[i].zNameFa, NULL);
      if( bProvince ) worksheet_write_string(ws, y, 2, aG[i].zRegion, NULL);
      worksheet_write_string(ws, y, (lxw_col_t)(nFirst - 1), stats_type_label(t), NULL);
      xlsxRowNumbers(ws, y, (lxw_col_t)nFirst, &aG[i].a[t], pPct);
    }
  }
}

int stats_xlsx(const StatReport *p, const StatTrend *aTrend, int nTrend, const char *zPath){
  static const char *const azType[] = { "نوع دفتر" };
  static const char *const azPeriod[] = { "دوره", "نسخه" };
  lxw_workbook *wb = workbook_new(zPath);
  lxw_worksheet *ws;
  lxw_format *pBold, *pPct;
  lxw_row_t y;
  int t, i;
  char zTitle[160];
  if( wb==0 ) return -1;
  pBold = workbook_add_format(wb);
  format_set_bold(pBold);
  pPct = workbook_add_format(wb);
  format_set_num_format(pPct, "0.0");

  ws = workbook_add_worksheet(wb, "خلاصه");
  worksheet_right_to_left(ws);
  snprintf(zTitle, sizeof zTitle, "آمار دورهٔ %s — نسخهٔ %d نتایج", p->zPeriod, p->iVersion);
  worksheet_write_string(ws, 0, 0, zTitle, pBold);
  xlsxHead(ws, 2, azType, 1, pBold);
  for(t=0; t<ST_NTYPE; t++){
    worksheet_write_string(ws, (lxw_row_t)(3 + t), 0, stats_type_label(t), NULL);
    xlsxRowNumbers(ws, (lxw_row_t)(3 + t), 1, &p->a[t], pPct);
  }
  worksheet_write_string(ws, 7, 0, "جمع‌های بررسی‌شده", pBold);
  worksheet_write_number(ws, 7, 1, p->nCheck, NULL);
  worksheet_write_string(ws, 8, 0, "جمع‌های نادرست", pBold);
  worksheet_write_number(ws, 8, 1, p->nFail, NULL);
  worksheet_write_string(ws, 9, 0, "جدول‌ها با هم می‌خوانند", pBold);
  worksheet_write_boolean(ws, 9, 1, p->nFail==0, NULL);
  y = 11;
  for(i=0; i<p->nFail && i<STAT_MAX_FAIL; i++, y++){
    worksheet_write_string(ws, y, 0, p->aFail[i].zWhat, NULL);
    worksheet_write_number(ws, y, 1, (double)p->aFail[i].nWant, NULL);
    worksheet_write_number(ws, y, 2, (double)p->aFail[i].nGot, NULL);
  }

  xlsxGroups(wb, "مناطق", p->aRegion, p->nRegion, 0, pBold, pPct);
  xlsxGroups(wb, "استان‌ها", p->aProvince, p->nProvince, 1, pBold, pPct);

  ws = workbook_add_worksheet(wb, "روند");
  worksheet_right_to_left(ws);
  xlsxHead(ws, 0, azPeriod, 2, pBold);
  for(i=0; i<nTrend; i++){
    worksheet_write_string(ws, (lxw_row_t)(1 + i), 0, aTrend[i].zPeriod, NULL);
    worksheet_write_number(ws, (lxw_row_t)(1 + i), 1, aTrend[i].iVersion, NULL);
    xlsxRowNumbers(ws, (lxw_row_t)(1 + i), 2, &aTrend[i].a[ST_TOTAL], pPct);
  }
  return workbook_close(wb)==LXW_NO_ERROR ? 0 : -1;
}
