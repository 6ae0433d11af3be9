#include "sim/plan/plan_report.h"

#include <algorithm>

namespace gatesim::plan {

PlanReport build_report(const SweepDefinition& sweep, std::vector<PointResult> points) {
  PlanReport report;
  report.sweep = sweep;
  std::sort(points.begin(), points.end(), [](const PointResult& a, const PointResult& b) { return a.index < b.index; });
  report.points = std::move(points);
  for (const PointResult& p : report.points) report.slo_met.push_back(p.error.empty() && slo_met(sweep.slo, p.observation()));
  for (std::size_t c = 0; c < sweep.cores.size(); ++c) {
    CoreCapacity capacity;
    capacity.cores = sweep.cores[c];
    for (std::size_t r = 0; r < sweep.rps.size(); ++r) {
      const std::size_t i = c * sweep.rps.size() + r;
      if (i >= report.points.size()) break;
      if (!report.slo_met[i]) {
        capacity.bounded = true;
        break;
      }
      capacity.point = i;
    }
    report.capacity.push_back(capacity);
  }
  return report;
}

}  // namespace gatesim::plan
