# Shared by the bench/ scripts (sourced): the build of gatesim they measure, a temp folder and
# the processes to stop on exit, ports, and the nginx backend answering a 2-byte body that every
# comparison routes to. Sets: root, gatesim, certs, tmp, pids, BACK.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/bootstrap.sh" --bench
build=${GATESIM_BUILD_DIR:-$root/build}
# Only gatesim is needed: in a configured build folder (a Release one, say) build just it.
if [ -f "$build/build.ninja" ]; then
  cmake --build "$build" -j "${GATESIM_JOBS:-2}" --target gatesim >/dev/null
else
  bash "$root/scripts/build.sh" >/dev/null
fi
gatesim=$build/cli/gatesim
certs=$root/examples/istio/certs
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

BACK=$(free_port)
cat >"$tmp/backend.conf" <<CONF
worker_processes 1; pid $tmp/backend.pid; error_log $tmp/backend.err; daemon off;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$BACK; keepalive_requests 1000000; location / { return 200 "ok"; } } }
CONF
nginx -c "$tmp/backend.conf" & pids+=($!)
wait_port "$BACK"
