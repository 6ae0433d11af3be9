#pragma once

#include <map>
#include <string>
#include <vector>

#include "conformance/spec.h"
#include "conformance/suite.h"

namespace gatesim::conformance {

// One expectation that bears on a requirement, where it ran.
struct Evidence {
  const ScenarioRun* run = nullptr;
  const ExpectationResult* expectation = nullptr;
};

struct RequirementVerdict {
  enum class Status { kPassed, kFailed, kUntested };
  const Requirement* requirement = nullptr;
  Status status = Status::kUntested;
  std::vector<Evidence> evidence;
};
std::string_view to_string(RequirementVerdict::Status status);

struct LevelTally {
  std::size_t passed = 0, failed = 0, untested = 0;
  std::size_t total() const { return passed + failed + untested; }
};

struct ProfileScore {
  const Profile* profile = nullptr;
  std::map<Level, LevelTally> levels;
  std::vector<RequirementVerdict> requirements;  // in spec order
};

// The spec scored against the runs: a requirement passes when some expectation names it and
// every one that does passed; fails when any failed; is untested otherwise.
// Sim/real parity (--real): each expectation's verdict on loopback beside the simulator's.
struct Parity {
  std::size_t scenarios_real = 0;     // ran on loopback
  std::size_t scenarios_skipped = 0;  // cannot run on loopback, or the loopback run failed
  std::size_t expectations = 0;       // decided both ways
  std::size_t agree = 0;
  std::vector<Evidence> mismatches;
  bool measured() const { return scenarios_real + scenarios_skipped > 0; }
};

struct Scorecard {
  std::vector<ProfileScore> profiles;
  std::vector<ScenarioRun> runs;
  double wall_seconds = 0;
  bool must_failed() const;
  std::size_t expectations() const;
  std::size_t expectations_failed() const;
  Parity parity() const;
};

// `runs` is moved in: the evidence points into it.
Scorecard score(const Spec& spec, std::vector<ScenarioRun> runs, const std::vector<std::string>& profiles);

// `gatesim run` command that replays a run exactly.
std::string replay_command(const ScenarioRun& run);

}  // namespace gatesim::conformance
