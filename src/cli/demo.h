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

/* The password of every demo user (README.md lists the logins). */
#define DEMO_PASSWORD "demo-pishkhan"

/* One office as the generator sees it (demo_declare.c fills these). */
typedef struct DemoOfc {
  long long iId;               /* office.id */
  char zCode[12];
  char zRegion[16], zProvince[24];
  int bRural, bRevoked;
  int bPart;                   /* declared in 1399-1 */
  double q;                    /* latent quality, about N(0,1) */
} DemoOfc;

typedef struct Demo {
  sqlite3 *db;
  const char *zDir;            /* data directory being built */
  Actor actor;
  unsigned long long iSeed, iState;
  long long nSurvey;           /* --surveys */
  StrList male, female, last, streets;
  DemoOfc *aOff; int nOff, nOffAlloc;   /* by office.id */
  char zOffice[12], zProvince[24], zRegion[16];  /* the demo office's */
  char zAgency[24];            /* the demo agency user's agency */
  char zCurrent[12];           /* the current period's code */
  char zPwHash[128];           /* DEMO_PASSWORD hashed once for every user */
} Demo;

/* Users, periods 1399-1 and current, and the 1399-1 declarations with
** documents (demo_declare.c). */
int demo_users(Demo *p);
int demo_declarations(Demo *p, const char *zDir);
/* The review of the 1399-1 declarations: decisions, send-backs and
** resubmissions, confirmation, finalisation of every region
** (demo_review.c). Skips when the period does not exist. Returns 0 or 1. */
int demo_review(Demo *p);
/* The latent quality of office iId: survey ratings and association scores
** are drawn from it so that ranks land near the published shares. */
double demo_quality(const Demo *p, long long iId);

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
/* Agencies, services, booths, preferences and, when a period has published
** ranks, its allocation (demo_services.c). Runs last. Returns 0 or 1. */
int demo_services(Demo *p);
/* Survey responses, association scores and rulings for period 1399-1
** (demo_external.c); after declarations and reviews, before ranking.
** Skips when the period does not exist. Returns 0 or 1. */
int demo_external(Demo *p);
/* Print the demo logins (after commit). */
void demo_print_users(Demo *p);

#endif
