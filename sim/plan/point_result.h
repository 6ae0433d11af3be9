#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "sim/plan/slo.h"

namespace gatesim::plan {

// What one sweep point measured: the raw numbers (counts, integer nanoseconds, utilisation as
// the simulator reported it), from which every output is derived. Kept raw so that it
// crosses a pipe, a shard file or an MPI message and comes back bit for bit.
struct PointResult {
  std::size_t index = 0;
  int cores = 1;
  double offered_rps = 0;
  std::uint64_t requests = 0;  // outcomes of the swept clients' requests (answered or failed)
  std::uint64_t ok = 0;        // complete 2xx responses
  std::uint64_t answered = 0;  // complete responses of any status: the latency sample
  std::int64_t window_ns = 0;  // the load window achieved_rps is counted over
  std::map<std::string, std::int64_t> latency_ns;  // "p50", "p90", "p99", SLO percentiles
  std::int64_t max_latency_ns = 0;
  bool has_cpu = false;  // false: the scenario's gateway CPU is not modelled (RunResult.cpu empty)
  double utilisation_max = 0, utilisation_mean = 0;
  std::string error;  // the point could not run (why); every other field is then meaningless

  std::uint64_t errors() const { return requests - ok; }
  // No complete response, no latency: outputs show none (null, empty, "-") rather than 0.
  bool has_latency() const { return answered > 0; }
  double achieved_rps() const;
  double error_percent() const;  // of requests; 0 when there were none
  SloObservation observation() const;
};

}  // namespace gatesim::plan
