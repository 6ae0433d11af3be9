#!/usr/bin/env bash
# The bundled suite (scenarios/ against conformance/): every MUST and SHOULD passes, and the
# test-only switch that compiles the gateway without the 421 rule fails exactly the 421
# requirements and nothing else. Usage: conform_suite_test.sh GATESIM SOURCE_DIR
set -u
gatesim=$1
cd "$2" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # description expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
failed_ids() {  # scorecard.json -> failed requirement ids, sorted, space-separated
  python3 -c "
import json, sys
card = json.load(open(sys.argv[1]))
print(' '.join(sorted(r['id'] for p in card['profiles'] for r in p['requirements'] if r['status'] == 'failed')))" "$1"
}
"$gatesim" conform -j 2 --json "$tmp/ok.json" >"$tmp/ok.out" 2>&1
check "the bundled suite passes" 0 $?
check "no requirement fails" "" "$(failed_ids "$tmp/ok.json")"
check "none is untested" 0 "$(python3 -c "import json,sys; print(sum(r['status']=='untested' for p in json.load(open(sys.argv[1]))['profiles'] for r in p['requirements']))" "$tmp/ok.json")"
"$gatesim" conform -j 2 --test-break misdirected-421 --json "$tmp/broken.json" >"$tmp/broken.out" 2>&1
check "without the 421 rule: exit 1" 1 $?
check "exactly the 421 requirements fail" \
  "SNI-COALESCE-421-LOCAL SNI-COALESCE-421-RECOVERY SNI-COALESCE-STRICT-421 SNI-COALESCE-STRICT-MORE-SPECIFIC" \
  "$(failed_ids "$tmp/broken.json")"
echo "conform suite: $failures failures"
[ "$failures" -eq 0 ]
