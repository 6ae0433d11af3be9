#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"

namespace gatesim::plan {

// Per core count: the highest offered load that meets the SLO. Read along the rps axis up
// to the first failing point: a pass above a failure is noise around the knee, not capacity
// one could plan on.
struct CoreCapacity {
  int cores = 1;
  std::optional<std::size_t> point;  // index into PlanReport::points; none: even the lowest load fails
  bool bounded = false;  // a failing point above it was seen (false: the sweep stopped before the knee)
};

// A finished sweep: its definition, every point (in index order) with its SLO verdict, and
// the capacity per core count. Every output (table, CSV, JSON, SVG) is written from this.
struct PlanReport {
  SweepDefinition sweep;
  std::vector<PointResult> points;
  std::vector<bool> slo_met;  // by point
  std::vector<CoreCapacity> capacity;
};

// `points` must hold each point of the sweep exactly once; they are put in index order.
PlanReport build_report(const SweepDefinition& sweep, std::vector<PointResult> points);

}  // namespace gatesim::plan
