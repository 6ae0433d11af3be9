#!/usr/bin/env bash
# Checks the simulator's CPU model against real cores: for 1 and 2 workers, the saturation
# throughput the simulator predicts with the shipped cost profile (bench/capacity/
# h2load-twin.yaml.in: h2load's connections and streams, an instant backend) beside what
# h2load measures through `gatesim serve --workers N` on this machine (TLS 1.3 + h2, 8
# connections per worker, 16 streams each, an nginx backend answering 2 bytes).
# On a machine with few cores h2load and nginx take CPU from the gateway, so the script also
# reads the gateway's own CPU time during the run and compares per-core throughput (req/s per
# CPU-second used), which is what the cost profile prices. A benchmark, never a test.
# Usage: bench/capacity_validate.sh [requests=100000]
source "$(dirname "$0")/lib.sh"
requests=${1:-100000}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)

printf '%-8s %6s %14s %14s %8s %10s %16s %16s %8s\n' workers conns "predicted/s" "measured/s" error "gw cores" "pred/core-s" "meas/core-s" error
for workers in 1 2; do
  conns=$((8 * workers))
  # The simulated twin.
  sed -e "s/WORKERS/$workers/" -e "s/BALANCE/kernel-hash/" -e "s|\.\./\.\./examples|$root/examples|" \
    "$root/bench/capacity/h2load-twin.yaml.in" >"$tmp/twin.yaml"
  for i in $(seq 1 "$conns"); do
    echo "- {name: h2load-$i, kind: load, node: client, url: https://bench.example.com/, mode: closed, concurrency: 16, start: 0ms, duration: 400ms}" >>"$tmp/twin.yaml"
  done
  "$gatesim" run "$tmp/twin.yaml" --out "$tmp/twin-$workers" >/dev/null
  # Predicted: responses to requests sent from 100 ms (after the connection storm) to 400 ms,
  # per second; and per busy CPU-second over the whole run.
  read -r predicted per_core < <(python3 - "$tmp/twin-$workers" <<'PY'
import json, sys
run = sys.argv[1]
responses = [json.loads(l) for l in open(run + "/trace.jsonl") if '"type":"response"' in l]
steady = sum(1 for r in responses if r["start_ns"] >= 100e6 and r["end_ns"] <= 400e6 and r["status"] == 200)
busy_s = sum(w["busy_ns"] for w in json.load(open(run + "/summary.json"))["cpu"]["per_worker"]) / 1e9
print(steady / 0.3, len(responses) / busy_s)
PY
)
  # The real gateway, with the twin's Istio configuration.
  port=$(free_port)
  python3 - "$tmp/twin.yaml" "$tmp/gatesim.yaml" "$port" "$BACK" <<'PY'
import sys
text = open(sys.argv[1]).read()
config = text[text.index("  config: |\n") + len("  config: |\n"):text.index("backends:")]
config = "\n".join(line[4:] for line in config.splitlines())
config = config.replace("number: 443", "number: " + sys.argv[3]).replace('"{{ip:backend}}"', "127.0.0.1").replace("http: 8080", "http: " + sys.argv[4])
open(sys.argv[2], "w").write(config + "\n")
PY
  "$gatesim" serve -c "$tmp/gatesim.yaml" --listen-ip 127.0.0.1 --no-access-log --workers "$workers" 2>"$tmp/gatesim.err" &
  gw=$!; pids+=($gw)
  wait_port "$port"
  h2load -n "$((requests / 10))" -c "$conns" -m 16 --connect-to "127.0.0.1:$port" "https://bench.example.com:$port/" >/dev/null 2>&1 || true
  before=$(cpu_ticks "$gw")
  out=$(h2load -n "$requests" -c "$conns" -m 16 --connect-to "127.0.0.1:$port" "https://bench.example.com:$port/" 2>&1)
  after=$(cpu_ticks "$gw")
  kill "$gw"; wait "$gw" 2>/dev/null || true
  measured=$(grep -oE 'finished in [0-9.]+[a-z]+, [0-9.]+ req/s' <<<"$out" | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1)
  seconds=$(grep -oE 'finished in [0-9.]+[a-z]+' <<<"$out" | grep -oE '[0-9.]+[a-z]+$')
  python3 - "$workers" "$conns" "$predicted" "$per_core" "$measured" "$seconds" "$before" "$after" "$hz" "$requests" <<'PY'
import sys
workers, conns, predicted, pred_per_core, measured, seconds, before, after, hz, requests = sys.argv[1:]
predicted, pred_per_core, measured, requests = float(predicted), float(pred_per_core), float(measured), int(requests)
wall = float(seconds[:-2]) / 1000 if seconds.endswith("ms") else float(seconds[:-1])
cpu_seconds = (int(after) - int(before)) / int(hz)
cores = cpu_seconds / wall  # how many cores the real gateway got while h2load ran
meas_per_core = requests / cpu_seconds if cpu_seconds else 0
err = lambda p, m: f"{100 * (p - m) / m:+.1f}%" if m else "?"
print(f"{workers:<8} {conns:>6} {predicted:>14.0f} {measured:>14.0f} {err(predicted, measured):>8} {cores:>10.2f} {pred_per_core:>16.0f} {meas_per_core:>16.0f} {err(pred_per_core, meas_per_core):>8}")
PY
done
