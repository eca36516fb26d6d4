/*
** html.c — the escaping HTML formatter and the page frame.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jalali.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/user.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/nav.h"

/*
** Append z escaped for HTML text and quoted attributes. Broken UTF-8
** becomes U+FFFD so that a page never carries invalid bytes.
*/
void html_escape(Buf *p, const char *z){
  const unsigned char *s = (const unsigned char *)(z ? z : "");
  while( *s ){
    const unsigned char *zStart = s;
    /* copy a run of safe ASCII at once */
    while( *s>=0x20 && *s<0x80 && *s!='&' && *s!='<' && *s!='>' && *s!='"' && *s!='\'' ) s++;
    if( s>zStart ) buf_append(p, (const char *)zStart, (size_t)(s - zStart));
    if( *s==0 ) break;
    switch( *s ){
      case '&':  buf_puts(p, "&amp;");  s++; continue;
      case '<':  buf_puts(p, "&lt;");   s++; continue;
      case '>':  buf_puts(p, "&gt;");   s++; continue;
      case '"':  buf_puts(p, "&quot;"); s++; continue;
      case '\'': buf_puts(p, "&#39;");  s++; continue;
      default: break;
    }
    if( *s<0x80 ){
      /* control characters: keep tab/newline, drop the rest */
      if( *s=='\t' || *s=='\n' || *s=='\r' ) buf_putc(p, (char)*s);
      s++;
      continue;
    }
    {
      int n = (*s>=0xF0) ? 4 : (*s>=0xE0) ? 3 : (*s>=0xC0) ? 2 : 0;
      int k;
      for(k=1; k<n; k++) if( s[k]==0 ) break;
      if( n && k==n && text_utf8_valid((const char *)s, (size_t)n) ){
        buf_append(p, (const char *)s, (size_t)n);
        s += n;
      }else{
        buf_puts(p, "\xEF\xBF\xBD");
        s++;
      }
    }
  }
}

void url_encode(Buf *p, const char *z){
  static const char zHex[] = "0123456789ABCDEF";
  const unsigned char *s = (const unsigned char *)(z ? z : "");
  for(; *s; s++){
    if( (*s>='a' && *s<='z') || (*s>='A' && *s<='Z') || (*s>='0' && *s<='9')
     || *s=='-' || *s=='_' || *s=='.' || *s=='~' ){
      buf_putc(p, (char)*s);
    }else{
      buf_putc(p, '%');
      buf_putc(p, zHex[*s>>4]);
      buf_putc(p, zHex[*s&15]);
    }
  }
}

/*
** The formatter: %s is escaped, everything else goes through vsnprintf one
** conversion at a time with the right argument type.
*/
void html_vbprintf(Buf *p, const char *zFmt, va_list ap){
  const char *z = zFmt;
  while( *z ){
    const char *zPct = strchr(z, '%');
    char zSpec[32];
    int nSpec = 0, nLen = 0, prec = -1, bStarW = 0, bStarP = 0, w = 0;
    char cLen = 0, c;
    if( zPct==0 ){ buf_puts(p, z); break; }
    if( zPct>z ) buf_append(p, z, (size_t)(zPct - z));
    z = zPct + 1;
    if( *z=='%' ){ buf_putc(p, '%'); z++; continue; }
    zSpec[nSpec++] = '%';
    while( *z && strchr("-+ #0", *z) && nSpec<8 ) zSpec[nSpec++] = *z++;
    if( *z=='*' ){ bStarW = 1; zSpec[nSpec++] = *z++; }
    while( *z>='0' && *z<='9' && nSpec<16 ) zSpec[nSpec++] = *z++;
    if( *z=='.' ){
      zSpec[nSpec++] = *z++;
      if( *z=='*' ){ bStarP = 1; zSpec[nSpec++] = *z++; }
      else{ prec = 0; while( *z>='0' && *z<='9' && nSpec<24 ){ prec = prec*10 + (*z - '0'); zSpec[nSpec++] = *z++; } }
    }
    while( *z && strchr("hlLqjzt", *z) && nLen<2 ){ cLen = *z; zSpec[nSpec++] = *z++; nLen++; }
    c = *z;
    if( c==0 ) break;
    z++;
    zSpec[nSpec++] = c;
    zSpec[nSpec] = 0;
    if( bStarW ) w = va_arg(ap, int);
    if( bStarP ) prec = va_arg(ap, int);
    if( c=='s' ){
      const char *zArg = va_arg(ap, const char *);
      int bLeft = strchr(zSpec, '-')!=0, nPad;
      size_t n;
      if( !bStarW ){
        const char *zW = zSpec + 1;
        while( *zW && strchr("-+ #0", *zW) ) zW++;
        w = atoi(zW);
      }
      if( w<0 ){ bLeft = 1; w = -w; }
      if( zArg==0 ) zArg = "";
      n = prec>=0 ? strnlen(zArg, (size_t)prec) : strlen(zArg);
      nPad = w - (int)n;
      while( !bLeft && nPad-- > 0 ) buf_putc(p, ' ');
      if( prec>=0 ){
        char *zCut = xstrndup(zArg, n);
        html_escape(p, zCut);
        free(zCut);
      }else{
        html_escape(p, zArg);
      }
      while( bLeft && nPad-- > 0 ) buf_putc(p, ' ');
      continue;
    }
    {
      char zOut[128];
      int bW = bStarW, bP = bStarP;
#define EMIT(T) do{ T v_ = va_arg(ap, T);                                       \
        if( bW && bP ) snprintf(zOut, sizeof zOut, zSpec, w, prec, v_);      \
        else if( bW ) snprintf(zOut, sizeof zOut, zSpec, w, v_);             \
        else if( bP ) snprintf(zOut, sizeof zOut, zSpec, prec, v_);          \
        else snprintf(zOut, sizeof zOut, zSpec, v_); }while(0)
      switch( c ){
        case 'd': case 'i':
          if( nLen==2 ) EMIT(long long);
          else if( cLen=='l' ) EMIT(long);
          else if( cLen=='z' || cLen=='t' ) EMIT(ptrdiff_t);
          else if( cLen=='j' ) EMIT(intmax_t);
          else EMIT(int);
          break;
        case 'u': case 'x': case 'X': case 'o':
          if( nLen==2 ) EMIT(unsigned long long);
          else if( cLen=='l' ) EMIT(unsigned long);
          else if( cLen=='z' ) EMIT(size_t);
          else if( cLen=='j' ) EMIT(uintmax_t);
          else EMIT(unsigned);
          break;
        case 'c': EMIT(int); break;
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
          if( cLen=='L' ) EMIT(long double); else EMIT(double);
          break;
        default:
          snprintf(zOut, sizeof zOut, "%%%c", c);
          break;
      }
#undef EMIT
      buf_puts(p, zOut);
    }
  }
}

