/*
** auth.c — the permission guard (req_allow) and the request's actor.
*/
#include <string.h>

#include "web/auth.h"
#include "web/html.h"
#include "web/session.h"

int req_allow(Req *r, Action eAct, const Object *pObj){
  if( access_allow(r->pWho, eAct, pObj) ) return 1;
  if( r->pWho==0 ){
    if( !req_is_api(r) && (strcmp(r->zMethod, "GET")==0 || strcmp(r->zMethod, "HEAD")==0) ){
      req_redirect(r, req_printf(r, "/login?next=%s", url_q(r, r->zPath)));
    }else{
      req_error2(r, 401, "برای این کار باید وارد سامانه شوید.", "login required");
    }
    return 0;
  }
  req_error2(r, 403, "شما به این بخش یا این مورد دسترسی ندارید.",
             "forbidden: outside your role or scope");
  return 0;
}

void req_actor(Req *r, Actor *pA){
  pA->iUser = r->pWho ? r->pWho->iUser : 0;
  pA->zUser = r->pWho ? r->pWho->zUsername : "anonymous";
  pA->zAddr = session_client_addr(r);
}
