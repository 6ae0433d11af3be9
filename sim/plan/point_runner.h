#pragma once

#include <cstdint>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"
#include "sim/plan/swept_load.h"
#include "sim/scenario/scenario_runner.h"

namespace gatesim::plan {

// Reads one point's numbers off a finished run: the swept clients' outcomes (2xx, errors,
// latency percentiles of answered requests) and the gateway workers' utilisation.
PointResult measure_point(const SweepPoint& point, const SweptLoad& load, const sim::RunResult& run,
                          const std::vector<double>& percentiles);

// Runs one point in the simulator in this process (ns-3's Simulator is a per-process
// singleton: never call this from two threads). No files are written.
PointResult run_point(const sim::Scenario& base, const SweptLoad& load, const SweepPoint& point, std::uint64_t seed,
                      const std::vector<double>& percentiles);

}  // namespace gatesim::plan
