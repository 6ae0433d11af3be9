#!/usr/bin/env bash
# The README's test command: installs, builds, and runs every test (Catch2 suites and CLI
# checks through ctest). Exits non-zero on any failure; ctest's summary line comes last.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
build=${GATESIM_BUILD_DIR:-$root/build}
ctest --test-dir "$build" --output-on-failure -j "${GATESIM_JOBS:-2}"
