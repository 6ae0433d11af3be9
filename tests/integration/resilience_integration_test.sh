#!/usr/bin/env bash
# Resilience through gatesim serve on loopback with curl: fault delay and abort, retries
# against backends that fail their first requests (503 or a TCP reset) or refuse connections,
# route and per-try timeouts, and outlier ejection of an endpoint that always answers 500.
# Every backend counts what reached it, so each case checks the attempts too.
# Usage: resilience_integration_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"

HTTP=$(free_port); ADMIN=$(free_port); DEAD=$(free_port)  # nothing ever listens on DEAD
SLOW=$(free_port); FAULTY=$(free_port); GOOD=$(free_port); BAD=$(free_port)
RETRY_OK=$(free_port); RETRY_SHORT=$(free_port); NO_POLICY=$(free_port)
RESET_OK=$(free_port); RESET_NO_POLICY=$(free_port); SLOW_FIRST=$(free_port)
backend http "$SLOW" slow
backend http "$FAULTY" faulty
backend http "$GOOD" good
backend flaky "$BAD" bad -1 500
backend flaky "$RETRY_OK" retry-ok 2 503
backend flaky "$RETRY_SHORT" retry-short 2 503
backend flaky "$NO_POLICY" no-policy 1 503
backend flaky "$RESET_OK" reset-ok 1 reset
backend flaky "$RESET_NO_POLICY" reset-no-policy 1 reset
backend flaky "$SLOW_FIRST" slow-first 1 slow

service_entry() {  # name port...: a ServiceEntry NAME.internal:80 with one endpoint per port
  printf -- '---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: %s, namespace: edge}\n' "$1"
  printf 'spec:\n  hosts: [%s.internal]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n' "$1"
  printf '  resolution: STATIC\n  endpoints:\n'
  shift
  for port in "$@"; do printf '  - {address: 127.0.0.1, ports: {http: %s}}\n' "$port"; done
}
virtual_service() {  # host-prefix destination [extra route fields as one YAML flow line]
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: $1, namespace: edge}
spec:
  hosts: [$1.example.com]
  gateways: [edge]
  http: [{route: [{destination: {host: $2.internal}}]${3:+, $3}}]
YAML
}
{
  cat <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: $HTTP, name: http, protocol: HTTP}, hosts: ["*.example.com"]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: outlier, namespace: edge}
spec:
  host: outlier.internal
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: breaker, namespace: edge}
spec:
  host: breaker.internal
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}}
YAML
  virtual_service delay faulty "fault: {delay: {fixedDelay: 0.5s, percentage: {value: 100}}}"
  virtual_service abort faulty "fault: {abort: {httpStatus: 503, percentage: {value: 100}}}"
  virtual_service delay-abort faulty \
    "fault: {delay: {fixedDelay: 0.3s, percentage: {value: 100}}, abort: {httpStatus: 418, percentage: {value: 100}}}"
  virtual_service no-fault faulty "fault: {abort: {httpStatus: 503, percentage: {value: 0}}}"
  virtual_service retry-ok retry-ok "retries: {attempts: 3, retryOn: 5xx}"
  virtual_service retry-short retry-short "retries: {attempts: 1, retryOn: 5xx}"
  virtual_service no-policy no-policy
  virtual_service reset-ok reset-ok "retries: {attempts: 2, retryOn: reset}"
  virtual_service reset-no-policy reset-no-policy
  virtual_service connect-retry half-dead
  virtual_service connect-fail dead
  virtual_service timeout slow "timeout: 0.3s"
  virtual_service per-try slow-first "retries: {attempts: 2, perTryTimeout: 0.3s, retryOn: 5xx}"
  virtual_service outlier outlier
  virtual_service breaker breaker
  service_entry faulty "$FAULTY"
  service_entry slow "$SLOW"
  service_entry retry-ok "$RETRY_OK"
  service_entry retry-short "$RETRY_SHORT"
  service_entry no-policy "$NO_POLICY"
  service_entry reset-ok "$RESET_OK"
  service_entry reset-no-policy "$RESET_NO_POLICY"
  service_entry half-dead "$DEAD" "$GOOD"
  service_entry dead "$DEAD"
  service_entry slow-first "$SLOW_FIRST"
  service_entry outlier "$GOOD" "$BAD"
  service_entry breaker "$SLOW"
} >"$tmp/resilience.yaml"

