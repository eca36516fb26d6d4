/*
** cli.h — subcommands and their shared option handling.
**
** Each subcommand is cmd_NAME(argc, argv) with argv[0] the subcommand name;
** it returns the process exit code. Options are taken out of argv with
** cli_option() (Fossil's find_option), so what remains is positional.
*/
#ifndef PK_CLI_H
#define PK_CLI_H
#include <sqlite3.h>
#include "store/audit.h"

/* Remove "--NAME VALUE", "--NAME=VALUE" (bArg) or "--NAME" (!bArg) from
** argv. Returns the value, "" for a flag that is present, or NULL. */
const char *cli_option(int *pArgc, char **argv, const char *zName, int bArg);

/* After all options are taken: fail on any remaining "--x". Returns 0 or
** prints "pishkhan CMD: unknown option --x" and returns 1. */
int cli_no_more_options(int argc, char **argv);

/* Open the data directory named by --data (already taken) or the default;
** prints the error and returns NULL on failure. */
sqlite3 *cli_open(const char *zData, const char *zCmd);

/* The actor for audit entries written by the CLI: "cli:$USER". */
void cli_actor(Actor *pA);

/* Is stdout/stderr a terminal (for progress bars)? */
int cli_isatty(int fd);

/* Path of a file shipped under data/ (next to the binary, else ./data).
** Heap string. */
char *cli_data_path(const char *zRel);

int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_office(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_allocate(int argc, char **argv);   /* allocate.c */
int cmd_agency(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_period(int argc, char **argv);
int cmd_scheme(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_rank(int argc, char **argv);       /* rank.c */
int cmd_survey(int argc, char **argv);     /* survey.c */
int cmd_association(int argc, char **argv); /* external.c */
int cmd_ruling(int argc, char **argv);     /* external.c */
int cmd_review(int argc, char **argv);     /* review.c */

#endif
