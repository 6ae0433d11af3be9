#!/usr/bin/env bash
# gRPC through gatesim serve on loopback, with Debian's gRPC C++ library on both ends
# (tests/integration/grpc: grpc_probe_client, grpc_probe_server): unary OK with the reply and
# trailing metadata intact, a server error status with its message, the route timeout and the
# client's deadline as DEADLINE_EXCEEDED, a fault abort as UNAVAILABLE, and the same over TLS.
# The backend port is declared GRPC (ServiceEntry protocol, Service port name or appProtocol,
# or HTTP upgraded by a DestinationRule), so the gateway speaks HTTP/2 to it; declared plain
# HTTP, it speaks HTTP/1.1 and the call fails.
# Usage: grpc_integration_test.sh GATESIM SOURCE_DIR GRPC_PROBE_SERVER GRPC_PROBE_CLIENT
set -u
gatesim=$1
src=$(cd "$2" && pwd)
probe_server=$3
probe_client=$4
source "$src/tests/integration/lib.sh"

HTTP=$(free_port); HTTPS=$(free_port); GRPC=$(free_port)
"$probe_server" "$GRPC" grpc-a >"$tmp/server.out" 2>"$tmp/server.err" & pids+=($!)
wait_port "$GRPC" || { cat "$tmp/server.err"; exit 1; }

virtual_service() {  # name destination-host port [extra route fields as one YAML flow line]
  cat <<YAML
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: $1, namespace: edge}
spec:
  hosts: [$1.example.com]
  gateways: [edge]
  http: [{route: [{destination: {host: $2, port: {number: $3}}}]${4:+, $4}}]
YAML
}
kube_service() {  # name port-fields: a selector-less Service and its EndpointSlice to the server
  cat <<YAML
---
apiVersion: v1
kind: Service
metadata: {name: $1, namespace: edge}
spec:
  ports: [{port: 9000, targetPort: $GRPC, $2}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: $1, namespace: edge, labels: {kubernetes.io/service-name: $1}}
addressType: IPv4
ports: [{port: $GRPC, protocol: TCP, $2}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
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
    hosts: ["*.example.com"]
  - port: {number: $HTTPS, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, serverCertificate: $certs/wildcard-example-com.pem, privateKey: $certs/wildcard-example-com-key.pem}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: probe, namespace: edge}
spec:
  hosts: [probe.internal]
  ports: [{number: 50051, name: grpc, protocol: GRPC}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {grpc: $GRPC}}]
---
# The same server declared HTTP: HTTP/1.1 upstream unless a DestinationRule upgrades it.
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: probe-http, namespace: edge}
spec:
  hosts: [probe-http.internal, probe-upgraded.internal]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: $GRPC}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: probe-upgraded, namespace: edge}
spec:
  host: probe-upgraded.internal
  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}
YAML
  virtual_service grpc probe.internal 50051
  virtual_service grpc-timeout probe.internal 50051 "timeout: 0.3s"
  virtual_service grpc-fault probe.internal 50051 "fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}"
  virtual_service grpc-named probe-named.edge.svc.cluster.local 9000
  virtual_service grpc-app-protocol probe-app-protocol.edge.svc.cluster.local 9000
  virtual_service grpc-http probe-http.internal 8080
  virtual_service grpc-upgraded probe-upgraded.internal 8080
  kube_service probe-named "name: grpc"
  kube_service probe-app-protocol "name: api, appProtocol: grpc"
} >"$tmp/grpc.yaml"

start_serve "$tmp/grpc.yaml" --seed 5 --wait "$HTTP" --wait "$HTTPS"

call() {  # host-prefix, then grpc_probe_client options: the client's report
  local host=$1
  shift
  "$probe_client" --target "127.0.0.1:$HTTP" --authority "$host.example.com" "$@" 2>&1
}
field() { sed -n "s/^$1: //p" <<<"$2"; }  # key report
calls_of() { grep -cx "call $1" "$tmp/server.out"; }  # text: how many calls the server saw with it
path=/gatesim.probe.Probe/Call

