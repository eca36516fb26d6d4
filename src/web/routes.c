/*
** routes.c — the table of every route. The permission test of
** test/http enumerates this table (pishkhan routes) and fails when a route
** is missing from its matrix.
*/
#include "web/pages.h"
#include "web/server.h"

const Route aRoute[] = {
  { "GET",  "/",                      page_home,    0 },
  { "GET",  "/healthz",               page_healthz, 0 },
  { "GET",  "/robots.txt",            page_robots,  0 },
  { "GET",  "/static/*",              page_static,  0 },
  { "GET",  "/static/fonts/*",        page_static,  0 },
  { "GET",  "/offices",               page_offices, 0 },
  { "GET",  "/offices/*",             page_office,  0 },
  { "GET",  "/api/v1/offices",        api_offices,  0 },
  { "GET",  "/api/v1/offices/*",      api_office,   0 },
};
const int nRoute = sizeof(aRoute) / sizeof(aRoute[0]);
