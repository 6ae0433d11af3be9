#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gatesim::cli {

struct RunOptions {
  std::string scenario;
  std::optional<std::uint64_t> seed;  // default: the scenario's
  std::string out_dir;                // default: runs/<scenario name>-<seed>
  bool pcap = false;                  // a capture per link end, decryptable with keylog.txt
};

// Runs a scenario in the simulator and prints a summary per client.
// Exit: 0 ran, 2 the scenario or its configuration is invalid.
int run_scenario_command(const RunOptions& options);

}  // namespace gatesim::cli