# --- control: the client and server agree without the gateway
out=$("$probe_client" --target "127.0.0.1:$GRPC" --text direct --trailer t-0 2>&1)
check "direct: OK" "0" "$(field code "$out")"
check "direct: reply" "echo: direct" "$(field reply.text "$out")"
check "direct: trailing metadata" "t-0" "$(field 'trailer x-probe-trailer' "$out")"

# --- unary OK through the gateway: message and trailers intact
mark_log
out=$(call grpc --text hello --trailer t-1)
check "OK: status code" "0" "$(field code "$out")"
check "OK: reply message intact" "echo: hello" "$(field reply.text "$out")"
check "OK: reply from the backend" "grpc-a" "$(field reply.server "$out")"
check "OK: custom trailing metadata intact" "t-1" "$(field 'trailer x-probe-trailer' "$out")"
check "OK: server's trailing metadata intact" "grpc-a" "$(field 'trailer x-probe-server' "$out")"
check "OK: access log (h2 downstream, upstream reached)" "200 - via_upstream \"127.0.0.1:$GRPC\"" \
  "$(log_fields POST "$path" 1 2 3 14)"
check "OK: the server saw the call once" "1" "$(calls_of hello)"

# --- how the backend's protocol is declared decides HTTP/2 upstream
for how in named app-protocol upgraded; do
  out=$(call grpc-$how --text "declared-$how")
  check "backend declared by $how: OK through h2" "0 echo: declared-$how" "$(field code "$out") $(field reply.text "$out")"
done
out=$(call grpc-http --text declared-http)
check "backend declared HTTP: HTTP/1.1 to a gRPC server fails, UNAVAILABLE" "14" "$(field code "$out")"
check "backend declared HTTP: the server never saw the call" "0" "$(calls_of declared-http)"

# --- the server's error status, message and trailers
out=$(call grpc --text missing --status-code 5 --status-message "no such thing" --trailer t-2)
check "error: NOT_FOUND from the server" "5" "$(field code "$out")"
check "error: message intact" "no such thing" "$(field message "$out")"
check "error: trailing metadata intact" "t-2" "$(field 'trailer x-probe-trailer' "$out")"

# --- deadlines
mark_log
out=$(call grpc-timeout --text slow-route --sleep-ms 2000)
check "VS timeout 0.3s < server's 2s: DEADLINE_EXCEEDED" "4" "$(field code "$out")"
check "VS timeout: Envoy's message" "upstream request timeout" "$(field message "$out")"
check_between "VS timeout: after ~0.3s (ms; the engine's libevent timers may fire a few ms early)" 290 900 "$(field elapsed_ms "$out")"
check "VS timeout: access log 200 UT" "200 UT upstream_response_timeout" "$(log_fields POST "$path" 1 2 3)"
out=$(call grpc --text slow-client --sleep-ms 2000 --deadline-ms 300)
check "client deadline 0.3s < server's 2s: DEADLINE_EXCEEDED" "4" "$(field code "$out")"
check_between "client deadline: after ~0.3s (ms)" 290 900 "$(field elapsed_ms "$out")"
out=$(call grpc --text in-time --sleep-ms 200 --deadline-ms 3000)
check "deadline longer than the work: OK" "0 echo: in-time" "$(field code "$out") $(field reply.text "$out")"

# --- fault abort with a gRPC status
mark_log
out=$(call grpc-fault --text aborted)
check "abort grpcStatus UNAVAILABLE: code 14" "14" "$(field code "$out")"
check "abort: message" "fault filter abort" "$(field message "$out")"
check "abort: access log 200 FI" "200 FI fault_filter_abort" "$(log_fields POST "$path" 1 2 3)"
check "abort: the server never saw the call" "0" "$(calls_of aborted)"

# --- over TLS (h2 by ALPN), certificate checked by the gRPC client
mark_log
out=$("$probe_client" --target "127.0.0.1:$HTTPS" --ca "$certs/ca.pem" --tls-name grpc.example.com \
  --authority grpc.example.com --text secure --trailer t-3 2>&1)
check "TLS: OK with reply and trailers" "0 echo: secure t-3" \
  "$(field code "$out") $(field reply.text "$out") $(field 'trailer x-probe-trailer' "$out")"
check "TLS: SNI grpc.example.com in the access log" "200 grpc.example.com" "$(log_fields POST "$path" 1 19)"

summary "gRPC integration"
