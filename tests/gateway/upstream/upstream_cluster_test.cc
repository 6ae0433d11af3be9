// Host choice in one cluster: ejected hosts, panic routing, consistent-hash keys from the
// request, Envoy's minted sticky-session cookie. No connection is made: choose() only picks.
#include <catch2/catch.hpp>

#include <set>

#include "gateway/config/config_pipeline.h"
#include "gateway/io/real/event_loop_runtime.h"
#include "gateway/upstream/upstream_cluster.h"

using namespace gatesim;

namespace {

config::Cluster cluster_with(const std::string& traffic_policy, int endpoints = 3) {
  std::string yaml = R"(apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
)";
  for (int i = 1; i <= endpoints; ++i) yaml += "  - {address: 10.0.0." + std::to_string(i) + "}\n";
  yaml += R"(---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api.internal
  trafficPolicy: )" + traffic_policy + "\n";
  const config::PipelineResult r = config::run_config_pipeline_on_text(yaml, "t.yaml");
  for (const auto& d : r.diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(r.diagnostics.has_errors());
  return *r.snapshot->find_cluster("outbound|80||api.internal");
}

upstream::UpstreamCluster make(io::Runtime& runtime, const config::Cluster& c) {
  return upstream::UpstreamCluster(runtime, c, upstream::resolve_settings(c, std::chrono::seconds(10)));
}

std::string pick(upstream::UpstreamCluster& cluster, const http::RequestHead& head, upstream::LbContext& context) {
  context.request = &head;
  upstream::HostLease lease = cluster.choose(context);
  return lease ? lease.get()->lb.address : "";
}

}  // namespace

TEST_CASE("cluster: a minted sticky cookie routes the next requests to the same host", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(1);
  const config::Cluster c = cluster_with("{loadBalancer: {consistentHash: {httpCookie: {name: session, path: /, ttl: 60s}}}}");
  upstream::UpstreamCluster cluster(runtime, c, upstream::resolve_settings(c, std::chrono::seconds(10)));
  http::RequestHead first;
  upstream::LbContext context;
  context.connection_key = "192.0.2.7:40000" "10.1.0.1:443";
  const std::string host = pick(cluster, first, context);
  REQUIRE(context.set_cookie.has_value());
  const std::string& set_cookie = *context.set_cookie;
  // Envoy's shape: name="value"; Max-Age=...; Path=...; HttpOnly (value: 16 hex digits).
  REQUIRE(set_cookie.rfind("session=\"", 0) == 0);
  CHECK(set_cookie.size() == std::string("session=\"0123456789abcdef\"; Max-Age=60; Path=/; HttpOnly").size());
  CHECK(set_cookie.find("\"; Max-Age=60; Path=/; HttpOnly") == 25);
  const std::string value = set_cookie.substr(9, 16);
  for (int i = 0; i < 20; ++i) {
    http::RequestHead next;
    next.headers = {{"cookie", "theme=dark; session=" + value}};
    upstream::LbContext later;
    later.connection_key = "198.51.100.9:5555" "10.1.0.1:443";  // another connection, same cookie
    CHECK(pick(cluster, next, later) == host);
    CHECK_FALSE(later.set_cookie.has_value());  // it had the cookie
  }
  // The same connection mints the same value (racing requests agree).
  upstream::LbContext again;
  again.connection_key = context.connection_key;
  http::RequestHead second;
  pick(cluster, second, again);
  CHECK(again.set_cookie == context.set_cookie);
}

TEST_CASE("cluster: a cookie without ttl is not minted, the request is balanced at random", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(1);
  const config::Cluster c = cluster_with("{loadBalancer: {consistentHash: {httpCookie: {name: session}}}}");
  upstream::UpstreamCluster cluster = make(runtime, c);
  std::set<std::string> hosts;
  for (int i = 0; i < 40; ++i) {
    http::RequestHead head;
    upstream::LbContext context;
    hosts.insert(pick(cluster, head, context));
    CHECK_FALSE(context.set_cookie.has_value());
  }
  CHECK(hosts.size() == 3);
}

