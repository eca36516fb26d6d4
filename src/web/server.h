/*
** server.h — the built-in web server (libmicrohttpd) and its route table.
*/
#ifndef PK_SERVER_H
#define PK_SERVER_H
#include "domain/whatif.h"
#include "web/req.h"

/* Route flags. */
#define ROUTE_UPLOAD 0x01   /* body may be up to SERVER_MAX_UPLOAD bytes; a
                            ** multipart body keeps its first file (r->pUpload) */
#define ROUTE_UPLOAD_MANY 0x02  /* the same, keeping up to UPLOAD_MAX_FILES
                            ** files (r->aUpload, r->nUpload) */

/* Body limits: ordinary requests, and upload routes. */
#define SERVER_MAX_BODY   (1024 * 1024)
#define SERVER_MAX_UPLOAD (6 * 1024 * 1024)
/* A multipart body for an upload route is streamed to disk (req.h,
** Upload): each file part is capped at DOC_MAX_BYTES (5 MB, then 413 with
** nothing kept) and the whole body at SERVER_MAX_STREAM, read and dropped
** past the file cap so that the client still gets its answer. */
#define SERVER_MAX_STREAM (64 * 1024 * 1024)

typedef struct Route {
  const char *zMethod;       /* "GET", "POST", "PUT", ... */
  const char *zPattern;      /* "/offices/{*}": each * matches one path segment */
  void (*xHandler)(Req *);
  unsigned flags;
} Route;

/* The table of every route (routes.c). */
extern const Route aRoute[];
extern const int nRoute;

typedef struct ServeOpts {
  const char *zDir;      /* data directory */
  const char *zBind;     /* "127.0.0.1" */
  int iPort;             /* 8080; 0 = any free port (printed) */
  int nThread;           /* worker threads */
  int bQuiet;
} ServeOpts;

/* Run the server until SIGINT or SIGTERM. Returns 0 on a clean shutdown,
** 1 when it cannot start (message on stderr). */
int server_run(const ServeOpts *pOpts);

/* Data directory of the running server (for documents). */
const char *server_dir(const Server *p);

/* The what-if simulator's cache of period baselines, shared by the workers
** and owned by the server (whatif.h). */
WhatifCache *server_whatif(const Server *p);

#endif
