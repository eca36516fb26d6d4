/*
** schema.c — forward-only migrations. Never edit a migration that has
** shipped; add a new one at the end. Dates are ISO-8601 Gregorian text,
** instants in UTC ("2020-10-05T08:20:35Z").
*/
#include "store/schema.h"

const char *const aMigration[] = {
/* 1: geography, office registry, settings, audit chain. */
"CREATE TABLE setting(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
"CREATE TABLE region("
"  code TEXT PRIMARY KEY,"
"  name_fa TEXT NOT NULL,"
"  name_en TEXT NOT NULL"
");"
"CREATE TABLE province("
"  code TEXT PRIMARY KEY,"
"  region_code TEXT NOT NULL REFERENCES region(code),"
"  name_fa TEXT NOT NULL UNIQUE,"
"  name_en TEXT NOT NULL UNIQUE,"
"  population INTEGER NOT NULL DEFAULT 0,"
"  rural_share REAL NOT NULL DEFAULT 0"
");"
"CREATE TABLE office("
"  id INTEGER PRIMARY KEY,"
"  code TEXT NOT NULL UNIQUE,"
"  type TEXT NOT NULL CHECK(type IN ('urban','rural_ict')),"
"  name TEXT NOT NULL,"
"  province_code TEXT NOT NULL REFERENCES province(code),"
"  city TEXT NOT NULL,"
"  address TEXT NOT NULL DEFAULT '',"
"  postal_code TEXT NOT NULL DEFAULT '',"
"  phone TEXT NOT NULL DEFAULT '',"
"  licence_no TEXT NOT NULL DEFAULT '',"
"  licence_date TEXT,"
"  holder_name TEXT NOT NULL DEFAULT '',"
"  holder_national_id TEXT NOT NULL DEFAULT '',"
"  status TEXT NOT NULL DEFAULT 'active'"
"    CHECK(status IN ('active','suspended','revoked')),"
"  status_reason TEXT NOT NULL DEFAULT '',"
"  updated_at TEXT NOT NULL"
");"
"CREATE INDEX office_province ON office(province_code, type);"
"CREATE TABLE audit("
"  id INTEGER PRIMARY KEY,"
"  at TEXT NOT NULL,"
"  user_id INTEGER,"
"  username TEXT NOT NULL DEFAULT '',"
"  addr TEXT NOT NULL DEFAULT '',"
"  action TEXT NOT NULL,"
"  object TEXT NOT NULL DEFAULT '',"
"  office_code TEXT,"
"  before TEXT,"
"  after TEXT,"
"  prev_hash TEXT NOT NULL,"
"  hash TEXT NOT NULL"
");"
"CREATE INDEX audit_office ON audit(office_code) WHERE office_code IS NOT NULL;",

/* 2: users, sessions, API tokens, login throttling (issue 4). */
"SELECT 1;",

/* 3: periods, schemes, declarations, claims, staff, documents,
**    change requests, extensions (issue 5). */
"SELECT 1;",
};
const int nMigration = sizeof(aMigration) / sizeof(aMigration[0]);
