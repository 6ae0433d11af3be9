#!/usr/bin/env bash
# Routing through gatesim serve on loopback with real clients: HTTP/2 connection coalescing
# (one TLS connection, two authorities: 404 NR in istio mode, 421 in strict mode), redirects
# (codes and Location values, server-level httpsRedirect) and a weighted split checked against
# exact binomial bounds. Usage: routing_integration_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"

HTTP=$(free_port); SECURE_HTTP=$(free_port); ISTIO_TLS=$(free_port); STRICT_TLS=$(free_port)
WEB_A=$(free_port); WEB_B=$(free_port); SPLIT_A=$(free_port); SPLIT_B=$(free_port)
backend http "$WEB_A" web-a
backend http "$WEB_B" web-b
backend http "$SPLIT_A" split-a
backend http "$SPLIT_B" split-b

service_entry() {  # name port: a ServiceEntry NAME.internal:80 on 127.0.0.1:PORT
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: $1, namespace: edge}
spec:
  hosts: [$1.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $2}}]
YAML
}
# Two HTTPS servers on one port, one host each, sharing the *.example.com certificate: the
# shape that makes browsers coalesce. Same servers twice: default mode and strict mode.
coalescing_gateway() {  # name port [strict]
  local annotations="{}"
  [ $# -gt 2 ] && annotations="{gatesim.io/misdirected-requests: strict}"
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: $1, namespace: edge, annotations: $annotations}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: $2, name: https-a, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, serverCertificate: $certs/wildcard-example-com.pem, privateKey: $certs/wildcard-example-com-key.pem}
  - port: {number: $2, name: https-b, protocol: HTTPS}
    hosts: [b.example.com]
    tls: {mode: SIMPLE, serverCertificate: $certs/wildcard-example-com.pem, privateKey: $certs/wildcard-example-com-key.pem}
YAML
}
{
  cat <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: $HTTP, name: http, protocol: HTTP}
    hosts: [redirect.example.com, split.example.com]
  - port: {number: $SECURE_HTTP, name: http-secure, protocol: HTTP}
    hosts: [secure.example.com]
    tls: {httpsRedirect: true}
