#include <cstdio>

#include "conformance/reports.h"

namespace gatesim::conformance {

std::string escape_markup(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string tally_cell(const LevelTally& t) {
  return t.total() == 0 ? "-" : std::to_string(t.passed) + "/" + std::to_string(t.total());
}

std::string text_report(const Scorecard& card) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-14s %10s %10s %10s %9s %7s\n", "profile", "MUST", "SHOULD", "MAY", "untested",
                "failed");
  out += line;
  LevelTally must, should, may;
  for (const ProfileScore& p : card.profiles) {
    const LevelTally& m = p.levels.at(Level::kMust);
    const LevelTally& s = p.levels.at(Level::kShould);
    const LevelTally& y = p.levels.at(Level::kMay);
    std::snprintf(line, sizeof(line), "%-14s %10s %10s %10s %9zu %7zu\n", p.profile->name.c_str(),
                  tally_cell(m).c_str(), tally_cell(s).c_str(), tally_cell(y).c_str(),
                  m.untested + s.untested + y.untested, m.failed + s.failed + y.failed);
    out += line;
    for (auto [total, part] : {std::pair{&must, &m}, std::pair{&should, &s}, std::pair{&may, &y}}) {
      total->passed += part->passed;
      total->failed += part->failed;
      total->untested += part->untested;
    }
  }
  std::snprintf(line, sizeof(line), "%-14s %10s %10s %10s %9zu %7zu\n", "all", tally_cell(must).c_str(),
                tally_cell(should).c_str(), tally_cell(may).c_str(), must.untested + should.untested + may.untested,
                must.failed + should.failed + may.failed);
  out += line;
  for (const ProfileScore& p : card.profiles) {
    for (const RequirementVerdict& v : p.requirements) {
      if (v.status != RequirementVerdict::Status::kFailed) continue;
      out += "\nFAILED " + std::string(to_string(v.requirement->level)) + " " + v.requirement->id + ": " +
             v.requirement->rule + "\n";
      for (const Evidence& e : v.evidence) {
        if (e.expectation->passed) continue;
        out += "  scenario " + e.run->name + ", expectation " + e.expectation->id;
        if (!e.expectation->description.empty()) out += " (" + e.expectation->description + ")";
        out += "\n    expected: " + e.expectation->expected + "\n    observed: " + e.expectation->observed +
               "\n    replay:   " + replay_command(*e.run) + "\n";
      }
    }
  }
  if (const Parity parity = card.parity(); parity.measured()) {
    std::snprintf(line, sizeof(line),
                  "\nsim/real parity: %zu of %zu expectations give the same verdict on loopback (%zu scenarios ran "
                  "there, %zu cannot or failed to)\n",
                  parity.agree, parity.expectations, parity.scenarios_real, parity.scenarios_skipped);
    out += line;
    for (const Evidence& m : parity.mismatches) {
      out += "  differs: " + m.run->name + " / " + m.expectation->id + ": simulator " +
             (m.expectation->passed ? "pass" : "FAIL") + ", loopback " + (m.expectation->real_passed ? "pass" : "FAIL") +
             " (" + (m.expectation->real_passed ? m.expectation->observed : m.expectation->real_observed) + ")\n";
    }
    for (const ScenarioRun& r : card.runs) {
      if (!r.real_ran && !r.real_skipped.empty()) out += "  not on loopback: " + r.name + ": " + r.real_skipped + "\n";
    }
  }
  std::snprintf(line, sizeof(line), "\n%zu scenarios, %zu expectations (%zu failed), %.2f s wall\n", card.runs.size(),
                card.expectations(), card.expectations_failed(), card.wall_seconds);
  out += line;
  return out;
}

}  // namespace gatesim::conformance
