// Fault injection draws (istio-semantics.md 4.3 and 5): percentages per million from the
// seeded RNG, unset percentage = no fault, gRPC names to codes, Envoy's HTTP->gRPC mapping.
#include <catch2/catch.hpp>

#include "gateway/route/fault_plan.h"

using namespace gatesim;

namespace {

config::HttpFaultInjection delay(std::optional<double> percentage) {
  config::HttpFaultInjection f;
  f.delay.emplace();
  f.delay->fixed_delay = std::chrono::milliseconds(400);
  f.delay->percentage = percentage;
  return f;
}

int delayed_out_of(int n, const config::HttpFaultInjection& f, std::uint64_t seed) {
  io::Rng rng(seed);
  int hit = 0;
  for (int i = 0; i < n; ++i) hit += route::plan_fault(f, rng).delay ? 1 : 0;
  return hit;
}

}  // namespace

TEST_CASE("fault percentages: unset is none, 100 is all, partial within binomial bounds", "[route][fault]") {
  CHECK(delayed_out_of(1000, delay(std::nullopt), 1) == 0);  // "If left unspecified, no request will be delayed"
  CHECK(delayed_out_of(1000, delay(0.0), 1) == 0);
  CHECK(delayed_out_of(1000, delay(100.0), 1) == 1000);
  // 30% of 10,000: mean 3000, sd 45.8; 4.5 sd.
  const int hit = delayed_out_of(10000, delay(30.0), 9);
  CHECK(hit > 3000 - 206);
  CHECK(hit < 3000 + 206);
  // 0.1% (per-million resolution): mean 10 of 10,000.
  CHECK(delayed_out_of(10000, delay(0.1), 3) > 0);
  CHECK(delayed_out_of(10000, delay(0.1), 3) < 30);
  config::HttpFaultInjection deprecated;
  deprecated.delay.emplace();
  deprecated.delay->fixed_delay = std::chrono::seconds(1);
  deprecated.delay->percent = 100;  // the deprecated integer form still counts
  CHECK(delayed_out_of(10, deprecated, 1) == 10);
}

TEST_CASE("aborts: httpStatus wins over grpcStatus, gRPC names map to codes", "[route][fault]") {
  config::HttpFaultInjection f;
  f.abort.emplace();
  f.abort->percentage = 100.0;
  f.abort->grpc_status = config::LocatedString{"UNAVAILABLE", {}};
  io::Rng rng(1);
  CHECK(route::plan_fault(f, rng).grpc_status == 14);
  CHECK_FALSE(route::plan_fault(f, rng).http_status.has_value());
  f.abort->http_status = 503;
  const route::FaultPlan both = route::plan_fault(f, rng);
  CHECK(both.http_status == 503);
  CHECK_FALSE(both.grpc_status.has_value());
  CHECK(route::grpc_code("OK") == 0);
  CHECK(route::grpc_code("DEADLINE_EXCEEDED") == 4);
  CHECK(route::grpc_code("UNAUTHENTICATED") == 16);
  CHECK_FALSE(route::grpc_code("unavailable").has_value());  // names are upper-case
  CHECK(route::grpc_status_for_http(503) == 14);
  CHECK(route::grpc_status_for_http(404) == 12);
  CHECK(route::grpc_status_for_http(418) == 2);
}
