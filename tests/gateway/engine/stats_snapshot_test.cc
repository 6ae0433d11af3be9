// The admin's view of a gateway with several workers (`gatesim serve --workers N`): each
// worker's snapshot summed as Envoy sums its workers' stats, plus per-worker lines.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/engine/stats_snapshot.h"

using namespace gatesim;
using namespace std::chrono_literals;
using engine::StatLines;
using engine::StatsSnapshot;

namespace {

observability::AccessLogEntry request(int code) {
  observability::AccessLogEntry e;
  e.protocol = "HTTP/2";
  e.method = "GET";
  e.path = "/";
  e.response_code = code;
  e.duration = 3ms;
  e.request_protocol = observability::RequestProtocol::kHttp;
  e.destination = {"web.shop.svc.cluster.local", "web", "shop"};
  return e;
}

StatsSnapshot worker(std::uint64_t accepted, std::uint64_t active, std::uint64_t requests,
                     std::map<int, std::uint64_t> responses, std::uint64_t cluster_cx) {
  StatsSnapshot s;
  s.server = {{"downstream_cx_total", accepted},
              {"downstream_cx_active", active},
              {"downstream_rq_total", requests}};
  s.responses = std::move(responses);
  s.clusters["outbound|80||web"] = {{"membership_total", 3}, {"upstream_cx_total", cluster_cx}};
  for (const auto& [code, count] : s.responses) {
    for (std::uint64_t i = 0; i < count; ++i) s.metrics.record(request(code));
  }
  return s;
}

std::map<std::string, std::uint64_t> as_map(const StatLines& lines) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [name, value] : lines) {
    REQUIRE(out.count(name) == 0);  // every name once
    out[name] = value;
  }
  return out;
}

}  // namespace

TEST_CASE("stats of several workers sum by name, per cluster, and per Istio series", "[admin]") {
  const std::vector<StatsSnapshot> workers = {worker(5, 2, 40, {{200, 38}, {503, 2}}, 1),
                                              worker(3, 1, 25, {{200, 24}, {404, 1}}, 2)};
  const StatsSnapshot merged = engine::merge_stats(workers);
  const auto lines = as_map(engine::stats_lines(workers));

  CHECK(lines.at("downstream_cx_total") == 8);
  CHECK(lines.at("downstream_cx_active") == 3);  // gauges sum too
  CHECK(lines.at("downstream_rq_total") == 65);
  CHECK(lines.at("downstream_rq_200") == 62);
  CHECK(lines.at("downstream_rq_404") == 1);  // a code only one worker saw
  CHECK(lines.at("downstream_rq_503") == 2);
  CHECK(lines.at("server.draining") == 0);
  CHECK(lines.at("cluster.outbound|80||web.upstream_cx_total") == 3);
  // Every worker holds the whole configuration: its hosts are not multiplied by the workers.
  CHECK(lines.at("cluster.outbound|80||web.membership_total") == 3);

  // Each worker's own engine-wide values, so an imbalance shows.
  CHECK(lines.at("worker.0.downstream_cx_total") == 5);
  CHECK(lines.at("worker.1.downstream_cx_total") == 3);
  CHECK(lines.at("worker.0.downstream_rq_total") == 40);
  CHECK(lines.at("worker.1.downstream_cx_active") == 1);
  CHECK(lines.count("worker.0.cluster.outbound|80||web.upstream_cx_total") == 0);

  // Istio's metrics: the series of both workers, summed where they meet.
  const observability::LabelValues ok = observability::IstioMetrics::labels(request(200));
  CHECK(merged.metrics.counter("istio_requests_total", ok) == 62);
  CHECK(merged.metrics.counter("istio_requests_total", observability::IstioMetrics::labels(request(404))) == 1);
  const auto* duration = merged.metrics.histogram("istio_request_duration_milliseconds", ok);
  REQUIRE(duration != nullptr);
  CHECK(duration->count == 62);
  CHECK(duration->sum == 62 * 3);
  // And the workers' own registries are untouched by the merge.
  CHECK(workers[0].metrics.counter("istio_requests_total", ok) == 38);
}

TEST_CASE("stats order is stable: engine-wide, codes, draining, clusters, then per worker", "[admin]") {
  std::vector<StatsSnapshot> workers = {worker(1, 0, 1, {{200, 1}}, 1), worker(1, 0, 1, {{200, 1}}, 1)};
  workers[1].draining = true;  // any draining worker makes the gateway draining (/ready 503)
  const StatLines lines = engine::stats_lines(workers);
  std::vector<std::string> names;
  for (const auto& [name, value] : lines) names.push_back(name);
  CHECK(names == std::vector<std::string>{"downstream_cx_total", "downstream_cx_active", "downstream_rq_total",
                                          "downstream_rq_200", "server.draining",
                                          "cluster.outbound|80||web.membership_total",
                                          "cluster.outbound|80||web.upstream_cx_total",
                                          "worker.0.downstream_cx_total", "worker.0.downstream_cx_active",
                                          "worker.0.downstream_rq_total", "worker.1.downstream_cx_total",
                                          "worker.1.downstream_cx_active", "worker.1.downstream_rq_total"});
  CHECK(as_map(lines).at("server.draining") == 1);
  const nlohmann::json json = nlohmann::json::parse(engine::stats_json(workers));
  CHECK(json.at("server.draining") == true);
  CHECK(json.at("downstream_rq_total") == 2);
  CHECK(engine::stats_text(workers).find("worker.1.downstream_rq_total: 1\n") != std::string::npos);
}

TEST_CASE("one worker's stats are its own, with its per-worker lines", "[admin]") {
  const std::vector<StatsSnapshot> workers = {worker(4, 1, 9, {{200, 9}}, 2)};
  const auto lines = as_map(engine::stats_lines(workers));
  CHECK(lines.at("downstream_cx_total") == 4);
  CHECK(lines.at("worker.0.downstream_cx_total") == 4);
  CHECK(lines.at("cluster.outbound|80||web.upstream_cx_total") == 2);
  CHECK(engine::merge_stats(workers).metrics.prometheus_text() == workers[0].metrics.prometheus_text());
}
