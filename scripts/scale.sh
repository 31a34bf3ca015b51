#!/usr/bin/env bash
# Side by side with DuckDB on large generated ledgers: wall time (median of RUNS alternating runs) and
# peak memory of `report --by kind,to`, `verify` (REPORTS reports), `check` and `audit`, each next to the
# DuckDB shell running the same exact group-by (../shared/bench/duckdb_group_by.sql), with the ratio.
# It also checks the results: `report` must equal DuckDB's group-by, `verify` the generator's outcomes.
#
#   scripts/scale.sh [N...]            default: 1000000 10000000
#
# Environment: GEN (the generator, default ../shared/bench/gen_entries.py), RUNS (default 5), REPORTS
# (default 10000), DUCKDB (a DuckDB shell; otherwise duckdb-cli 1.5.6 is installed from PyPI into a
# virtual environment under ${XDG_CACHE_HOME:-~/.cache}/relief-ledger), TMPDIR (where data go).
# Needs python3 (with venv) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
gen=${GEN:-../shared/bench/gen_entries.py}
runs=${RUNS:-5}
reports=${REPORTS:-10000}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

if [ -z "${DUCKDB:-}" ]; then
  venv=${XDG_CACHE_HOME:-$HOME/.cache}/relief-ledger/duckdb-cli-1.5.6
  if [ ! -x "$venv/bin/duckdb" ]; then
    echo "installing the DuckDB shell (duckdb-cli 1.5.6) into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb-cli==1.5.6
  fi
  DUCKDB=$venv/bin/duckdb
fi

cargo build --release --quiet --features cli
bin=$root/target/release/relief-ledger

# time_one LABEL CMD...: appends "LABEL seconds kilobytes" to $log; output goes to $out.
time_one() {
  local label=$1
  shift
  /usr/bin/time -o "$dir/time.txt" -f "%e %M" "$@" >"$out" 2>"$dir/stderr.txt" || {
    local rc=$?
    # verify and audit exit 1 when a report is short or over, or a finding is an error: outcomes.
    if [ "$rc" -ne 1 ] || { [ "$label" != verify ] && [ "$label" != audit ]; }; then
      echo "$label failed with exit $rc:" >&2
      cat "$dir/stderr.txt" >&2
      exit 1
    fi
  }
  echo "$label $(tail -n 1 "$dir/time.txt")" >>"$log"
}

for n in "${sizes[@]}"; do
  dir=${TMPDIR:-/tmp}/relief-ledger-scale-$n
  mkdir -p "$dir"
  entries=$dir/entries_$n.csv
  [ -f "$entries" ] && [ -f "$dir/reports_$n.csv" ] || python3 "$gen" "$n" "$dir" --reports "$reports" >/dev/null
  sed "s|FILE|$entries|" ../shared/bench/duckdb_group_by.sql >"$dir/group_by.sql"
  log=$dir/times.txt
  : >"$log"
  echo "== $n entries ($(du -h "$entries" | cut -f1)), $runs alternating runs each"
  for _ in $(seq "$runs"); do
    out=$dir/report.csv time_one report "$bin" report "$entries" --by kind,to --format csv
    out=$dir/duckdb.csv time_one duckdb "$DUCKDB" -csv -f "$dir/group_by.sql"
    out=$dir/outcomes.csv time_one verify "$bin" verify "$entries" --reports "$dir/reports_$n.csv" --format csv
    out=/dev/null time_one check "$bin" check "$entries"
    out=/dev/null time_one audit "$bin" audit "$entries" --reports "$dir/reports_$n.csv" --format csv
  done
  python3 - "$log" "$dir" "$n" <<'PY'
import csv, statistics, sys
from collections import defaultdict
from decimal import Decimal

log, d, n = sys.argv[1], sys.argv[2], sys.argv[3]
runs = defaultdict(list)
for line in open(log):
    label, secs, kb = line.split()
    runs[label].append((float(secs), int(kb)))
med = {k: statistics.median(s for s, _ in v) for k, v in runs.items()}
peak = {k: max(kb for _, kb in v) / 1024 for k, v in runs.items()}
print(f"{'command':<8} {'median s':>9} {'peak MB':>8} {'vs DuckDB':>10}")
for k in ("report", "verify", "check", "audit", "duckdb"):
    if k in med:
        ratio = "" if k == "duckdb" else f"{med[k] / med['duckdb']:.2f}x"
        print(f"{k:<8} {med[k]:>9.2f} {peak[k]:>8.0f} {ratio:>10}")

def table(path, key):
    rows = {}
    for r in csv.DictReader(open(path)):
        rows[tuple(r[k] or "" for k in key)] = Decimal(r["total"])
    return rows

ours, theirs = table(f"{d}/report.csv", ("kind", "to", "unit")), table(f"{d}/duckdb.csv", ("kind", "to", "unit"))
differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
print(f"report: {len(ours)} groups, {len(differ)} differ from DuckDB's group-by")
expected = {r["id"]: r for r in csv.DictReader(open(f"{d}/reports_{n}.expected.csv"))}
got = {r["id"]: r for r in csv.DictReader(open(f"{d}/outcomes.csv"))}
bad = [k for k, e in expected.items()
       if k not in got or got[k]["status"] != e["status"] or got[k]["unit"] != e["unit"]
       or Decimal(got[k]["ledger"]) != Decimal(e["ledger"])]
print(f"verify: {len(expected)} reports, {len(bad)} outcomes differ from the generator's")
sys.exit(1 if differ or bad else 0)
PY
done
