#!/usr/bin/env bash
# Installs every build and test dependency of gatesim from Debian's archive.
# Idempotent: when every package is already installed it returns in well under a second
# without touching apt (dpkg-query only).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config ninja-build
  # design card
  libns3-dev ns3 libgsl-dev libsqlite3-dev libxml2-dev   # ns-3 and what its CMake config links
  libnghttp2-dev nghttp2-client                          # HTTP/2 codec; h2load/nghttp for tests
  libssl-dev openssl                                     # OpenSSL 3
  libyaml-cpp-dev                                        # YAML (with node marks for file:line:col)
  catch2                                                 # unit tests (Catch2 v2, header-only)
  pybind11-dev python3-dev python3-pytest                # bindings and their tests
  libre2-dev                                             # Istio regex dialect is RE2
  # our choices (justified in README.md)
  nlohmann-json3-dev                                     # JSON for traces, summaries, reports
  libcli11-dev                                           # command-line parsing with precise errors
  libhttp-parser-dev                                     # HTTP/1.1 parser (sans-IO, callback based)
  libevent-dev                                           # event loop of the real runtime
  curl                                                   # real client in integration tests
  libgrpc++-dev libprotobuf-dev                          # gRPC C++ client and server of the
  protobuf-compiler protobuf-compiler-grpc               #   gRPC integration test (protoc, plugin)
  python3-yaml                                           # the bindings' tests edit scenarios as dicts
  python3-numpy                                          # the bindings' columnar traces
  python3-h2                                             # HTTP/2 client coalescing two hosts on one connection
  time                                                   # /usr/bin/time for peak memory in bench/
  nginx-light                                            # backend of gatesim calibrate and its test
  openmpi-bin libopenmpi-dev                             # `mpirun -np N gatesim plan`: sweep points spread
                                                         #   over ranks/hosts (MPI_Gatherv to rank 0); the
                                                         #   plan code links MPI's C library, and its test
                                                         #   runs mpirun, so CI needs both
)

# `--bench` adds the peers that bench/ compares gatesim with.
if [ "${1:-}" = "--bench" ]; then
  packages+=(nghttp2-proxy haproxy)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "bootstrap: done" >&2
