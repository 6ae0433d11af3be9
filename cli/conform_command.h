#pragma once

#include <string>
#include <vector>

namespace gatesim::cli {

struct ConformOptions {
  std::string scenarios_dir = "scenarios";
  std::string spec_dir = "conformance";
  std::vector<std::string> profiles;
  std::string filter;  // ECMAScript regex over scenario names and requirement ids
  int jobs = 0;        // 0: one per core
  std::string junit_path, json_path, report_path, gateway_api_path;
  bool real = false;       // also run what needs no link emulation on loopback: sim/real parity
  std::string test_break;  // test-only: "misdirected-421" compiles the gateway without the 421 rule
};

// gatesim conform: scores the bundled (or given) scenarios against the spec. Exit 0 when no
// MUST requirement fails, 1 when one does, 2 on bad input (spec, scenarios, flags).
int run_conform(const ConformOptions& options);

}  // namespace gatesim::cli