start_serve "$tmp/resilience.yaml" --seed 11 --admin "127.0.0.1:$ADMIN" --wait "$HTTP" --wait "$ADMIN"

request() {  # host-prefix path: "STATUS SECONDS BODY" (body on one line)
  local body
  body=$(curl -s -o "$tmp/body" -w '%{http_code} %{time_total}' -H "host: $1.example.com" "http://127.0.0.1:$HTTP$2")
  printf '%s %s' "$body" "$(tr '\n' ' ' <"$tmp/body" | head -c 300)"
}
status_of() { cut -d' ' -f1 <<<"$1"; }
seconds_of() { cut -d' ' -f2 <<<"$1"; }
body_of() { cut -d' ' -f3- <<<"$1"; }

# --- fault injection
out=$(request delay /delayed)
check "delay 0.5s: answered by the backend" "200" "$(status_of "$out")"
check_between "delay 0.5s: request took the delay (s)" 0.49 1.2 "$(seconds_of "$out")"
check "delay: access log flag DI" "200 DI via_upstream" "$(log_fields GET /delayed 1 2 3)"
out=$(request abort /aborted)
check "abort 503: status" "503" "$(status_of "$out")"
check "abort 503: Envoy's body" "fault filter abort" "$(body_of "$out")"
check "abort: access log FI fault_filter_abort" "503 FI fault_filter_abort" "$(log_fields GET /aborted 1 2 3)"
out=$(request delay-abort /delayed-abort)
check "delay then abort: status" "418" "$(status_of "$out")"
check_between "delay then abort: the abort came after the delay (s)" 0.29 1.0 "$(seconds_of "$out")"
check "delay then abort: flags DI,FI" "418 DI,FI" "$(log_fields GET /delayed-abort 1 2)"
check "aborted requests never reached the backend (only /delayed did)" "1" "$(backend_count "$FAULTY")"
check "abort at 0%: never aborts" "200" "$(status_of "$(request no-fault /not-aborted)")"

# --- retries
out=$(request retry-ok /retried)
check "attempts 3, retryOn 5xx, backend fails twice: 200" "200" "$(status_of "$out")"
check "the backend saw K+1 = 3 requests" "3" "$(backend_count "$RETRY_OK")"
check "a successful retry leaves no flag" "200 - via_upstream" "$(log_fields GET /retried 1 2 3)"
out=$(request retry-short /retries-exhausted)
check "attempts 1 < 2 failures: the upstream's 503 reaches the client" "503" "$(status_of "$out")"
check "retries exhausted: flag URX" "503 URX via_upstream" "$(log_fields GET /retries-exhausted 1 2 3)"
check "attempts 1: the backend saw 2 requests" "2" "$(backend_count "$RETRY_SHORT")"
out=$(request no-policy /default-policy-503)
check "Istio's default policy does not retry a 503" "503" "$(status_of "$out")"
check "default policy: the backend saw 1 request" "1" "$(backend_count "$NO_POLICY")"
check "default policy, 503 passed through: no flag" "503 - via_upstream" "$(log_fields GET /default-policy-503 1 2 3)"
out=$(request reset-ok /reset-retried)
check "retryOn reset, backend resets the first connection: 200" "200" "$(status_of "$out")"
check "retryOn reset: the backend saw 2 requests" "2" "$(backend_count "$RESET_OK")"
out=$(request reset-no-policy /reset-not-retried)
check "default policy does not retry a reset: 503" "503" "$(status_of "$out")"
check_contains "reset: Envoy's body" "upstream connect error or disconnect/reset before headers" "$(body_of "$out")"
check "reset: flag UC" "503 UC" "$(log_fields GET /reset-not-retried 1 2)"
check "default policy, reset: the backend saw 1 request" "1" "$(backend_count "$RESET_NO_POLICY")"
# One endpoint refuses connections: the default policy retries connect failures on the
# other host (previous_hosts), so every request succeeds.
connect_failures() { curl -s "http://127.0.0.1:$ADMIN/stats" | sed -n 's/^upstream_cx_connect_fail: //p'; }
failed_before=$(connect_failures)
ok=0
for i in $(seq 1 20); do
  [ "$(status_of "$(request connect-retry "/half-dead/$i")")" = 200 ] && ok=$((ok + 1))
