#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gateway/observability/istio_metrics.h"

namespace gatesim::engine {

class Engine;

using StatLines = std::vector<std::pair<std::string, std::uint64_t>>;

// A copy of one worker engine's counters and gauges, taken on that worker's loop, so the admin
// (on another thread) can show it without touching the engine. Values carry Envoy's names.
struct StatsSnapshot {
  StatLines server;                           // engine-wide, fixed order (downstream_cx_total, ...)
  std::map<int, std::uint64_t> responses;     // downstream_rq_<code>
  bool draining = false;
  std::map<std::string, StatLines> clusters;  // cluster name -> (suffix, value), fixed order
  observability::IstioMetrics metrics;        // its own copy (merged in, sharing no node)
};

// Everything the admin shows of `engine`. On the engine's loop.
StatsSnapshot snapshot_stats(const Engine& engine);

// The gateway's view over its workers, as Envoy merges its workers' stats: counters and gauges
// summed (engine-wide by name, per cluster by cluster name and stat), Istio's metrics merged
// series by series; draining when any worker drains. One exception: a cluster's
// membership_total is the hosts of its configuration, which every worker holds whole, so it is
// the largest worker's, not a sum.
StatsSnapshot merge_stats(const std::vector<StatsSnapshot>& workers);

// The admin's /stats lines: the merged values (engine-wide, downstream_rq_<code>,
// server.draining, then per cluster), then each worker's engine-wide values as
// worker.<index>.<name>, so an imbalance between workers shows.
StatLines stats_lines(const std::vector<StatsSnapshot>& workers);
std::string stats_text(const std::vector<StatsSnapshot>& workers);  // "name: value" lines
std::string stats_json(const std::vector<StatsSnapshot>& workers);  // one object; server.draining a boolean

}  // namespace gatesim::engine
