#include "gateway/engine/stats_snapshot.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gateway/engine/engine.h"

namespace gatesim::engine {
namespace {

constexpr const char* kMembershipTotal = "membership_total";

// Adds `from` into `into` by name; a name `into` lacks is appended (the order stays the one
// every worker writes).
void add_lines(StatLines& into, const StatLines& from, bool largest_membership) {
  for (const auto& [name, value] : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& line) { return line.first == name; });
    if (it == into.end()) {
      into.emplace_back(name, value);
    } else if (largest_membership && name == kMembershipTotal) {
      it->second = std::max(it->second, value);
    } else {
      it->second += value;
    }
  }
}

}  // namespace

StatsSnapshot snapshot_stats(const Engine& engine) {
  StatsSnapshot out;
  const EngineStats& s = engine.stats();
  out.server = {
      {"downstream_cx_total", s.connections_accepted},
      {"downstream_cx_active", s.connections_active},
      {"listener.no_filter_chain_match", s.filter_chain_not_found},
      {"ssl.handshake", s.tls_handshakes},
      {"ssl.connection_error", s.tls_handshake_failures},
      {"downstream_rq_total", s.requests},
      {"upstream_cx_connect_fail", s.upstream_connect_failures},
  };
  out.responses = s.responses_by_code;
  out.draining = engine.draining();
  // Envoy's per-cluster names: circuit breakers and outlier detection at a glance.
  for (const auto& [name, cluster] : engine.clusters().clusters()) {
    const upstream::ClusterResources& r = cluster->resources();
    out.clusters[name] = {
        {kMembershipTotal, cluster->host_count()},
        {"upstream_cx_total", cluster->connections_opened()},
        {"upstream_cx_active", r.connections},
        {"upstream_cx_connect_fail", r.connect_failures},
        {"upstream_cx_overflow", r.connection_overflows},
        {"upstream_rq_active", r.requests},
        {"upstream_rq_pending_active", r.pending},
        {"upstream_rq_pending_overflow", r.pending_overflows + r.request_overflows},
        {"upstream_rq_retry_overflow", r.retry_overflows},
        {"outlier_detection.ejections_active", cluster->ejected_hosts()},
        {"outlier_detection.ejections_enforced_total", cluster->ejections_total()},
    };
  }
  // A fresh registry merged into, not a copy: IstioMetrics caches pointers into its own maps,
  // which a copy would share with the engine's.
  out.metrics.merge_from(engine.metrics());
  return out;
}

StatsSnapshot merge_stats(const std::vector<StatsSnapshot>& workers) {
  StatsSnapshot out;
  for (const StatsSnapshot& w : workers) {
    add_lines(out.server, w.server, false);
    for (const auto& [code, count] : w.responses) out.responses[code] += count;
    out.draining = out.draining || w.draining;
    for (const auto& [name, lines] : w.clusters) add_lines(out.clusters[name], lines, true);
    out.metrics.merge_from(w.metrics);
  }
  return out;
}

StatLines stats_lines(const std::vector<StatsSnapshot>& workers) {
  const StatsSnapshot merged = merge_stats(workers);
  StatLines out = merged.server;
  for (const auto& [code, count] : merged.responses) out.emplace_back("downstream_rq_" + std::to_string(code), count);
  out.emplace_back("server.draining", merged.draining ? 1 : 0);
  for (const auto& [name, lines] : merged.clusters) {
    for (const auto& [stat, value] : lines) out.emplace_back("cluster." + name + "." + stat, value);
  }
  for (std::size_t i = 0; i < workers.size(); ++i) {
    for (const auto& [name, value] : workers[i].server) out.emplace_back("worker." + std::to_string(i) + "." + name, value);
  }
  return out;
}

std::string stats_text(const std::vector<StatsSnapshot>& workers) {
  std::string out;
  for (const auto& [name, value] : stats_lines(workers)) out += name + ": " + std::to_string(value) + "\n";
  return out;
}

std::string stats_json(const std::vector<StatsSnapshot>& workers) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : stats_lines(workers)) j[name] = value;
  j["server.draining"] = j["server.draining"] != 0;
  return j.dump(2) + "\n";
}

}  // namespace gatesim::engine
