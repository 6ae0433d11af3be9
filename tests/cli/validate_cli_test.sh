#!/usr/bin/env bash
# gatesim validate and run: exit codes and output a user sees. Usage: validate_cli_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect_exit() {  # expected-code description command...
  local want=$1 what=$2
  shift 2
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, want $want"; sed 's/^/  | /' "$tmp/out"; failures=$((failures + 1))
  fi
}
expect_output() {  # pattern description
  if ! grep -qE -- "$1" "$tmp/out"; then
    echo "FAIL: $2: output lacks /$1/"; sed 's/^/  | /' "$tmp/out"; failures=$((failures + 1))
  fi
}

expect_exit 0 "valid examples" "$gatesim" validate "$src/examples/istio/valid/01-"*.yaml
expect_output "0 errors" "valid example summary"

printf 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  servers:\n  - port: {number: 80, name: http, protocol: HTTPX}\n    hosts: ["*"]\n' >"$tmp/bad.yaml"
expect_exit 1 "an error" "$gatesim" validate "$tmp/bad.yaml"
expect_output "bad.yaml:6:46: error\[GS103\]: Gateway default/gw: spec.servers\[0\].port.protocol: unknown protocol" "error line"

expect_exit 2 "missing file" "$gatesim" validate "$tmp/none.yaml"
expect_output "error\[GS001\]" "missing file message"
expect_exit 2 "no arguments" "$gatesim" validate
expect_exit 2 "unknown flag" "$gatesim" validate --frobnicate "$tmp/bad.yaml"
expect_exit 2 "unknown subcommand" "$gatesim" frobnicate
expect_exit 2 "bad output format" "$gatesim" validate -o xml "$tmp/bad.yaml"

head -c 200000 /dev/urandom >"$tmp/random.yaml"
expect_exit 1 "binary file" "$gatesim" validate "$tmp/random.yaml"
expect_output "error\[GS003\]" "binary message"

expect_exit 1 "json output" "$gatesim" validate -o json "$tmp/bad.yaml"
expect_output '"code": "GS103"' "json code"

"$gatesim" validate - <"$tmp/bad.yaml" >"$tmp/out" 2>&1
[ $? -eq 1 ] || { echo "FAIL: stdin exit"; failures=$((failures + 1)); }
expect_output "^<stdin>:6:46: error\[GS103\]" "stdin input"

# Diagnostics come out in file order whichever pass found them.
"$gatesim" validate "$src/examples/istio/invalid/12-"*.yaml >"$tmp/out" 2>&1
lines=$(grep -oE '^[^ ]+:[0-9]+:[0-9]+:' "$tmp/out" | cut -d: -f2)
if [ "$lines" != "$(printf '%s\n' $lines | sort -n)" ]; then
  echo "FAIL: diagnostics not in line order"; failures=$((failures + 1))
fi

# gatesim run: a broken scenario is refused before anything runs; bad flags are usage errors.
printf 'name: bad\nnodes: [client, gateway]\nlinks: [{between: [client, gateway], rate: 1Mbps, delay: 5ms}]\ngateway: {node: gateway, config: ""}\nfaults: [{at: 1s, gateway: reboot}]\n' >"$tmp/bad-scenario.yaml"
expect_exit 2 "broken scenario" "$gatesim" run "$tmp/bad-scenario.yaml"
expect_output "bad-scenario.yaml:5:28: error\[GS013\]: Scenario: faults\[0\].gateway: gateway faults are" "scenario error line"
expect_exit 2 "missing scenario" "$gatesim" run "$tmp/none.yaml"
expect_exit 2 "bad seed" "$gatesim" run --seed minus-one "$src/scenarios/latency-faults/lossy-download.yaml"

if [ "$failures" -eq 0 ]; then echo "validate CLI: all checks passed"; fi
exit "$failures"
