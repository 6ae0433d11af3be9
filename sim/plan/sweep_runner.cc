#include "sim/plan/sweep_runner.h"

#include <nlohmann/json.hpp>

#include "sim/plan/point_runner.h"
#include "sim/plan/result_json.h"
#include "sim/plan/worker_pool.h"

namespace gatesim::plan {

std::vector<PointResult> run_sweep_points(
    const sim::Scenario& base, const SweptLoad& load, const SweepDefinition& sweep, const std::vector<SweepPoint>& points,
    int jobs, const std::function<void(const PointResult&, std::size_t, std::size_t)>& on_done) {
  const std::vector<double> percentiles = measured_percentiles(sweep.slo);
  std::vector<PointResult> results(points.size());
  std::size_t finished = 0;
  run_in_children(
      points.size(), jobs,
      [&](std::size_t i) {
        return point_to_json(run_point(base, load, points[i], sweep.seed, percentiles)).dump();
      },
      [&](std::size_t i, const std::string& output, const std::string& why) {
        PointResult& r = results[i];
        std::string error = why;
        if (error.empty()) {
          try {
            point_from_json(nlohmann::json::parse(output), "worker result", &r, &error);
          } catch (const nlohmann::json::exception& e) {
            error = std::string("unreadable worker result: ") + e.what();
          }
        }
        if (!error.empty()) {
          r = PointResult{};
          r.error = error;
        }
        r.index = points[i].index;
        r.cores = points[i].cores;
        r.offered_rps = points[i].rps;
        if (on_done) on_done(r, ++finished, points.size());
      });
  return results;
}

}  // namespace gatesim::plan
