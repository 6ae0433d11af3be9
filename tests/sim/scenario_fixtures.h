#pragma once
// Loading and running bundled scenarios from the scenario tests.
#include <catch2/catch.hpp>

#include <string>

#include "sim/scenario/scenario_runner.h"

namespace gatesim::testing {

// `name` is "family/file" under scenarios/, without ".yaml".
inline sim::Scenario load(const std::string& name) {
  const std::string relative = name;
  config::Diagnostics diagnostics;
  sim::Scenario scenario =
      sim::load_scenario(std::string(GATESIM_SOURCE_DIR) + "/scenarios/" + relative + ".yaml", diagnostics);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE_FALSE(diagnostics.has_errors());
  return scenario;
}

inline sim::RunResult run_loaded(const sim::Scenario& scenario, std::uint64_t seed, const std::string& out = "",
                                 bool pcap = false) {
  config::Diagnostics diagnostics;
  sim::RunResult result = sim::run_scenario(scenario, seed, out, diagnostics, pcap);
  for (const auto& d : diagnostics.items()) INFO(d.format());
  REQUIRE(result.ok);
  return result;
}

inline sim::RunResult run(const std::string& name, std::uint64_t seed) { return run_loaded(load(name), seed); }

}  // namespace gatesim::testing
