#!/usr/bin/env bash
# The README's main command: builds gatesim, checks the bundled example configurations the
# way `istioctl analyze` would, then runs the conformance suite — every bundled scenario in
# the simulator (ns-3 links, the real engine, scripted clients, each scenario's seed) scored
# against the spec in conformance/ — and prints the scorecard. Reports (JUnit, JSON, Markdown,
# Gateway API ConformanceReport) go to runs/conform/.
# Exit 0 when every example is judged right and no MUST requirement fails; 1 otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
gatesim=${GATESIM_BUILD_DIR:-$root/build}/cli/gatesim
examples=$root/examples/istio
pass=0
fail=0
for file in "$examples"/valid/*.yaml "$examples"/invalid/*.yaml; do
  name=${file#"$examples"/}
  "$gatesim" validate -q "$file" >/dev/null 2>&1 && code=0 || code=$?
  case "$name" in
    valid/*) want=0 ;;
    *) want=1 ;;
  esac
  if [ "$code" -eq "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "example $name: gatesim validate exited $code, expected $want"
  fi
done
echo "examples: $pass judged right, $fail wrong (gatesim validate over examples/istio)"
echo
out=$root/runs/conform
mkdir -p "$out"
cd "$root"
echo "gatesim conform (scenarios/ against conformance/, in the simulator):"
status=0
"$gatesim" conform -j "$(nproc)" --junit "$out/junit.xml" --json "$out/scorecard.json" --report "$out/report.md" \
  --gateway-api-report "$out/gateway-api-report.yaml" || status=$?
echo "reports: $out/{junit.xml,scorecard.json,report.md,gateway-api-report.yaml}"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
