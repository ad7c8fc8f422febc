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

# Start time without a Python parent: hyperfine spawns the commands itself.
printf '\n== start time (hyperfine)\n'
results=$(mktemp)
trap 'rm -f "$results"' EXIT
hyperfine -N --warmup 100 -r 1000 --export-json "$results" /bin/true "$SENTINEL_BIN --version" \
  2>&1 | grep -E "Benchmark|Time|±"
python3 - "$results" <<'PY'
import json, sys
true, sentinel = json.load(open(sys.argv[1]))["results"]
print(f"median /bin/true {true['median'] * 1000:.3f} ms, sentinel --version "
      f"{sentinel['median'] * 1000:.3f} ms: {sentinel['median'] / true['median']:.2f}x")
PY
