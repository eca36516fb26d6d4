#!/usr/bin/env bash
# survey_ingest.sh — citizen-satisfaction ingest, pishkhan against DuckDB
# and the sqlite3 shell, side by side in one run (bench/README.md).
#
#   sh bench/survey_ingest.sh [ROWS] [RUNS]     defaults: 5000000 rows, 3 runs
#
# Generates ROWS responses over the demo nation's offices with 5 % repeated
# tracking numbers, then times, each into a fresh store and durable when it
# returns:
#   (a) pishkhan survey import --period 1399-1
#   (b) DuckDB (@duckdb/node-api): read, drop repeats, store, per-office count and mean
#   (c) sqlite3 shell: .import, INSERT OR IGNORE into a table keyed by
#       tracking number, GROUP BY
# Each is run RUNS times; the best wall time is reported with the peak
# memory (max RSS, GNU time) of that run. Work files go to $BENCH_DIR
# (default /tmp/pk-bench), removed at the end unless BENCH_KEEP=1.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-5000000}"
RUNS="${2:-3}"
W="${BENCH_DIR:-/tmp/pk-bench}"
TIME=/usr/bin/time
for c in "$TIME" sqlite3 node cc; do
  command -v "$c" >/dev/null 2>&1 || { echo "bench: needs $c (sh scripts/deps)" >&2; exit 1; }
done
[ -d node_modules/@duckdb/node-api ] || { echo "bench: needs @duckdb/node-api (npm ci)" >&2; exit 1; }
[ -x ./pishkhan ] || make -s
rm -rf "$W"; mkdir -p "$W"
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

# The demo nation (registry only, no survey rows) with period 1399-1.
./pishkhan demo --data "$W/base" --surveys 0 >/dev/null 2>"$W/demo.err" || { cat "$W/demo.err" >&2; exit 1; }
if ! ./pishkhan period list --data "$W/base" | grep -q '^1399-1'; then
  ./pishkhan period create 1399-1 --data "$W/base" --declare-from 1399/07/14 \
    --declare-to 1399/08/14 --review-to 1399/09/05 >/dev/null
fi
./pishkhan office export --data "$W/base" | cut -d, -f1 | tail -n +2 > "$W/codes.txt"
cc -O2 -o "$W/gen_survey" bench/gen_survey.c
"$W/gen_survey" "$W/codes.txt" "$ROWS" 0.05 1399 > "$W/survey.csv"
echo "input: $(wc -l < "$W/codes.txt") offices, $ROWS rows, $(du -m "$W/survey.csv" | cut -f1) MB, 5 % repeated tracking numbers"
echo "machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"

cat > "$W/sqlite.sql" <<SQL
PRAGMA journal_mode=WAL;
.mode csv
.import $W/survey.csv raw
CREATE TABLE survey_response(tracking_no TEXT PRIMARY KEY, office_code TEXT, service_code TEXT,
  rating INTEGER, answered_at TEXT) WITHOUT ROWID;
INSERT OR IGNORE INTO survey_response SELECT * FROM raw;
DROP TABLE raw;
CREATE TABLE survey_stat AS SELECT office_code, count(*) AS n, avg(rating) AS mean
  FROM survey_response GROUP BY office_code;
SQL

# run NAME CMD...: time one run; prints "wall_s maxrss_kb user_s sys_s" and
# checks it succeeded.
run() {
  local name="$1"; shift
  if ! "$TIME" -f '%e %M %U %S' -o "$W/time.$name" "$@" >"$W/out.$name" 2>"$W/err.$name"; then
    echo "bench: $name failed:" >&2; cat "$W/err.$name" >&2; exit 1
  fi
  cat "$W/time.$name"
}

declare -A BEST_T BEST_M BEST_C
for i in $(seq 1 "$RUNS"); do
  rm -rf "$W/pk"; cp -r "$W/base" "$W/pk"; sync
  read -r t m u y < <(run pishkhan ./pishkhan survey import --period 1399-1 --data "$W/pk" "$W/survey.csv")
  echo "run $i pishkhan: ${t}s ${m}KB cpu $(awk "BEGIN{print $u+$y}")s  ($(tail -1 "$W/out.pishkhan"))"
  if [ -z "${BEST_T[pishkhan]:-}" ] || awk "BEGIN{exit !($t < ${BEST_T[pishkhan]})}"; then BEST_T[pishkhan]=$t; BEST_M[pishkhan]=$m; BEST_C[pishkhan]=$(awk "BEGIN{print $u+$y}"); fi

  rm -f "$W"/duck.duckdb*; sync
  read -r t m u y < <(run duckdb node bench/duckdb_ingest.mjs "$W/survey.csv" "$W/duck.duckdb")
  echo "run $i duckdb:   ${t}s ${m}KB cpu $(awk "BEGIN{print $u+$y}")s  ($(tail -1 "$W/out.duckdb"))"
  if [ -z "${BEST_T[duckdb]:-}" ] || awk "BEGIN{exit !($t < ${BEST_T[duckdb]})}"; then BEST_T[duckdb]=$t; BEST_M[duckdb]=$m; BEST_C[duckdb]=$(awk "BEGIN{print $u+$y}"); fi

  rm -f "$W"/lite.db*; sync
  read -r t m u y < <(run sqlite3 sqlite3 "$W/lite.db" ".read $W/sqlite.sql")
  echo "run $i sqlite3:  ${t}s ${m}KB cpu $(awk "BEGIN{print $u+$y}")s  ($(sqlite3 "$W/lite.db" 'SELECT count(*) FROM survey_response') responses stored)"
  if [ -z "${BEST_T[sqlite3]:-}" ] || awk "BEGIN{exit !($t < ${BEST_T[sqlite3]})}"; then BEST_T[sqlite3]=$t; BEST_M[sqlite3]=$m; BEST_C[sqlite3]=$(awk "BEGIN{print $u+$y}"); fi
done

echo
printf '%-10s %10s %10s %12s\n' "" "wall (s)" "cpu (s)" "peak (MB)"
for k in pishkhan duckdb sqlite3; do
  printf '%-10s %10.2f %10.2f %12.0f\n' "$k" "${BEST_T[$k]}" "${BEST_C[$k]}" "$(awk "BEGIN{print ${BEST_M[$k]}/1024}")"
done
awk -v p="${BEST_T[pishkhan]}" -v d="${BEST_T[duckdb]}" -v s="${BEST_T[sqlite3]}" -v m="${BEST_M[pishkhan]}" 'BEGIN{
  printf "pishkhan/DuckDB  %.2f  (target < 1.0)\n", p/d;
  printf "pishkhan/sqlite3 %.3f  (target <= 0.1, i.e. 10x faster)\n", p/s;
  printf "pishkhan peak memory %.0f MB (target < 512 MB)\n", m/1024 }'
