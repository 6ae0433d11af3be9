#!/usr/bin/env bash
# gatesim serve on loopback, driven by real clients from Debian packages (curl, nghttp,
# h2load, openssl s_client) against real backends (tests/integration/backends.py, openssl
# s_server). Usage: serve_integration_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$2
certs=$src/examples/istio/certs
here=$src/tests/integration
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # description expected actual
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then fail "$1: expected [$2], got [$3]"; fi
}
check_contains() {  # description needle haystack
  checks=$((checks + 1))
  case "$3" in *"$2"*) ;; *) fail "$1: [$2] not in: $(printf '%s' "$3" | head -c 600)" ;; esac
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  fail "port $1 never opened"
  return 1
}

HTTP=$(free_port); HTTPS=$(free_port); MTLS=$(free_port); PASS=$(free_port); TCP=$(free_port); ADMIN=$(free_port)
WEB_A=$(free_port); WEB_B=$(free_port); DB_TLS=$(free_port); ECHO=$(free_port)

python3 "$here/backends.py" http "$WEB_A" web-a & pids+=($!)
python3 "$here/backends.py" http "$WEB_B" web-b & pids+=($!)
python3 "$here/backends.py" tcp-echo "$ECHO" & pids+=($!)
openssl s_server -quiet -accept "$DB_TLS" -cert "$certs/db-example-com.pem" -key "$certs/db-example-com-key.pem" -www \
  >/dev/null 2>&1 & pids+=($!)
for p in $WEB_A $WEB_B $ECHO $DB_TLS; do wait_port "$p"; done

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
    tls:
      mode: MUTUAL
      serverCertificate: $certs/partners-example-com.pem
      privateKey: $certs/partners-example-com-key.pem
      caCertificates: $certs/ca.pem
  - port: {number: $PASS, name: tls, protocol: TLS}
    hosts: [db.example.com]
    tls: {mode: PASSTHROUGH}
  - port: {number: $TCP, name: tcp, protocol: TCP}
    hosts: ["*"]
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
YAML

"$gatesim" serve -c "$tmp/gateway.yaml" --listen-ip 127.0.0.1 --admin "127.0.0.1:$ADMIN" --key-log "$tmp/keys.log" \
  >"$tmp/access.log" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=($serve_pid)
for p in $HTTP $HTTPS $MTLS $PASS $TCP $ADMIN; do wait_port "$p" || { cat "$tmp/serve.err"; exit 1; }; done

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

# --- nghttp and h2load over TLS + h2
out=$(nghttp -n -s "https://127.0.0.1:$HTTPS/" -H ':authority: shop.example.com' 2>&1)
checks=$((checks + 1)); [ $? -eq 0 ] || fail "nghttp failed: $out"
out=$(h2load -n 200 -c 2 -m 8 -H ':authority: shop.example.com' "https://127.0.0.1:$HTTPS/load" 2>&1)
check_contains "h2load: all requests succeed" "200 succeeded, 0 failed" "$out"

# --- admin and logs
check "admin /ready" "LIVE" "$(curl -s "http://127.0.0.1:$ADMIN/ready")"
check_contains "admin /stats counts requests" "downstream_rq_total" "$(curl -s "http://127.0.0.1:$ADMIN/stats")"
check_contains "access log records NR for the unknown host" "404 NR route_not_found" "$(cat "$tmp/access.log")"
check_contains "access log records filter_chain_not_found" "NR filter_chain_not_found" "$(cat "$tmp/access.log")"
check_contains "NSS key log written" "CLIENT_HANDSHAKE_TRAFFIC_SECRET" "$(cat "$tmp/keys.log")"

# --- SIGTERM drains and exits 0
kill -TERM "$serve_pid"
for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.05; done
wait "$serve_pid"
check "serve exits 0 after SIGTERM" "0" "$?"

echo "serve integration: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
