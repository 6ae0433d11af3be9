// Every bundled scenario, replayed: one seed gives byte-identical traces, key logs and
// captures; another seed changes the bytes wherever randomness reaches them (TLS secrets,
// x-request-id on proxied HTTP).
#include <catch2/catch.hpp>

#include <algorithm>
#include <unistd.h>

#include <filesystem>

#include "sim/scenario/scenario_runner.h"

using namespace gatesim;

namespace {

std::vector<std::filesystem::path> bundled_scenarios() {
  std::string error;
  std::vector<std::filesystem::path> out;
  for (const std::string& f : sim::find_scenario_files(std::string(GATESIM_SOURCE_DIR) + "/scenarios", &error)) out.push_back(f);
  return out;
}

}  // namespace

TEST_CASE("every bundled scenario replays byte-identically from its seed", "[sim][scenario][determinism]") {
  const auto scenarios = bundled_scenarios();
  REQUIRE(scenarios.size() >= 56);
  // Per process: two checkouts' test runs on one machine must not share (and delete) it.
  const std::filesystem::path base =
      std::filesystem::temp_directory_path() / ("gatesim-replay-test-" + std::to_string(::getpid()));
  for (const auto& path : scenarios) {
    DYNAMIC_SECTION(path.filename().string()) {
      config::Diagnostics diagnostics;
      const sim::Scenario scenario = sim::load_scenario(path.string(), diagnostics);
      REQUIRE_FALSE(diagnostics.has_errors());
      const std::filesystem::path dir_base = base / path.stem();
      std::filesystem::remove_all(dir_base);
      const auto run = [&](std::uint64_t seed, const char* dir) {
        config::Diagnostics run_diagnostics;
        sim::RunResult r = sim::run_scenario(scenario, seed, (dir_base / dir).string(), run_diagnostics, true);
        REQUIRE(r.ok);
        return r;
      };
      const sim::RunResult a = run(scenario.seed, "a");
      const sim::RunResult b = run(scenario.seed, "b");
      const sim::RunResult c = run(scenario.seed + 1, "c");
      INFO("scenario " << path.filename().string());
      REQUIRE_FALSE(a.pcap_sha256.empty());
      CHECK(a.trace_sha256 == b.trace_sha256);
      CHECK(a.key_log_sha256 == b.key_log_sha256);
      CHECK(a.pcap_sha256 == b.pcap_sha256);
      CHECK(a.metrics.prometheus_text() == b.metrics.prometheus_text());
      const bool proxied_http = std::any_of(a.access_log.begin(), a.access_log.end(), [](const auto& e) {
        // A proxied request carries x-request-id upstream; a local reply ("-") puts none on the wire.
        return e.protocol.rfind("HTTP", 0) == 0 && !e.upstream_host.empty() && e.upstream_host != "-";
      });
      if (!a.key_log.empty() || proxied_http) CHECK(a.pcap_sha256 != c.pcap_sha256);
      if (!a.key_log.empty()) CHECK(a.key_log_sha256 != c.key_log_sha256);
      if (a.pcap_sha256 == b.pcap_sha256) std::filesystem::remove_all(dir_base);  // kept to compare otherwise
    }
  }
  std::error_code ignored;
  std::filesystem::remove(base, ignored);  // only when empty: differing runs stay to compare
}
