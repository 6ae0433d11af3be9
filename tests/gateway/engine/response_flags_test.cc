// Envoy prints response flags in its fixed order (reference section 6.2: "503 UF,URX").
#include <catch2/catch.hpp>

#include "gateway/engine/response_flags.h"

using gatesim::engine::add_response_flag;

TEST_CASE("response flags: Envoy's order, not the order they were set", "[engine][flags]") {
  struct Case {
    std::vector<std::string> set;
    std::string printed;
  };
  const std::vector<Case> cases = {
      {{}, "-"},
      {{"NR"}, "NR"},
      {{"URX", "UF"}, "UF,URX"},       // connect failure after the last retry
      {{"DI", "DC"}, "DI,DC"},         // delayed, then the client gave up
      {{"DI", "FI"}, "DI,FI"},         // delayed, then aborted
      {{"URX", "UT"}, "UT,URX"},       // per-try timeouts until the retries ran out
      {{"UO", "UO"}, "UO"},            // not repeated
      {{"ZZ", "UH"}, "UH,ZZ"},         // unknown flags last
  };
  for (const Case& c : cases) {
    std::string flags = "-";
    for (const std::string& f : c.set) add_response_flag(flags, f);
    CHECK(flags == c.printed);
  }
}
