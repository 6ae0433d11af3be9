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
  // --real: the verdict of the same expectation on loopback (when the scenario ran there).
  bool real_passed = false;
  std::string real_observed;
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
  // --real (sim/real parity): whether the scenario also ran on loopback, or why not.
  bool real_ran = false;
  std::string real_skipped;  // "needs link emulation: ...", or the real run's error
};

struct SuiteEntry {
  std::string path, name;
  sim::Scenario scenario;
};

// Runs every entry in its own process (ns-3 keeps one simulator per process), at most `jobs`
// at once, and decides its expectations on the finished trace. Results come back in the
// order of `entries` whatever the completion order, so reports do not depend on `jobs`.
// With `real`, every scenario that needs no link emulation also runs on loopback sockets in
// wall time (the same clients, backends and engine), and each expectation gets a second verdict.
std::vector<ScenarioRun> run_suite(const std::vector<SuiteEntry>& entries, int jobs, bool real = false);

// One scenario in this process (what a child of run_suite does).
ScenarioRun run_one(const SuiteEntry& entry, bool real = false);

}  // namespace gatesim::conformance
