#!/usr/bin/env bash
# The README's main command. Until the conformance runner lands this validates every bundled
# example configuration the way `istioctl analyze` would, then runs every bundled scenario in
# the simulator and prints its summary; later it prints the conformance scorecard.
# Exit 0 when every valid example is clean, every broken one is caught and every scenario ran.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
gatesim=${GATESIM_BUILD_DIR:-$root/build}/cli/gatesim
examples=$root/examples/istio
pass=0
fail=0
printf '%-58s %-8s %s\n' "example" "verdict" "gatesim validate says"
for file in "$examples"/valid/*.yaml "$examples"/invalid/*.yaml; do
  name=${file#"$examples"/}
  out=$("$gatesim" validate -q "$file" 2>&1) && code=0 || code=$?
  summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ resources' || true)
  case "$name" in
    valid/*) want=0 ;;
    *) want=1 ;;
  esac
  if [ "$code" -eq "$want" ]; then verdict=ok; pass=$((pass + 1)); else verdict=WRONG; fail=$((fail + 1)); fi
  printf '%-58s %-8s %s\n' "$name" "$verdict" "$summary"
done
echo
echo "Detail for one broken example ($(basename "$(ls "$examples"/invalid/*.yaml | head -1)")):"
"$gatesim" validate "$(ls "$examples"/invalid/*.yaml | head -1)" || true
coalescing=$(ls "$examples"/valid/*shared-certificate*.yaml | head -1)
echo
echo "What the gateway serves for $(basename "$coalescing") (two HTTPS servers, one certificate:"
echo "a browser reusing its connection for the second host reaches a route table without it -> 404):"
"$gatesim" validate -q --snapshot "$coalescing" | grep -E '^(listener|  chain|    routes|      vhost)' || true
echo
echo "Scenarios in the simulator (ns-3 links, the real engine, scripted clients; seed from each file):"
scenario_fail=0
for scenario in "$root"/scenarios/*/*.yaml; do
  name=${scenario#"$root"/scenarios/}
  echo "== $name"
  if ! "$gatesim" run "$scenario" --out "$root/runs/${name%.yaml}" | sed 's/^/   /'; then
    scenario_fail=$((scenario_fail + 1))
  fi
done
echo
echo "examples: $pass passed, $fail failed; scenarios: $scenario_fail failed to run"
[ "$fail" -eq 0 ] && [ "$scenario_fail" -eq 0 ]
