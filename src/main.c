/*
** main.c — the pishkhan command: dispatch to a subcommand.
*/
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct Command {
  const char *zName;
  int (*xCmd)(int, char **);
  const char *zHelp;
} Command;

static const Command aCmd[] = {
  { "init",   cmd_init,   "init [--data DIR] [--regions FILE]   create or update a data directory" },
  { "demo",   cmd_demo,   "demo [--seed N] [--surveys N]   fill an empty data directory with the demo nation" },
  { "office", cmd_office, "office import FILE.csv | office export   the office registry (CSV)" },
  { "serve",  cmd_serve,  "serve [--port N] [--bind ADDR] [--threads N]   the web server" },
  { "audit",  cmd_audit,  "audit verify [--anchor \"ID HASH\"] | head   check the audit chain; print its head to keep outside" },
  { "routes", cmd_routes, "routes   list every web route" },
  { "survey", cmd_survey, "survey import --period P FILE.csv | export --period P [--office C]   citizen-satisfaction responses (docs/external.md)" },
  { "association", cmd_association, "association import --period P FILE.csv [--override] | list --period P [--province X]   association scores" },
  { "ruling", cmd_ruling, "ruling add --office C --kind K --no N --date JDATE [--state S] [--note T] | state ID STATE [--date JDATE] | list [--office C]   committee rulings" },
  { "rank",   cmd_rank,   "rank --period P [--publish | --verify]   score and rank a period, publish the latest draft, or verify the published set (docs/ranking.md)" },
  { "allocate", cmd_allocate, "allocate --period P [--format text|csv|json] [--dry-run] | --show [--version N] | --coverage [--agency A]   distribute services by rank (docs/allocation.md)" },
  { "agency", cmd_agency, "agency add CODE NAME | agency list   government agencies" },
  { "service", cmd_service, "service add CODE --agency A --name NAME ... | list | prefs OFFICE [SERVICE...] | facility OFFICE FACILITY   services, preferences, facilities" },
  { "period", cmd_period, "period create CODE --declare-from JDATE --declare-to JDATE --review-to JDATE [--scheme FILE] | list | advance CODE | scheme CODE FILE | extend CODE OFFICE --until JDATE --reason TEXT" },
  { "scheme", cmd_scheme, "scheme check FILE   validate a scoring scheme (docs/scoring.md)" },
  { "report", cmd_report, "report [--period P] [--format text|csv|json|xlsx] [--by region|province] [--out FILE]   statistics of a period" },
  { "review", cmd_review, "review status --period P [--region R] | finalise --period P --region R   review states by region, HQ finalisation (docs/review.md)" },
  { "user",   cmd_user,   "user add|passwd|disable|enable|list|unlock|token|tokens|revoke-token   users and logins (docs/users.md)" },
};

static void usage(FILE *pOut){
  size_t i;
  fprintf(pOut, "usage: pishkhan COMMAND [--data DIR] [options]\n\n"
                "Every command takes --data DIR (default $PISHKHAN_DATA, else ./pishkhan-data).\n\n");
  for(i=0; i<sizeof(aCmd)/sizeof(aCmd[0]); i++){
    fprintf(pOut, "  pishkhan %s\n", aCmd[i].zHelp);
  }
  fprintf(pOut, "\nSee README.md and docs/ for details.\n");
}

int main(int argc, char **argv){
  size_t i;
  if( sodium_init()<0 ){
    fprintf(stderr, "pishkhan: libsodium failed to initialise\n");
    return 1;
  }
  if( argc<2 || strcmp(argv[1], "help")==0 || strcmp(argv[1], "--help")==0
   || strcmp(argv[1], "-h")==0 ){
    usage(argc<2 ? stderr : stdout);
    return argc<2 ? 2 : 0;
  }
  if( strcmp(argv[1], "version")==0 || strcmp(argv[1], "--version")==0 ){
    printf("pishkhan 0.1\n");
    return 0;
  }
  for(i=0; i<sizeof(aCmd)/sizeof(aCmd[0]); i++){
    if( strcmp(argv[1], aCmd[i].zName)==0 ) return aCmd[i].xCmd(argc-1, argv+1);
  }
  fprintf(stderr, "pishkhan: unknown command \"%s\"\n\n", argv[1]);
  usage(stderr);
  return 2;
}