done
check "default policy retries connect failures: 20 of 20 succeed" "20" "$ok"
failed_after=$(connect_failures)
checks=$((checks + 1))
[ "${failed_after:-0}" -gt "${failed_before:-0}" ] 2>/dev/null ||
  fail "retried connect failures not counted in upstream_cx_connect_fail ($failed_before -> $failed_after)"
failed_before=$(connect_failures)
out=$(request connect-fail /all-dead)
check "only a refusing endpoint: 503" "503" "$(status_of "$out")"
check "only a refusing endpoint: UF,URX" "503 UF,URX" "$(log_fields GET /all-dead 1 2)"
check "only a refusing endpoint: 1 + 2 default retries = 3 connect failures" "3" \
  "$(( $(connect_failures) - failed_before ))"

# --- timeouts
out=$(request timeout /delay/2000)
check "route timeout 0.3s vs a 2s backend: 504" "504" "$(status_of "$out")"
check "route timeout: Envoy's body" "upstream request timeout" "$(body_of "$out")"
check_between "route timeout: answered after ~0.3s (s)" 0.29 0.8 "$(seconds_of "$out")"
check "route timeout: flag UT" "504 UT upstream_response_timeout" "$(log_fields GET /delay/2000 1 2 3)"
out=$(request per-try /per-try)
check "perTryTimeout 0.3s, first attempt hangs 2s: the retry answers 200" "200" "$(status_of "$out")"
check_between "perTryTimeout: answered after one per-try timeout (s)" 0.29 1.2 "$(seconds_of "$out")"
check "perTryTimeout: the backend saw 2 requests" "2" "$(backend_count "$SLOW_FIRST")"

# --- outlier detection: consecutive5xxErrors 3 ejects the endpoint that always fails
n=40
codes=$(curl -s -H 'host: outlier.example.com' -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$HTTP/outlier/[1-$n]")
bad=$(backend_count "$BAD")
check "outlier: the failing endpoint got exactly 3 requests, then was ejected" "3" "$bad"
check "outlier: the client saw those 3 as 500" "3" "$(grep -c '^500$' <<<"$codes")"
check "outlier: every other request went to the good endpoint (200)" "$((n - 3))" "$(grep -c '^200$' <<<"$codes")"

# --- circuit breakers: maxConnections 1 + http1MaxPendingRequests 1 in front of a 600 ms backend.
# The first request takes the connection, the second (50 ms later) waits in the pending queue,
# the next three find it full: 503 UO at once. The second is served after the first.
curls=()
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -w '%{http_code}\n' -H 'host: breaker.example.com' "http://127.0.0.1:$HTTP/delay/600" \
    >"$tmp/breaker.$i" &
  curls+=($!)
  sleep 0.05
done
wait "${curls[@]}"  # only the curls: the backends and serve are children too
codes=$(cat "$tmp"/breaker.* | sort | tr '\n' ' ')
check "circuit breaker: two served, three refused" "200 200 503 503 503 " "$codes"
check "circuit breaker: refused with flag UO" "3" "$(grep -c '" 503 UO ' "$tmp/access.log")"
stats=$(curl -s "http://127.0.0.1:$ADMIN/stats")
check "admin: pending overflows counted per cluster" "3" \
  "$(grep -F 'cluster.outbound|80||breaker.internal.upstream_rq_pending_overflow:' <<<"$stats" | awk '{print $2}')"
check "admin: one connection at most was opened" "1" \
  "$(grep -F 'cluster.outbound|80||breaker.internal.upstream_cx_total:' <<<"$stats" | awk '{print $2}')"
check "admin: the outlier cluster ejected one host" "1" \
  "$(grep -F 'cluster.outbound|80||outlier.internal.outlier_detection.ejections_active:' <<<"$stats" | awk '{print $2}')"

summary "resilience integration"
