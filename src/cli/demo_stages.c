/*
** demo_stages.c — the parts of the demo nation after the registry: users,
** periods and declarations, and later stages, each through the domain
** functions of its feature.
*/
#include <stdio.h>

#include "cli/demo.h"

int demo_stages(Demo *p){
  (void)p;
  return 0;
}

void demo_print_users(Demo *p){
  (void)p;
}
