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
  bool real = false;                  // on this machine's loopback in wall time, not in ns-3
};

// Runs a scenario in the simulator (or, with `real`, on loopback sockets) and prints a
// summary per client and the verdict of its expectations.
// Exit: 0 ran and every expectation held, 1 an expectation failed, 2 the scenario or its
// configuration is invalid (or, with `real`, it needs link emulation).
int run_scenario_command(const RunOptions& options);

}  // namespace gatesim::cli
