// Route timeouts and gRPC's grpc-timeout header (istio-semantics.md 4.3, 5).
#include <catch2/catch.hpp>

#include "gateway/route/request_timeout.h"

using namespace gatesim;
using std::chrono::milliseconds;

TEST_CASE("grpc-timeout values: digits then one unit", "[route][timeout]") {
  CHECK(route::parse_grpc_timeout("100m") == milliseconds(100));
  CHECK(route::parse_grpc_timeout("2S") == std::chrono::seconds(2));
  CHECK(route::parse_grpc_timeout("1H") == std::chrono::hours(1));
  CHECK(route::parse_grpc_timeout("5u") == std::chrono::microseconds(5));
  CHECK(route::parse_grpc_timeout("99999999n") == std::chrono::nanoseconds(99999999));
  CHECK_FALSE(route::parse_grpc_timeout("m").has_value());
  CHECK_FALSE(route::parse_grpc_timeout("100").has_value());
  CHECK_FALSE(route::parse_grpc_timeout("123456789S").has_value());  // more than 8 digits
  CHECK_FALSE(route::parse_grpc_timeout("1.5S").has_value());
  CHECK_FALSE(route::parse_grpc_timeout("10s").has_value());  // units are case-sensitive
}

TEST_CASE("effective timeout: route timeout, capped gRPC deadline, none by default", "[route][timeout]") {
  config::CompiledRoute route;
  http::RequestHead grpc;
  grpc.headers = {{"grpc-timeout", "300m"}};
  CHECK_FALSE(route::request_timeout(route, http::RequestHead{}, false).has_value());  // Istio: 0s = infinite
  CHECK(route::request_timeout(route, grpc, true) == milliseconds(300));
  CHECK_FALSE(route::request_timeout(route, grpc, false).has_value());  // not gRPC: the header means nothing
  route.timeout = std::chrono::milliseconds(200);
  CHECK(route::request_timeout(route, grpc, true) == milliseconds(200));
  route.timeout = std::chrono::seconds(1);
  CHECK(route::request_timeout(route, grpc, true) == milliseconds(300));
  CHECK(route::request_timeout(route, http::RequestHead{}, false) == std::chrono::seconds(1));
}
