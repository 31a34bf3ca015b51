#!/usr/bin/env bash
# Times `report` and `verify` end to end on a large generated ledger and checks every outcome.
#
#   scripts/scale.sh [GENERATOR] [N] [REPORTS]
#
# GENERATOR is gen_entries.py of the project's shared benchmark kit (default ../shared/bench/gen_entries.py);
# it writes entries, reports and the outcomes they must have. Needs python3 and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${1:-../shared/bench/gen_entries.py}
n=${2:-1000000}
k=${3:-10000}
dir=${TMPDIR:-/tmp}/relief-ledger-scale-$n
[ -f "$dir/entries_$n.csv" ] || python3 "$gen" "$n" "$dir" --reports "$k" >/dev/null
cargo build --release --quiet --features cli
bin=target/release/relief-ledger
ls -l "$dir/entries_$n.csv"
for run in 1 2 3; do
  /usr/bin/time -f "report: %e s wall, %M KB peak" "$bin" report "$dir/entries_$n.csv" --by kind,to >/dev/null
done
for run in 1 2 3; do
  /usr/bin/time -f "verify: %e s wall, %M KB peak" "$bin" verify "$dir/entries_$n.csv" --reports "$dir/reports_$n.csv" \
    --format csv >"$dir/outcomes.csv"
done
python3 - "$dir/reports_$n.expected.csv" "$dir/outcomes.csv" <<'PY'
import csv, sys
from decimal import Decimal
expected = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]))}
got = {r["id"]: r for r in csv.DictReader(open(sys.argv[2]))}
bad = [k for k, e in expected.items()
       if k not in got or got[k]["status"] != e["status"] or got[k]["unit"] != e["unit"]
       or Decimal(got[k]["ledger"]) != Decimal(e["ledger"])]
print(f"{len(expected)} reports, {len(bad)} outcomes differ from the generator's")
sys.exit(1 if bad else 0)
PY
