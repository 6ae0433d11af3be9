// The spec, the suite runner and the scorecard on a fixture (tests/conformance/fixture): one
// scenario in strict mode passes the 421 requirement, its twin in istio mode fails it, and
// the scorecard says so per profile and level.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "conformance/reports.h"
#include "conformance/scorecard.h"
#include "conformance/spec.h"
#include "conformance/suite.h"

using namespace gatesim;

namespace {

const std::string kFixture = std::string(GATESIM_SOURCE_DIR) + "/tests/conformance/fixture";

conformance::SuiteEntry entry(const std::string& name) {
  config::Diagnostics diagnostics;
  const std::string path = kFixture + "/scenarios/coalescing/" + name + ".yaml";
  sim::Scenario scenario = sim::load_scenario(path, diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  return {path, "coalescing/" + name, std::move(scenario)};
}

}  // namespace

TEST_CASE("conform: the spec loads with ids, levels and sources", "[conformance]") {
  config::Diagnostics diagnostics;
  const conformance::Spec spec = conformance::load_spec(kFixture + "/spec", diagnostics);
  REQUIRE_FALSE(diagnostics.has_errors());
  REQUIRE(spec.profiles.size() == 1);
  CHECK(spec.requirement_count() == 3);
  const conformance::Requirement* r = spec.find("FX-STRICT-421");
  REQUIRE(r != nullptr);
  CHECK(r->level == conformance::Level::kMust);
  CHECK(r->gateway_api == "GatewayHTTPSListenerDetectMisdirectedRequests");
  CHECK(r->profile == "gateway-tls");
}

TEST_CASE("conform: a broken spec is a precise error", "[conformance]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("gatesim-spec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "p.yaml");
    out << "profile: p\nrequirements:\n- {id: A-1, level: MUST, rule: r, source: s}\n"
           "- {id: A-1, level: SHALL, rule: r, source: s}\n- {id: lower, level: MAY, source: s}\n";
  }
  config::Diagnostics diagnostics;
  conformance::load_spec(dir.string(), diagnostics);
  std::string all;
  for (const auto& d : diagnostics.items()) all += d.format() + "\n";
  INFO(all);
  CHECK(all.find("requirement id \"A-1\" is repeated") != std::string::npos);
  CHECK(all.find("\"SHALL\" is not one of MUST, SHOULD, MAY") != std::string::npos);
  CHECK(all.find("ids are upper-case letters") != std::string::npos);
  CHECK(all.find("rule") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("conform: strict mode passes the 421 requirement, istio mode fails it, in separate processes",
          "[conformance]") {
  config::Diagnostics diagnostics;
  const conformance::Spec spec = conformance::load_spec(kFixture + "/spec", diagnostics);
  REQUIRE_FALSE(diagnostics.has_errors());
  const std::vector<conformance::SuiteEntry> strict = {entry("misdirected")};
  conformance::Scorecard good = conformance::score(spec, conformance::run_suite(strict, 2), {});
  REQUIRE(good.runs.size() == 1);
  CHECK(good.runs[0].ran);
  CHECK(good.expectations() == 3);
  CHECK(good.expectations_failed() == 0);
  CHECK_FALSE(good.must_failed());
  const auto& tally = good.profiles.at(0).levels;
  CHECK(tally.at(conformance::Level::kMust).passed == 1);
  CHECK(tally.at(conformance::Level::kShould).passed == 1);
  CHECK(tally.at(conformance::Level::kMay).untested == 1);

  const std::vector<conformance::SuiteEntry> both = {entry("misdirected"), entry("misdirected-istio")};
  conformance::Scorecard bad = conformance::score(spec, conformance::run_suite(both, 2), {});
  CHECK(bad.must_failed());
  CHECK(bad.expectations_failed() == 3);
  const auto& verdicts = bad.profiles.at(0).requirements;
  CHECK(verdicts.at(0).status == conformance::RequirementVerdict::Status::kFailed);  // FX-STRICT-421
  const std::string text = conformance::text_report(bad);
  CHECK(text.find("FAILED MUST FX-STRICT-421") != std::string::npos);
  CHECK(text.find("#1 has {code: 404}") != std::string::npos);
  CHECK(text.find("replay:   gatesim run " + kFixture + "/scenarios/coalescing/misdirected-istio.yaml --seed 1") !=
        std::string::npos);
  // Results come back in entry order whatever the completion order: one job or two, same report.
  conformance::Scorecard serial = conformance::score(spec, conformance::run_suite(both, 1), {});
  CHECK(conformance::json_report(serial)["profiles"] == conformance::json_report(bad)["profiles"]);
  const std::string junit = conformance::junit_report(bad);
  CHECK(junit.find("<testsuite name=\"gateway-tls\" tests=\"5\" failures=\"2\" skipped=\"1\">") != std::string::npos);
  const std::string report = conformance::gateway_api_report(bad, "2026-01-01T00:00:00Z");
  CHECK(report.find("name: GATEWAY-TLS") != std::string::npos);
  CHECK(report.find("- GatewayHTTPSListenerDetectMisdirectedRequests") != std::string::npos);
}