TEST_CASE("cluster: query parameter and source IP hash keys", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(1);
  const config::Cluster q = cluster_with("{loadBalancer: {consistentHash: {httpQueryParameterName: tenant}}}", 5);
  upstream::UpstreamCluster by_query = make(runtime, q);
  http::RequestHead a;
  a.path = "/x?y=1&tenant=acme";
  upstream::LbContext ca;
  const std::string host = pick(by_query, a, ca);
  for (const char* path : {"/other?tenant=acme", "/?tenant=acme&z=2"}) {
    http::RequestHead h;
    h.path = path;
    upstream::LbContext cx;
    CHECK(pick(by_query, h, cx) == host);
  }
  const config::Cluster s = cluster_with("{loadBalancer: {consistentHash: {useSourceIp: true}}}", 5);
  upstream::UpstreamCluster by_ip = make(runtime, s);
  std::set<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    http::RequestHead h;
    upstream::LbContext cx;
    cx.source_ip = "203.0.113.5";
    seen.insert(pick(by_ip, h, cx));
  }
  CHECK(seen.size() == 1);
}

TEST_CASE("cluster: ejected hosts leave the rotation, all ejected is no healthy upstream", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(1);
  const config::Cluster c = cluster_with(
      "{loadBalancer: {simple: ROUND_ROBIN}, outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100}}", 2);
  upstream::UpstreamCluster cluster = make(runtime, c);
  http::RequestHead head;
  upstream::LbContext context;
  const std::string first = pick(cluster, head, context);
  {
    upstream::LbContext cx;
    cx.request = &head;
    upstream::HostLease lease = cluster.choose(cx);
    REQUIRE(lease);
    cluster.report(*lease.get(), 500);  // one 5xx ejects (consecutive5xxErrors 1)
    const std::string ejected = lease.get()->lb.address;
    for (int i = 0; i < 6; ++i) {
      upstream::LbContext again;
      CHECK(pick(cluster, head, again) != ejected);
    }
    CHECK(cluster.ejected_hosts() == 1);
  }
  upstream::LbContext cx;
  cx.request = &head;
  upstream::HostLease other = cluster.choose(cx);
  REQUIRE(other);
  cluster.report(*other.get(), std::nullopt);  // a connect failure counts too
  CHECK(cluster.ejected_hosts() == 2);
  upstream::LbContext none;
  CHECK(pick(cluster, head, none).empty());  // 503 UH (Istio's minHealthPercent 0: no panic)
  (void)first;
}

TEST_CASE("cluster: minHealthPercent sends to every host once too few are healthy (panic)", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(1);
  const config::Cluster c = cluster_with(
      "{outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: 60}}", 2);
  upstream::UpstreamCluster cluster = make(runtime, c);
  http::RequestHead head;
  upstream::LbContext cx;
  cx.request = &head;
  upstream::HostLease lease = cluster.choose(cx);
  REQUIRE(lease);
  cluster.report(*lease.get(), 503);
  REQUIRE(cluster.ejected_hosts() == 1);
  // 1 of 2 healthy = 50% < 60%: panic, both hosts eligible again.
  std::set<std::string> seen;
  for (int i = 0; i < 40; ++i) {
    upstream::LbContext again;
    seen.insert(pick(cluster, head, again));
  }
  CHECK(seen.size() == 2);
}

TEST_CASE("cluster: LEAST_REQUEST steers away from a host with requests in flight", "[upstream][cluster]") {
  io::real::EventLoopRuntime runtime(3);
  const config::Cluster c = cluster_with("{loadBalancer: {simple: LEAST_REQUEST}}", 2);
  upstream::UpstreamCluster cluster = make(runtime, c);
  http::RequestHead head;
  upstream::LbContext cx;
  cx.request = &head;
  std::vector<upstream::HostLease> held;
  upstream::HostLease busy = cluster.choose(cx);
  const std::string busy_host = busy.get()->lb.address;
  for (int i = 0; i < 3; ++i) {
    upstream::LbContext more;
    more.request = &head;
    upstream::HostLease l = cluster.choose(more);
    if (l.get()->lb.address == busy_host) held.push_back(std::move(l));
  }
  // busy_host now has >= 1 request in flight, the other none held: it is picked only when
  // both samples land on it (1 in 4).
  int to_busy = 0;
  for (int i = 0; i < 400; ++i) {
    upstream::LbContext again;
    to_busy += pick(cluster, head, again) == busy_host ? 1 : 0;
  }
  CHECK(to_busy > 60);
  CHECK(to_busy < 140);
}
