// SNI -> filter chain, table-driven, on the listener set of the Gateway API conformance test
// for misdirected requests (istio-semantics.md 3.2): a catch-all server, an exact host, a
// wildcard and a more specific host under it, all on one port.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"

using namespace gatesim::config;

TEST_CASE("SNI selection: exact, then the most specific wildcard, then the catch-all", "[sni]") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: catch-all, protocol: TLS}
    hosts: ["*"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: second, protocol: TLS}
    hosts: [second-example.org]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: wildcard, protocol: TLS}
    hosts: ["*.wildcard.org"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: fourth, protocol: TLS}
    hosts: [fourth-example.wildcard.org]
    tls: {mode: AUTO_PASSTHROUGH}
)", "sni.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l != nullptr);
  const struct {
    const char* sni;
    const char* server;
  } table[] = {
      {"second-example.org", "second"},
      {"SECOND-example.org", "second"},  // SNI is case-insensitive
      {"third-example.wildcard.org", "wildcard"},
      {"fourth-example.wildcard.org", "fourth"},
      {"a.b.wildcard.org", "wildcard"},   // a wildcard covers any depth
      {"wildcard.org", "catch-all"},      // but never the bare suffix
      {"example.org", "catch-all"},
      {"unknown-example.org", "catch-all"},
      {"", "catch-all"},                  // no SNI at all
  };
  for (const auto& row : table) {
    INFO(row.sni);
    const FilterChain* chain = l->select_chain(row.sni);
    REQUIRE(chain != nullptr);
    CHECK(chain->server.port.name == row.server);
  }
}

TEST_CASE("SNI selection without a catch-all: unknown names find no chain", "[sni]") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: a, protocol: TLS}
    hosts: [a.example.com]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: wild, protocol: TLS}
    hosts: ["*.internal.example.com"]
    tls: {mode: AUTO_PASSTHROUGH}
)", "sni2.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  const struct {
    const char* sni;
    const char* server;  // nullptr: filter_chain_not_found
  } table[] = {
      {"a.example.com", "a"}, {"x.internal.example.com", "wild"}, {"b.example.com", nullptr},
      {"internal.example.com", nullptr}, {"", nullptr},
  };
  for (const auto& row : table) {
    INFO(row.sni);
    const FilterChain* chain = l->select_chain(row.sni);
    if (row.server == nullptr) {
      CHECK(chain == nullptr);
    } else {
      REQUIRE(chain != nullptr);
      CHECK(chain->server.port.name == row.server);
    }
  }
}
