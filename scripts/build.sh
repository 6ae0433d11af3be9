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
cmake --build "$build" -j "${GATESIM_JOBS:-2}" | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x "$build/cli/gatesim"
