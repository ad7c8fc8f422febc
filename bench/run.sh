#!/usr/bin/env bash
# `./run bench`: micro benchmarks (Google Benchmark) and the end-to-end timing of
# `sentinel credentials` against moto. Figures go to stdout; README.md quotes them.
set -euo pipefail
build=${BUILD_DIR:?}
here=$(cd "$(dirname "$0")" && pwd)

for bench in "$build"/*_bench; do
  [ -x "$bench" ] || continue
  printf '\n== %s\n' "$(basename "$bench")"
  "$bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_counters_tabular=true
done

printf '\n== end to end\n'
python3 "$here/e2e.py"

# Loading a large policy: parsing and compiling it is paid by every credentials call.
printf '\n== policy validate (hyperfine)\n'
policies=$(mktemp -d)
for rules in 100 1000; do
  python3 - "$rules" >"$policies/$rules.yaml" <<'PY'
import sys
print('version: "1"\nrules:')
for i in range(int(sys.argv[1])):
    print(f"  - name: rule-{i}\n    effect: allow\n"
          f"    conditions: {{profiles: [profile-{i}], users: [user-{i}]}}")
PY
  hyperfine -N --warmup 3 -r 30 "$SENTINEL_BIN policy validate $policies/$rules.yaml" 2>&1 |
    grep -E "Benchmark|Time"
done
rm -rf "$policies"

# Start time without a Python parent: hyperfine spawns the commands itself.
printf '\n== start time (hyperfine)\n'
results=$(mktemp)
hyperfine -N --warmup 100 -r 1000 --export-json "$results" /bin/true "$SENTINEL_BIN --version" \
  2>&1 | grep -E "Benchmark|Time|±"
python3 - "$results" <<'PY'
import json, sys
true, sentinel = json.load(open(sys.argv[1]))["results"]
print(f"median /bin/true {true['median'] * 1000:.3f} ms, sentinel --version "
      f"{sentinel['median'] * 1000:.3f} ms: {sentinel['median'] / true['median']:.2f}x")
PY
rm -f "$results"
