// DestinationRule trafficPolicy -> upstream settings the way istiod writes the Envoy cluster
// (cluster_traffic_policy.go; reference section 5). Each case names the rule it checks.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"
#include "gateway/upstream/upstream_settings.h"

using namespace gatesim;

namespace {

upstream::UpstreamSettings settings_for(const std::string& protocol, const std::string& policy,
                                        const std::string& cluster = "outbound|80||api.internal") {
  const std::string yaml = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.internal]
  ports: [{number: 80, name: p, protocol: )" + protocol + R"(}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
)" + (policy.empty() ? std::string() : R"(---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api.internal
  trafficPolicy: )" + policy + "\n");
  const config::PipelineResult r = config::run_config_pipeline_on_text(yaml, "t.yaml");
  for (const auto& d : r.diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(r.diagnostics.has_errors());
  const config::Cluster* c = r.snapshot->find_cluster(cluster);
  REQUIRE(c != nullptr);
  return upstream::resolve_settings(*c, std::chrono::seconds(10));
}

}  // namespace

TEST_CASE("upstream settings: no DestinationRule gives Istio's defaults", "[upstream][settings]") {
  const auto s = settings_for("HTTP", "");
  CHECK(s.lb == upstream::LbPolicy::kLeastRequest);  // Istio's default balancer since 1.14
  CHECK(s.limits.max_connections == UINT32_MAX);     // getDefaultCircuitBreakerThresholds
  CHECK(s.limits.max_pending_requests == UINT32_MAX);
  CHECK(s.limits.max_requests == UINT32_MAX);
  CHECK(s.limits.max_retries == UINT32_MAX);
  CHECK_FALSE(s.http2);  // HTTP port: HTTP/1.1 upstream
  CHECK_FALSE(s.outlier.has_value());
  CHECK(s.connect_timeout == std::chrono::seconds(10));
}

TEST_CASE("upstream settings: the port's protocol and h2UpgradePolicy choose HTTP/2 (shouldH2Upgrade)",
          "[upstream][settings]") {
  CHECK(settings_for("GRPC", "").http2);
  CHECK(settings_for("HTTP2", "").http2);
  CHECK(settings_for("HTTP", "{connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}").http2);
  CHECK_FALSE(settings_for("HTTP", "{connectionPool: {http: {h2UpgradePolicy: DO_NOT_UPGRADE}}}").http2);
  const auto client = settings_for("HTTP", "{connectionPool: {http: {useClientProtocol: true}}}");
  CHECK(client.protocol_for(http::Version::kHttp2) == http::Version::kHttp2);
  CHECK(client.protocol_for(http::Version::kHttp11) == http::Version::kHttp11);
}

TEST_CASE("upstream settings: connectionPool becomes circuit breakers and pool options", "[upstream][settings]") {
  const auto s = settings_for("HTTP", R"({connectionPool: {tcp: {maxConnections: 7, connectTimeout: 250ms},
      http: {http1MaxPendingRequests: 3, http2MaxRequests: 50, maxRequestsPerConnection: 1, maxRetries: 4,
             idleTimeout: 30s}}})");
  CHECK(s.limits.max_connections == 7);
  CHECK(s.limits.max_pending_requests == 3);
  CHECK(s.limits.max_requests == 50);
  CHECK(s.limits.max_retries == 4);
  CHECK(s.max_requests_per_connection == 1);
  CHECK(s.connect_timeout == std::chrono::milliseconds(250));
  CHECK(s.idle_timeout == std::chrono::seconds(30));
}

TEST_CASE("upstream settings: loadBalancer simple and consistentHash", "[upstream][settings]") {
  CHECK(settings_for("HTTP", "{loadBalancer: {simple: ROUND_ROBIN}}").lb == upstream::LbPolicy::kRoundRobin);
  CHECK(settings_for("HTTP", "{loadBalancer: {simple: RANDOM}}").lb == upstream::LbPolicy::kRandom);
  CHECK(settings_for("HTTP", "{loadBalancer: {simple: LEAST_CONN}}").lb == upstream::LbPolicy::kLeastRequest);
  const auto header = settings_for("HTTP", "{loadBalancer: {consistentHash: {httpHeaderName: X-User}}}");
  CHECK(header.lb == upstream::LbPolicy::kRingHash);
  REQUIRE(header.hash_key);
  CHECK(header.hash_key->source == upstream::HashKey::Source::kHeader);
  CHECK(header.hash_key->name == "x-user");
  const auto cookie =
      settings_for("HTTP", "{loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 0s}}}}");
  REQUIRE(cookie.hash_key);
  CHECK(cookie.hash_key->source == upstream::HashKey::Source::kCookie);
  CHECK(cookie.hash_key->name == "session");
}

TEST_CASE("upstream settings: outlierDetection with Envoy's defaults for what it leaves out",
          "[upstream][settings]") {
  const auto s = settings_for("HTTP", "{outlierDetection: {consecutive5xxErrors: 3}}");
  REQUIRE(s.outlier);
  CHECK(s.outlier->consecutive_5xx == 3);
  CHECK(s.outlier->consecutive_gateway_errors == 0);  // enforced only when given
  CHECK(s.outlier->interval == std::chrono::seconds(10));
  CHECK(s.outlier->base_ejection_time == std::chrono::seconds(30));
  CHECK(s.outlier->max_ejection_percent == 10);
  const auto gw = settings_for("HTTP", "{outlierDetection: {consecutiveGatewayErrors: 2, interval: 1s,"
                                       " baseEjectionTime: 5s, maxEjectionPercent: 100}}");
  REQUIRE(gw.outlier);
  CHECK(gw.outlier->consecutive_gateway_errors == 2);
  CHECK(gw.outlier->consecutive_5xx == 5);  // Envoy's default stays enforced
  CHECK(gw.outlier->interval == std::chrono::seconds(1));
  CHECK(gw.outlier->max_ejection_percent == 100);
}

TEST_CASE("upstream settings: subset policy overrides the top level (subset cluster)", "[upstream][settings]") {
  // A subset's trafficPolicy replaces the top-level fields it sets.
  const std::string yaml = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1, labels: {version: v1}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api.internal
  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
)";
  const config::PipelineResult r = config::run_config_pipeline_on_text(yaml, "t.yaml");
  REQUIRE_FALSE(r.diagnostics.has_errors());
  const auto* top = r.snapshot->find_cluster("outbound|80||api.internal");
  const auto* v1 = r.snapshot->find_cluster("outbound|80|v1|api.internal");
  REQUIRE(top != nullptr);
  REQUIRE(v1 != nullptr);
  CHECK(upstream::resolve_settings(*top, std::chrono::seconds(10)).lb == upstream::LbPolicy::kRandom);
  CHECK(upstream::resolve_settings(*v1, std::chrono::seconds(10)).lb == upstream::LbPolicy::kRoundRobin);
  CHECK(v1->endpoints.size() == 1);
}
