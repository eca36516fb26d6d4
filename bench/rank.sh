#!/bin/sh
# bench/rank.sh — time the scoring engine on the demo nation and on
# synthetic nations of 100,000 and 1,000,000 offices, in one run, and report
# how the time grows and the peak memory. Not a test.
#
#   sh bench/rank.sh [--data DIR] [--period P]
#
# --data: a data directory with the demo nation (default: a fresh
# `pishkhan demo` in a temporary directory). Each size runs in its own
# process so that its peak resident set is its own. rank_ms is the best of
# several runs of rank_assign() alone (the pure engine, as the what-if
# simulator runs it); load_ms is reading the demo's snapshot from SQLite;
# hash_ms is one canonical serialisation and SHA-256 of all the inputs.
set -eu
cd "$(dirname "$0")/.."
DATA=""; PERIOD="1399-1"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --period) PERIOD="$2"; shift 2 ;;
    *) echo "bench/rank.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
make -s all build/bench/rank_bench >/dev/null
TMP=""
if [ -z "$DATA" ]; then
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  DATA="$TMP/data"
  ./pishkhan demo --data "$DATA" >/dev/null
fi

echo "machine: $(uname -srm), $(nproc) cpu, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "compiler flags: $(make -s -p -n 2>/dev/null | sed -n 's/^OPT *[:?]*= *//p' | head -1)"
printf '%-22s %10s %10s %10s %10s %12s %12s\n' nation offices load_ms rank_ms hash_ms ns/office peak_rss_MB
run() {  # $1 = label, rest = rank_bench args
  label="$1"; shift
  line=$(build/bench/rank_bench "$@") || { echo "$label: failed"; return; }
  echo "$line" | awk -v l="$label" '{
    n=$2; load=$4; rank=$6; hash=$8; rss=$NF;
    printf "%-22s %10d %10.1f %10.2f %10.1f %12.1f %12.1f\n", l, n, load, rank, hash, rank*1e6/n, rss/1024 }'
  echo "$line" >> "${OUT:-/dev/null}"
}
OUT=$(mktemp)
if build/bench/rank_bench --demo "$DATA" --period "$PERIOD" >/dev/null 2>&1; then
  run "demo ($PERIOD)" --demo "$DATA" --period "$PERIOD"
else
  echo "demo: no period $PERIOD in $DATA (skipped)"
fi
run "synthetic 100k" --synthetic 100000
run "synthetic 1M" --synthetic 1000000
# Growth: time per office should stay flat (linear) apart from the place
# sort (n log n); report the ratio of rank_ms 1M / 100k (10x the offices).
awk '/offices 100000 /{a=$6} /offices 1000000 /{b=$6} END{ if(a>0) printf "growth: 10x offices -> %.1fx rank time\n", b/a }' "$OUT"
rm -f "$OUT"
