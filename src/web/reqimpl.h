/*
** reqimpl.h — request life cycle, for server.c and tests only.
*/
#ifndef PK_REQIMPL_H
#define PK_REQIMPL_H
#include "web/req.h"

/* A new request for a connection (pConn may be NULL in unit tests). */
Req *req_new(Server *pSrv, void *pConn, const char *zMethod, const char *zUrl);
/* Parse r->body as a form or JSON according to its Content-Type. */
void req_parse_body(Req *r);
/* Free the request and everything it owns. */
void req_free(Req *r);

#endif
