// The coalescing rule (istio-semantics.md 3): Gateway API's misdirected-request conformance
// table, run against both modes of a Gateway with the listeners of that conformance test.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"
#include "gateway/route/route_decision.h"

using namespace gatesim;

namespace {

std::string config_text(const std::string& mode) {
  const std::string certs = std::string(GATESIM_SOURCE_DIR) + "/examples/istio/certs/";
  const std::string tls = "tls: {mode: SIMPLE, serverCertificate: " + certs + "wildcard-example-com.pem, privateKey: " +
                          certs + "wildcard-example-com-key.pem}";
  return "apiVersion: networking.istio.io/v1\nkind: Gateway\n"
         "metadata: {name: gw, namespace: edge, annotations: {gatesim.io/misdirected-requests: " + mode + "}}\n"
         "spec:\n  servers:\n"
         "  - {port: {number: 443, name: catch-all, protocol: HTTPS}, hosts: ['*'], " + tls + "}\n"
         "  - {port: {number: 443, name: second, protocol: HTTPS}, hosts: [second-example.org], " + tls + "}\n"
         "  - {port: {number: 443, name: wildcard, protocol: HTTPS}, hosts: ['*.wildcard.org'], " + tls + "}\n"
         "  - {port: {number: 443, name: fourth, protocol: HTTPS}, hosts: [fourth-example.wildcard.org], " + tls + "}\n"
         "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: example, namespace: edge}\n"
         "spec: {hosts: [example.org], gateways: [gw], http: [{route: [{destination: {host: web.internal}}]}]}\n"
         "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: web, namespace: edge}\n"
         "spec: {hosts: [web.internal], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC,\n"
         "       endpoints: [{address: 10.0.0.1}]}\n";
}

// The status the gateway answers for Host `host` on a TLS connection opened with `sni`.
int status_for(const config::Snapshot& snapshot, const std::string& sni, const std::string& host) {
  const config::Listener* listener = snapshot.find_listener(443);
  REQUIRE(listener != nullptr);
  const config::FilterChain* chain = listener->select_chain(sni);
  REQUIRE(chain != nullptr);
  http::RequestHead r;
  r.method = "GET";
  r.scheme = "https";
  r.authority = host;
  r.path = "/";
  io::Rng rng(1);
  const route::RouteDecision d = route::decide_route(snapshot, *listener, *chain, r, rng);
  return d.action == route::RouteDecision::Action::kForward ? 200 : d.status;
}

struct Row {
  const char* sni;
  const char* host;
  int strict;  // Gateway API conformance expectation
  int istio;   // what Istio does: the SNI server's table only
};

}  // namespace

TEST_CASE("Gateway API HTTPSListenerDetectMisdirectedRequests table, strict and istio modes", "[route][coalescing]") {
  const std::vector<Row> rows = {
      {"example.org", "example.org", 200, 200},
      {"example.org", "second-example.org", 421, 404},
      {"example.org", "unknown-example.org", 404, 404},
      {"second-example.org", "example.org", 421, 404},
      {"second-example.org", "unknown-example.org", 421, 404},
      {"third-example.wildcard.org", "fourth-example.wildcard.org", 421, 404},
      {"third-example.wildcard.org", "second-example.org", 421, 404},
      {"third-example.wildcard.org", "unknown-example.org", 421, 404},
      {"fourth-example.wildcard.org", "fith-example.wildcard.org", 421, 404},
      {"unknown-example.org", "example.org", 200, 200},
      {"unknown-example.org", "unknown-example.org", 404, 404},
      {"example.org", "EXAMPLE.org:443", 200, 200},  // host compared without port, case-folded
  };
  const config::PipelineResult strict = config::run_config_pipeline_on_text(config_text("strict"), "strict.yaml");
  const config::PipelineResult istio = config::run_config_pipeline_on_text(config_text("istio"), "istio.yaml");
  for (const auto& d : strict.diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(strict.diagnostics.has_errors());
  REQUIRE_FALSE(istio.diagnostics.has_errors());
  for (const Row& row : rows) {
    INFO("SNI " << row.sni << ", Host " << row.host);
    CHECK(status_for(*strict.snapshot, row.sni, row.host) == row.strict);
    CHECK(status_for(*istio.snapshot, row.sni, row.host) == row.istio);
  }
}

TEST_CASE("a misdirected-requests annotation other than istio or strict is an error", "[route][coalescing]") {
  const config::PipelineResult r = config::run_config_pipeline_on_text(config_text("lenient"), "bad.yaml");
  REQUIRE(r.diagnostics.has_errors());
  bool found = false;
  for (const auto& d : r.diagnostics.items()) {
    found = found || d.format().find("error[GS122]") != std::string::npos;
  }
  CHECK(found);
}
