#!/usr/bin/env bash
# gatesim conform on the fixture (tests/conformance/fixture): exit codes, the files it writes,
# and precise errors for bad flags and bad scenarios. Usage: conform_cli_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
src=$(cd "$2" && pwd)
fixture=$src/tests/conformance/fixture
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # description expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
conform() { "$gatesim" conform --scenarios "$fixture/scenarios" --spec "$fixture/spec" "$@"; }

conform -j 2 --junit "$tmp/j.xml" --json "$tmp/s.json" --report "$tmp/r.md" --gateway-api-report "$tmp/g.yaml" \
  >"$tmp/out" 2>&1
check "a failing MUST exits 1" 1 $?
check "the failing requirement is named" 1 "$(grep -c '^FAILED MUST FX-STRICT-421' "$tmp/out")"
check "JUnit parses, 2 failures" 2 "$(python3 -c "import xml.etree.ElementTree as E,sys; print(len(E.parse(sys.argv[1]).findall('.//failure')))" "$tmp/j.xml")"
check "JSON says a MUST failed" True "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['must_failed'])" "$tmp/s.json")"
check "Markdown report has the scorecard" 1 "$(grep -c '^| gateway-tls | 0/1 | 0/1 | 0/1 |' "$tmp/r.md")"
check "Gateway API report names the failed test" 1 "$(grep -c -- '- GatewayHTTPSListenerDetectMisdirectedRequests' "$tmp/g.yaml")"
conform --filter 'misdirected$' --report "$tmp/r.html" >"$tmp/out" 2>&1
check "only the strict scenario: exit 0" 0 $?
check "HTML report written" 1 "$(grep -c '<h1>gatesim conformance scorecard</h1>' "$tmp/r.html")"
# The test-only switch compiles the gateway without the 421 rule: the strict scenario that
# passes above must now fail exactly the 421 requirement.
conform --filter 'misdirected$' --test-break misdirected-421 >"$tmp/out" 2>&1
check "without the 421 rule the strict scenario fails: exit 1" 1 $?
check "... on FX-STRICT-421" 1 "$(grep -c '^FAILED MUST FX-STRICT-421' "$tmp/out")"
# The replay command a failure prints shows the same verdicts and exits 1.
"$gatesim" run "$fixture/scenarios/coalescing/misdirected-istio.yaml" --out "$tmp/run" >"$tmp/out" 2>&1
check "replay: gatesim run exits 1 on a failed expectation" 1 $?
check "replay: the failed expectation is shown" 1 "$(grep -c '^  FAILED cart-421 (FX-STRICT-421)' "$tmp/out")"
"$gatesim" run "$fixture/scenarios/coalescing/misdirected.yaml" --out "$tmp/run2" >"$tmp/out" 2>&1
check "replay: every expectation passing exits 0" 0 $?
check "... and says so" 1 "$(grep -c '^expectations: 3 passed, 0 failed' "$tmp/out")"
# --real: the same scenarios on loopback sockets (root can bind :443 on 127.x.y.N); every
# verdict must match the simulator's, the failing ones included.
conform --real -j 2 --json "$tmp/real.json" >"$tmp/out" 2>&1
check "--real: still exit 1 (the istio-mode twin fails its MUST)" 1 $?
check "--real: parity line" 1 "$(grep -c '^sim/real parity: 6 of 6 expectations give the same verdict on loopback (2 scenarios ran there' "$tmp/out")"
check "--real: parity in the JSON" 6 "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['parity']['agree'])" "$tmp/real.json")"
sed 's/delay: 25ms}/delay: 25ms, loss: 0.01}/' "$fixture/scenarios/coalescing/misdirected.yaml" \
  | sed "s|\.\./\.\./\.\./\.\./\.\./examples|$src/examples|g" >"$tmp/lossy.yaml"
"$gatesim" run --real "$tmp/lossy.yaml" >"$tmp/out" 2>&1
check "run --real refuses a scenario that needs link emulation: exit 2" 2 $?
check "... and says why" 1 "$(grep -c 'cannot run on loopback: link client-gateway loses packets' "$tmp/out")"
conform --profile nope >"$tmp/out" 2>&1
check "unknown profile: exit 2" 2 $?
check "... says which exist" 1 "$(grep -c 'no such profile (gateway-tls)' "$tmp/out")"
conform --report "$tmp/r.txt" >"$tmp/out" 2>&1
check "report name not .md/.html: exit 2" 2 $?
conform --filter '(' >"$tmp/out" 2>&1
check "bad regex: exit 2" 2 $?
mkdir -p "$tmp/scenarios"
sed 's/requirement: FX-STRICT-421/requirement: FX-STRICT-42l/' "$fixture/scenarios/coalescing/misdirected.yaml" \
  | sed "s|\.\./\.\./\.\./\.\./\.\./examples|$src/examples|g" >"$tmp/scenarios/typo.yaml"
"$gatesim" conform --scenarios "$tmp/scenarios" --spec "$fixture/spec" >"$tmp/out" 2>&1
check "a requirement id not in the spec: exit 2" 2 $?
check "... named with its place" 1 "$(grep -c 'typo.yaml.*requirement "FX-STRICT-42l" is not in the spec' "$tmp/out")"
# scenarios/README.md shows its complete example verbatim.
shown=$(awk '/<!-- example: resilience\/backend-reset-annotated.yaml -->/ {grab = 1; next}
             grab && /^```yaml/ {inside = 1; next} inside && /^```/ {exit} inside {print}' "$src/scenarios/README.md")
check "scenarios/README.md shows backend-reset-annotated.yaml verbatim" \
  "$(cat "$src/scenarios/resilience/backend-reset-annotated.yaml")" "$shown"
echo "conform cli: $failures failures"
[ "$failures" -eq 0 ]
