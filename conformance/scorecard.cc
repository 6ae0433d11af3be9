#include "conformance/scorecard.h"

#include <algorithm>

namespace gatesim::conformance {

std::string_view to_string(RequirementVerdict::Status status) {
  switch (status) {
    case RequirementVerdict::Status::kPassed: return "passed";
    case RequirementVerdict::Status::kFailed: return "failed";
    case RequirementVerdict::Status::kUntested: return "untested";
  }
  return "?";
}

bool Scorecard::must_failed() const {
  for (const ProfileScore& p : profiles) {
    auto it = p.levels.find(Level::kMust);
    if (it != p.levels.end() && it->second.failed > 0) return true;
  }
  return false;
}

std::size_t Scorecard::expectations() const {
  std::size_t n = 0;
  for (const ScenarioRun& r : runs) n += r.results.size();
  return n;
}

std::size_t Scorecard::expectations_failed() const {
  std::size_t n = 0;
  for (const ScenarioRun& r : runs) {
    for (const ExpectationResult& e : r.results) n += e.passed ? 0 : 1;
  }
  return n;
}

Parity Scorecard::parity() const {
  Parity p;
  for (const ScenarioRun& r : runs) {
    if (!r.real_ran) {
      p.scenarios_skipped += r.real_skipped.empty() ? 0 : 1;
      continue;
    }
    ++p.scenarios_real;
    for (const ExpectationResult& e : r.results) {
      ++p.expectations;
      if (e.passed == e.real_passed) ++p.agree;
      else p.mismatches.push_back({&r, &e});
    }
  }
  return p;
}

Scorecard score(const Spec& spec, std::vector<ScenarioRun> runs, const std::vector<std::string>& profiles) {
  Scorecard card;
  card.runs = std::move(runs);
  for (const Profile& profile : spec.profiles) {
    if (!profiles.empty() && std::find(profiles.begin(), profiles.end(), profile.name) == profiles.end()) continue;
    ProfileScore ps;
    ps.profile = &profile;
    for (Level level : {Level::kMust, Level::kShould, Level::kMay}) ps.levels[level];
    for (const Requirement& requirement : profile.requirements) {
      RequirementVerdict v;
      v.requirement = &requirement;
      for (const ScenarioRun& run : card.runs) {
        for (const ExpectationResult& e : run.results) {
          if (std::find(e.requirements.begin(), e.requirements.end(), requirement.id) != e.requirements.end()) {
            v.evidence.push_back({&run, &e});
          }
        }
      }
      if (!v.evidence.empty()) {
        const bool all = std::all_of(v.evidence.begin(), v.evidence.end(),
                                     [](const Evidence& e) { return e.expectation->passed; });
        v.status = all ? RequirementVerdict::Status::kPassed : RequirementVerdict::Status::kFailed;
      }
      LevelTally& tally = ps.levels[requirement.level];
      switch (v.status) {
        case RequirementVerdict::Status::kPassed: ++tally.passed; break;
        case RequirementVerdict::Status::kFailed: ++tally.failed; break;
        case RequirementVerdict::Status::kUntested: ++tally.untested; break;
      }
      ps.requirements.push_back(std::move(v));
    }
    card.profiles.push_back(std::move(ps));
  }
  return card;
}

std::string replay_command(const ScenarioRun& run) {
  return "gatesim run " + run.path + " --seed " + std::to_string(run.seed);
}

}  // namespace gatesim::conformance
