#include "sim/plan/point_runner.h"

#include <algorithm>
#include <cmath>

namespace gatesim::plan {
namespace {

// The same rank rule as the run summary's p50/p90/p99 (round(p * (n - 1)) of the sorted
// sample), so a one-core point of `gatesim plan` agrees with `gatesim run`.
std::int64_t percentile_of(const std::vector<std::int64_t>& sorted, double percentile) {
  if (sorted.empty()) return 0;
  const double rank = percentile / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5;
  return sorted[std::min(static_cast<std::size_t>(rank), sorted.size() - 1)];
}

}  // namespace

PointResult measure_point(const SweepPoint& point, const SweptLoad& load, const sim::RunResult& run,
                          const std::vector<double>& percentiles) {
  PointResult r;
  r.index = point.index;
  r.cores = point.cores;
  r.offered_rps = point.rps;
  r.window_ns = (load.window_end - load.window_start).count();
  std::vector<std::int64_t> latencies;
  for (const sim::RequestOutcome& o : run.requests) {
    if (std::find(load.names.begin(), load.names.end(), o.client) == load.names.end()) continue;
    ++r.requests;
    if (o.status >= 200 && o.status < 300) ++r.ok;
    if (o.status != 0) latencies.push_back((o.end - o.start).count());
  }
  std::sort(latencies.begin(), latencies.end());
  r.answered = latencies.size();
  for (double p : percentiles) r.latency_ns[percentile_key(p)] = percentile_of(latencies, p);
  r.max_latency_ns = latencies.empty() ? 0 : latencies.back();
  r.has_cpu = !run.cpu.empty();
  for (const sim::WorkerUsage& w : run.cpu) {
    r.utilisation_max = std::max(r.utilisation_max, w.utilisation);
    r.utilisation_mean += w.utilisation / static_cast<double>(run.cpu.size());
  }
  return r;
}

PointResult run_point(const sim::Scenario& base, const SweptLoad& load, const SweepPoint& point, std::uint64_t seed,
                      const std::vector<double>& percentiles) {
  const sim::Scenario scenario = scenario_for_point(base, load, point.cores, point.rps);
  config::Diagnostics diagnostics;
  const sim::RunResult run = sim::run_scenario(scenario, seed, "", diagnostics);
  if (run.ok) return measure_point(point, load, run, percentiles);
  PointResult failed;
  failed.index = point.index;
  failed.cores = point.cores;
  failed.offered_rps = point.rps;
  for (const config::Diagnostic& d : diagnostics.items()) {
    if (d.severity == config::Severity::kError) failed.error += (failed.error.empty() ? "" : "\n") + d.format();
  }
  if (failed.error.empty()) failed.error = "the simulation did not run (no diagnostic)";
  return failed;
}

}  // namespace gatesim::plan
