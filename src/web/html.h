/*
** html.h — writing HTML from C, escaping by default.
**
** html() is printf-like: every %s argument is escaped for HTML text and
** quoted attribute values (& < > " ' become entities; broken UTF-8 is
** replaced by U+FFFD; NUL ends the string). Other conversions (%d, %lld,
** %zu, %x, %.1f ...) are numbers and need no escaping. Raw markup needs
** html_raw(), which says so at the call site.
*/
#ifndef PK_HTML_H
#define PK_HTML_H
#include <stdarg.h>
#include "base/buf.h"
#include "web/req.h"

void html(Req *r, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
void html_raw(Req *r, const char *z);

/* The escaping formatter on a plain Buf (for tests and SVG). */
void html_bprintf(Buf *p, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
void html_vbprintf(Buf *p, const char *zFmt, va_list ap);
/* Escape z into p. */
void html_escape(Buf *p, const char *z);
/* Percent-encode z as one URL query component into p. */
void url_encode(Buf *p, const char *z);

/* Page frame: doctype, head, header with navigation, <main>; and its end. */
void html_begin(Req *r, const char *zTitle);
void html_end(Req *r);

/* Arena strings for use as %s arguments. */
const char *fa_int(Req *r, long long v);        /* ۷٬۹۴۳ */
const char *fa_num(Req *r, const char *z);      /* ASCII digits -> Persian */
const char *fa_date(Req *r, const char *zIso);  /* ISO -> ۱۳۹۹/۰۷/۱۴ (or "—") */
const char *url_q(Req *r, const char *z);       /* URL-encoded component */

#endif
