#!/usr/bin/env bash
# Measures `gatesim validate` (load + validate + analyse + compile) on a generated
# configuration the size of a large platform: N Services with Endpoints, N VirtualServices
# with 3 rules each, one Gateway with N/10 HTTPS servers. Prints wall time and peak RSS.
# Usage: bench/config_load.sh [N=1000]  (a benchmark, never a test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
gatesim=${GATESIM_BUILD_DIR:-$root/build}/cli/gatesim
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$n" "$dir/config.yaml" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
docs = []
servers = []
for g in range(max(1, n // 10)):
    servers.append(f"""  - port: {{number: 443, name: https-{g}, protocol: HTTPS}}
    hosts: ["team{g}.example.com", "*.team{g}.example.com"]
    tls: {{mode: SIMPLE, serverCertificate: /nonexistent/cert.pem, privateKey: /nonexistent/key.pem}}""")
docs.append("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: edge, namespace: istio-system}\n"
            "spec:\n  selector: {istio: ingressgateway}\n  servers:\n" + "\n".join(servers))
for i in range(n):
    team = i % max(1, n // 10)
    docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: svc{i}, namespace: apps}}
spec:
  selector: {{app: svc{i}}}
  ports: [{{name: http, port: 8080}}]""")
    docs.append(f"""apiVersion: v1
kind: Endpoints
metadata: {{name: svc{i}, namespace: apps}}
subsets:
- addresses: [{{ip: 10.{i // 250}.{i % 250}.1}}, {{ip: 10.{i // 250}.{i % 250}.2}}]
  ports: [{{name: http, port: 8080}}]""")
    docs.append(f"""apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: vs{i}, namespace: apps}}
spec:
  hosts: ["app{i}.team{team}.example.com"]
  gateways: [istio-system/edge]
  http:
  - match: [{{uri: {{prefix: /api/}}, headers: {{x-canary: {{exact: "1"}}}}}}]
    route: [{{destination: {{host: svc{i}, subset: v2}}}}]
  - match: [{{uri: {{regex: "/items/[0-9]+"}}}}]
    retries: {{attempts: 3, retryOn: "5xx,connect-failure"}}
    route: [{{destination: {{host: svc{i}}}, weight: 90}}, {{destination: {{host: svc{i}, subset: v2}}, weight: 10}}]
  - route: [{{destination: {{host: svc{i}}}}}]""")
    docs.append(f"""apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: dr{i}, namespace: apps}}
spec:
  host: svc{i}
  subsets: [{{name: v2, labels: {{version: v2}}}}]""")
open(out, "w").write("\n---\n".join(docs) + "\n")
PY
size=$(du -h "$dir/config.yaml" | cut -f1)
/usr/bin/time -f "%e s wall, %M KiB peak RSS" "$gatesim" validate -q "$dir/config.yaml" >"$dir/out" 2>"$dir/time" || true
echo "N=$n: $(grep -c . "$dir/out") output lines; $(tail -2 "$dir/out" | head -1)"
echo "input $size: $(cat "$dir/time")"
