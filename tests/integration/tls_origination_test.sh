#!/usr/bin/env bash
# DestinationRule TLS origination (SIMPLE and MUTUAL) from `gatesim serve` to real TLS servers
# (openssl s_server -www, which answers any request with an HTTP/1.0 status page): certificate
# verification against caCertificates, Istio's auto SNI (the request's host) and an explicit
# sni, client certificates, and 503 UF when the handshake or the verification fails.
# Usage: tls_origination_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"  # tmp dir, pids, check helpers, free_port, wait_port

HTTP=$(free_port); PLAIN_TLS=$(free_port); MUTUAL_TLS=$(free_port)
openssl s_server -quiet -www -accept "$PLAIN_TLS" -cert "$certs/db-example-com.pem" -key "$certs/db-example-com-key.pem" \
  >/dev/null 2>&1 & pids+=($!)
# -Verify: a client certificate is required and checked against the CA.
openssl s_server -quiet -www -accept "$MUTUAL_TLS" -cert "$certs/db-example-com.pem" -key "$certs/db-example-com-key.pem" \
  -Verify 1 -CAfile "$certs/ca.pem" >/dev/null 2>&1 & pids+=($!)
wait_port "$PLAIN_TLS"; wait_port "$MUTUAL_TLS"

service() {  # name port
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: $1, namespace: edge}
spec:
  hosts: [$1.internal]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {https: $2}}]
YAML
}
rule() {  # name tls-settings
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: $1, namespace: edge}
spec:
  host: $1.internal
  trafficPolicy: {tls: $2}
YAML
}
route() {  # authority service
  echo "  - {match: [{authority: {exact: $1}}], route: [{destination: {host: $2.internal, port: {number: 443}}}]}"
}
{
  cat <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  servers: [{port: {number: $HTTP, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: routes, namespace: edge}
spec:
  hosts: ["*"]
  gateways: [gw]
  http:
YAML
  route db.example.com auto-sni
  route other.example.com auto-sni
  route pinned.example.com pinned-sni
  route mutual.example.com mutual
  route nocert.example.com nocert
  route untrusted.example.com untrusted
  service auto-sni "$PLAIN_TLS"; rule auto-sni "{mode: SIMPLE, caCertificates: $certs/ca.pem}"
  service pinned-sni "$PLAIN_TLS"; rule pinned-sni "{mode: SIMPLE, caCertificates: $certs/ca.pem, sni: db.example.com}"
  service mutual "$MUTUAL_TLS"
  rule mutual "{mode: MUTUAL, caCertificates: $certs/ca.pem, sni: db.example.com, clientCertificate: $certs/partner-client.pem, privateKey: $certs/partner-client-key.pem}"
  service nocert "$MUTUAL_TLS"; rule nocert "{mode: SIMPLE, caCertificates: $certs/ca.pem, sni: db.example.com}"
  # Trusting the server's own certificate as the only CA does not make its chain verify.
  service untrusted "$PLAIN_TLS"; rule untrusted "{mode: SIMPLE, caCertificates: $certs/wildcard-example-com.pem, sni: db.example.com}"
} >"$tmp/gateway.yaml"

"$gatesim" serve -c "$tmp/gateway.yaml" --listen-ip 127.0.0.1 >"$tmp/serve.log" 2>&1 & pids+=($!)
wait_port "$HTTP"

status() { curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 -H "Host: $1" "http://127.0.0.1:$HTTP/"; }
flags_of() { grep "\"$1\"" "$tmp/serve.log" | tail -1 | awk '{print $6}'; }  # RESPONSE_FLAGS column

check "SIMPLE, auto SNI = request host, certificate verified" 200 "$(status db.example.com)"
check "the origin's page came through" yes "$(grep -q 'Ciphers' "$tmp/body" && echo yes)"
check "auto SNI other.example.com does not match the certificate: 503" 503 "$(status other.example.com)"
# Istio's default retry policy retries connect failures twice: "503 UF,URX".
check "... flagged UF,URX" UF,URX "$(flags_of other.example.com)"
check "explicit sni verifies whatever the request host" 200 "$(status pinned.example.com)"
check "MUTUAL with the client certificate" 200 "$(status mutual.example.com)"
check "SIMPLE against a server that requires a client certificate: 503" 503 "$(status nocert.example.com)"
check "a CA that did not sign the server's certificate: 503" 503 "$(status untrusted.example.com)"
check "... flagged UF,URX" UF,URX "$(flags_of untrusted.example.com)"

summary "TLS origination"
