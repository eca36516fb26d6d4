/*
** schema.c — forward-only migrations. Never edit a migration that has
** shipped; add a new one at the end. Dates are ISO-8601 Gregorian text,
** instants in UTC ("2020-10-05T08:20:35Z").
*/
#include "store/schema.h"

/*
** Migration 9's triggers. Each write to a ranking input adds one to
** input_change.n (BUMP). A write that concerns one office also records the
** new n against that office (MARK: the office of the row before and after
** the change); any other (a province's region, a period's scheme, survey
** statistics, which move the national mean) also sets input_change.g, the
** n of the last change that is not an office's own.
*/
#define BUMP "UPDATE input_change SET n=n+1 WHERE id=1;"
#define BUMP_ALL "UPDATE input_change SET n=n+1, g=n+1 WHERE id=1;"
#define SEQ "(SELECT n FROM input_change WHERE id=1)"
/* SEL: the office code and SEQ, with a FROM and WHERE clause. */
#define MARK(SEL)                                                            \
  "INSERT INTO input_change_office(office_code, n) SELECT " SEL              \
  " ON CONFLICT(office_code) DO UPDATE SET n=excluded.n;"
/* Insert, update of COLS, delete on table T: a change to every office. */
#define GLOBAL_TRIGGERS(T, COLS)                                             \
  "CREATE TRIGGER input_" #T "_ins AFTER INSERT ON " #T                      \
  " BEGIN " BUMP_ALL " END;"                                                 \
  "CREATE TRIGGER input_" #T "_upd AFTER UPDATE OF " COLS " ON " #T          \
  " BEGIN " BUMP_ALL " END;"                                                 \
  "CREATE TRIGGER input_" #T "_del AFTER DELETE ON " #T                      \
  " BEGIN " BUMP_ALL " END;"
/* The same for a table whose rows belong to one office, marking it: the
** new row's office (SNEW), the old row's (SOLD), and on an update the old
** row's when it is another (SMOVED). */
#define OFFICE_TRIGGERS(T, COLS, SNEW, SOLD, SMOVED)                         \
  "CREATE TRIGGER input_" #T "_ins AFTER INSERT ON " #T                      \
  " BEGIN " BUMP MARK(SNEW) " END;"                                          \
  "CREATE TRIGGER input_" #T "_upd AFTER UPDATE OF " COLS " ON " #T          \
  " BEGIN " BUMP MARK(SNEW) MARK(SMOVED) " END;"                             \
  "CREATE TRIGGER input_" #T "_del AFTER DELETE ON " #T                      \
  " BEGIN " BUMP MARK(SOLD) " END;"
