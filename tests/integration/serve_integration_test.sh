#!/usr/bin/env bash
# gatesim serve on loopback, driven by real clients from Debian packages (curl, nghttp,
# h2load, openssl s_client) against real backends (tests/integration/backends.py, openssl
# s_server). Usage: serve_integration_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"  # tmp dir, pids, check helpers, free_port, wait_port

HTTP=$(free_port); HTTPS=$(free_port); MTLS=$(free_port); PASS=$(free_port); TCP=$(free_port); ADMIN=$(free_port)
AUTO=$(free_port)
WEB_A=$(free_port); WEB_B=$(free_port); DB_TLS=$(free_port); ECHO=$(free_port); GREETER=$(free_port)
SNIFF_FOREVER=$(free_port); SNIFF_200MS=$(free_port); SNIFF_HTTP=$(free_port)

python3 "$here/backends.py" http "$WEB_A" web-a & pids+=($!)
python3 "$here/backends.py" http "$WEB_B" web-b & pids+=($!)
python3 "$here/backends.py" tcp-echo "$ECHO" & pids+=($!)
python3 "$here/backends.py" server-first "$GREETER" & pids+=($!)
openssl s_server -quiet -accept "$DB_TLS" -cert "$certs/db-example-com.pem" -key "$certs/db-example-com-key.pem" -www \
  >/dev/null 2>&1 & pids+=($!)
for p in $WEB_A $WEB_B $ECHO $DB_TLS $GREETER; do wait_port "$p"; done

cat >"$tmp/gateway.yaml" <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: $HTTP, name: http, protocol: HTTP}
    hosts: ["*"]
  - port: {number: $HTTPS, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, serverCertificate: $certs/wildcard-example-com.pem, privateKey: $certs/wildcard-example-com-key.pem}
  - port: {number: $MTLS, name: mtls, protocol: HTTPS}
    hosts: [partners.example.com]
    tls: {mode: MUTUAL, credentialName: partners-cert}  # certificate, key and CA from a Secret
  - port: {number: $PASS, name: tls, protocol: TLS}
    hosts: [db.example.com]
    tls: {mode: PASSTHROUGH}
  - port: {number: $TCP, name: tcp, protocol: TCP}
    hosts: ["*"]
  - port: {number: $AUTO, name: tls-auto, protocol: TLS}
    hosts: ["*.internal"]
    tls: {mode: AUTO_PASSTHROUGH}
