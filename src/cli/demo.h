/*
** demo.h — the demo nation's generator state, shared by the stages that
** later issues add (users, periods and declarations, reviews, external
** scores, services). Each stage draws only from the one PRNG in Demo.
*/
#ifndef PK_DEMO_H
#define PK_DEMO_H
#include <stddef.h>
#include <sqlite3.h>
#include "store/audit.h"

typedef struct StrList { char **az; int n, nAlloc; } StrList;

typedef struct Demo {
  sqlite3 *db;
  Actor actor;
  unsigned long long iSeed, iState;
  long long nSurvey;           /* --surveys */
  StrList male, female, last, streets;
} Demo;

unsigned long long demo_rand(Demo *p);
int demo_below(Demo *p, int n);
double demo_unit(Demo *p);
const char *demo_pick(Demo *p, const StrList *pL);
const char *demo_person(Demo *p, char *zBuf, size_t nBuf);
void demo_natid(Demo *p, char z[11]);
void demo_jdate(Demo *p, int y0, int y1, char *zBuf, size_t nBuf);
void demo_list_free(StrList *pL);

/* The stages after the registry, in order (demo_stages.c). Returns 0 or 1. */
int demo_stages(Demo *p);
/* Print the demo logins (after commit). */
void demo_print_users(Demo *p);

#endif
