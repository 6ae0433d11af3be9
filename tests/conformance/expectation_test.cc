// Expectations decided on a finished trace (scenarios/README.md): selection, each check, the
// messages a failure shows, and bad expectation input.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/expectation.h"

using namespace gatesim;

namespace {

std::vector<sim::Expectation> parse(const std::string& yaml, config::Diagnostics& diagnostics) {
  const YAML::Node doc = YAML::Load(yaml);
  config::ParseContext context(diagnostics, "t.yaml");
  config::FieldReader root(context, doc, "");
  auto out = sim::parse_expectations(root);
  root.finish();
  return out;
}

sim::ExpectationVerdict decide(const std::string& yaml, const std::string& trace) {
  config::Diagnostics diagnostics;
  const auto expectations = parse(yaml, diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  REQUIRE(expectations.size() == 1);
  return sim::evaluate_expectations(expectations, trace).front();
}

const std::string kTrace =
    R"({"type":"response","client":"browser","authority":"shop.example.com","status":200,"connection":1,"start_ns":0,"end_ns":50000000,"retry_after_421":false})"
    "\n"
    R"({"type":"response","client":"browser","authority":"cart.example.com","status":421,"connection":1,"start_ns":300000000,"end_ns":350000000,"retry_after_421":false})"
    "\n"
    R"({"type":"response","client":"browser","authority":"cart.example.com","status":200,"connection":2,"start_ns":350000000,"end_ns":500000000,"retry_after_421":true})"
    "\n"
    R"({"type":"gateway","authority":"cart.example.com","code":421,"flags":"-","duration_ns":1000000})"
    "\n";

}  // namespace

TEST_CASE("expectation: count selects by type and every where field", "[conformance][expect]") {
  CHECK(decide("expect: [{select: {type: response, where: {authority: cart.example.com}}, count: 2}]", kTrace).passed);
  const auto v = decide("expect: [{select: {type: response, where: {authority: cart.example.com, status: 200}}, count: 2}]", kTrace);
  CHECK_FALSE(v.passed);
  CHECK(v.observed == "1 response record(s) {authority: cart.example.com, status: 200}");
  CHECK(decide("expect: [{select: {type: response}, count: {min: 3, max: 3}}]", kTrace).passed);
  CHECK_FALSE(decide("expect: [{select: {type: response}, count: {max: 2}}]", kTrace).passed);
}

TEST_CASE("expectation: all, any and none compare numbers, strings and booleans by the record's type",
          "[conformance][expect]") {
  CHECK(decide("expect: [{select: {type: gateway}, all: {code: 421, flags: '-'}}]", kTrace).passed);
  const auto all = decide("expect: [{select: {type: response, where: {client: browser}}, all: {status: 200}}]", kTrace);
  CHECK_FALSE(all.passed);
  CHECK(all.observed == "3 response record(s) {client: browser}; #2 has {status: 421}");
  CHECK(decide("expect: [{select: {type: response}, any: {status: 200, retry_after_421: true, connection: 2}}]", kTrace)
            .passed);
  CHECK_FALSE(decide("expect: [{select: {type: response}, any: {status: 500}}]", kTrace).passed);
  CHECK(decide("expect: [{select: {type: response}, none: {status: 500}}]", kTrace).passed);
  CHECK_FALSE(decide("expect: [{select: {type: response}, none: {status: '421'}}]", kTrace).passed);  // "421" is 421
  // An `all` over nothing is a failure, not a vacuous pass.
  CHECK_FALSE(decide("expect: [{select: {type: tls}, all: {alpn: h2}}]", kTrace).passed);
}

TEST_CASE("expectation: min and max take durations for _ns fields, latency_ns is derived", "[conformance][expect]") {
  CHECK(decide("expect: [{select: {type: response}, max: {latency_ns: 150ms}}]", kTrace).passed);
  const auto v = decide("expect: [{select: {type: response}, max: {latency_ns: 100ms}}]", kTrace);
  CHECK_FALSE(v.passed);
  CHECK(v.expected == "latency_ns <= 100000000");
  CHECK(v.observed == "3 response record(s) {}; #3 has latency_ns 150000000");
  CHECK(decide("expect: [{select: {type: response}, min: {status: 200}}]", kTrace).passed);
  CHECK(decide("expect: [{select: {type: gateway}, max: {duration_ns: 1ms}}]", kTrace).passed);
}

TEST_CASE("expectation: distinct counts the values a field takes", "[conformance][expect]") {
  CHECK(decide("expect: [{select: {type: response}, distinct: {connection: 2}}]", kTrace).passed);
  CHECK_FALSE(decide("expect: [{select: {type: response}, distinct: {connection: 1}}]", kTrace).passed);
  CHECK(decide("expect: [{select: {type: response}, distinct: {authority: {min: 1, max: 2}}}]", kTrace).passed);
}

TEST_CASE("expectation: bad input is a precise error", "[conformance][expect]") {
  struct Case {
    std::string yaml, message;
  };
  const std::vector<Case> cases = {
      {"expect: [{select: {type: responses}, count: 1}]", "\"responses\" is not a trace record type"},
      {"expect: [{select: {type: response}}]", "checks nothing"},
      {"expect: [{select: {type: response}, count: {least: 1}}]", "a range has only min and max"},
      {"expect: [{select: {type: response}, max: {latency_ns: soon}}]", "is not a number or a duration"},
      {"expect: [{select: {type: response}, all: {status: [200, 421]}}]", "expected a single value"},
      {"expect: [{id: a, select: {type: response}, count: 1}, {id: a, select: {type: gateway}, count: 1}]",
       "expectation id \"a\" is repeated"},
      {"expect: [{count: 1}]", "select"},
  };
  for (const Case& c : cases) {
    config::Diagnostics diagnostics;
    parse(c.yaml, diagnostics);
    REQUIRE(diagnostics.has_errors());
    std::string all;
    for (const auto& d : diagnostics.items()) all += d.format() + "\n";
    INFO(all);
    CHECK(all.find(c.message) != std::string::npos);
    CHECK(all.find("t.yaml:1:") != std::string::npos);  // where, not just what
  }
}
