#include "sim/plan/sweep.h"

#include "sim/plan/sweep_axes.h"

namespace gatesim::plan {
namespace {

bool parse_count(const std::string& text, int* value) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *value = std::stoi(text);
  return true;
}

template <class T, class Format>
std::string list_text(const std::vector<T>& values, Format format) {
  std::string out;
  for (const T& v : values) out += (out.empty() ? "" : ",") + format(v);
  return out;
}

}  // namespace

std::vector<SweepPoint> sweep_points(const SweepDefinition& sweep) {
  std::vector<SweepPoint> points;
  for (int cores : sweep.cores) {
    for (double rps : sweep.rps) points.push_back({points.size(), cores, rps});
  }
  return points;
}

Shard parse_shard(const std::string& text, std::string* error) {
  error->clear();
  const std::size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !parse_count(text.substr(0, slash), &shard.index) ||
      !parse_count(text.substr(slash + 1), &shard.count)) {
    *error = "--shard \"" + text + "\": expected K/N, shard K (counted from 0) of N, such as 0/4";
    return {};
  }
  if (shard.count < 1) {
    *error = "--shard \"" + text + "\": N must be at least 1";
    return {};
  }
  if (shard.index >= shard.count) {
    *error = "--shard \"" + text + "\": K must be below N (shards are 0.." + std::to_string(shard.count - 1) + ")";
    return {};
  }
  return shard;
}

std::vector<SweepPoint> shard_points(const std::vector<SweepPoint>& points, const Shard& shard) {
  std::vector<SweepPoint> mine;
  for (const SweepPoint& p : points) {
    if (shard.holds(p.index)) mine.push_back(p);
  }
  return mine;
}

std::string sweep_difference(const SweepDefinition& a, const SweepDefinition& b) {
  const auto number = [](double v) { return format_number(v); };
  const auto integer = [](int v) { return std::to_string(v); };
  if (a.scenario_sha256 != b.scenario_sha256) {
    return "scenario " + a.scenario_name + " (sha256 " + a.scenario_sha256.substr(0, 12) + ") vs " + b.scenario_name +
           " (sha256 " + b.scenario_sha256.substr(0, 12) + ")";
  }
  if (a.scenario_name != b.scenario_name) return "scenario name " + a.scenario_name + " vs " + b.scenario_name;
  if (a.seed != b.seed) return "seed " + std::to_string(a.seed) + " vs " + std::to_string(b.seed);
  if (a.client != b.client) return "client \"" + a.client + "\" vs \"" + b.client + "\"";
  if (a.warmup_ns != b.warmup_ns) return "warmup " + std::to_string(a.warmup_ns) + "ns vs " + std::to_string(b.warmup_ns) + "ns";
  if (a.cores != b.cores) return "cores " + list_text(a.cores, integer) + " vs " + list_text(b.cores, integer);
  if (a.rps != b.rps) return "rps " + list_text(a.rps, number) + " vs " + list_text(b.rps, number);
  if (a.slo.text() != b.slo.text()) return "slo " + a.slo.text() + " vs " + b.slo.text();
  return "";
}

}  // namespace gatesim::plan
