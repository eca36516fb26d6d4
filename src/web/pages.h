/*
** pages.h — every handler named in the route table (routes.c).
*/
#ifndef PK_PAGES_H
#define PK_PAGES_H
#include "web/req.h"

/* static.c */
void page_static(Req *r);
void page_healthz(Req *r);
void page_robots(Req *r);
/* page_office.c */
void page_home(Req *r);
void page_offices(Req *r);
void page_office(Req *r);
/* api_office.c */
void api_offices(Req *r);
void api_office(Req *r);

#endif
