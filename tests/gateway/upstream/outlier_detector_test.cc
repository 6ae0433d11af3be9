// Envoy's consecutive-error outlier detection with Istio's settings, on hand-computed times
// (Envoy outlier detection docs; reference section 5 and DestinationRule outlierDetection).
#include <catch2/catch.hpp>

#include "gateway/upstream/outlier_detector.h"

using namespace gatesim;
using upstream::OutlierDetector;
using upstream::OutlierSettings;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

OutlierSettings settings(std::uint32_t consecutive, std::uint32_t max_percent = 100) {
  OutlierSettings s;
  s.consecutive_5xx = consecutive;
  s.interval = seconds(1);
  s.base_ejection_time = seconds(2);
  s.max_ejection_percent = max_percent;
  return s;
}

void hosts(OutlierDetector& d, std::size_t n) {
  std::vector<std::optional<std::size_t>> fresh(n);
  d.set_hosts(fresh);
}

}  // namespace

TEST_CASE("outlier: the Nth consecutive 5xx ejects at once, a success resets the streak", "[upstream][outlier]") {
  OutlierDetector d(settings(3), io::TimePoint{0});
  hosts(d, 2);
  const auto t = io::TimePoint{milliseconds(100)};
  CHECK(d.report(0, 500, t) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, 503, t) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, 200, t) == OutlierDetector::Result::kNone);  // streak broken
  CHECK(d.report(0, 500, t) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, 404, t) == OutlierDetector::Result::kNone);  // 4xx is a success here
  CHECK(d.report(0, 500, t) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, 502, t) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, std::nullopt, t) == OutlierDetector::Result::kEjected);  // local-origin counts as 5xx
  CHECK(d.ejected(0));
  CHECK_FALSE(d.ejected(1));
  CHECK(d.ejections_total() == 1);
}

TEST_CASE("outlier: an ejected host returns at the first interval tick after base x times ejected",
          "[upstream][outlier]") {
  OutlierDetector d(settings(1), io::TimePoint{0});
  hosts(d, 2);
  d.report(0, 500, io::TimePoint{milliseconds(600)});  // ejected at 0.6 s for 2 s
  REQUIRE(d.next_tick(io::TimePoint{milliseconds(600)}) == io::TimePoint{seconds(1)});
  CHECK(d.tick(io::TimePoint{seconds(1)}).empty());
  CHECK(d.tick(io::TimePoint{seconds(2)}).empty());  // 1.4 s ejected
  CHECK(d.tick(io::TimePoint{seconds(3)}) == std::vector<std::size_t>{0});  // 2.4 s >= 2 s
  CHECK_FALSE(d.ejected(0));
  // Second ejection right away: 2 x 2 s. Ejected at 3.2 s, back at the 8 s tick (7.2 would
  // be 4 s, and ticks fall on whole seconds).
  d.report(0, 500, io::TimePoint{milliseconds(3200)});
  for (int s = 4; s <= 7; ++s) CHECK(d.tick(io::TimePoint{seconds(s)}).empty());
  CHECK(d.tick(io::TimePoint{seconds(8)}) == std::vector<std::size_t>{0});
  // Healthy ticks lower the multiplier again: two ticks later a new ejection lasts 2 s.
  d.tick(io::TimePoint{seconds(9)});
  d.tick(io::TimePoint{seconds(10)});
  CHECK_FALSE(d.next_tick(io::TimePoint{seconds(10)}).has_value());  // nothing left to do
  d.report(0, 500, io::TimePoint{milliseconds(10500)});
  CHECK(d.tick(io::TimePoint{seconds(12)}).empty());  // 1.5 s
  CHECK(d.tick(io::TimePoint{seconds(13)}) == std::vector<std::size_t>{0});
}

TEST_CASE("outlier: max_ejection_percent caps ejections but one host may always go", "[upstream][outlier]") {
  // Envoy's default 10%: with 4 hosts the first ejection is allowed (at least one), the
  // second would make 50%.
  OutlierDetector d(settings(1, 10), io::TimePoint{0});
  hosts(d, 4);
  CHECK(d.report(0, 500, io::TimePoint{seconds(1)}) == OutlierDetector::Result::kEjected);
  CHECK(d.report(1, 500, io::TimePoint{seconds(1)}) == OutlierDetector::Result::kNone);
  CHECK(d.ejected_count() == 1);
  // 50%: two of four.
  OutlierDetector half(settings(1, 50), io::TimePoint{0});
  hosts(half, 4);
  half.report(0, 500, io::TimePoint{seconds(1)});
  CHECK(half.report(1, 500, io::TimePoint{seconds(1)}) == OutlierDetector::Result::kEjected);
  CHECK(half.report(2, 500, io::TimePoint{seconds(1)}) == OutlierDetector::Result::kNone);
}

TEST_CASE("outlier: consecutive gateway errors count only 502/503/504 and local failures", "[upstream][outlier]") {
  OutlierSettings s = settings(0);  // consecutive 5xx not enforced
  s.consecutive_gateway_errors = 2;
  OutlierDetector d(s, io::TimePoint{0});
  hosts(d, 1);
  CHECK(d.report(0, 503, io::TimePoint{}) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, 500, io::TimePoint{}) == OutlierDetector::Result::kNone);  // 500 breaks the gateway streak
  CHECK(d.report(0, 504, io::TimePoint{}) == OutlierDetector::Result::kNone);
  CHECK(d.report(0, std::nullopt, io::TimePoint{}) == OutlierDetector::Result::kEjected);
}

TEST_CASE("outlier: a host kept across an endpoint update keeps its state", "[upstream][outlier]") {
  OutlierDetector d(settings(1), io::TimePoint{0});
  hosts(d, 2);
  d.report(1, 500, io::TimePoint{seconds(1)});
  REQUIRE(d.ejected(1));
  d.set_hosts({std::nullopt, std::size_t{1}});  // new host at 0, old host 1 stays at 1
  CHECK_FALSE(d.ejected(0));
  CHECK(d.ejected(1));
  d.set_hosts({std::size_t{1}});  // only the ejected one remains, now at 0
  CHECK(d.ejected(0));
}
