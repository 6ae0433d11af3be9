#pragma once

#include <cstdint>

namespace gatesim::sim {

// One simulated gateway worker's CPU over a run (gateway.cpu; sim/cpu/).
struct WorkerUsage {
  int worker = 0;
  std::uint64_t busy_ns = 0;        // CPU time charged
  double utilisation = 0;           // busy_ns / the run's duration
  std::uint64_t tasks = 0;          // input events, timers and accepts it processed
  std::uint64_t connections = 0;    // downstream connections the balancer gave it
  std::uint64_t max_queue = 0;      // most events waiting for it at once
  std::uint64_t queue_wait_ns = 0;  // total time events waited for it
};

}  // namespace gatesim::sim
