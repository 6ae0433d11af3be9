// Route choice over a compiled Snapshot: first matching rule wins across merged
// VirtualServices, no match is 404 NR, weights split traffic as drawn from the seeded RNG.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "gateway/config/config_pipeline.h"
#include "gateway/route/route_decision.h"

using namespace gatesim;

namespace {

const char* kConfig = R"(apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: edge}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: edge, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - name: api-v2
    match: [{uri: {prefix: /api}, headers: {x-version: {exact: "2"}}}]
    route: [{destination: {host: v2.internal}}]
  - name: api-split
    match: [{uri: {prefix: /api}}]
    route: [{destination: {host: v1.internal}, weight: 80}, {destination: {host: v2.internal}, weight: 20}]
  - name: login
    match: [{uri: {exact: /login}}]
    redirect: {uri: /signin, redirectCode: 302}
  - name: root
    match: [{uri: {exact: /}}]
    route: [{destination: {host: v1.internal}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop-later, namespace: edge, creationTimestamp: "2024-02-01T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - name: static
    match: [{uri: {prefix: /static}}]
    directResponse: {status: 200, body: {string: static}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: versions, namespace: edge}
spec:
  hosts: [v1.internal, v2.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
)";

struct Fixture {
  config::PipelineResult config = config::run_config_pipeline_on_text(kConfig, "route-test.yaml");
  const config::Listener& listener() const {
    const config::Listener* l = config.snapshot->find_listener(80);
    REQUIRE(l != nullptr);
    return *l;
  }
  const config::FilterChain& chain() const { return listener().chains.at(0); }
  route::RouteDecision decide(const std::string& path, http::HeaderList headers = {}, std::uint64_t seed = 1) {
    http::RequestHead r;
    r.method = "GET";
    r.scheme = "http";
    r.authority = "shop.example.com";
    r.path = path;
    r.headers = std::move(headers);
    io::Rng rng(seed);
    return route::decide_route(*config.snapshot, listener(), chain(), r, rng);
  }
};

}  // namespace

TEST_CASE("the first matching rule wins, in VirtualService merge order (4.1)", "[route]") {
  Fixture f;
  for (const auto& d : f.config.diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(f.config.diagnostics.has_errors());
  CHECK(f.decide("/api/cart", {{"x-version", "2"}}).route->name == "api-v2");
  CHECK(f.decide("/api/cart").route->name == "api-split");
  const route::RouteDecision login = f.decide("/login?next=/cart");
  CHECK(login.route->name == "login");
  CHECK(login.status == 302);
  REQUIRE(login.headers.size() == 1);
  CHECK(login.headers[0].value == "http://shop.example.com/signin?next=/cart");
  const route::RouteDecision static_file = f.decide("/static/app.js");  // the later VirtualService
  CHECK(static_file.route->name == "static");
  CHECK(static_file.body == "static");
  const route::RouteDecision none = f.decide("/nothing");
  CHECK(none.status == 404);
  CHECK(none.flags == "NR");
  CHECK(none.route == nullptr);
}

TEST_CASE("weights split traffic within binomial bounds for a fixed seed (4.3)", "[route]") {
  Fixture f;
  REQUIRE_FALSE(f.config.diagnostics.has_errors());
  http::RequestHead r;
  r.method = "GET";
  r.scheme = "http";
  r.authority = "shop.example.com";
  r.path = "/api/items";
  io::Rng rng(42);
  const int n = 10000;
  std::map<std::string, int> hosts;
  for (int i = 0; i < n; ++i) ++hosts[route::decide_route(*f.config.snapshot, f.listener(), f.chain(), r, rng).target->host];
  // 20% to v2: mean 2000, sd sqrt(10000 * 0.2 * 0.8) = 40; 4.5 sd either side.
  CHECK(hosts["v2.internal"] > 2000 - 180);
  CHECK(hosts["v2.internal"] < 2000 + 180);
  CHECK(hosts["v1.internal"] + hosts["v2.internal"] == n);
  // Same seed, same sequence of choices.
  io::Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) {
    CHECK(route::decide_route(*f.config.snapshot, f.listener(), f.chain(), r, a).target ==
          route::decide_route(*f.config.snapshot, f.listener(), f.chain(), r, b).target);
  }
}
