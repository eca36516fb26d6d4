/*
** svg.h — server-side SVG charts and QR codes, written into a Buf through
** the escaping formatter (html_bprintf): every label is escaped.
**
** Charts are right to left: the first category stands at the right, the
** value axis is on the right, the legend reads from the right. Numbers
** are written in Persian digits. Colours come from the classes of
** web/style.css (figure.chart: .bar .s1–.s4 .axis .gridline .line), never
** from style attributes (the CSP forbids them).
*/
#ifndef PK_SVG_H
#define PK_SVG_H
#include "base/buf.h"

typedef struct SvgChart {
  const char *zTitle;            /* accessible name (<title>) */
  int nCat;                      /* categories: bars, or points of a line */
  const char *const *azCat;
  int nSer;                      /* series: stacked parts, or lines (at most 4) */
  const char *const *azSer;
  const double *aV;              /* nCat × nSer values, aV[iCat*nSer + iSer] */
  int bStacked;                  /* bars: stacked (else side by side) */
  int bPercent;                  /* values are percentages: axis 0..100, "٪" */
} SvgChart;

/* Vertical bars, categories from right to left. */
void svg_bars(Buf *p, const SvgChart *c);
/* Lines over the categories (right to left), one per series. */
void svg_lines(Buf *p, const SvgChart *c);

/* v with nDec decimals in Persian digits, '٫' as the decimal separator and
** '−' for minus (no grouping). */
void svg_fa_num(Buf *p, double v, int nDec);

/* A QR code of zText (error correction M) as an SVG of nPx × nPx pixels,
** named zLabel. Returns 0, or -1 when the text does not fit a QR code. */
int svg_qr(Buf *p, const char *zText, int nPx, const char *zLabel);

#endif
