#include "sim/plan/point_runner.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gatesim::plan {
namespace {

// The same rank rule as the run summary's p50/p90/p99 (round(p * (n - 1)) of the sorted
// sample).
std::int64_t percentile_of(const std::vector<std::int64_t>& sorted, double percentile) {
  if (sorted.empty()) return 0;
  const double rank = percentile / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5;
  return sorted[std::min(static_cast<std::size_t>(rank), sorted.size() - 1)];
}

// Per worker, busy time over the cpu samples whose interval lies inside [from, to], divided by
// the time those intervals cover. Empty when no sample interval fits (a window shorter than
// the sampling period).
std::vector<double> window_utilisation(const std::string& trace, std::size_t workers, io::Duration from,
                                       io::Duration to, io::Duration sample) {
  std::vector<std::int64_t> busy(workers, 0), covered(workers, 0);
  std::size_t begin = 0;
  while (begin < trace.size()) {
    std::size_t end = trace.find('\n', begin);
    if (end == std::string::npos) end = trace.size();
    const std::string_view line(trace.data() + begin, end - begin);
    begin = end + 1;
    if (line.find("\"event\":\"sample\"") == std::string_view::npos || line.find("\"type\":\"cpu\"") == std::string_view::npos) {
      continue;
    }
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded()) continue;
    const std::int64_t t = record.value("t_ns", std::int64_t{0});
    const auto worker = record.value("worker", std::size_t{workers});
    if (worker >= workers || t - sample.count() < from.count() || t > to.count()) continue;
    busy[worker] += record.value("busy_ns", std::int64_t{0});
    covered[worker] += sample.count();
  }
  std::vector<double> out;
  for (std::size_t w = 0; w < workers; ++w) {
    if (covered[w] == 0) return {};
    out.push_back(static_cast<double>(busy[w]) / static_cast<double>(covered[w]));
  }
  return out;
}

}  // namespace

PointResult measure_point(const SweepPoint& point, const SweptLoad& load, const sim::RunResult& run,
                          const std::vector<double>& percentiles, io::Duration sample) {
  PointResult r;
  r.index = point.index;
  r.cores = point.cores;
  r.offered_rps = point.rps;
  r.window_ns = (load.window_end - load.measured_start).count();
  std::vector<std::int64_t> latencies;
  for (const sim::RequestOutcome& o : run.requests) {
    if (std::find(load.names.begin(), load.names.end(), o.client) == load.names.end()) continue;
    // From the arrival, not from when the request went on the wire: an open-loop client that
    // must wait for a stream or a connection is part of the latency a user sees.
    if (o.issued < load.measured_start) continue;  // warm-up
    // A response whose body was still arriving when the client gave up is a failure too.
    const bool completed = o.status != 0 && o.error.empty();
    ++r.requests;
    if (completed && o.status >= 200 && o.status < 300) ++r.ok;
    if (completed) latencies.push_back((o.end - o.issued).count());
  }
  std::sort(latencies.begin(), latencies.end());
  r.answered = latencies.size();
  for (double p : percentiles) r.latency_ns[percentile_key(p)] = percentile_of(latencies, p);
  r.max_latency_ns = latencies.empty() ? 0 : latencies.back();
  std::vector<double> utilisation = window_utilisation(run.trace, run.cpu.size(), load.measured_start, load.window_end, sample);
  if (utilisation.empty()) {
    for (const sim::WorkerUsage& w : run.cpu) utilisation.push_back(w.utilisation);  // the whole run's, as a fallback
  }
  r.has_cpu = !utilisation.empty();
  for (double u : utilisation) {
    r.utilisation_max = std::max(r.utilisation_max, u);
    r.utilisation_mean += u / static_cast<double>(utilisation.size());
  }
  return r;
}

PointResult run_point(const sim::Scenario& base, const SweptLoad& load, const SweepPoint& point, std::uint64_t seed,
                      const std::vector<double>& percentiles) {
  const sim::Scenario scenario = scenario_for_point(base, load, point.cores, point.rps);
  config::Diagnostics diagnostics;
  const sim::RunResult run = sim::run_scenario(scenario, seed, "", diagnostics);
  if (run.ok) return measure_point(point, load, run, percentiles, scenario.cpu->sample);
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
