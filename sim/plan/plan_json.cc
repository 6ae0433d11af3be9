#include <nlohmann/json.hpp>

#include "sim/plan/plan_outputs.h"
#include "sim/plan/result_json.h"

namespace gatesim::plan {
namespace {

using nlohmann::json;

json utilisation(const PointResult& p) {
  if (!p.has_cpu) return nullptr;  // no CPU model in the run: unknown, not zero
  return json{{"max", p.utilisation_max}, {"mean", p.utilisation_mean}};
}

json point_json(const PointResult& p, bool met) {
  json latency = json::object();
  const auto ms = [&p](std::int64_t ns) { return p.has_latency() ? json(static_cast<double>(ns) / 1e6) : json(nullptr); };
  for (const auto& [key, ns] : p.latency_ns) latency[key] = ms(ns);
  latency["max"] = ms(p.max_latency_ns);
  return json{{"cores", p.cores},
              {"offered_rps", p.offered_rps},
              {"achieved_rps", p.achieved_rps()},
              {"requests", p.requests},
              {"ok", p.ok},
              {"errors", p.errors()},
              {"error_percent", p.error_percent()},
              {"latency_ms", latency},
              {"utilisation", utilisation(p)},
              {"slo_met", met}};
}

}  // namespace

std::string plan_json(const PlanReport& report) {
  json points = json::array();
  for (std::size_t i = 0; i < report.points.size(); ++i) points.push_back(point_json(report.points[i], report.slo_met[i]));
  json capacity = json::array();
  for (const CoreCapacity& c : report.capacity) {
    json entry{{"cores", c.cores}, {"bounded", c.bounded}};
    if (c.point) {
      const PointResult& p = report.points[*c.point];
      entry["capacity_rps"] = p.offered_rps;
      entry["achieved_rps"] = p.achieved_rps();
      entry["utilisation"] = utilisation(p);
    } else {
      entry["capacity_rps"] = nullptr;
    }
    capacity.push_back(entry);
  }
  const json out{{"format", "gatesim-plan/1"},
                 {"sweep", sweep_to_json(report.sweep)},
                 {"points", points},
                 {"capacity", capacity}};
  return out.dump(2) + "\n";
}

}  // namespace gatesim::plan
