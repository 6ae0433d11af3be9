// --slo: the objective a sweep point must meet, its canonical text (what shards compare) and
// its verdicts, including the edges a capacity planner would trip over.
#include <catch2/catch.hpp>

#include "sim/plan/slo.h"

using namespace gatesim::plan;

namespace {

std::string slo_error(const std::string& text) {
  std::string error;
  const Slo slo = parse_slo(text, &error);
  CHECK(slo.terms.empty());
  return error;
}

Slo slo_of(const std::string& text) {
  std::string error;
  Slo slo = parse_slo(text, &error);
  INFO(error);
  REQUIRE(error.empty());
  return slo;
}

}  // namespace

TEST_CASE("plan SLO: terms parse into a canonical objective", "[plan]") {
  CHECK(slo_of("p99<50ms").text() == "p99<50ms");
  CHECK(slo_of(" p99 < 50ms , p50<10ms,errors<0.1% ").text() == "p99<50ms,p50<10ms,errors<0.1%");
  CHECK(slo_of("p99.9<1.5s").text() == "p99.9<1500ms");
  CHECK(slo_of("p90<250us").terms.front().below_ns == 250000);
  CHECK(measured_percentiles(slo_of("p99.9<1s,p50<1s")) == std::vector<double>{50, 90, 99, 99.9});
}

TEST_CASE("plan SLO: bad objectives are precise errors", "[plan]") {
  const std::string grammar = "terms are pNN<DURATION (p99<50ms) or errors<N% (errors<0.1%), joined by \",\"";
  CHECK(slo_error("") == "--slo \"\": empty; " + grammar);
  CHECK(slo_error("p99<50ms,") == "--slo \"p99<50ms,\": an empty term; " + grammar);
  CHECK(slo_error("p99") == "--slo \"p99\": \"p99\" has no \"<\"; " + grammar);
  CHECK(slo_error("p99>50ms") == "--slo \"p99>50ms\": \"p99>50ms\": only \"<\" is supported (an objective is an upper bound)");
  CHECK(slo_error("p99<=50ms") ==
        "--slo \"p99<=50ms\": \"p99<=50ms\": only \"<\" is supported (an objective is an upper bound)");
  CHECK(slo_error("p100<50ms") ==
        "--slo \"p100<50ms\": \"p100<50ms\": \"p100\" is not a percentile (p50, p99, p99.9: above 0, below 100)");
  CHECK(slo_error("px<50ms") ==
        "--slo \"px<50ms\": \"px<50ms\": \"px\" is not a percentile (p50, p99, p99.9: above 0, below 100)");
  CHECK(slo_error("p99<50") == "--slo \"p99<50\": \"p99<50\": \"50\" is not a duration (50ms, 1.5s, 250us)");
  CHECK(slo_error("p99<0ms") == "--slo \"p99<0ms\": \"p99<0ms\": the latency bound must be above 0");
  CHECK(slo_error("p99<-5ms") == "--slo \"p99<-5ms\": \"p99<-5ms\": the latency bound must be above 0");
  CHECK(slo_error("errors<1") == "--slo \"errors<1\": \"errors<1\": the error bound is a percentage such as errors<0.1%");
  CHECK(slo_error("errors<0%") == "--slo \"errors<0%\": \"errors<0%\": the error percentage must be above 0 and at most 100");
  CHECK(slo_error("errors<200%") ==
        "--slo \"errors<200%\": \"errors<200%\": the error percentage must be above 0 and at most 100");
  CHECK(slo_error("latency<5ms") == "--slo \"latency<5ms\": \"latency<5ms\": unknown measure \"latency\"; " + grammar);
  CHECK(slo_error("p99<50ms,p99<60ms") == "--slo \"p99<50ms,p99<60ms\": \"p99\" is bounded twice");
}

TEST_CASE("plan SLO: verdicts are strict and no evidence is not a pass", "[plan]") {
  const Slo slo = slo_of("p99<50ms,errors<1%");
  SloObservation o;
  o.requests = 1000;
  o.answered = 1000;
  o.errors = 9;
  o.latency_ns["p99"] = 49999999;
  CHECK(slo_met(slo, o));
  o.latency_ns["p99"] = 50000000;  // equal is not below
  CHECK_FALSE(slo_met(slo, o));
  o.latency_ns["p99"] = 1000;
  o.errors = 10;  // exactly 1%
  CHECK_FALSE(slo_met(slo, o));
  o.errors = 0;
  o.answered = 0;  // nothing answered: no latency to meet the bound with
  CHECK_FALSE(slo_met(slo, o));
  CHECK_FALSE(slo_met(slo_of("errors<5%"), SloObservation{}));  // no request at all
}
