#!/usr/bin/env bash
# gatesim plan and merge end to end on the reference workload: a small sweep (2 core counts x
# 3 loads, across one worker's knee) gives byte-identical plan.csv/plan.json/plan.svg whether
# it runs with -j 1, -j 2, as 3 shards merged, or under `mpirun -np 2`; its verdicts agree
# with its own numbers; one worker saturates where two do not; and bad input anywhere is a
# precise error with exit 2. Usage: plan_cli_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
scenario=$src/scenarios/many-core-load/capacity-knee.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # description expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
same_outputs() {  # description dir-a dir-b
  for f in plan.csv plan.json plan.svg; do
    if ! cmp -s "$2/$f" "$3/$f"; then echo "FAIL: $1: $f differs"; failures=$((failures + 1)); fi
  done
}
sweep=(--cores 1,2 --rps 1000,2000,4000 --warmup 200ms --slo 'p99<50ms,errors<1%')
plan() { "$gatesim" plan "$scenario" "${sweep[@]}" "$@"; }

# The reference run, and the table it prints (no progress bar: stderr is not a terminal).
plan -j 1 --out "$tmp/ref" >"$tmp/ref.out" 2>"$tmp/ref.err"
check "plan exits 0" 0 $?
check "no progress bar when stderr is not a terminal" "" "$(cat "$tmp/ref.err")"
check "table: one row per point" 6 "$(grep -cE '^ +[12] +[0-9]+ ' "$tmp/ref.out")"
check "table: capacity per core count" 2 "$(grep -cE '^  [12] cores?: ' "$tmp/ref.out")"
for f in plan.csv plan.json plan.svg; do
  check "$f written" yes "$([ -s "$tmp/ref/$f" ] && echo yes || echo no)"
done
check "csv: a header and 6 rows" 7 "$(wc -l <"$tmp/ref/plan.csv")"
check "svg is well-formed XML with 2 polylines" 2 "$(python3 -c "
import sys, xml.etree.ElementTree as E
print(len(E.parse(sys.argv[1]).getroot().findall('{http://www.w3.org/2000/svg}polyline')))" "$tmp/ref/plan.svg")"

# The verdicts must follow from the numbers next to them: a point meets p99<50ms,errors<1%
# exactly when its p99 is below 50 ms and under 1% of its requests failed; capacity is the
# last met load below the first miss; below the SLO nothing offered is lost. And the knee:
# 4000/s saturates one throttled worker (p99 grows by two orders of magnitude) but not two.
verdicts=$(python3 - "$tmp/ref/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
problems = []
for p in plan["points"]:
    expected = p["requests"] > 0 and p["latency_ms"]["p99"] < 50 and p["error_percent"] < 1
    if p["slo_met"] != expected:
        problems.append(f"point cores={p['cores']} rps={p['offered_rps']}: slo_met {p['slo_met']} but p99 {p['latency_ms']['p99']}")
    if p["slo_met"] and not (0.9 * p["offered_rps"] < p["achieved_rps"] < 1.1 * p["offered_rps"]):
        problems.append(f"achieved {p['achieved_rps']} for offered {p['offered_rps']}")
    if p["utilisation"] is None or not (0 < p["utilisation"]["mean"] <= p["utilisation"]["max"] <= 1):
        problems.append(f"utilisation {p['utilisation']}")
    if not (p["latency_ms"]["p50"] <= p["latency_ms"]["p90"] <= p["latency_ms"]["p99"] <= p["latency_ms"]["max"]):
        problems.append("percentiles out of order")
for c in plan["capacity"]:
    rows = [p for p in plan["points"] if p["cores"] == c["cores"]]
    best = None
    for p in rows:
        if not p["slo_met"]:
            break
        best = p["offered_rps"]
    if c["capacity_rps"] != best:
        problems.append(f"capacity of {c['cores']} cores is {c['capacity_rps']}, the points say {best}")
caps = [c["capacity_rps"] or 0 for c in plan["capacity"]]
if caps != [2000, 4000] or [c["bounded"] for c in plan["capacity"]] != [True, False]:
    problems.append(f"capacity {caps}: expected one worker's knee between 2000 and 4000/s, two workers' above 4000")
p99 = {(p["cores"], p["offered_rps"]): p["latency_ms"]["p99"] for p in plan["points"]}
if not (p99[(1, 4000)] > 20 * p99[(1, 2000)] and p99[(2, 4000)] < 2 * p99[(2, 2000)]):
    problems.append(f"no knee in the p99s: {p99}")
print("; ".join(problems) or "consistent")
PY
)
check "verdicts and capacity follow from the numbers" consistent "$verdicts"

