#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/io/runtime.h"

namespace gatesim::calibrate {

// The gateway process `gatesim calibrate` measures: the engine of one `gatesim serve` worker
// (EventLoopRuntime, the same Engine and Snapshot pipeline, no access log) whose runtime also
// counts every io::Work the engine charges, so the calibration knows exactly how many units
// each workload cost. Counting is an array increment per charge, far below the noise.
//
// Runs in a forked child: compiles `config_yaml`, opens its listeners, writes one line to
// `report_fd` ("ready CONTROL_PORT" or "error WHY"), then serves until SIGTERM. A connection
// to the control port gets one line back: the counters so far (see WorkerCounters::parse).
int run_calibration_worker(const std::string& config_yaml, int report_fd);

struct WorkerCounters {
  std::array<std::uint64_t, io::kWorkKinds> units{};  // charged so far, by io::Work
  std::uint64_t connections_active = 0;                // downstream connections still open
  std::uint64_t requests = 0;
  std::uint64_t responses_2xx = 0;

  std::string format() const;
  static std::optional<WorkerCounters> parse(const std::string& line);
};

}  // namespace gatesim::calibrate