/* The three selections for a table with an office_code column (C) or a
** declaration_id (D). */
#define C_NEW "NEW.office_code, " SEQ " WHERE true"
#define C_OLD "OLD.office_code, " SEQ " WHERE true"
#define C_MOVED "OLD.office_code, " SEQ " WHERE OLD.office_code<>NEW.office_code"
#define D_NEW "office_code, " SEQ " FROM declaration WHERE id=NEW.declaration_id"
#define D_OLD "office_code, " SEQ " FROM declaration WHERE id=OLD.declaration_id"
#define D_MOVED D_OLD " AND OLD.declaration_id<>NEW.declaration_id"

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
**    change requests, extensions (issue 5). User ids are plain integers
**    (no foreign key) so that the audit trail outlives deleted users. */
"CREATE TABLE period("
"  id INTEGER PRIMARY KEY,"
"  code TEXT NOT NULL UNIQUE,"                 /* 1399-1 */
"  declare_from TEXT NOT NULL,"                /* ISO dates, Tehran days */
"  declare_to TEXT NOT NULL,"
"  review_to TEXT NOT NULL,"
"  state TEXT NOT NULL DEFAULT 'draft' CHECK(state IN"
"    ('draft','declaring','reviewing','ranked','published','closed')),"
"  deemed_confirm INTEGER NOT NULL DEFAULT 0,"  /* unchanged = confirmed */
"  scheme_json TEXT NOT NULL,"                 /* the scheme, whole */
"  scheme_hash TEXT NOT NULL,"                 /* SHA-256 of its canonical form */
"  scheme_frozen_at TEXT,"                     /* set when the period opens */
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL"
");"
"CREATE TABLE period_extension("
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  until TEXT NOT NULL,"                       /* ISO date, inclusive */
"  reason TEXT NOT NULL,"
"  by_user INTEGER,"
"  at TEXT NOT NULL,"
"  PRIMARY KEY(period_id, office_code)"
");"
"CREATE TABLE declaration("
"  id INTEGER PRIMARY KEY,"
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  state TEXT NOT NULL DEFAULT 'draft' CHECK(state IN ('draft','submitted',"
"    'in_review','returned','reviewed','confirmed','finalised')),"
"  version INTEGER NOT NULL DEFAULT 1,"
"  prefilled_from TEXT,"                       /* period code the data came from */
"  submitted_at TEXT,"
"  correction_due TEXT,"                       /* ISO date, when returned */
"  return_reason TEXT NOT NULL DEFAULT '',"
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL,"
"  updated_by INTEGER,"
"  UNIQUE(period_id, office_code)"
");"
"CREATE INDEX declaration_office ON declaration(office_code);"
"CREATE TABLE claim("
"  declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,"
"  indicator TEXT NOT NULL,"
"  declared TEXT,"                             /* JSON value, NULL = none */
"  verified TEXT,"                             /* JSON value set by review */
"  decision TEXT CHECK(decision IN ('accept','adjust','reject')),"
"  reason TEXT NOT NULL DEFAULT '',"
"  reviewer_id INTEGER,"
"  decided_at TEXT,"
"  PRIMARY KEY(declaration_id, indicator)"
");"
"CREATE TABLE staff("
"  declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,"
"  seq INTEGER NOT NULL,"
"  name TEXT NOT NULL,"
"  national_id TEXT NOT NULL,"
"  insured INTEGER NOT NULL DEFAULT 0,"
"  disability INTEGER NOT NULL DEFAULT 0,"
"  start_date TEXT,"                           /* ISO date */
"  PRIMARY KEY(declaration_id, seq)"
");"
"CREATE TABLE document("
"  sha256 TEXT PRIMARY KEY,"                   /* content address, hex */
"  mime TEXT NOT NULL,"
"  size INTEGER NOT NULL,"
"  created_at TEXT NOT NULL,"
"  created_by INTEGER"
");"
"CREATE TABLE declaration_document("
"  id INTEGER PRIMARY KEY,"
"  declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,"
"  indicator TEXT NOT NULL,"
"  sha256 TEXT NOT NULL REFERENCES document(sha256),"
"  name TEXT NOT NULL,"
"  uploaded_at TEXT NOT NULL,"
"  uploaded_by INTEGER,"
"  UNIQUE(declaration_id, indicator, sha256)"
");"
"CREATE TABLE change_request("
"  id INTEGER PRIMARY KEY,"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  field TEXT NOT NULL,"
"  old_value TEXT NOT NULL,"
"  new_value TEXT NOT NULL,"
"  reason TEXT NOT NULL,"
"  state TEXT NOT NULL DEFAULT 'pending'"
"    CHECK(state IN ('pending','accepted','rejected')),"
"  filed_by INTEGER,"
"  filed_at TEXT NOT NULL,"
"  decided_by INTEGER,"
"  decided_at TEXT,"
"  decision_reason TEXT NOT NULL DEFAULT ''"
");"
"CREATE INDEX change_request_office ON change_request(office_code, state);",

/* 4: review (docs/review.md): the rounds of a declaration sent back to
**    its office, each claim's decisions in the rounds before the current
**    one, who confirmed and who finalised. declaration.round is the current
**    round (1 until the first send-back is resubmitted). */
"CREATE TABLE review_round("
"  declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,"
"  round INTEGER NOT NULL,"                    /* the round that was sent back */
"  returned_at TEXT NOT NULL,"
"  returned_by INTEGER,"
"  reason TEXT NOT NULL,"
"  deadline TEXT NOT NULL,"                    /* ISO date, inclusive, Tehran */
"  resubmitted_at TEXT,"
"  PRIMARY KEY(declaration_id, round)"
");"
"CREATE TABLE claim_history("
"  declaration_id INTEGER NOT NULL REFERENCES declaration(id) ON DELETE CASCADE,"
"  round INTEGER NOT NULL,"
"  indicator TEXT NOT NULL,"
"  declared TEXT,"
"  verified TEXT,"
"  decision TEXT,"
"  reason TEXT NOT NULL DEFAULT '',"
"  reviewer_id INTEGER,"
"  decided_at TEXT,"
"  PRIMARY KEY(declaration_id, round, indicator)"
");"
"ALTER TABLE declaration ADD COLUMN round INTEGER NOT NULL DEFAULT 1;"
"ALTER TABLE declaration ADD COLUMN confirmed_by INTEGER;"
"ALTER TABLE declaration ADD COLUMN confirmed_at TEXT;"
"ALTER TABLE declaration ADD COLUMN finalised_by INTEGER;"
"ALTER TABLE declaration ADD COLUMN finalised_at TEXT;"
"CREATE INDEX declaration_period_state ON declaration(period_id, state);"
"CREATE INDEX claim_reviewer ON claim(reviewer_id) WHERE reviewer_id IS NOT NULL;",

/* 5: external scores: survey responses, association scores, rulings
**    (docs/external.md). survey_response is keyed by tracking number per
**    period and has no other index, so a bulk import appends to one
**    B-tree; survey_stat holds each office's running sums, kept in step
**    by the import in the same transaction. */
"CREATE TABLE survey_response("
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  tracking_no TEXT NOT NULL,"
"  office_code TEXT NOT NULL,"
"  service_code TEXT NOT NULL,"
"  rating INTEGER NOT NULL,"                   /* 1..5 */
"  answered_at TEXT NOT NULL,"                 /* ISO UTC */
"  PRIMARY KEY(period_id, tracking_no)"
") WITHOUT ROWID;"
"CREATE TABLE survey_stat("
"  period_id INTEGER NOT NULL,"
"  office_code TEXT NOT NULL,"
"  n INTEGER NOT NULL,"
"  sum INTEGER NOT NULL,"
"  sumsq INTEGER NOT NULL,"
"  PRIMARY KEY(period_id, office_code)"
") WITHOUT ROWID;"
"CREATE TABLE association_score("
"  period_id INTEGER NOT NULL,"
"  office_code TEXT NOT NULL,"
"  score REAL NOT NULL,"
"  note TEXT NOT NULL DEFAULT '',"
"  entered_by INTEGER,"
"  entered_at TEXT NOT NULL,"
"  PRIMARY KEY(period_id, office_code)"
");"
"CREATE TABLE ruling("
"  id INTEGER PRIMARY KEY,"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  kind TEXT NOT NULL,"                        /* penalty catalogue kind */
"  ruling_no TEXT NOT NULL,"
"  ruling_date TEXT NOT NULL,"                 /* ISO date */
"  points REAL NOT NULL,"                      /* from the catalogue, <= 0 */
"  note TEXT NOT NULL DEFAULT '',"
"  state TEXT NOT NULL CHECK(state IN ('final','under_appeal','overturned')),"
"  final_date TEXT,"                           /* ISO date it became final */
"  created_by INTEGER,"
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL"
");"
"CREATE INDEX ruling_office ON ruling(office_code);",

/* 6: result sets, results, objections (docs/ranking.md). A result set
**    stores its inputs whole (canonical snapshot and scheme) so that
**    `pishkhan rank --verify` can recompute it; once published, neither the
**    set nor its results can change (triggers). */
"CREATE TABLE result_set("
"  id INTEGER PRIMARY KEY,"
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  version INTEGER NOT NULL,"                  /* 1, 2, ... per period */
"  state TEXT NOT NULL DEFAULT 'draft' CHECK(state IN ('draft','published')),"
"  inputs_hash TEXT NOT NULL,"                 /* SHA-256 of scheme + snapshot */
"  scheme_json TEXT NOT NULL,"                 /* canonical scheme */
"  snapshot_json TEXT NOT NULL,"               /* canonical snapshot: the inputs */
"  n_offices INTEGER NOT NULL,"
"  n_rank1 INTEGER NOT NULL, n_rank2 INTEGER NOT NULL, n_rank3 INTEGER NOT NULL,"
"  n_unranked INTEGER NOT NULL,"
"  parent_id INTEGER REFERENCES result_set(id)," /* the set an objection revised */
"  objection_id INTEGER,"                      /* the upheld objection */
"  note TEXT NOT NULL DEFAULT '',"
"  created_at TEXT NOT NULL,"
"  created_by INTEGER,"
"  published_at TEXT,"
"  published_by INTEGER,"
"  UNIQUE(period_id, version)"
");"
"CREATE TABLE result("
"  result_set_id INTEGER NOT NULL REFERENCES result_set(id),"
"  office_code TEXT NOT NULL,"
"  score REAL,"                               /* NULL: unranked */
"  rank INTEGER,"                              /* 1..3; NULL: unranked */
"  place INTEGER NOT NULL DEFAULT 0,"          /* within the type; 0 not placed */
"  status TEXT NOT NULL CHECK(status IN"
"    ('ranked','did_not_participate','revoked','suspended')),"
"  breakdown TEXT NOT NULL,"                   /* JSON (rank_result_json) */
"  PRIMARY KEY(result_set_id, office_code)"
") WITHOUT ROWID;"
"CREATE INDEX result_office ON result(office_code);"
"CREATE TRIGGER result_set_frozen BEFORE UPDATE ON result_set"
"  WHEN OLD.state='published'"
"  BEGIN SELECT RAISE(ABORT, 'a published result set never changes'); END;"
"CREATE TRIGGER result_set_keep BEFORE DELETE ON result_set"
"  WHEN OLD.state='published'"
"  BEGIN SELECT RAISE(ABORT, 'a published result set never changes'); END;"
"CREATE TRIGGER result_frozen BEFORE UPDATE ON result"
"  WHEN (SELECT state FROM result_set WHERE id=OLD.result_set_id)='published'"
"  BEGIN SELECT RAISE(ABORT, 'a published result set never changes'); END;"
"CREATE TRIGGER result_keep BEFORE DELETE ON result"
"  WHEN (SELECT state FROM result_set WHERE id=OLD.result_set_id)='published'"
"  BEGIN SELECT RAISE(ABORT, 'a published result set never changes'); END;"
"CREATE TABLE objection("
"  id INTEGER PRIMARY KEY,"
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  result_set_id INTEGER NOT NULL REFERENCES result_set(id)," /* objected to */
"  indicators TEXT NOT NULL,"                  /* JSON array of indicator keys */
"  text TEXT NOT NULL,"
"  state TEXT NOT NULL DEFAULT 'filed' CHECK(state IN ('filed','upheld','rejected')),"
"  filed_by INTEGER,"
"  filed_at TEXT NOT NULL,"
"  decided_by INTEGER,"
"  decided_at TEXT,"
"  decision_reason TEXT NOT NULL DEFAULT '',"
"  values_json TEXT,"                          /* upheld: the new verified values */
"  new_result_set_id INTEGER REFERENCES result_set(id)"
");"
"CREATE INDEX objection_office ON objection(office_code, period_id);"
"CREATE TABLE objection_document("
"  objection_id INTEGER NOT NULL REFERENCES objection(id),"
"  sha256 TEXT NOT NULL REFERENCES document(sha256),"
"  name TEXT NOT NULL,"
"  PRIMARY KEY(objection_id, sha256)"
");",

/* 7: agencies, services, availability, preferences, allocations
**    (docs/allocation.md). A service is available everywhere (area 'all'),
**    in some provinces, or in listed localities (service_area rows with
**    city '' for a whole province). An allocation is one versioned run of
**    a period; its rows copy what they were computed from (rank, locality)
**    so that an old version reads the same after the registry changes. */
"CREATE TABLE agency("
"  code TEXT PRIMARY KEY,"                     /* [a-z0-9_-] */
"  name_fa TEXT NOT NULL,"
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL"
");"
"CREATE TABLE service("
"  code TEXT PRIMARY KEY,"                     /* [a-z0-9_.-] */
"  agency_code TEXT NOT NULL REFERENCES agency(code),"
"  name_fa TEXT NOT NULL,"
"  channel TEXT NOT NULL DEFAULT 'both' CHECK(channel IN ('urban','rural_ict','both')),"
"  min_rank INTEGER CHECK(min_rank IN (1,2,3)),"   /* NULL = any rank */
"  facility TEXT NOT NULL DEFAULT '',"         /* office facility it needs, '' = none */
"  area TEXT NOT NULL DEFAULT 'all' CHECK(area IN ('all','provinces','localities')),"
"  active INTEGER NOT NULL DEFAULT 1,"
"  created_at TEXT NOT NULL,"
"  updated_at TEXT NOT NULL"
");"
"CREATE INDEX service_agency ON service(agency_code);"
"CREATE TABLE service_area("
"  service_code TEXT NOT NULL REFERENCES service(code) ON DELETE CASCADE,"
"  province_code TEXT NOT NULL REFERENCES province(code),"
"  city TEXT NOT NULL DEFAULT '',"             /* '' = the whole province */
"  PRIMARY KEY(service_code, province_code, city)"
");"
"CREATE TABLE office_facility("
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  facility TEXT NOT NULL,"                    /* 'civil_booth' */
"  PRIMARY KEY(office_code, facility)"
");"
"CREATE TABLE service_preference("
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  seq INTEGER NOT NULL,"                      /* 1 = most wanted */
"  service_code TEXT NOT NULL REFERENCES service(code) ON DELETE CASCADE,"
"  PRIMARY KEY(office_code, seq),"
"  UNIQUE(office_code, service_code)"
") WITHOUT ROWID;"
"CREATE TABLE allocation("
"  id INTEGER PRIMARY KEY,"
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  version INTEGER NOT NULL,"
"  result_set_id INTEGER NOT NULL,"            /* the published ranks used */
"  inputs_hash TEXT NOT NULL,"                 /* allocate_hash() */
"  cap1 REAL NOT NULL, cap2 REAL NOT NULL, cap3 REAL NOT NULL,"
"  created_at TEXT NOT NULL,"
"  created_by TEXT NOT NULL DEFAULT '',"
"  UNIQUE(period_id, version)"
");"
"CREATE TABLE allocation_office("
"  allocation_id INTEGER NOT NULL REFERENCES allocation(id),"
"  office_code TEXT NOT NULL,"
"  type TEXT NOT NULL,"
"  province_code TEXT NOT NULL,"
"  city TEXT NOT NULL,"
"  rank INTEGER,"                              /* NULL = unranked */
"  status TEXT NOT NULL,"                      /* result status, or 'no_result' */
"  score REAL,"
"  available INTEGER NOT NULL,"
"  cap INTEGER NOT NULL,"
"  granted INTEGER NOT NULL,"
"  PRIMARY KEY(allocation_id, office_code)"
");"
"CREATE TABLE allocation_grant("
"  allocation_id INTEGER NOT NULL REFERENCES allocation(id),"
"  office_code TEXT NOT NULL,"
"  service_code TEXT NOT NULL,"
"  seq INTEGER NOT NULL,"                      /* order within the office */
"  kind TEXT NOT NULL CHECK(kind IN ('preference','coverage')),"
"  pref INTEGER,"                              /* position in the preferences */
"  reason TEXT NOT NULL,"
"  PRIMARY KEY(allocation_id, office_code, service_code)"
");"
"CREATE INDEX allocation_grant_service ON allocation_grant(allocation_id, service_code);"
"CREATE TABLE allocation_skip("               /* preferences not granted */
"  allocation_id INTEGER NOT NULL REFERENCES allocation(id),"
"  office_code TEXT NOT NULL,"
"  pref INTEGER NOT NULL,"
"  service_code TEXT NOT NULL,"
"  why TEXT NOT NULL,"
"  reason TEXT NOT NULL,"
"  PRIMARY KEY(allocation_id, office_code, pref)"
");"
"CREATE TABLE allocation_gap("                /* available, offered by no office there */
"  allocation_id INTEGER NOT NULL REFERENCES allocation(id),"
"  service_code TEXT NOT NULL,"
"  province_code TEXT NOT NULL,"
"  city TEXT NOT NULL,"
"  why TEXT NOT NULL,"
"  PRIMARY KEY(allocation_id, service_code, province_code, city)"
");",

/* 8: statistics and transparency: right-to-reply, certificates (issue 10).
**    An office's reply to its published result, shown publicly once HQ
**    approves it; a newer approved reply supersedes the older one. The
**    certificate key lives in setting (cert_key). */
"CREATE TABLE right_to_reply("
"  id INTEGER PRIMARY KEY,"
"  office_code TEXT NOT NULL REFERENCES office(code),"
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  text TEXT NOT NULL,"
"  state TEXT NOT NULL DEFAULT 'pending'"
"    CHECK(state IN ('pending','approved','rejected','superseded')),"
"  written_by INTEGER,"
"  written_at TEXT NOT NULL,"
"  decided_by INTEGER,"
"  decided_at TEXT,"
"  decision_reason TEXT NOT NULL DEFAULT ''"
");"
"CREATE INDEX right_to_reply_office ON right_to_reply(office_code, period_id, state);"
"CREATE INDEX right_to_reply_state ON right_to_reply(state);",

/* 9: counters of changes to the ranking inputs (docs/ranking.md,
**    "What-if"). Every insert, delete, or update of a column that
**    snapshot_load() reads, in any table it reads, adds one to
**    input_change.n in the same transaction, whoever writes (the server,
**    the CLI, the sqlite3 shell); input_change_office keeps, per office,
**    the n of its last change, and input_change.g the n of the last change
**    that concerns every office. Equal counters therefore mean equal
**    inputs, and the what-if simulator keeps a period's loaded inputs for
**    as long as n stays put, and reloads only the offices marked since
**    when g did not move. */
"CREATE TABLE input_change(id INTEGER PRIMARY KEY CHECK(id=1),"
"  n INTEGER NOT NULL, g INTEGER NOT NULL);"
"INSERT INTO input_change(id, n, g) VALUES(1, 0, 0);"
"CREATE TABLE input_change_office(office_code TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
GLOBAL_TRIGGERS(province, "code, region_code")
GLOBAL_TRIGGERS(period, "code, scheme_json")
GLOBAL_TRIGGERS(survey_stat, "period_id, office_code, n, sum")
OFFICE_TRIGGERS(office, "code, type, province_code, status, status_reason, licence_date,"
                " address, postal_code, phone, licence_no, holder_name, holder_national_id",
                "NEW.code, " SEQ " WHERE true", "OLD.code, " SEQ " WHERE true",
                "OLD.code, " SEQ " WHERE OLD.code<>NEW.code")
OFFICE_TRIGGERS(declaration, "period_id, office_code, state", C_NEW, C_OLD, C_MOVED)
OFFICE_TRIGGERS(claim, "declaration_id, indicator, declared, verified, decision", D_NEW, D_OLD, D_MOVED)
OFFICE_TRIGGERS(staff, "declaration_id, insured, disability", D_NEW, D_OLD, D_MOVED)
OFFICE_TRIGGERS(association_score, "period_id, office_code, score", C_NEW, C_OLD, C_MOVED)
OFFICE_TRIGGERS(ruling, "office_code, kind, ruling_no, state, final_date, points", C_NEW, C_OLD, C_MOVED),

/* 10: survey responses packed in blocks (docs/external.md, bench/README.md).
**    A row of survey_block holds up to 4,096 responses of one period,
**    sorted by tracking number (a number below 10^18), in a BLOB of
**    varints (src/domain/survey.c says the format); a block owns the
**    tracking numbers from its lo to the next block's lo. Service codes
**    are numbered in survey_service. survey_response (schema 5) stays:
**    responses stored there before are still read and still count as
**    stored; new ones go to blocks. */
"CREATE TABLE survey_service("
"  id INTEGER PRIMARY KEY,"
"  code TEXT NOT NULL UNIQUE"
");"
"CREATE TABLE survey_block("
"  period_id INTEGER NOT NULL REFERENCES period(id),"
"  lo INTEGER NOT NULL,"                       /* its first tracking number */
"  hi INTEGER NOT NULL,"                       /* its last */
"  n INTEGER NOT NULL,"                        /* responses in data */
"  data BLOB NOT NULL,"
"  PRIMARY KEY(period_id, lo)"
") WITHOUT ROWID;",
};
const int nMigration = sizeof(aMigration) / sizeof(aMigration[0]);
