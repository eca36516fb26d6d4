/*
** svg.c — SVG charts and QR codes (svg.h).
*/
#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "web/html.h"
#include "web/svg.h"

#define W 640.0           /* viewBox width */
#define H 320.0           /* viewBox height */
#define PLOT_TOP 44.0
#define PLOT_BOTTOM (H - 44.0)
#define AXIS_X (W - 56.0) /* the value axis, at the right */
#define PLOT_LEFT 8.0

/* Colours of series 2..4 for lines (series 1 uses the class .line). */
static const char *const azStroke[4] = { "", "#2f8f5b", "#c48a0a", "#8a94a3" };

void svg_fa_num(Buf *p, double v, int nDec){
  char z[64], *zDot;
  Buf b = {0};
  if( nDec<0 ) nDec = 0;
  if( nDec>6 ) nDec = 6;
  if( !isfinite(v) ) v = 0;
  snprintf(z, sizeof z, "%.*f", nDec, fabs(v));
  if( v<0 && strspn(z, "0.")!=strlen(z) ) buf_puts(p, "\xE2\x88\x92");   /* − */
  zDot = strchr(z, '.');
  if( zDot ) *zDot = 0;
  text_persian_digits(&b, z);
  buf_puts(p, buf_str(&b));
  if( zDot ){
    buf_reset(&b);
    text_persian_digits(&b, zDot + 1);
    buf_puts(p, "\xD9\xAB");                                           /* ٫ */
    buf_puts(p, buf_str(&b));
  }
  buf_free(&b);
}

/* A value as shown in a label: a percentage with one decimal and "٪",
** or a whole number. */
static void valueText(Buf *p, const SvgChart *c, double v){
  if( c->bPercent ){
    svg_fa_num(p, v, 1);
    buf_puts(p, "\xD9\xAA");                                           /* ٪ */
  }else{
    svg_fa_num(p, v, fabs(v - round(v))<1e-9 ? 0 : 1);
  }
}

/* The top of the value axis: 100 for percentages, else a round number
** (1, 2 or 5 times a power of ten) at least the largest value. */
static double axisMax(const SvgChart *c){
  double mx = 0, step;
  int i, j;
  if( c->bPercent ) return 100.0;
  for(i=0; i<c->nCat; i++){
    double s = 0;
    for(j=0; j<c->nSer; j++){
      double v = c->aV[i*c->nSer + j];
      if( v<0 || !isfinite(v) ) v = 0;
      if( c->bStacked ) s += v; else if( v>s ) s = v;
    }
    if( s>mx ) mx = s;
  }
  if( mx<=0 ) return 1.0;
  step = pow(10.0, floor(log10(mx)));
  if( mx<=step ) return step;
  if( mx<=2*step ) return 2*step;
  if( mx<=5*step ) return 5*step;
  return 10*step;
}

static double yOf(double v, double mx){
  if( v<0 || !isfinite(v) ) v = 0;
  if( v>mx ) v = mx;
  return PLOT_BOTTOM - v / mx * (PLOT_BOTTOM - PLOT_TOP);
}

/* Opening tag, title, legend, grid and value axis. */
static void chartOpen(Buf *p, const SvgChart *c, double mx, int bLineLegend){
  int j, k;
  html_bprintf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\""
                  " direction=\"rtl\" role=\"img\"><title>%s</title>", W, H,
               c->zTitle ? c->zTitle : "");
  /* legend, from the right */
  for(j=0; j<c->nSer && j<4; j++){
    double x = W - 8.0 - j*150.0;
    if( bLineLegend ){
      if( j==0 ){
        html_bprintf(p, "<line class=\"line\" x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\"/>", x - 14, x);
      }else{
        html_bprintf(p, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\" stroke=\"%s\""
                        " stroke-width=\"2\"/>", x - 14, x, azStroke[j]);
      }
    }else{
      html_bprintf(p, "<rect class=\"s%d\" x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\"/>",
                   j + 1, x - 12);
    }
    html_bprintf(p, "<text x=\"%.1f\" y=\"18\" text-anchor=\"start\">%s</text>", x - 18,
                 c->azSer[j] ? c->azSer[j] : "");
  }
  /* grid and axis labels: five steps */
  for(k=0; k<=4; k++){
    double v = mx * k / 4.0, y = yOf(v, mx);
    Buf b = {0};
    valueText(&b, c, v);
    html_bprintf(p, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                 k==0 ? "axis" : "gridline", PLOT_LEFT, y, AXIS_X, y, AXIS_X + 6, y + 4,
                 buf_str(&b));
    buf_free(&b);
  }
  html_bprintf(p, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
               AXIS_X, PLOT_TOP, AXIS_X, PLOT_BOTTOM);
}