YAML
  coalescing_gateway coalesce-istio "$ISTIO_TLS"
  coalescing_gateway coalesce-strict "$STRICT_TLS" strict
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: edge}
spec:
  hosts: [a.example.com]
  gateways: [coalesce-istio, coalesce-strict]
  http: [{route: [{destination: {host: web-a.internal}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: edge}
spec:
  hosts: [b.example.com]
  gateways: [coalesce-istio, coalesce-strict]
  http: [{route: [{destination: {host: web-b.internal}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: secure, namespace: edge}
spec:
  hosts: [secure.example.com]
  gateways: [edge]
  http: [{route: [{destination: {host: web-a.internal}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: redirects, namespace: edge}
spec:
  hosts: [redirect.example.com]
  gateways: [edge]
  http:
  - {match: [{uri: {exact: /old}}], redirect: {uri: /new}}
  - {match: [{uri: {prefix: /moved}}], redirect: {authority: other.example.com, redirectCode: 302}}
  - {match: [{uri: {prefix: /secure}}], redirect: {scheme: https, port: 8443, redirectCode: 308}}
  - {match: [{uri: {prefix: /default-port}}], redirect: {scheme: https, derivePort: FROM_PROTOCOL_DEFAULT}}
  - {match: [{uri: {prefix: /same-port}}], redirect: {authority: elsewhere.example.com, derivePort: FROM_REQUEST_PORT, redirectCode: 303}}
  - {match: [{uri: {prefix: /query}}], redirect: {uri: "/replaced?y=2", redirectCode: 307}}
  - {match: [{uri: {prefix: /docs/}}], redirect: {prefixRewrite: /manual/}}
  - route: [{destination: {host: web-a.internal}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: split, namespace: edge}
spec:
  hosts: [split.example.com]
  gateways: [edge]
  http:
  - route:
    - {destination: {host: split-a.internal}, weight: 70}
    - {destination: {host: split-b.internal}, weight: 30}
YAML
  service_entry web-a "$WEB_A"
  service_entry web-b "$WEB_B"
  service_entry split-a "$SPLIT_A"
  service_entry split-b "$SPLIT_B"
} >"$tmp/routing.yaml"

start_serve "$tmp/routing.yaml" --seed 7 --wait "$HTTP" --wait "$SECURE_HTTP" --wait "$ISTIO_TLS" --wait "$STRICT_TLS"

# --- coalescing: one TLS connection (SNI a.example.com) carries a.example.com then b.example.com
coalesce() {  # port: runs the h2 client; prints its output
  "$debian_python" "$here/h2_requests.py" "$1" a.example.com "$certs/ca.pem" \
    a.example.com "/coalesce-$1-a" b.example.com "/coalesce-$1-b" c.example.com "/coalesce-$1-c" 2>&1
}
for mode in istio strict; do
  if [ "$mode" = istio ]; then port=$ISTIO_TLS; b_status=404; b_flags="NR route_not_found"
  else port=$STRICT_TLS; b_status=421; b_flags="- misdirected_request"; fi
  out=$(coalesce "$port")
  client_port=$(sed -n 's/^local_port //p' <<<"$out")
  check "$mode: authority matching the SNI server" "a.example.com /coalesce-$port-a 200" "$(sed -n 2p <<<"$out")"
  check "$mode: other server's authority on the same connection" "b.example.com /coalesce-$port-b $b_status" \
    "$(sed -n 3p <<<"$out")"
  check "$mode: authority no server on the port names: 404" "c.example.com /coalesce-$port-c 404" "$(sed -n 4p <<<"$out")"
  # The access log proves the three requests came over one connection with SNI a.example.com.
  for host in a b c; do
    check "$mode: request for $host.example.com on the client's one connection, SNI a.example.com" \
      "127.0.0.1:$client_port a.example.com" "$(log_fields GET "/coalesce-$port-$host" 18 19)"
  done
  check "$mode: a.example.com routed to web-a" "200 via_upstream \"127.0.0.1:$WEB_A\"" \
    "$(log_fields GET "/coalesce-$port-a" 1 3 14)"
  check "$mode: b.example.com answered locally" "$b_status $b_flags \"-\"" "$(log_fields GET "/coalesce-$port-b" 1 2 3 14)"
  check "$mode: c.example.com has no route" "404 NR route_not_found" "$(log_fields GET "/coalesce-$port-c" 1 2 3)"
  # The same over HTTP/1.1 (curl, SNI a.example.com, Host b.example.com).
  check "$mode: HTTP/1.1 over TLS, Host of the other server" "$b_status" \
    "$(curl -s --http1.1 -o /dev/null -w '%{http_code}' --cacert "$certs/ca.pem" \
      --resolve "a.example.com:$port:127.0.0.1" -H 'host: b.example.com' "https://a.example.com:$port/h1")"
done
# b.example.com over its own connection is served in both modes.
for port in $ISTIO_TLS $STRICT_TLS; do
  out=$("$debian_python" "$here/h2_requests.py" "$port" b.example.com "$certs/ca.pem" b.example.com "/own-$port" 2>&1)
  check "b.example.com on its own connection (port $port)" "b.example.com /own-$port 200" "$(sed -n 2p <<<"$out")"
done

# --- redirects: exact status and Location
redirect() {  # path [host header]: "STATUS LOCATION" of the gateway's answer
  local host=${2:-redirect.example.com:$HTTP} port=$HTTP
  [ $# -gt 2 ] && port=$3
  curl -s -o /dev/null -D - -H "host: $host" "http://127.0.0.1:$port$1" |
    awk 'NR == 1 { s = $2 } tolower($1) == "location:" { l = $2 } END { print s, l }' | tr -d '\r'
}
web_a_before=$(backend_count "$WEB_A")
check "uri (default 301), Host port kept" "301 http://redirect.example.com:$HTTP/new?x=1" "$(redirect '/old?x=1')"
check "authority, 302: the request's port dropped" "302 http://other.example.com/moved/a" "$(redirect /moved/a)"
check "scheme https + port 8443, 308, query kept" "308 https://redirect.example.com:8443/secure/p?q=1" \
  "$(redirect '/secure/p?q=1')"
check "derivePort FROM_PROTOCOL_DEFAULT with https: 443 omitted" "301 https://redirect.example.com/default-port" \
  "$(redirect /default-port)"
check "derivePort FROM_REQUEST_PORT, 303" "303 http://elsewhere.example.com:$HTTP/same-port" "$(redirect /same-port)"
check "FROM_REQUEST_PORT, Host without a port: the listener's port" \
  "303 http://elsewhere.example.com:$HTTP/same-port" "$(redirect /same-port redirect.example.com)"
check "uri with its own query replaces the request's, 307" "307 http://redirect.example.com:$HTTP/replaced?y=2" \
  "$(redirect '/query?x=1')"
check "prefixRewrite replaces the matched prefix" "301 http://redirect.example.com:$HTTP/manual/a/b?z=1" \
  "$(redirect '/docs/a/b?z=1')"
check "no redirect rule: routed" "200 " "$(redirect /plain)"
check "redirects never reach the backend (only /plain did)" "$((web_a_before + 1))" "$(backend_count "$WEB_A")"
check "httpsRedirect server: 301 to https, Host verbatim" "301 https://secure.example.com/login?next=1" \
  "$(redirect '/login?next=1' secure.example.com "$SECURE_HTTP")"
check "httpsRedirect with a port in Host keeps it" "301 https://secure.example.com:$SECURE_HTTP/login" \
  "$(redirect /login "secure.example.com:$SECURE_HTTP" "$SECURE_HTTP")"
check "httpsRedirect: access log" "301 - via_require_tls" "$(log_fields GET /login 1 2 3)"

# --- weighted split 70/30 over one keep-alive connection, within exact binomial bounds
n=1000
out=$(curl -s --http1.1 -H 'host: split.example.com' -o /dev/null -w '%{http_code} %{num_connects}\n' \
  "http://127.0.0.1:$HTTP/split/[1-$n]")
check "split: every request answered 200" "$n" "$(grep -c '^200 ' <<<"$out")"
check "split: one connection for all requests" "1" "$(awk '{ s += $2 } END { print s }' <<<"$out")"
a=$(backend_count "$SPLIT_A"); b=$(backend_count "$SPLIT_B")
check "split: the backends together saw every request" "$n" "$((a + b))"
read -r low high < <("$debian_python" "$here/binomial_bounds.py" "$n" 70 30 1e-6)
check "split: binomial bounds computed (n=$n, p=0.7, tail 1e-6)" "628 769" "$low $high"
check_between "split: split-a's share of $n (seed 7)" "$low" "$high" "$a"
echo "split: split-a $a, split-b $b of $n"

summary "routing integration"
