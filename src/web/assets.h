/*
** assets.h — static files (CSS, fonts, icons) compiled into the binary.
**
** The build turns every file under web/ into a constant array (tools/embed.c
** writes build/gen/assets.c). Each asset is served at a URL that carries a
** hash of its content, "/static/style.3fa2b1c9.css", so that it can be cached
** for a year; the plain name "/static/style.css" also works (short cache).
*/
#ifndef PK_ASSETS_H
#define PK_ASSETS_H
#include <stddef.h>

typedef struct Asset {
  const char *zName;        /* path under web/, e.g. "style.css", "fonts/vazirmatn-400.woff2" */
  const char *zHashedName;  /* e.g. "style.3fa2b1c9.css" */
  const char *zMime;        /* e.g. "text/css; charset=utf-8" */
  const char *zEtag;        /* quoted strong ETag, e.g. "\"3fa2b1c9\"" */
  const unsigned char *a;   /* content */
  size_t n;                 /* content length */
} Asset;

/* Look an asset up by its plain or hashed name (without "/static/").
** Returns NULL when there is none. */
const Asset *asset_find(const char *zName);

/* The URL of an asset by plain name, "/static/<hashed name>", or
** "/static/<name>" if the asset is unknown. Never NULL; static storage. */
const char *asset_url(const char *zName);

/* Number of assets, and the i-th (for listings and tests). */
int asset_count(void);
const Asset *asset_at(int i);

#endif
