#!/usr/bin/env bash
# The simulator's reference load: N clients (default 200) on 4 client nodes, each a
# browser-like TLS + h2 client making a request every 100 ms for 10 simulated seconds through
# the gateway to 2 backends. Prints simulated requests per wall-clock second, simulator events
# per second, peak memory, and (with perf available) the profile split between ns-3, the
# engine and the rest. A benchmark, never a test. Usage: bench/sim_reference.sh [clients=200]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clients=${1:-200}
gatesim=${GATESIM_BUILD_DIR:-$root/build}/cli/gatesim
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$clients" "$dir/reference.yaml" "$root" <<'PY'
import sys
n, out, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
certs = root + "/examples/istio/certs"
lines = [f"""name: sim-reference
seed: 1
duration: 10s
nodes: [c0, c1, c2, c3, gateway, b0, b1]
links:
- {{between: [c0, gateway], rate: 1Gbps, delay: 5ms}}
- {{between: [c1, gateway], rate: 1Gbps, delay: 10ms}}
- {{between: [c2, gateway], rate: 1Gbps, delay: 20ms}}
- {{between: [c3, gateway], rate: 1Gbps, delay: 40ms}}
- {{between: [gateway, b0], rate: 10Gbps, delay: 500us}}
- {{between: [gateway, b1], rate: 10Gbps, delay: 500us}}
dns: {{shop.example.com: gateway}}
gateway:
  node: gateway
  config: |
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: {{name: web}}
    spec:
      servers:
      - port: {{number: 443, name: https, protocol: HTTPS}}
        hosts: ["*.example.com"]
        tls: {{mode: SIMPLE, serverCertificate: {certs}/wildcard-example-com.pem, privateKey: {certs}/wildcard-example-com-key.pem}}
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {{name: shop}}
    spec:
      hosts: [shop.example.com]
      gateways: [web]
      http: [{{route: [{{destination: {{host: shop.internal, port: {{number: 80}}}}}}]}}]
    ---
    apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata: {{name: shop}}
    spec:
      hosts: [shop.internal]
      ports: [{{number: 80, name: http, protocol: HTTP}}]
      resolution: STATIC
      endpoints: [{{address: "{{{{ip:b0}}}}", ports: {{http: 8080}}}}, {{address: "{{{{ip:b1}}}}", ports: {{http: 8080}}}}]
backends:
- {{name: b0, node: b0, port: 8080, body_bytes: 2000}}
- {{name: b1, node: b1, port: 8080, body_bytes: 2000}}
clients:"""]
for i in range(n):
    reqs = ", ".join(f"{{at: {t * 100 + i % 100}ms, path: /p{t}}}" for t in range(100))
    lines.append(f"""- name: client{i}
  node: c{i % 4}
  url: https://shop.example.com/
  alpn: [h2]
  requests: [{reqs}]""")
open(out, "w").write("\n".join(lines) + "\n")
PY
/usr/bin/time -f "%e %M" -o "$dir/time" "$gatesim" run "$dir/reference.yaml" --out "$dir/out" >"$dir/run.txt"
read -r wall rss <"$dir/time"
events=$(python3 -c "import json; print(json.load(open('$dir/out/summary.json'))['simulator_events'])")
requests=$(python3 -c "import json; print(sum(c['requests'] for c in json.load(open('$dir/out/summary.json'))['clients']))")
ok=$(python3 -c "import json; print(sum(c['statuses'].get('200',0) for c in json.load(open('$dir/out/summary.json'))['clients']))")
echo "clients=$clients simulated=10s wall=${wall}s requests=$requests (200: $ok) peak_rss=${rss}KiB"
python3 -c "print(f'simulated requests per wall second: {$requests/$wall:.0f}; simulator events per second: {$events/$wall:.0f} ({$events} events)')"
if command -v perf >/dev/null && perf record -o "$dir/perf.data" -g "$gatesim" run "$dir/reference.yaml" --out "$dir/out2" >/dev/null 2>&1; then
  perf report -i "$dir/perf.data" --no-children --stdio -g none --sort dso 2>/dev/null | grep '%' | head -12 |
    awk '{printf "  %-8s %s\n", $1, $2}'
fi
