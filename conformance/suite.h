#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace gatesim::conformance {

// The verdict of one expectation in one scenario run.
struct ExpectationResult {
  std::string id;
  std::vector<std::string> requirements;
  std::string description;
  bool passed = false;
  std::string expected, observed;
};

struct ScenarioRun {
  std::string path;  // as given, e.g. scenarios/sni-coalescing/coalescing-404.yaml
  std::string name;  // family/name
  std::uint64_t seed = 1;
  bool ran = false;
  std::string error;          // why it did not run (diagnostics, or the process died)
  double wall_seconds = 0;    // real time the run took (reported, never decided on)
  double simulated_seconds = 0;
  std::vector<ExpectationResult> results;
};

struct SuiteEntry {
  std::string path, name;
  sim::Scenario scenario;
};

// Runs every entry in its own process (ns-3 keeps one simulator per process), at most `jobs`
// at once, and decides its expectations on the finished trace. Results come back in the
// order of `entries` whatever the completion order, so reports do not depend on `jobs`.
std::vector<ScenarioRun> run_suite(const std::vector<SuiteEntry>& entries, int jobs);

// One scenario in this process (what a child of run_suite does).
ScenarioRun run_one(const SuiteEntry& entry);

}  // namespace gatesim::conformance
