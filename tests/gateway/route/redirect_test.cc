// VirtualService redirects as Envoy answers them (istio-semantics.md 4.3): Location values
// and codes.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"
#include "gateway/route/route_decision.h"

using namespace gatesim;

namespace {

const char* kConfig = R"(apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: redirects}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - {match: [{uri: {exact: /a}}], redirect: {uri: /b}}
  - {match: [{uri: {exact: /q}}], redirect: {uri: "/b?y=2"}}
  - {match: [{uri: {prefix: /tls}}], redirect: {scheme: https}}
  - {match: [{uri: {exact: /derive-default}}], redirect: {scheme: https, derivePort: FROM_PROTOCOL_DEFAULT}}
  - {match: [{uri: {exact: /derive-request}}], redirect: {authority: other.example.com, derivePort: FROM_REQUEST_PORT}}
  - {match: [{uri: {exact: /port}}], redirect: {scheme: https, port: 8443}}
  - {match: [{uri: {exact: /code}}], redirect: {uri: /moved, redirectCode: 308}}
  - {match: [{uri: {prefix: /old/}}], redirect: {prefixRewrite: /new/}}
)";

std::pair<int, std::string> redirect(const std::string& authority, const std::string& path) {
  static const config::PipelineResult config = config::run_config_pipeline_on_text(kConfig, "redirects.yaml");
  for (const auto& d : config.diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(config.diagnostics.has_errors());
  const config::Listener* listener = config.snapshot->find_listener(80);
  REQUIRE(listener != nullptr);
  http::RequestHead r;
  r.method = "GET";
  r.scheme = "http";
  r.authority = authority;
  r.path = path;
  io::Rng rng(1);
  const route::RouteDecision d = route::decide_route(*config.snapshot, *listener, listener->chains.at(0), r, rng);
  const std::string* location = http::find_header(d.headers, "location");
  return {d.status, location ? *location : ""};
}

}  // namespace

TEST_CASE("redirect Location values and codes", "[route][redirect]") {
  using Result = std::pair<int, std::string>;
  CHECK(redirect("shop.example.com", "/a?x=1") == Result{301, "http://shop.example.com/b?x=1"});  // default 301
  CHECK(redirect("shop.example.com", "/q?x=1") == Result{301, "http://shop.example.com/b?y=2"});  // its own query
  CHECK(redirect("shop.example.com:80", "/tls") == Result{301, "https://shop.example.com/tls"});  // :80 dropped
  CHECK(redirect("shop.example.com:8080", "/tls") == Result{301, "https://shop.example.com:8080/tls"});
  CHECK(redirect("shop.example.com:8080", "/derive-default") == Result{301, "https://shop.example.com/derive-default"});
  CHECK(redirect("shop.example.com", "/derive-request") == Result{301, "http://other.example.com/derive-request"});
  CHECK(redirect("shop.example.com:8080", "/derive-request") ==
        Result{301, "http://other.example.com:8080/derive-request"});
  CHECK(redirect("shop.example.com", "/port") == Result{301, "https://shop.example.com:8443/port"});
  CHECK(redirect("shop.example.com", "/code") == Result{308, "http://shop.example.com/moved"});
  CHECK(redirect("shop.example.com", "/old/a/b?z=1") == Result{301, "http://shop.example.com/new/a/b?z=1"});
}
