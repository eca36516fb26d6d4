/*
** req.h — one HTTP request and its response, as handlers see them.
**
** A Req owns all memory of its request: req_alloc() and friends allocate
** from an arena freed when the response has been queued. Output is
** buffered (r->out) so that a handler can still change the status after
** writing; nothing reaches the client before the handler returns.
*/
#ifndef PK_REQ_H
#define PK_REQ_H
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/collate.h"

typedef struct Arena Arena;
typedef struct Server Server;
typedef struct Principal Principal;

#define REQ_MAX_ARGS 4
#define REQ_MAX_HEADERS 8

typedef struct Param { const char *zName; const char *zValue; } Param;

/* A file part of a multipart/form-data body sent to a ROUTE_UPLOAD (or
** ROUTE_UPLOAD_MANY) route: streamed by the server into a temporary file
** under DATA/tmp as it arrives (hashed on the way), never held in memory.
** The other parts are in r->aForm. A handler that keeps the file renames
** it away and sets zTmp[0] = 0; otherwise the server removes it after the
** response. */
#define UPLOAD_MAX_FILES 8
typedef struct Upload {
  char zTmp[1024];          /* the temporary file; "" when none is kept */
  char zName[256];          /* file name as sent by the client */
  char zField[64];          /* its form field */
  long long nSize;          /* bytes of file content received */
  char zSha256[65];         /* hex SHA-256 of the content */
  int bFile;                /* a file part was received */
  int bTooLarge;            /* more than the file limit: nothing was kept */
  int bError;               /* a write failed or the body did not parse */
} Upload;

typedef struct Req {
  Server *pSrv;
  void *pConn;              /* struct MHD_Connection * */
  sqlite3 *db;              /* this worker's connection, for the request */
  const char *zMethod;      /* "GET", "POST", ... */
  const char *zPath;        /* path without query, e.g. "/offices/U-1001" */
  const char *zAddr;        /* client address as text */
  const char *azArg[REQ_MAX_ARGS];  /* path segments matched by '*' */
  int nArg;
  unsigned routeFlags;
  Buf body;                 /* request body (bounded by the route's limit) */
  Param *aForm; int nForm;  /* parsed application/x-www-form-urlencoded body */
  json_t *pJson;            /* parsed JSON body, or NULL */
  Upload *pUpload;          /* ROUTE_UPLOAD multipart requests, else NULL */
  Upload *aUpload;          /* the same, every file part kept, in order: */
  int nUpload;              /* ... aUpload[0] is *pUpload (ROUTE_UPLOAD_MANY
                            ** keeps up to UPLOAD_MAX_FILES, others one) */
  int bUploadTooMany;       /* ROUTE_UPLOAD_MANY: more file parts were sent */
  Principal *pWho;          /* the logged-in user, or NULL */
  /* response */
  int status;
  const char *zType;        /* Content-Type */
  Buf out;
  const char *azHdr[REQ_MAX_HEADERS][2];
  int nHdr;
  int fdOut;                /* > 0: send this file as the body (the server
                            ** closes it); see req_send_file() */
  long long nFdOut;         /* its size */
  Arena *pArena;
  /* server bookkeeping */
  size_t mxBody;            /* body limit for this request */
  size_t nStreamed;         /* body bytes seen by a streaming upload */
  int bTooLarge;            /* body exceeded mxBody */
  int bSent;                /* response queued */
} Req;

/* Arena memory, freed with the request. Never NULL. */
void *req_alloc(Req *r, size_t n);
char *req_strdup(Req *r, const char *z);
char *req_printf(Req *r, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));

/* Request input. */
const char *req_header(Req *r, const char *zName);
const char *req_cookie(Req *r, const char *zName);
const char *req_query(Req *r, const char *zName);   /* URL query, decoded */
const char *req_form(Req *r, const char *zName);    /* form body field */
/* Query or form, normalised (text_normalize); NULL when absent or broken. */
const char *req_param(Req *r, const char *zName);
/* Integer parameter with a default, Persian digits accepted. */
long long req_param_int(Req *r, const char *zName, long long iDflt);

/* Response. */
void req_set_header(Req *r, const char *zName, const char *zValue);
void req_redirect(Req *r, const char *zUrl);      /* 303 See Other */
/* Send the open file fd (nSize bytes) as the body with type zType; the
** server takes ownership of fd and closes it. */
void req_send_file(Req *r, int fd, long long nSize, const char *zType);
/* Send a JSON document (takes ownership of pDoc). */
void req_json(Req *r, int status, json_t *pDoc);
/* JSON {"error": zMsg, ...} with the status. */
void req_json_error(Req *r, int status, const char *zMsg);
/* An error for a person or a program, chosen by the route's kind:
** a Persian HTML page, or JSON {"error":..}. zMsg is Persian for pages. */
void req_error(Req *r, int status, const char *zMsg);
void req_not_found(Req *r);
/* req_error with a Persian message for pages and an English one for the API. */
void req_error2(Req *r, int status, const char *zFa, const char *zEn);

/* Is this request for the JSON API (/api/...)? */
int req_is_api(const Req *r);

#endif
