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

/* 2: users, sessions, API tokens, login throttling (issue 3; docs/users.md).
**    Session times are unix seconds and throttle times unix milliseconds
**    (expiry arithmetic); the rest is ISO text. Tokens are stored only as
**    BLAKE2b-256 hex hashes. */
"CREATE TABLE users("
"  id INTEGER PRIMARY KEY,"
"  username TEXT NOT NULL UNIQUE,"
"  role TEXT NOT NULL CHECK(role IN ('office','region_reviewer','region_manager',"
"    'association','committee','agency','hq_reviewer','hq_admin')),"
"  scope TEXT NOT NULL DEFAULT '',"
"  pw_hash TEXT NOT NULL,"
"  disabled INTEGER NOT NULL DEFAULT 0,"
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL,"
"  last_login_at TEXT"
");"
"CREATE TABLE session("
"  id INTEGER PRIMARY KEY,"
"  hash TEXT NOT NULL UNIQUE,"
"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
"  csrf TEXT NOT NULL,"
"  created INTEGER NOT NULL,"
"  seen INTEGER NOT NULL,"
"  addr TEXT NOT NULL DEFAULT ''"
");"
"CREATE INDEX session_user ON session(user_id);"
"CREATE TABLE api_token("
"  id INTEGER PRIMARY KEY,"
"  hash TEXT NOT NULL UNIQUE,"
"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
"  label TEXT NOT NULL DEFAULT '',"
"  created_at TEXT NOT NULL,"
"  last_used_at TEXT,"
"  revoked_at TEXT"
");"
"CREATE TABLE login_throttle("
"  kind TEXT NOT NULL CHECK(kind IN ('user','addr')),"
"  key TEXT NOT NULL,"
"  failures INTEGER NOT NULL DEFAULT 0,"
"  last_fail_ms INTEGER NOT NULL DEFAULT 0,"
"  locked INTEGER NOT NULL DEFAULT 0,"
"  PRIMARY KEY(kind, key)"
");",

/* 3: periods, schemes, declarations, claims, staff, documents,
**    change requests, extensions (issue 5). */
"SELECT 1;",
};
const int nMigration = sizeof(aMigration) / sizeof(aMigration[0]);
