// Bundled scenarios end to end in ns-3: the behaviour users see, and byte-identical traces
// for one seed.
#include <catch2/catch.hpp>

#include "sim/scenario/scenario_runner.h"

using namespace gatesim;

namespace {

sim::RunResult run(const std::string& name, std::uint64_t seed) {
  config::Diagnostics diagnostics;
  const sim::Scenario scenario =
      sim::load_scenario(std::string(GATESIM_SOURCE_DIR) + "/scenarios/basics/" + name + ".yaml", diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  sim::RunResult result = sim::run_scenario(scenario, seed, "", diagnostics);
  REQUIRE(result.ok);
  return result;
}

}  // namespace

TEST_CASE("scenario: one wildcard server serves both hosts over one coalesced connection", "[sim][scenario]") {
  const sim::RunResult r = run("two-hosts-one-connection", 1);
  REQUIRE(r.requests.size() == 3);
  for (const auto& o : r.requests) {
    CHECK(o.status == 200);
    CHECK(o.connection == 1);
    CHECK(o.protocol == "HTTP/2");
  }
  REQUIRE(r.tls.size() == 1);
  CHECK(r.tls[0].alpn == "h2");
  CHECK(r.tls[0].certificate_subject == "*.example.com");
  // 25 ms links: TCP handshake (1 RTT) + TLS 1.3 (1 RTT) before the first request, which then
  // takes one more round trip plus the 2 ms gateway<->backend connect and exchange.
  CHECK(r.tls[0].at >= std::chrono::milliseconds(100));
  CHECK(r.tls[0].at < std::chrono::milliseconds(102));
  CHECK(r.requests[0].end - r.requests[0].start >= std::chrono::milliseconds(54));
  CHECK(r.requests[0].end - r.requests[0].start < std::chrono::milliseconds(55));
}

TEST_CASE("scenario: two servers sharing a certificate give the coalesced host 404 NR", "[sim][scenario]") {
  const sim::RunResult r = run("coalescing-404", 1);
  REQUIRE(r.requests.size() == 3);
  int not_found = 0;
  for (const auto& o : r.requests) {
    CHECK(o.connection == 1);  // the browser reused its connection
    if (o.authority == "cart.example.com") {
      CHECK(o.status == 404);
      ++not_found;
    } else {
      CHECK(o.status == 200);
    }
  }
  CHECK(not_found == 1);
  bool logged = false;
  for (const auto& e : r.access_log) {
    if (e.authority == "cart.example.com") {
      logged = true;
      CHECK(e.response_flags == "NR");
      CHECK(e.requested_server_name == "shop.example.com");
    }
  }
  CHECK(logged);
}

TEST_CASE("scenario runs are deterministic: same seed, same trace and TLS secrets", "[sim][scenario]") {
  const sim::RunResult a = run("two-hosts-one-connection", 7);
  const sim::RunResult b = run("two-hosts-one-connection", 7);
  const sim::RunResult c = run("two-hosts-one-connection", 8);
  CHECK(a.trace_sha256 == b.trace_sha256);
  CHECK(a.key_log_sha256 == b.key_log_sha256);
  CHECK(a.trace == b.trace);
  CHECK_FALSE(a.key_log.empty());
  CHECK(a.key_log_sha256 != c.key_log_sha256);  // TLS randomness follows the seed
}
