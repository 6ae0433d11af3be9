#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/io/runtime.h"

namespace gatesim::sim {

// What each unit of engine work (io::Work) costs one worker core, in CPU time, and the machine
// the prices were measured on. `gatesim calibrate` writes one; the project ships a default
// (default-cost-profile.yaml, measured on the machine its `machine` block names). Prices are
// kept as integer picoseconds per unit so that charging is exact integer arithmetic: the same
// scenario and seed give the same trace on every machine, whatever its floating point does.
//
//   kind: gatesim-cost-profile
//   machine: {cpu: ..., cores: 2, kernel: ..., openssl: ..., date: 2026-11-29, ...}  # free-form strings
//   costs_ns: {tls_handshake_ecdsa: 310000, tls_byte: 1.25, http2_stream: 14200, ...}  # every io::Work
struct CostProfile {
  std::string source;  // "default" or the file it came from
  std::map<std::string, std::string> machine;
  std::array<std::uint64_t, io::kWorkKinds> picoseconds{};  // per unit, indexed by io::Work

  std::uint64_t picoseconds_for(io::Work work, std::uint64_t amount) const {
    return picoseconds[static_cast<std::size_t>(work)] * amount;
  }
  double nanoseconds(io::Work work) const { return static_cast<double>(picoseconds[static_cast<std::size_t>(work)]) / 1000.0; }
};

// Every io::Work's key must be present, each a non-negative number of nanoseconds; unknown keys
// are errors. The error names the file, line and column.
std::optional<CostProfile> parse_cost_profile(std::string_view yaml, const std::string& source, std::string* error);
// "default" reads the shipped profile (built into the binary); anything else is a file path.
std::optional<CostProfile> load_cost_profile(const std::string& name, std::string* error);
std::string format_cost_profile(const CostProfile& profile, std::string_view header_comment);
std::string_view default_cost_profile_yaml();

}  // namespace gatesim::sim
