/*
** demo_stages.c — the parts of the demo nation after the registry: users,
** periods and declarations, and later stages, each through the domain
** functions of its feature. Each stage reports its time.
*/
#include <stdio.h>
#include <time.h>

#include "cli/demo.h"

static double now(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds used by the process so far (wall time depends on the load). */
static double cpu(void){
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run one stage and say how long it took. */
static int stage(Demo *p, const char *zName, int (*x)(Demo *)){
  double t0 = now(), c0 = cpu();
  int rc = x(p);
  printf("demo: %-13s %6.2f s (%.2f s CPU)\n", zName, now() - t0, cpu() - c0);
  fflush(stdout);
  return rc;
}

static int declarations(Demo *p){ return demo_declarations(p, p->zDir); }

int demo_stages(Demo *p){
  int rc = 0;
  if( rc==0 ) rc = stage(p, "declarations", declarations);
  if( rc==0 ) rc = stage(p, "review", demo_review);       /* right after the declarations */
  if( rc==0 ) rc = stage(p, "external", demo_external);   /* before ranking */
  if( rc==0 ) rc = stage(p, "services", demo_services);   /* last */
  return rc;
}
