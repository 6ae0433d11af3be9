// Istio's metrics and default access-log line from the real engine in ns-3
// (scenarios/routing/istio-metrics.yaml): what a Prometheus scrape and a log reader see.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario_runner.h"

using namespace gatesim;

namespace {

sim::RunResult run_metrics_scenario(const sim::Scenario& scenario) {
  config::Diagnostics diagnostics;
  sim::RunResult result = sim::run_scenario(scenario, scenario.seed, "", diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE(result.ok);
  return result;
}

sim::Scenario load_metrics_scenario() {
  config::Diagnostics diagnostics;
  sim::Scenario scenario = sim::load_scenario(
      std::string(GATESIM_SOURCE_DIR) + "/scenarios/routing/istio-metrics.yaml", diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  return scenario;
}

// The series of a request the gateway reported (reporter "source", no peer metadata).
observability::LabelValues request_series(const std::string& service, const std::string& name, const std::string& ns,
                                          const std::string& protocol, const std::string& flags,
                                          const std::string& code, const std::string& grpc_status) {
  return {"source",  "unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "unknown",
          "unknown", "unknown", "unknown", "unknown", "unknown", service,   name,      ns,        "unknown",
          "latest",  "unknown", protocol,  flags,     "unknown", code,      grpc_status};
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST_CASE("scenario: Istio metrics count 200s, 404 NR, 503 UF,URX, a gRPC call and a TCP connection",
          "[sim][scenario][metrics]") {
  const sim::Scenario scenario = load_metrics_scenario();
  const sim::RunResult r = run_metrics_scenario(scenario);
  const observability::IstioMetrics& m = r.metrics;

  const auto web_ok = request_series("web.shop.svc.cluster.local", "web", "shop", "http", "-", "200", "");
  CHECK(m.counter("istio_requests_total", web_ok) == 2);
  // No cluster: Envoy's host-header fallback names the destination service.
  CHECK(m.counter("istio_requests_total", request_series("nowhere.example.com", "nowhere.example.com", "unknown",
                                                         "http", "NR", "404", "")) == 1);
  // Connection refused three times (Istio's default retry policy): flags in Envoy's order.
  CHECK(m.counter("istio_requests_total",
                  request_series("dead.shop.svc.cluster.local", "dead", "shop", "http", "UF,URX", "503", "")) == 1);
  const auto rpc = request_series("echo.internal", "echo.internal", "edge", "grpc", "-", "200", "0");
  CHECK(m.counter("istio_requests_total", rpc) == 1);
  CHECK(m.counter("istio_request_messages_total", rpc) == 1);
  CHECK(m.counter("istio_response_messages_total", rpc) == 1);

  auto tcp = request_series("echo.internal", "echo.internal", "edge", "tcp", "-", "", "");
  tcp.resize(observability::kTcpLabelCount);
  CHECK(m.counter("istio_tcp_connections_opened_total", tcp) == 1);
  CHECK(m.counter("istio_tcp_connections_closed_total", tcp) == 1);
  CHECK(m.counter("istio_tcp_received_bytes_total", tcp) == 4);  // "ping"
  CHECK(m.counter("istio_tcp_sent_bytes_total", tcp) == 4);      // echoed

  // Simulated durations: the first request pays the 1 ms-away upstream connect (4 ms), the
  // second reuses the connection (2 ms).
  const auto* duration = m.histogram("istio_request_duration_milliseconds", web_ok);
  REQUIRE(duration != nullptr);
  CHECK(duration->count == 2);
  CHECK(duration->sum == 6);
  CHECK(duration->cumulative[1] == 0);  // le="1"
  CHECK(duration->cumulative[2] == 2);  // le="5"
  const auto* response_bytes = m.histogram("istio_response_bytes", web_ok);
  REQUIRE(response_bytes != nullptr);
  CHECK(response_bytes->sum == 66);  // the echo backend's two bodies

  // The same numbers in summary.json.
  const nlohmann::json summary = nlohmann::json::parse(sim::summary_json(scenario, scenario.seed, r));
  const nlohmann::json& requests = summary.at("metrics").at("istio_requests_total");
  CHECK(requests.at("type") == "counter");
  CHECK(requests.at("series").size() == 4);
  std::uint64_t total = 0;
  for (const auto& s : requests.at("series")) total += s.at("value").get<std::uint64_t>();
  CHECK(total == 5);
}

TEST_CASE("scenario: every gateway trace record carries Istio's access-log line on simulated time",
          "[sim][scenario][metrics]") {
  const sim::RunResult r = run_metrics_scenario(load_metrics_scenario());
  std::map<std::string, nlohmann::json> by_client;
  std::istringstream trace(r.trace);
  std::string line;
  while (std::getline(trace, line)) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e.at("type") != "gateway") continue;
    const std::string agent = e.at("user_agent");
    by_client[agent.empty() ? e.at("request_protocol").get<std::string>() : agent.substr(agent.find('/') + 1) +
                                                                              e.at("path").get<std::string>()] = e;
  }
  REQUIRE(by_client.size() == 6);
  const nlohmann::json& rpc = by_client.at("rpc/echo.Echo/Say");
  CHECK(rpc.at("request_protocol") == "grpc");
  CHECK(rpc.at("grpc_status") == 0);
  CHECK(rpc.at("request_messages") == 1);
  CHECK(rpc.at("route") == "rpc");
  // Ephemeral ports and connection reuse are the pools' business; the fields are Istio's.
  const std::string rpc_log = rpc.at("log");
  CHECK(std::regex_match(rpc_log, std::regex(R"(\[1970-01-01T00:00:00\.515Z\] "POST /echo\.Echo/Say HTTP/2" 200 - via_upstream - "-" 10 44 [0-9]+ [0-9]+ "10\.0\.1\.1" "gatesim-client/rpc" "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" "api\.example\.com" "10\.0\.2\.2:8080" outbound\|80\|\|echo\.internal 10\.0\.2\.1:[0-9]+ 10\.0\.1\.2:80 10\.0\.1\.1:[0-9]+ - rpc)")));

  const nlohmann::json& unlucky = by_client.at("unlucky/");
  CHECK(unlucky.at("flags") == "UF,URX");
  CHECK(unlucky.at("upstream_transport_failure") == "Connection refused");
  CHECK(unlucky.at("log").get<std::string>().find(
            "\" 503 UF,URX upstream_reset_before_response_started{Connection_refused} - \"Connection refused\" 0 91 ") !=
        std::string::npos);

  const nlohmann::json& page = by_client.at("browser/index.html");
  CHECK(page.at("route") == "web.pages");
  CHECK(page.at("upstream_service_time_ms") == 4);
  CHECK(page.at("destination_service") == "web.shop.svc.cluster.local");
  CHECK(ends_with(page.at("log"), " web.pages"));

  const nlohmann::json& tcp = by_client.at("tcp");
  CHECK(std::regex_match(tcp.at("log").get<std::string>(), std::regex(R"(\[1970-01-01T00:00:00\.715Z\] "- - -" 0 - - - "-" 4 4 [0-9]+ - "-" "-" "-" "-" "10\.0\.2\.2:7007" outbound\|7\|\|echo\.internal 10\.0\.2\.1:[0-9]+ 10\.0\.1\.2:9000 10\.0\.1\.1:[0-9]+ - -)")));
}
