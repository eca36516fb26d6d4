/*
** session.h — who is asking: session cookies, API tokens, CSRF.
**
** session_attach() runs before every handler and sets r->pWho from the
** session cookie or an Authorization: Bearer token (NULL when neither is
** valid). session_csrf_ok() runs before every state-changing request.
**
** Cookies: "pk_session" holds the session token (HttpOnly, SameSite=Strict,
** Secure behind a proxy that sends X-Forwarded-Proto: https); "pk_csrf"
** holds the CSRF token of a visitor who is not logged in yet (the login
** form), checked as a double-submit cookie.
*/
#ifndef PK_SESSION_H
#define PK_SESSION_H
#include "domain/login.h"
#include "web/req.h"

#define SESSION_COOKIE "pk_session"
#define SESSION_CSRF_COOKIE "pk_csrf"

void session_attach(Req *r);

/* 1 when a state-changing request carries the session's CSRF token (form
** field "csrf" or header X-CSRF-Token) and a same-origin Origin/Referer when
** present, or authenticates with a bearer token; else 0. */
int session_csrf_ok(Req *r);

/* The lifetimes and throttle of this process (LoginPolicy from the
** environment, read once). */
const LoginPolicy *session_policy(void);

/* The client address for throttling: the peer, or the last hop of
** X-Forwarded-For when $PISHKHAN_TRUST_PROXY=1. */
const char *session_client_addr(Req *r);

/* Set the session cookie for zToken (login), or clear it (NULL). */
void session_set_cookie(Req *r, const char *zToken);

/* The CSRF token for a form shown to a visitor without a session: the
** pk_csrf cookie's, or a new one (and the cookie is set). */
const char *session_anon_csrf(Req *r);

/* Pure parts, for tests. Is the Origin (or, without one, the Referer) the
** same host as zHost? Both absent: 1. */
int session_origin_ok(const char *zOrigin, const char *zReferer, const char *zHost);
/* Constant-time equality of two tokens; NULL or empty never equal. */
int session_token_eq(const char *zA, const char *zB);

#endif
