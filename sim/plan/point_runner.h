#pragma once

#include <cstdint>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"
#include "sim/plan/swept_load.h"
#include "sim/scenario/scenario_runner.h"

namespace gatesim::plan {

// Reads one point's numbers off a finished run, over the measured part of the load window:
// the swept clients' requests started in it (2xx, errors, latency percentiles of answered
// ones) and each gateway worker's utilisation in it, from the cpu trace's samples (taken
// every `sample`; the intervals wholly inside the window count). RunResult.cpu's own
// utilisation covers the whole run, idle lead-in and drain included, which would understate
// how busy the workers were under the offered load.
PointResult measure_point(const SweepPoint& point, const SweptLoad& load, const sim::RunResult& run,
                          const std::vector<double>& percentiles, io::Duration sample);

// Runs one point in the simulator in this process (ns-3's Simulator is a per-process
// singleton: never call this from two threads). No files are written.
PointResult run_point(const sim::Scenario& base, const SweptLoad& load, const SweepPoint& point, std::uint64_t seed,
                      const std::vector<double>& percentiles);

}  // namespace gatesim::plan
