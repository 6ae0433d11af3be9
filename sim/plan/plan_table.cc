#include <cstdio>

#include "sim/plan/number_format.h"
#include "sim/plan/plan_outputs.h"

namespace gatesim::plan {
namespace {

std::string row(const std::vector<std::string>& cells) {
  static const int widths[] = {5, 10, 11, 9, 9, 9, 9, 8, 8, 9};  // the last column, the verdict, is not padded
  std::string out;
  for (std::size_t i = 0; i + 1 < cells.size(); ++i) {
    char cell[64];
    std::snprintf(cell, sizeof(cell), "%*s", widths[i], cells[i].c_str());
    out += (i == 0 ? "" : " ") + std::string(cell);
  }
  return out + "  " + cells.back() + "\n";
}

std::string latency(const PointResult& p, const char* key) {
  const auto it = p.latency_ns.find(key);
  return it == p.latency_ns.end() || !p.has_latency() ? "-" : milliseconds(it->second);
}

}  // namespace

std::string plan_table(const PlanReport& report) {
  std::string out = row({"cores", "offered/s", "achieved/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "cpu max",
                         "cpu mean", "slo"});
  for (std::size_t i = 0; i < report.points.size(); ++i) {
    const PointResult& p = report.points[i];
    out += row({std::to_string(p.cores), format_number(p.offered_rps), fixed(p.achieved_rps(), 1), latency(p, "p50"),
                latency(p, "p90"), latency(p, "p99"), p.has_latency() ? milliseconds(p.max_latency_ns) : "-", std::to_string(p.errors()),
                p.has_cpu ? fixed(p.utilisation_max, 3) : "-", p.has_cpu ? fixed(p.utilisation_mean, 3) : "-",
                report.slo_met[i] ? "met" : "MISSED"});
  }
  out += "capacity (highest offered load meeting " + report.sweep.slo.text() + "):\n";
  for (const CoreCapacity& c : report.capacity) {
    out += "  " + cores_text(c.cores) + ": ";
    if (!c.point) {
      out += "below " + format_number(report.sweep.rps.front()) + " req/s (the lowest load misses the SLO)\n";
      continue;
    }
    const PointResult& p = report.points[*c.point];
    out += (c.bounded ? "" : "at least ") + format_number(p.offered_rps) + " req/s";
    out += p.has_cpu ? ", cpu max " + fixed(p.utilisation_max, 3) + " mean " + fixed(p.utilisation_mean, 3)
                     : ", cpu not modelled";
    out += c.bounded ? "\n" : " (no load in the sweep missed the SLO)\n";
  }
  return out;
}

}  // namespace gatesim::plan
