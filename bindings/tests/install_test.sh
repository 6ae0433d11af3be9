#!/usr/bin/env bash
# `cmake --install` puts an importable `gatesim` package under PREFIX/lib/python3/dist-packages.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"  # not the source tree: nothing but the installed package can be imported
PYTHONPATH="$prefix/lib/python3/dist-packages" /usr/bin/python3 - "$source" "$prefix" <<'PY'
import sys, gatesim
assert gatesim.__file__.startswith(sys.argv[2]), gatesim.__file__
result = gatesim.load(sys.argv[1] + "/scenarios/many-core-load/cpu-queueing.yaml").run()
assert all(v["passed"] for v in result.verdicts), result.verdicts
print("installed gatesim ran", result.trace_sha256)
PY
test -f "$prefix/lib/python3/dist-packages/gatesim/_gatesim.pyi"
