#!/usr/bin/env bash
# h2load over TLS + h2 (small GET, several connections and streams) through gatesim serve and
# through nghttpx, haproxy and nginx configured to the same route, with 1 and then 2 workers
# each (gatesim --workers, nghttpx --workers, haproxy nbthread, nginx worker_processes), in
# one run; with 2 workers gatesim is measured with the kernel's SO_REUSEPORT balance (its
# default) and with --balance exact. The backend is an nginx answering a 2-byte body (one
# worker for every run). Prints req/s, the ratio to gatesim at the same worker count, and each
# proxy's memory after its run (all of its processes). A benchmark, never a test.
# Usage: bench/proxy_compare.sh [requests=100000] [connections=8] [streams=16] [workers="1 2"]
# `connections` is per worker: h2load opens connections x workers (8, then 16), so that the
# kernel has enough connections to spread over 2 workers.
source "$(dirname "$0")/lib.sh"
requests=${1:-100000}
connections=${2:-8}
streams=${3:-16}
worker_counts=${4:-1 2}

cat "$certs/wildcard-example-com.pem" "$certs/wildcard-example-com-key.pem" >"$tmp/combined.pem"

# Memory of a proxy and all its processes (nginx's master and workers): RSS counts mapped
# shared libraries (gatesim maps ~10 MiB of ns-3 for `gatesim run`); "private"
# (Private_Clean + Private_Dirty from smaps_rollup) is the memory the processes themselves use.
tree() { echo "$1"; for c in $(ps -o pid= --ppid "$1"); do tree "$c"; done; }
memory() {  # pid: "rss private" in KiB over the process tree
  local rss=0 private=0
  for p in $(tree "$1"); do
    rss=$((rss + $(ps -o rss= -p "$p" | tr -d ' ')))
    private=$((private + $(awk '/^Private_(Clean|Dirty):/ {kb += $2} END {print kb + 0}' "/proc/$p/smaps_rollup")))
  done
  echo "$rss $private"
}

declare -A port pid_of
start_proxies() {  # workers: starts every proxy with that many workers
  local n=$1 name
  for name in gatesim gatesim-exact nghttpx haproxy nginx; do port[$name]=$(free_port); done
  for name in gatesim gatesim-exact; do
    cat >"$tmp/$name.yaml" <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: ${port[$name]}, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, serverCertificate: $certs/wildcard-example-com.pem, privateKey: $certs/wildcard-example-com-key.pem}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [bench.example.com]
  gateways: [gw]
  http: [{route: [{destination: {host: backend.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backend}
spec:
  hosts: [backend.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $BACK}}]
YAML
  done
  "$gatesim" serve -c "$tmp/gatesim.yaml" --listen-ip 127.0.0.1 --no-access-log --workers "$n" 2>"$tmp/gatesim.err" &
  pid_of[gatesim]=$!; pids+=($!)
  if [ "$n" -gt 1 ]; then
    "$gatesim" serve -c "$tmp/gatesim-exact.yaml" --listen-ip 127.0.0.1 --no-access-log --workers "$n" --balance exact \
      2>"$tmp/gatesim-exact.err" &
    pid_of[gatesim-exact]=$!; pids+=($!)
  fi

  nghttpx --workers="$n" --frontend="127.0.0.1,${port[nghttpx]}" --backend="127.0.0.1,$BACK" \
    --backend-keep-alive-timeout=60s --no-ocsp --errorlog-file="$tmp/nghttpx.err" --accesslog-file=/dev/null \
    --pid-file="$tmp/nghttpx.pid" "$certs/wildcard-example-com-key.pem" "$certs/wildcard-example-com.pem" \
    2>>"$tmp/nghttpx.err" &
  pid_of[nghttpx]=$!; pids+=($!)

  cat >"$tmp/haproxy.cfg" <<CFG
global
  nbthread $n
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend f
  bind 127.0.0.1:${port[haproxy]} ssl crt $tmp/combined.pem alpn h2,http/1.1
  default_backend b
backend b
  server s 127.0.0.1:$BACK
CFG
  haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.err" 2>&1 &
  pid_of[haproxy]=$!; pids+=($!)

  # One worker: no master (as before); more: a master and `worker_processes` workers sharing
  # the port through SO_REUSEPORT, as gatesim's kernel balance does.
  local master=off reuseport=""
  if [ "$n" -gt 1 ]; then master=on; reuseport=" reuseport"; fi
  cat >"$tmp/nginx.conf" <<CONF
worker_processes $n; pid $tmp/nginx.pid; error_log $tmp/nginx.err; daemon off; master_process $master;
events { worker_connections 4096; }
http {
  access_log off;
  upstream b { server 127.0.0.1:$BACK; keepalive 64; }
  server {
    listen 127.0.0.1:${port[nginx]} ssl http2$reuseport;
    ssl_certificate $certs/wildcard-example-com.pem; ssl_certificate_key $certs/wildcard-example-com-key.pem;
    keepalive_requests 1000000; http2_max_requests 1000000;
    location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -c "$tmp/nginx.conf" 2>>"$tmp/nginx.err" & pid_of[nginx]=$!; pids+=($!)
  for name in "${names[@]}"; do wait_port "${port[$name]}"; done
}

stop_proxies() {
  local name
  for name in "${names[@]}"; do kill "${pid_of[$name]}" 2>/dev/null || true; wait "${pid_of[$name]}" 2>/dev/null || true; done
}

echo "h2load -n $requests -c $connections x workers -m $streams over TLS 1.3 + h2, GET / (2-byte body)"
printf '%-14s %7s %10s %10s %10s %14s %11s\n' proxy workers "req/s" "vs gatesim" "RSS (KiB)" "private (KiB)" connections
for n in $worker_counts; do
  names=(gatesim)
  [ "$n" -gt 1 ] && names+=(gatesim-exact)
  names+=(nghttpx haproxy nginx)
  start_proxies "$n"
  c=$((connections * n))
  declare -A rps=()
  for name in "${names[@]}"; do
    h2load -n "$((requests / 10))" -c "$c" -m "$streams" --connect-to "127.0.0.1:${port[$name]}" \
      "https://bench.example.com:${port[$name]}/" >/dev/null 2>&1 || true  # warm-up
    out=$(h2load -n "$requests" -c "$c" -m "$streams" --connect-to "127.0.0.1:${port[$name]}" \
      "https://bench.example.com:${port[$name]}/" 2>&1)
    rps[$name]=$(grep -oE 'finished in [0-9.]+[a-z]+, [0-9.]+ req/s' <<<"$out" | grep -oE '[0-9.]+ req/s' | cut -d' ' -f1)
    ok=$(grep -oE '[0-9]+ succeeded' <<<"$out" | head -1)
    read -r rss private < <(memory "${pid_of[$name]}")
    ratio=$(python3 -c "print(f'{${rps[$name]:-0}/${rps[gatesim]:-1}:.2f}')")
    printf '%-14s %7s %10s %10s %10s %14s %11s  (%s)\n' "$name" "$n" "${rps[$name]:-?}" "$ratio" "$rss" "$private" "$c" "$ok"
  done
  stop_proxies
done
