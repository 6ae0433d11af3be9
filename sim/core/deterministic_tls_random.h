#pragma once

#include <cstdint>

namespace gatesim::sim {

// Makes OpenSSL's randomness a function of the scenario seed for the rest of the process
// (DESIGN.md, "Determinism"): a process-wide RAND_METHOD (deprecated in OpenSSL 3.0 but
// honoured by libssl and the default provider) whose bytes come from a seeded stream.
// Same seed, byte-identical TLS handshakes; another seed, other ones. Only the simulator
// installs it; `gatesim serve` keeps the system's randomness.
void install_deterministic_tls_random(std::uint64_t seed);

}  // namespace gatesim::sim