# -j 2 runs points in parallel processes: the same bytes.
plan -j 2 --out "$tmp/j2" >/dev/null 2>&1
check "-j 2 exits 0" 0 $?
same_outputs "-j 2 vs -j 1" "$tmp/ref" "$tmp/j2"

# Three shards, merged in another order: the same bytes.
for k in 2 0 1; do
  plan -j 2 --shard "$k/3" --out "$tmp/shards" >"$tmp/shard$k.out" 2>&1
  check "shard $k/3 exits 0" 0 $?
done
check "shard 1/3 says what it ran" "shard 1/3: 2 of 6 points -> $tmp/shards/plan-shard-1-of-3.json" "$(cat "$tmp/shard1.out")"
"$gatesim" merge "$tmp/shards/plan-shard-2-of-3.json" "$tmp/shards/plan-shard-0-of-3.json" \
  "$tmp/shards/plan-shard-1-of-3.json" --out "$tmp/merged" >"$tmp/merge.out" 2>&1
check "merge exits 0" 0 $?
same_outputs "3 shards merged vs one run" "$tmp/ref" "$tmp/merged"
check "merge prints the same table" "" "$(diff "$tmp/ref.out" "$tmp/merge.out")"

# MPI: two ranks, one shard each, rank 0 writes. As root in a container Open MPI needs both
# --allow-run-as-root and --oversubscribe (the latter also when -np exceeds the cores).
mpirun --allow-run-as-root --oversubscribe -np 2 "$gatesim" plan "$scenario" "${sweep[@]}" --out "$tmp/mpi" \
  >"$tmp/mpi.out" 2>&1
check "mpirun -np 2 exits 0" 0 $?
same_outputs "mpirun -np 2 vs one run" "$tmp/ref" "$tmp/mpi"
check "under MPI only rank 0 prints the table" "" "$(diff "$tmp/ref.out" "$tmp/mpi.out")"
mpirun --allow-run-as-root --oversubscribe -np 2 "$gatesim" plan "$scenario" --cores 1 --rps 100 --slo 'p99<<' \
  >"$tmp/mpi-bad.out" 2>&1
check "under MPI bad input still exits 2" 2 $?
check "... reported once, by rank 0" 1 "$(grep -c '^gatesim plan: rank 0: --slo "p99<<"' "$tmp/mpi-bad.out")"

# A test that can fail: an SLO no point can meet, and the capacity says so.
"$gatesim" plan "$scenario" --cores 1 --rps 100,200 --slo 'p99<1us' --format csv >"$tmp/tight.csv" 2>&1
check "an unmeetable SLO still exits 0" 0 $?
check "... every point misses it" 2 "$(grep -c ',false$' "$tmp/tight.csv")"
"$gatesim" plan "$scenario" --cores 1 --rps 100,200 --slo 'p99<1us' >"$tmp/tight.out" 2>&1
check "... and no capacity is claimed" 1 "$(grep -c '^  1 core: below 100 req/s (the lowest load misses the SLO)$' "$tmp/tight.out")"
"$gatesim" plan "$scenario" --cores 1 --rps 100 --progress --format json >"$tmp/p.json" 2>"$tmp/p.err"
check "--progress draws on stderr" 1 "$(grep -c '^\[#*\.*\] 1/1 points  last: 1 core at 100 req/s$' "$tmp/p.err")"
check "... and never on stdout" ok "$(python3 -c "import json,sys; json.load(open(sys.argv[1])); print('ok')" "$tmp/p.json")"

