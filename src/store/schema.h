/*
** schema.h — the list of migrations (schema.c).
*/
#ifndef PK_SCHEMA_H
#define PK_SCHEMA_H

/* aMigration[i] brings user_version i to i+1. */
extern const char *const aMigration[];
extern const int nMigration;

#endif
