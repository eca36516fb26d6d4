/*
** session.h — who is asking: session cookies, API tokens, CSRF.
**
** session_attach() runs before every handler and sets r->pWho from the
** session cookie or an Authorization: Bearer token (NULL when neither is
** valid). session_csrf_ok() runs before every state-changing request.
*/
#ifndef PK_SESSION_H
#define PK_SESSION_H
#include "web/req.h"

void session_attach(Req *r);

/* 1 when a state-changing request carries the session's CSRF token (form
** field "csrf" or header X-CSRF-Token) and a same-origin Origin/Referer when
** present, or authenticates with a bearer token; else 0. */
int session_csrf_ok(Req *r);

#endif
