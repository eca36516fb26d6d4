/*
** auth.h — the permission guard every handler calls first.
**
**   if( !req_allow(r, ACT_REVIEW, &obj) ) return;
**
** The decision is access_allow() (domain/access.c): role, scope, object.
*/
#ifndef PK_AUTH_H
#define PK_AUTH_H
#include "domain/access.h"
#include "store/audit.h"
#include "web/req.h"

/*
** Return 1 when the request's principal may do eAct to pObj (NULL: no
** particular object, the principal's own scope). Otherwise answer and
** return 0: nobody logged in gets 401 (a page requested with GET or HEAD
** is redirected with 303 to /login?next=PATH instead), a logged-in
** principal out of role or scope gets 403.
*/
int req_allow(Req *r, Action eAct, const Object *pObj);

/* The audit actor of the request: its principal and client address. */
void req_actor(Req *r, Actor *pA);

#endif
