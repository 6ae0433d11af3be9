#!/usr/bin/env bash
# Installs dependencies (scripts/bootstrap.sh), then configures and builds gatesim in build/.
# Incremental: a second run only rebuilds what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/bootstrap.sh"
build=${GATESIM_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# Two cores, 24 GiB: two compile jobs fit comfortably.
# Progress lines dropped; the build's own status decides (a failed compile must fail here even
# when an older binary is still in place).
status=0
cmake --build "$build" -j "${GATESIM_JOBS:-2}" >"$build/last-build.log" 2>&1 || status=$?
grep -vE '^\[[0-9]+/[0-9]+\]' "$build/last-build.log" || true
if [ "$status" -ne 0 ]; then
  echo "build failed (exit $status); full log: $build/last-build.log" >&2
  exit "$status"
fi
test -x "$build/cli/gatesim"