# Bad input: exit 2 and the precise sentence.
expect_error() {  # description expected-stderr-line command...
  local description=$1 expected=$2
  shift 2
  "$@" >"$tmp/err.out" 2>&1
  local status=$?
  check "$description: exit 2" 2 "$status"
  check "$description: message" 1 "$(grep -cxF -- "$expected" "$tmp/err.out")"
}
expect_error "bad --cores" 'gatesim plan: --cores: 2 after 4: worker counts must be distinct and ascending ("4,2")' \
  "$gatesim" plan "$scenario" --cores 4,2 --rps 100
expect_error "bad --rps" 'gatesim plan: --rps: step 0 must be above 0 requests per second' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100:200:0
expect_error "bad --slo" 'gatesim plan: --slo "p99<50": "p99<50": "50" is not a duration (50ms, 1.5s, 250us)' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --slo 'p99<50'
expect_error "bad --shard" 'gatesim plan: --shard "3/3": K must be below N (shards are 0..2)' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --shard 3/3 --out "$tmp/x"
expect_error "--shard without --out" 'gatesim plan: --shard 0/3 needs --out DIR: the shard file is written there' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --shard 0/3
expect_error "unknown --client" "gatesim plan: $scenario: --client nobody: no such client (clients: load-1, load-2, load-3, load-4, load-5, load-6, load-7, load-8)" \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --client nobody
closed=$src/scenarios/many-core-load/http1-connection-limits.yaml
expect_error "no open-loop client" "gatesim plan: $closed: no open-loop load client (kind: load, mode: open, rate: N) whose rate plan could set" \
  "$gatesim" plan "$closed" --cores 1 --rps 100
expect_error "missing scenario" 'scenario: File does not exist: /nonexistent.yaml' \
  "$gatesim" plan /nonexistent.yaml --cores 1 --rps 100
expect_error "unwritable --out, before any point runs" 'gatesim plan: --out /proc/gatesim-plan: cannot write there (No such file or directory)' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --out /proc/gatesim-plan
expect_error "bad --warmup" 'gatesim plan: --warmup "soon": not a duration (200ms, 1s)' \
  "$gatesim" plan "$scenario" --cores 1 --rps 100 --warmup soon
expect_error "merge: a missing shard" 'gatesim merge: shard(s) 1 of 3 missing (2 given)' \
  "$gatesim" merge "$tmp/shards/plan-shard-0-of-3.json" "$tmp/shards/plan-shard-2-of-3.json" --out "$tmp/m2"
plan --seed 9 -j 2 --shard 1/3 --out "$tmp/seed9" >/dev/null 2>&1
expect_error "merge: shards of another sweep" "gatesim merge: $tmp/seed9/plan-shard-1-of-3.json is from another sweep than $tmp/shards/plan-shard-0-of-3.json: seed 1 vs 9" \
  "$gatesim" merge "$tmp/shards/plan-shard-0-of-3.json" "$tmp/seed9/plan-shard-1-of-3.json" \
  "$tmp/shards/plan-shard-2-of-3.json" --out "$tmp/m3"
expect_error "merge: not a shard" "gatesim merge: $tmp/ref/plan.json: not a gatesim plan shard (\"format\": \"gatesim-plan-shard/1\" expected)" \
  "$gatesim" merge "$tmp/ref/plan.json" --out "$tmp/m4"
check "nothing written by failed merges" no "$([ -e "$tmp/m2" ] || [ -e "$tmp/m3" ] || [ -e "$tmp/m4" ] && echo yes || echo no)"

echo "plan cli: $failures failures"
[ "$failures" -eq 0 ]
