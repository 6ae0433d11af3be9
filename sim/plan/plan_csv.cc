#include "sim/plan/number_format.h"
#include "sim/plan/plan_outputs.h"

namespace gatesim::plan {

std::string plan_csv(const PlanReport& report) {
  // Latency columns follow the points' own keys (p50, p90, p99 and any percentile the SLO
  // names), the same for every row of one sweep.
  std::vector<std::string> keys;
  if (!report.points.empty()) {
    for (const auto& [key, ns] : report.points.front().latency_ns) keys.push_back(key);
  }
  std::string out = "cores,offered_rps,achieved_rps,requests,ok,errors,error_percent";
  for (const std::string& k : keys) out += "," + k + "_ms";
  out += ",max_ms,utilisation_max,utilisation_mean,slo_met\n";
  for (std::size_t i = 0; i < report.points.size(); ++i) {
    const PointResult& p = report.points[i];
    out += std::to_string(p.cores) + "," + format_number(p.offered_rps) + "," + fixed(p.achieved_rps(), 3) + "," +
           std::to_string(p.requests) + "," + std::to_string(p.ok) + "," + std::to_string(p.errors()) + "," +
           fixed(p.error_percent(), 4);
    for (const std::string& k : keys) {
      const auto it = p.latency_ns.find(k);
      out += "," + (it == p.latency_ns.end() || !p.has_latency() ? std::string() : milliseconds(it->second));
    }
    out += "," + (p.has_latency() ? milliseconds(p.max_latency_ns) : "") + "," + (p.has_cpu ? fixed(p.utilisation_max, 4) : "") + "," +
           (p.has_cpu ? fixed(p.utilisation_mean, 4) : "") + "," + (report.slo_met[i] ? "true" : "false") + "\n";
  }
  return out;
}

}  // namespace gatesim::plan
