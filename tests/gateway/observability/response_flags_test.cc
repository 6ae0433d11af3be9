// Envoy's response flags: every flag once, in Envoy's order, whatever order they were noticed.
#include <catch2/catch.hpp>

#include "gateway/observability/response_flags.h"

using gatesim::observability::with_response_flag;

TEST_CASE("response flags: Envoy's order, not the order they were added", "[observability][flags]") {
  // The gateway notices URX (retries ran out) before it answers 503 UF; Envoy prints UF,URX.
  CHECK(with_response_flag(with_response_flag("-", "URX"), "UF") == "UF,URX");
  CHECK(with_response_flag(with_response_flag("-", "UF"), "URX") == "UF,URX");
  CHECK(with_response_flag("DI", "DC") == "DI,DC");
  CHECK(with_response_flag("DC", "DI") == "DI,DC");
  CHECK(with_response_flag("DI,FI", "NR") == "NR,DI,FI");
}

TEST_CASE("response flags: none is '-', a flag appears once, unknown flags go last", "[observability][flags]") {
  CHECK(with_response_flag("-", "") == "-");
  CHECK(with_response_flag("-", "-") == "-");
  CHECK(with_response_flag("", "NR") == "NR");
  CHECK(with_response_flag("NR", "NR") == "NR");
  CHECK(with_response_flag("UF,URX", "UF") == "UF,URX");
  CHECK(with_response_flag("ZZ", "UH") == "UH,ZZ");
}