void html_bprintf(Buf *p, const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  html_vbprintf(p, zFmt, ap);
  va_end(ap);
}

void html(Req *r, const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  html_vbprintf(&r->out, zFmt, ap);
  va_end(ap);
}

void html_raw(Req *r, const char *z){
  buf_puts(&r->out, z);
}

const char *fa_int(Req *r, long long v){
  Buf b = {0};
  const char *z;
  text_persian_int(&b, v, 1);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

const char *fa_num(Req *r, const char *zIn){
  Buf b = {0};
  const char *z;
  text_persian_digits(&b, zIn ? zIn : "");
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

const char *fa_date(Req *r, const char *zIso){
  Buf b = {0};
  const char *z;
  if( zIso==0 || zIso[0]==0 || jalali_format_iso(&b, zIso, 1) ){
    buf_free(&b);
    return "—";
  }
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

const char *url_q(Req *r, const char *zIn){
  Buf b = {0};
  const char *z;
  url_encode(&b, zIn);
  z = req_strdup(r, buf_str(&b));
  buf_free(&b);
  return z;
}

/*
** Is the link zHref the current page for zPath? Its own address, or one
** segment below it ("/offices/U-1001" under "/offices"), but not deeper
** pages such as an office's result or certificate.
*/
static int navCurrent(const char *zPath, const char *zHref){
  size_t n = strlen(zHref);
  if( strcmp(zPath, zHref)==0 ) return 1;
  if( strcmp(zHref, "/")==0 || strncmp(zPath, zHref, n)!=0 || zPath[n]!='/' ) return 0;
  return strchr(zPath + n + 1, '/')==0;
}

/*
** Open a page: doctype, head, header with the navigation of the visitor's
** role, and <main>.
*/
void html_begin(Req *r, const char *zTitle){
  int i;
  r->zType = "text/html; charset=utf-8";
  html(r,
    "<!doctype html>\n<html lang=\"fa\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
    "<title>%s — پیشخوان</title>"
    "<link rel=\"stylesheet\" href=\"%s\">"
    "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">"
    "</head><body><a class=\"skip\" href=\"#main\">پرش به محتوا</a>"
    "<header class=\"top\"><a class=\"brand\" href=\"/\">سامانهٔ رتبه‌بندی دفاتر پیشخوان</a>"
    "<nav class=\"nav\" aria-label=\"پیمایش اصلی\">",
    zTitle, asset_url("style.css"), asset_url("favicon.svg"));
  for(i=0; i<nNavItem; i++){
    const NavItem *pI = &aNavItem[i];
    Role e = r->pWho ? r->pWho->role : ROLE_PUBLIC;
    if( !(pI->roles & (1u<<e)) ) continue;
    if( navCurrent(r->zPath, pI->zHref) ){
      html(r, "<a href=\"%s\" aria-current=\"page\">%s</a>", pI->zHref, pI->zLabel);
    }else{
      html(r, "<a href=\"%s\">%s</a>", pI->zHref, pI->zLabel);
    }
  }
  if( r->pWho ){
    html(r, "<span class=\"who\">%s (%s)</span>"
            "<form class=\"logout\" method=\"post\" action=\"/logout\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
            "<button>خروج</button></form>",
         r->pWho->zUsername, role_label(r->pWho->role), r->pWho->zCsrf);
  }else{
    html(r, "<a href=\"/login\">ورود</a>");
  }
  html(r, "</nav></header><main class=\"page\" id=\"main\">");
}

void html_end(Req *r){
  html(r, "</main><footer class=\"foot\"><p>سازمان تنظیم مقررات و ارتباطات رادیویی — "
          "سامانهٔ ارزیابی و رتبه‌بندی دفاتر پیشخوان خدمات دولت و دفاتر ICT روستایی</p>"
          "</footer></body></html>\n");
}