---
apiVersion: v1
kind: Secret
metadata: {name: partners-cert, namespace: edge}
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$certs/partners-example-com.pem")
  tls.key: $(base64 -w0 "$certs/partners-example-com-key.pem")
  ca.crt: $(base64 -w0 "$certs/ca.pem")
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: edge}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http: [{route: [{destination: {host: web-a.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: edge}
spec:
  hosts: [partners.example.com]
  gateways: [gw]
  http: [{route: [{destination: {host: web-b.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db, namespace: edge}
spec:
  hosts: [db.example.com]
  gateways: [gw]
  tls: [{match: [{sniHosts: [db.example.com]}], route: [{destination: {host: db.internal, port: {number: 5432}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: edge}
spec:
  hosts: ["echo.internal"]
  gateways: [gw]
  tcp: [{route: [{destination: {host: echo.internal, port: {number: 7}}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backends, namespace: edge}
spec:
  hosts: [web-a.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $WEB_A}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web-b, namespace: edge}
spec:
  hosts: [web-b.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $WEB_B}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: edge}
spec:
  hosts: [db.internal]
  ports: [{number: 5432, name: tls, protocol: TLS}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {tls: $DB_TLS}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: echo, namespace: edge}
spec:
  hosts: [echo.internal]
  ports: [{number: 7, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {tcp: $ECHO}}]
---
# Ports named without a protocol: a sidecar in front of them must detect it.
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: greeter, namespace: edge}
spec:
  hosts: [greeter.internal]
  ports: [{number: 3307, name: data}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {data: $GREETER}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web-raw, namespace: edge}
spec:
  hosts: [web-raw.internal]
  ports: [{number: 8081, name: web}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {web: $WEB_A}}]
YAML

"$gatesim" serve -c "$tmp/gateway.yaml" --listen-ip 127.0.0.1 --admin "127.0.0.1:$ADMIN" --key-log "$tmp/keys.log" \
  --inbound "greeter.internal:3307=$SNIFF_FOREVER" --inbound "greeter.internal:3307=$SNIFF_200MS/200ms" \
  --inbound "web-raw.internal:8081=$SNIFF_HTTP" \
  >"$tmp/access.log" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=($serve_pid)
for p in $HTTP $HTTPS $MTLS $PASS $TCP $AUTO $ADMIN $SNIFF_FOREVER $SNIFF_200MS $SNIFF_HTTP; do wait_port "$p" || { cat "$tmp/serve.err"; exit 1; }; done

resolve=(--resolve "shop.example.com:$HTTPS:127.0.0.1" --resolve "partners.example.com:$MTLS:127.0.0.1")

# --- plaintext HTTP/1.1 and h2c prior knowledge on one port
out=$(curl -s --http1.1 -H 'host: shop.example.com' -w '\n%{http_code} %{http_version}' "http://127.0.0.1:$HTTP/hello?x=1")
check "HTTP/1.1 status and version" "200 1.1" "$(tail -1 <<<"$out")"
check_contains "HTTP/1.1 reaches web-a with the path" '"path": "/hello?x=1"' "$out"
check_contains "x-forwarded-proto" '"x-forwarded-proto": "http"' "$out"
out=$(curl -s --http2-prior-knowledge -H 'host: shop.example.com' -w '\n%{http_code} %{http_version}' "http://127.0.0.1:$HTTP/h2c")
check "h2c prior knowledge status and version" "200 2" "$(tail -1 <<<"$out")"
check_contains "h2c reaches web-a" '"backend": "web-a"' "$out"
check "unknown host: 404 (NR)" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H 'host: nowhere.test' "http://127.0.0.1:$HTTP/")"
out=$(curl -s -X POST --data-binary @"$certs/ca.pem" -H 'host: shop.example.com' "http://127.0.0.1:$HTTP/upload")
check_contains "POST body reaches the backend" "\"body_bytes\": $(wc -c <"$certs/ca.pem")" "$out"

# --- HTTPS: ALPN picks h2 or http/1.1; the wildcard certificate is served
out=$(curl -s "${resolve[@]}" --cacert "$certs/ca.pem" -w '\n%{http_code} %{http_version}' "https://shop.example.com:$HTTPS/tls")
check "HTTPS over h2 (ALPN)" "200 2" "$(tail -1 <<<"$out")"
check_contains "x-forwarded-proto https" '"x-forwarded-proto": "https"' "$out"
out=$(curl -s --http1.1 "${resolve[@]}" --cacert "$certs/ca.pem" -w '\n%{http_code} %{http_version}' "https://shop.example.com:$HTTPS/tls")
check "HTTPS over HTTP/1.1 (ALPN)" "200 1.1" "$(tail -1 <<<"$out")"
sclient=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$HTTPS" -servername shop.example.com -alpn h2,http/1.1 2>&1)
check_contains "s_client: ALPN h2" "ALPN protocol: h2" "$sclient"
check_contains "s_client: wildcard certificate" "*.example.com" "$sclient"
sclient=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$HTTPS" -servername shop.example.org 2>&1)
check_contains "SNI with no server: closed without a certificate" "no peer certificate available" "$sclient"

# --- MUTUAL: a client certificate from the CA is required
out=$(curl -s "${resolve[@]}" --cacert "$certs/ca.pem" --cert "$certs/partner-client.pem" --key "$certs/partner-client-key.pem" \
  -w '\n%{http_code}' "https://partners.example.com:$MTLS/m")
check "mTLS with a client certificate" "200" "$(tail -1 <<<"$out")"
check_contains "mTLS reaches web-b" '"backend": "web-b"' "$out"
curl -s "${resolve[@]}" --cacert "$certs/ca.pem" -o /dev/null "https://partners.example.com:$MTLS/m"
code=$?
checks=$((checks + 1)); [ "$code" -ne 0 ] || fail "mTLS without a client certificate succeeded"

# --- TLS passthrough: the backend's own certificate, end to end
sclient=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$PASS" -servername db.example.com 2>&1)
check_contains "passthrough serves the backend's certificate" "CN = db.example.com" "$sclient"

sclient=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$MTLS" -servername partners.example.com 2>&1)
check_contains "the partners server presents its own certificate" "CN = partners.example.com" "$sclient"
sclient=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$AUTO" -servername "outbound_.5432_._.db.internal" 2>&1)
check_contains "AUTO_PASSTHROUGH routes by the cluster in the SNI" "CN = db.example.com" "$sclient"

# --- opaque TCP
out=$(python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $TCP), 2)
s.sendall(b'ping over tcp'); s.shutdown(socket.SHUT_WR)
data = b''
while True:
    chunk = s.recv(100)
    if not chunk: break
    data += chunk
print(data.decode())")
check "TCP proxy echoes" "ping over tcp" "$out"

# --- protocol detection on undeclared ports: a server-first protocol hangs with timeout 0,
#     and works once the detection timeout falls back to TCP; a client-first HTTP request is
#     detected and routed at once.
greeting() {  # port, seconds to wait -> the first line the server sent, and when
  python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $1), 2); s.settimeout($2)
start = time.monotonic()
try:
    data = s.recv(100)
    print(data.decode().strip(), round((time.monotonic() - start) * 1000))
except socket.timeout:
    print('no greeting')"
}
check "timeout 0: a server-first protocol hangs" "no greeting" "$(greeting "$SNIFF_FOREVER" 1)"
out=$(greeting "$SNIFF_200MS" 3)
check_contains "timeout 200ms: the greeting arrives after the fallback to TCP" "220 gatesim server-first greeting" "$out"
waited=${out##* }
checks=$((checks + 1)); [ "$waited" -ge 190 ] 2>/dev/null || fail "greeting came after ${waited} ms, before the 200 ms timeout"
out=$(curl -s -H 'host: anything' -w '\n%{http_code}' "http://127.0.0.1:$SNIFF_HTTP/sniffed")
check "HTTP detected on an undeclared port" "200" "$(tail -1 <<<"$out")"
check_contains "detected HTTP reaches the service" '"path": "/sniffed"' "$out"

# --- nghttp and h2load over TLS + h2
out=$(nghttp -v -H ':authority: shop.example.com' "http://127.0.0.1:$HTTP/nghttp" 2>&1)
check_contains "nghttp (h2c prior knowledge) gets 200" ":status: 200" "$out"
out=$(h2load -n 200 -c 2 -m 8 --connect-to "127.0.0.1:$HTTPS" "https://shop.example.com:$HTTPS/load" 2>&1)
check_contains "h2load over TLS+h2: all requests succeed" "200 succeeded, 0 failed" "$out"
check_contains "h2load negotiated h2" "Application protocol: h2" "$out"
out=$(h2load -n 20 -c 1 "https://127.0.0.1:$HTTPS/no-sni" 2>&1)
check_contains "no SNI and no catch-all server: every connection refused" "0 succeeded" "$out"

# --- admin and logs
check "admin /ready" "LIVE" "$(curl -s "http://127.0.0.1:$ADMIN/ready")"
check_contains "admin /stats counts requests" "downstream_rq_total" "$(curl -s "http://127.0.0.1:$ADMIN/stats")"
check_contains "access log records NR for the unknown host" "404 NR route_not_found" "$(cat "$tmp/access.log")"
check_contains "access log records filter_chain_not_found" "NR filter_chain_not_found" "$(cat "$tmp/access.log")"
check_contains "NSS key log written" "CLIENT_HANDSHAKE_TRAFFIC_SECRET" "$(cat "$tmp/keys.log")"

# --- SIGTERM drains: /ready turns 503, a request in flight still completes, then exit 0
curl -s -H 'host: shop.example.com' -w '\n%{http_code}' "http://127.0.0.1:$HTTP/delay/800" >"$tmp/slow.out" &
slow=$!
sleep 0.3
kill -TERM "$serve_pid"
sleep 0.2
check "admin /ready while draining" "503" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/ready")"
wait "$slow"
check "the request in flight during drain completes" "200" "$(tail -1 "$tmp/slow.out")"
for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.05; done
wait "$serve_pid"
check "serve exits 0 after SIGTERM" "0" "$?"

# --- Istio's metrics on /stats/prometheus and Istio's access-log line, from a second gatesim
#     serve whose traffic this block alone makes (so every count is known).
M_HTTP=$(free_port); M_TCP=$(free_port); M_ADMIN=$(free_port); M_DEAD=$(free_port)
cat >"$tmp/metrics.yaml" <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: metrics-gw, namespace: edge}
spec:
  servers:
  - port: {number: $M_HTTP, name: http, protocol: HTTP}
    hosts: ["*"]
  - port: {number: $M_TCP, name: tcp, protocol: TCP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: edge}
spec:
  hosts: [shop.example.com]
  gateways: [metrics-gw]
  http: [{name: web, match: [{name: all, uri: {prefix: /}}], route: [{destination: {host: web-a.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: broken, namespace: edge}
spec:
  hosts: [broken.example.com]
  gateways: [metrics-gw]
  http: [{route: [{destination: {host: dead.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: edge}
spec:
  hosts: ["echo.internal"]
  gateways: [metrics-gw]
  tcp: [{route: [{destination: {host: echo.internal, port: {number: 7}}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web-a, namespace: edge}
spec:
  hosts: [web-a.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $WEB_A}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: dead, namespace: edge}
spec:
  hosts: [dead.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $M_DEAD}}]  # nothing listens there
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: echo, namespace: edge}
spec:
  hosts: [echo.internal]
  ports: [{number: 7, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {tcp: $ECHO}}]
YAML
"$gatesim" serve -c "$tmp/metrics.yaml" --listen-ip 127.0.0.1 --admin "127.0.0.1:$M_ADMIN" \
  >"$tmp/metrics-access.log" 2>"$tmp/metrics-serve.err" &
m_serve=$!
pids+=($m_serve)
for p in $M_HTTP $M_TCP $M_ADMIN; do wait_port "$p" || cat "$tmp/metrics-serve.err"; done
m_url="http://127.0.0.1:$M_HTTP"
for i in 1 2; do
  check "metrics: HTTP/1.1 request $i" "200" \
    "$(curl -s -o /dev/null -w '%{http_code}' -A "gatesim-test/$i" -H 'host: shop.example.com' "$m_url/metrics-$i")"
done
check "metrics: h2c request" "200" \
  "$(curl -s -o /dev/null -w '%{http_code}' --http2-prior-knowledge -H 'host: shop.example.com' "$m_url/metrics-h2c")"
check "metrics: unknown host" "404" "$(curl -s -o /dev/null -w '%{http_code}' -H 'host: nowhere.test' "$m_url/")"
check "metrics: refused upstream" "503" "$(curl -s -o /dev/null -w '%{http_code}' -H 'host: broken.example.com' "$m_url/")"
check "metrics: TCP echo" "metrics ping" "$(python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $M_TCP), 2)
s.sendall(b'metrics ping'); s.shutdown(socket.SHUT_WR)
data = b''
while True:
    chunk = s.recv(100)
    if not chunk: break
    data += chunk
print(data.decode())")"
sleep 0.3  # the TCP connection is counted once both of its sides have closed
prom=$(curl -s -D "$tmp/prom.headers" "http://127.0.0.1:$M_ADMIN/stats/prometheus")
check_contains "metrics: Prometheus content type" "content-type: text/plain; version=0.0.4" "$(tr -d '\r' <"$tmp/prom.headers" | tr 'A-Z' 'a-z')"
series() {  # metric, then fixed strings every wanted line contains -> the values, one per line
  local metric=$1 line
  shift
  grep "^$metric{" <<<"$prom" | while IFS= read -r line; do
    for want in "$@"; do case "$line" in *"$want"*) ;; *) continue 2 ;; esac; done
    echo "${line##* }"
  done
}
web='destination_service="web-a.internal",destination_service_name="web-a.internal",destination_service_namespace="edge"'
# HTTP/1.1 and h2c share one series: Istio's request_protocol does not tell HTTP/2 apart.
check "metrics: istio_requests_total for the three 200s" "3" \
  "$(series istio_requests_total "$web" 'request_protocol="http",response_flags="-"' 'response_code="200",grpc_response_status=""')"
check "metrics: one 404 NR, named by its Host" "1" \
  "$(series istio_requests_total 'destination_service="nowhere.test"' 'response_flags="NR"' 'response_code="404"')"
check "metrics: one 503 UF,URX after Istio's default retries" "1" \
  "$(series istio_requests_total 'destination_service="dead.internal"' 'response_flags="UF,URX"' 'response_code="503"')"
check "metrics: every istio_requests_total series" "5" "$(series istio_requests_total 'reporter="source"' | paste -sd+ | bc)"
check "metrics: duration histogram +Inf bucket of the 200s" "3" \
  "$(series istio_request_duration_milliseconds_bucket "$web" 'response_code="200"' 'le="+Inf"')"
check "metrics: duration histogram count of the 200s" "3" \
  "$(series istio_request_duration_milliseconds_count "$web" 'response_code="200"')"
# Two TCP connections: wait_port's readiness probe (no bytes) and the echo.
check "metrics: TCP connections opened" "2" \
  "$(series istio_tcp_connections_opened_total 'destination_service="echo.internal"' 'request_protocol="tcp"')"
check "metrics: TCP connections closed" "2" \
  "$(series istio_tcp_connections_closed_total 'destination_service="echo.internal"' 'request_protocol="tcp"')"
check "metrics: TCP bytes received" "12" "$(series istio_tcp_received_bytes_total 'destination_service="echo.internal"')"
check "metrics: TCP bytes sent" "12" "$(series istio_tcp_sent_bytes_total 'destination_service="echo.internal"')"
check "metrics: label order is Istio's" \
  'istio_requests_total{reporter="source",source_workload="unknown",source_workload_namespace="unknown",source_principal="unknown",source_app="unknown",source_version="unknown",source_canonical_service="unknown",source_canonical_revision="unknown",source_cluster="unknown",destination_workload="unknown",destination_workload_namespace="unknown",destination_principal="unknown",destination_app="unknown",destination_version="unknown",destination_service="dead.internal",destination_service_name="dead.internal",destination_service_namespace="edge",destination_canonical_service="unknown",destination_canonical_revision="latest",destination_cluster="unknown",request_protocol="http",response_flags="UF,URX",connection_security_policy="unknown",response_code="503",grpc_response_status=""} 1' \
  "$(grep '^istio_requests_total{.*dead.internal' <<<"$prom")"
# Istio's default access-log line, as serve printed it.
today=$(date -u +%Y-%m-%d)
line_matches() {  # description, regex (whole line) -> at least one line of the access log matches
  checks=$((checks + 1))
  grep -Eq "$2" "$tmp/metrics-access.log" || fail "$1: no access-log line matches $2; log: $(head -c 1500 "$tmp/metrics-access.log")"
}
t="\\[${today}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z\\]"
line_matches "access log: an HTTP/1.1 request in Istio's format" \
  "^$t \"GET /metrics-1 HTTP/1.1\" 200 - via_upstream - \"-\" 0 [1-9][0-9]* [0-9]+ [0-9]+ \"127\\.0\\.0\\.1\" \"gatesim-test/1\" \"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\" \"shop\\.example\\.com\" \"127\\.0\\.0\\.1:$WEB_A\" outbound\\|80\\|\\|web-a\\.internal 127\\.0\\.0\\.1:[0-9]+ 127\\.0\\.0\\.1:$M_HTTP 127\\.0\\.0\\.1:[0-9]+ - web\\.all$"
line_matches "access log: the 503 UF,URX line" \
  "^$t \"GET / HTTP/1.1\" 503 UF,URX upstream_reset_before_response_started\\{[^ ]+\\} - \"[^\"]+\" 0 91 [0-9]+ - \"127\\.0\\.0\\.1\" \"curl/[^\"]+\" \"[0-9a-f-]{36}\" \"broken\\.example\\.com\" \"127\\.0\\.0\\.1:$M_DEAD\" outbound\\|80\\|\\|dead\\.internal - 127\\.0\\.0\\.1:$M_HTTP 127\\.0\\.0\\.1:[0-9]+ - -$"
line_matches "access log: the TCP connection" \
  "^$t \"- - -\" 0 - - - \"-\" 12 12 [0-9]+ - \"-\" \"-\" \"-\" \"-\" \"127\\.0\\.0\\.1:$ECHO\" outbound\\|7\\|\\|echo\\.internal 127\\.0\\.0\\.1:[0-9]+ 127\\.0\\.0\\.1:$M_TCP 127\\.0\\.0\\.1:[0-9]+ - -$"
check "access log: one line per request and TCP connection" "7" "$(wc -l <"$tmp/metrics-access.log" | tr -d ' ')"
kill -TERM "$m_serve"
wait "$m_serve"

summary "serve integration"
