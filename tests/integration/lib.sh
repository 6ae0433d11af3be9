# Shared helpers of the loopback integration scripts (sourced, not run). The script sets
# `gatesim` and `src` first; this file gives it a temp dir cleaned on exit, process
# bookkeeping, check helpers with precise messages, free ports, and access-log lookups.
certs=$src/examples/istio/certs
here=$src/tests/integration
# Debian's interpreter: it has python3-h2, and starts at once (a python3 shim earlier on PATH
# may lack the module and take 0.2 s a start).
debian_python=/usr/bin/python3
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
check_between() {  # description low high actual (numbers, inclusive)
  checks=$((checks + 1))
  if ! awk -v lo="$2" -v hi="$3" -v x="$4" 'BEGIN { exit !(x != "" && x + 0 == x && x >= lo && x <= hi) }'; then
    fail "$1: expected within [$2, $3], got [$4]"
  fi
}
summary() {  # name: the plain closing line, and the exit status
  echo "$1: $((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
free_port() { "$debian_python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  fail "port $1 never opened"
  return 1
}
backend() {  # backends.py arguments...: started in the background, waited for
  "$debian_python" "$here/backends.py" "$@" & pids+=($!)
  wait_port "$2"
}
backend_count() {  # port: requests the backends.py server on it has answered
  curl -s "http://127.0.0.1:$1/_count"
}
start_serve() {  # config file, then more gatesim serve arguments; waits for the given ports
  local config=$1
  shift
  local args=() ports=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--wait" ]; then ports+=("$2"); shift 2; else args+=("$1"); shift; fi
  done
  "$gatesim" serve -c "$config" --listen-ip 127.0.0.1 "${args[@]}" >"$tmp/access.log" 2>"$tmp/serve.err" &
  serve_pid=$!
  pids+=($serve_pid)
  for p in "${ports[@]}"; do
    wait_port "$p" || { cat "$tmp/serve.err"; exit 1; }
    # Open is not enough: another process may have taken a port free_port handed out.
    for _ in $(seq 1 40); do
      grep -qxE "(listening|admin) on 127.0.0.1:$p" "$tmp/serve.err" && continue 2
      sleep 0.05
    done
    echo "FAIL: gatesim serve is not the one listening on $p:"
    cat "$tmp/serve.err"
    exit 1
  done
}
log_since=0
mark_log() { log_since=$(wc -l <"$tmp/access.log"); }  # later lookups see only lines after this
log_line() {  # method path: the last access-log line of that request (waits up to 2 s for it)
  local line
  for _ in $(seq 1 40); do
    line=$(tail -n +$((log_since + 1)) "$tmp/access.log" 2>/dev/null | grep -F "\"$1 $2 " | tail -1)
    [ -n "$line" ] && break
    sleep 0.05
  done
  printf '%s' "$line"
}
# The fields of Istio's default access-log line after the quoted request line, by position
# (a quoted field, spaces and all, is one field and keeps its quotes): 1 code, 2 flags,
# 3 details, 4 connection termination details, 5 "upstream transport failure reason",
# 6 bytes received, 7 bytes sent, 8 duration ms, 9 upstream service time, 10 "x-forwarded-for",
# 11 "user-agent", 12 "x-request-id", 13 "authority", 14 "upstream host", 15 cluster,
# 16 upstream local, 17 downstream local, 18 downstream remote, 19 requested server name,
# 20 route name.
log_fields() {  # method path field-numbers...: e.g. log_fields GET /x 1 2 -> "504 UT"
  local method=$1 path=$2
  shift 2
  log_line "$method" "$path" | python3 -c '
import re, sys
line = sys.stdin.read()
rest = re.sub(r"^\[[^]]*\] \"[^\"]*\" ", "", line.strip())
fields = re.findall(r"\"[^\"]*\"|\S+", rest)
print(" ".join(fields[int(n) - 1] if int(n) <= len(fields) else "" for n in sys.argv[1:]))' "$@"
}
