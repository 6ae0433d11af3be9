#!/usr/bin/env bash
# gatesim serve --workers 2 on loopback: both workers take connections (kernel SO_REUSEPORT
# balance, and exact balance), the admin's merged counters and Istio metrics count every
# request exactly once, access-log lines from two threads never interleave, SIGTERM drains
# every worker and exits 0, and bad --workers/--balance values exit 2 with a message.
# Usage: serve_workers_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"  # tmp dir, pids, check helpers, free_port, wait_port

# --- bad values: exit 2 and say what is wrong
for bad in 0 -1 abc 2x 1.5 100000; do
  err=$("$gatesim" serve -c /dev/null --workers "$bad" 2>&1 >/dev/null)
  code=$?
  check "--workers $bad exits 2" "2" "$code"
  check_contains "--workers $bad says why" "--workers: expected a whole number of worker threads from 1 to 256, got \"$bad\"" "$err"
done
err=$("$gatesim" serve -c /dev/null --balance fair 2>&1 >/dev/null)
check "--balance fair exits 2" "2" "$?"
check_contains "--balance fair says why" "--balance: fair not in {kernel,exact}" "$err"

WEB=$(free_port)
backend http "$WEB" web

make_config() {  # port
  cat <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  servers:
  - port: {number: $1, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: edge}
spec:
  hosts: ["*"]
  gateways: [gw]
  http: [{route: [{destination: {host: web.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: edge}
spec:
  hosts: [web.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $WEB}}]
YAML
}

stat() { sed -n "s/^$1: //p" <<<"$stats"; }  # name (a regex; dots match themselves too)

# Drives $requests requests over $connections connections (h2c, 4 streams each) through the
# gateway on port $1 and checks the admin on $2 counts them exactly. $3 names the balance.
requests=1600
connections=16
load_and_check() {
  local port=$1 admin=$2 balance=$3
  local out before r0 r1  # w0, w1 stay visible: the exact balance checks them after
  # start_serve's port probe was a connection too: count from here.
  stats=$(curl -s "http://127.0.0.1:$admin/stats")
  before=$(stat downstream_cx_total)
  w0=$(stat 'worker\.0\.downstream_cx_total'); w1=$(stat 'worker\.1\.downstream_cx_total')
  out=$(h2load -n "$requests" -c "$connections" -m 4 "http://127.0.0.1:$port/load" 2>&1)
  check_contains "$balance: h2load's requests all succeed" "$requests succeeded, 0 failed" "$out"
  grep -E "^finished in" <<<"$out"
  stats=$(curl -s "http://127.0.0.1:$admin/stats")
  check "$balance: merged downstream_rq_total is the requests sent" "$requests" "$(stat downstream_rq_total)"
  check "$balance: merged downstream_rq_200" "$requests" "$(stat downstream_rq_200)"
  check "$balance: merged downstream_cx_total grew by h2load's connections" "$connections" \
    "$(($(stat downstream_cx_total) - before))"
  w0=$(($(stat 'worker\.0\.downstream_cx_total') - w0)); w1=$(($(stat 'worker\.1\.downstream_cx_total') - w1))
  r0=$(stat 'worker\.0\.downstream_rq_total'); r1=$(stat 'worker\.1\.downstream_rq_total')
  echo "$balance: worker 0 took $w0 connections ($r0 requests), worker 1 took $w1 ($r1)"
  check_between "$balance: worker 0 accepted connections" 1 "$connections" "$w0"
  check_between "$balance: worker 1 accepted connections" 1 "$connections" "$w1"
  check "$balance: the workers' connections add up" "$connections" "$((w0 + w1))"
  check "$balance: the workers' requests add up" "$requests" "$((r0 + r1))"
  check "$balance: no third worker" "" "$(stat 'worker\.2\.downstream_cx_total')"
  local prom
  prom=$(curl -s "http://127.0.0.1:$admin/stats/prometheus")
  check "$balance: istio_requests_total over all series is the requests sent" "$requests" \
    "$(awk '/^istio_requests_total\{/ {n += $NF} END {print n + 0}' <<<"$prom")"
  check "$balance: one istio_requests_total series (the workers' merged)" "1" \
    "$(grep -c '^istio_requests_total{' <<<"$prom")"
  local json
  json=$(curl -s "http://127.0.0.1:$admin/stats?format=json")
  check "$balance: /stats?format=json agrees" "$requests" \
    "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["downstream_rq_total"])' <<<"$json")"
  # One access-log line per request, each whole: no line holds a piece of another.
  for _ in $(seq 1 40); do [ "$(wc -l <"$tmp/access.log")" -ge "$requests" ] && break; sleep 0.05; done
  check "$balance: one access-log line per request" "$requests" "$(wc -l <"$tmp/access.log")"
  check "$balance: every access-log line is one whole line" "$requests" \
    "$(grep -cE '^\[[0-9T:.-]+Z\] "GET /load HTTP/2" 200 - via_upstream - "-" 0 [0-9]+ [0-9]+ [0-9-]+ .*outbound\|80\|\|web\.internal .* - -$' "$tmp/access.log")"
}

stop_and_check() {  # name: SIGTERM while a slow request is in flight
  curl -s -w '\n%{http_code}' "http://127.0.0.1:$PORT/delay/600" >"$tmp/slow.out" &
  local slow=$!
  sleep 0.2
  kill -TERM "$serve_pid"
  sleep 0.1
  check "$1: /ready says DRAINING on every worker's behalf" "503" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready")"
  wait "$slow"
  check "$1: the request in flight during the drain completes" "200" "$(tail -1 "$tmp/slow.out")"
  for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.05; done
  wait "$serve_pid"
  check "$1: serve exits 0 after SIGTERM" "0" "$?"
  check_contains "$1: it drained" "gatesim serve: draining" "$(cat "$tmp/serve.err")"
}

# --- kernel balance (SO_REUSEPORT): 16 connections land on both workers (all on one: 2^-15)
PORT=$(free_port); ADMIN=$(free_port)
make_config "$PORT" >"$tmp/kernel.yaml"
start_serve "$tmp/kernel.yaml" --workers 2 --admin "127.0.0.1:$ADMIN" --wait "$PORT" --wait "$ADMIN"
check "kernel: each address announced once" "1" "$(grep -c "^listening on 127.0.0.1:$PORT\$" "$tmp/serve.err")"
check_contains "kernel: the workers are announced" "workers: 2, balance kernel" "$(cat "$tmp/serve.err")"
check "kernel: /ready" "LIVE" "$(curl -s "http://127.0.0.1:$ADMIN/ready")"
load_and_check "$PORT" "$ADMIN" kernel
stop_and_check kernel

# --- exact balance: the acceptor alternates while every connection stays open: 8 and 8
PORT=$(free_port); ADMIN=$(free_port)
make_config "$PORT" >"$tmp/exact.yaml"
start_serve "$tmp/exact.yaml" --workers 2 --balance exact --admin "127.0.0.1:$ADMIN" --wait "$PORT" --wait "$ADMIN"
load_and_check "$PORT" "$ADMIN" exact
check "exact: worker 0 took exactly half of h2load's connections" "$((connections / 2))" "$w0"
check "exact: worker 1 took exactly half of h2load's connections" "$((connections / 2))" "$w1"
stop_and_check exact

summary "serve --workers"