/* Category i's label below the plot, and the centre of its slot. */
static double catCentre(const SvgChart *c, int i){
  double step = (AXIS_X - PLOT_LEFT) / (c->nCat>0 ? c->nCat : 1);
  return AXIS_X - (i + 0.5) * step;
}

static void catLabel(Buf *p, const SvgChart *c, int i){
  html_bprintf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
               catCentre(c, i), PLOT_BOTTOM + 18, c->azCat[i] ? c->azCat[i] : "");
}

/* <title> of one value: "category — series: value". */
static void valueTitle(Buf *p, const SvgChart *c, int i, int j, double v){
  Buf b = {0};
  valueText(&b, c, v);
  html_bprintf(p, "<title>%s — %s: %s</title>", c->azCat[i] ? c->azCat[i] : "",
               c->azSer[j] ? c->azSer[j] : "", buf_str(&b));
  buf_free(&b);
}

void svg_bars(Buf *p, const SvgChart *c){
  double mx = axisMax(c);
  double step = (AXIS_X - PLOT_LEFT) / (c->nCat>0 ? c->nCat : 1);
  double bw = step * 0.7;
  int i, j, nSer = c->nSer>4 ? 4 : c->nSer;
  chartOpen(p, c, mx, 0);
  for(i=0; i<c->nCat; i++){
    double xr = catCentre(c, i) + bw/2, sum = 0;
    for(j=0; j<nSer; j++){
      double v = c->aV[i*c->nSer + j], x, y, w, h;
      if( v<0 || !isfinite(v) ) v = 0;
      if( c->bStacked ){
        y = yOf(sum + v, mx);
        h = yOf(sum, mx) - y;
        x = xr - bw;
        w = bw;
        sum += v;
      }else{
        w = bw / nSer;
        x = xr - (j + 1) * w;        /* the first series at the right */
        y = yOf(v, mx);
        h = PLOT_BOTTOM - y;
      }
      if( h<=0.05 ) continue;        /* nothing to see: leave it out */
      html_bprintf(p, "<rect class=\"bar s%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                      " height=\"%.1f\">", j + 1, x, y, w, h);
      valueTitle(p, c, i, j, v);
      html_bprintf(p, "</rect>");
    }
    catLabel(p, c, i);
  }
  html_bprintf(p, "</svg>");
}

void svg_lines(Buf *p, const SvgChart *c){
  double mx = axisMax(c);
  int i, j, nSer = c->nSer>4 ? 4 : c->nSer;
  chartOpen(p, c, mx, 1);
  for(i=0; i<c->nCat; i++) catLabel(p, c, i);
  for(j=0; j<nSer; j++){
    if( j==0 ){
      html_bprintf(p, "<polyline class=\"line\" points=\"");
    }else{
      html_bprintf(p, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                   azStroke[j]);
    }
    for(i=0; i<c->nCat; i++){
      html_bprintf(p, "%s%.1f,%.1f", i ? " " : "", catCentre(c, i), yOf(c->aV[i*c->nSer + j], mx));
    }
    html_bprintf(p, "\"/>");
    for(i=0; i<c->nCat; i++){
      html_bprintf(p, "<circle class=\"s%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\">", j + 1,
                   catCentre(c, i), yOf(c->aV[i*c->nSer + j], mx));
      valueTitle(p, c, i, j, c->aV[i*c->nSer + j]);
      html_bprintf(p, "</circle>");
    }
  }
  html_bprintf(p, "</svg>");
}

int svg_qr(Buf *p, const char *zText, int nPx, const char *zLabel){
  QRcode *q = QRcode_encodeString(zText, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  int x, y, n;
  if( q==0 ) return -1;
  n = q->width + 8;                   /* four modules of quiet zone each side */
  html_bprintf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" width=\"%d\""
                  " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" shape-rendering=\"crispEdges\">"
                  "<title>%s</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                  "<path fill=\"#000\" d=\"", nPx, nPx, n, n, zLabel ? zLabel : "", n, n);
  for(y=0; y<q->width; y++){
    for(x=0; x<q->width; ){
      int x0;
      if( !(q->data[y*q->width + x] & 1) ){ x++; continue; }
      x0 = x;
      while( x<q->width && (q->data[y*q->width + x] & 1) ) x++;
      html_bprintf(p, "M%d %dh%dv1h-%dz", x0 + 4, y + 4, x - x0, x - x0);
    }
  }
  html_bprintf(p, "\"/></svg>");
  QRcode_free(q);
  return 0;
}
