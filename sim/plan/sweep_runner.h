#pragma once

#include <functional>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"
#include "sim/plan/swept_load.h"
#include "sim/scenario/scenario.h"

namespace gatesim::plan {

// Runs `points` of `sweep` on `base`, each in a forked child (worker_pool.h), `jobs` at once,
// and returns their results in the order of `points`. A point that cannot run has `error` set.
// `on_done(result, finished, total)` is called in the parent as points finish (progress).
std::vector<PointResult> run_sweep_points(
    const sim::Scenario& base, const SweptLoad& load, const SweepDefinition& sweep, const std::vector<SweepPoint>& points,
    int jobs, const std::function<void(const PointResult&, std::size_t finished, std::size_t total)>& on_done);

}  // namespace gatesim::plan
