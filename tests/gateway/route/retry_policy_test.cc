// Envoy's retry conditions and back-off as Istio configures them (istio-semantics.md 4.3).
#include <catch2/catch.hpp>

#include "gateway/route/retry_policy.h"

using namespace gatesim;
using Kind = route::AttemptOutcome::Kind;

namespace {

route::AttemptOutcome response(int status, std::optional<int> grpc = std::nullopt) {
  return {Kind::kResponse, status, grpc};
}
route::AttemptOutcome failure(Kind kind) { return {kind, 0, std::nullopt}; }

}  // namespace

TEST_CASE("Istio's default retryOn retries connect failures and refused streams, not 503s", "[route][retry]") {
  const config::RetryPolicy istio_default;  // 2 retries, connect-failure,refused-stream,unavailable,cancelled,...
  CHECK(route::should_retry(istio_default, failure(Kind::kConnectFailure), 0));
  CHECK(route::should_retry(istio_default, failure(Kind::kRefusedStream), 1));
  CHECK_FALSE(route::should_retry(istio_default, failure(Kind::kConnectFailure), 2));  // attempts used up
  CHECK_FALSE(route::should_retry(istio_default, failure(Kind::kReset), 0));  // a reset is "reset", not listed
  CHECK_FALSE(route::should_retry(istio_default, response(503), 0));  // no codes listed
  CHECK(route::should_retry(istio_default, response(200, 14), 0));  // gRPC unavailable
  CHECK(route::should_retry(istio_default, response(200, 1), 0));   // gRPC cancelled
  CHECK_FALSE(route::should_retry(istio_default, response(200, 4), 0));  // deadline-exceeded not listed
}

TEST_CASE("retryOn tokens", "[route][retry]") {
  config::RetryPolicy p;
  p.num_retries = 3;
  p.retry_on = "5xx";
  CHECK(route::should_retry(p, response(500), 0));
  CHECK(route::should_retry(p, failure(Kind::kReset), 0));
  CHECK_FALSE(route::should_retry(p, response(429), 0));
  p.retry_on = "gateway-error";
  CHECK(route::should_retry(p, response(504), 0));
  CHECK_FALSE(route::should_retry(p, response(500), 0));
  p.retry_on = "retriable-4xx";
  CHECK(route::should_retry(p, response(409), 0));
  p.retry_on = "retriable-status-codes";
  p.retriable_status_codes = {429};
  CHECK(route::should_retry(p, response(429), 0));
  CHECK_FALSE(route::should_retry(p, response(503), 0));
  p.retry_on = " reset , deadline-exceeded";
  CHECK(route::should_retry(p, failure(Kind::kReset), 0));
  CHECK(route::should_retry(p, response(200, 4), 0));
}

TEST_CASE("back-off is fully jittered exponential, capped at ten times the base", "[route][retry]") {
  config::RetryPolicy p;  // base 25 ms
  io::Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    CHECK(route::retry_backoff(p, 1, rng) < std::chrono::milliseconds(25));
    CHECK(route::retry_backoff(p, 2, rng) < std::chrono::milliseconds(75));
    CHECK(route::retry_backoff(p, 10, rng) < std::chrono::milliseconds(250));
  }
  io::Duration longest{0};
  for (int i = 0; i < 1000; ++i) longest = std::max(longest, route::retry_backoff(p, 10, rng));
  CHECK(longest > std::chrono::milliseconds(240));  // the cap is reached, not undershot
}
