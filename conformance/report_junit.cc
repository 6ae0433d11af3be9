#include <cstdio>

#include "conformance/reports.h"

namespace gatesim::conformance {

std::string junit_report(const Scorecard& card) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gatesim conform\">\n";
  for (const ProfileScore& p : card.profiles) {
    std::string cases;
    std::size_t tests = 0, failures = 0, skipped = 0;
    for (const RequirementVerdict& v : p.requirements) {
      const std::string base = v.requirement->id + " (" + std::string(to_string(v.requirement->level)) + ")";
      if (v.evidence.empty()) {
        ++tests;
        ++skipped;
        cases += "    <testcase classname=\"" + escape_markup(p.profile->name) + "\" name=\"" + escape_markup(base) +
                 "\"><skipped message=\"no scenario evidences this requirement\"/></testcase>\n";
        continue;
      }
      // One case per requirement and scenario.
      for (std::size_t i = 0; i < v.evidence.size();) {
        const ScenarioRun* run = v.evidence[i].run;
        std::string failure_text;
        for (; i < v.evidence.size() && v.evidence[i].run == run; ++i) {
          const ExpectationResult& e = *v.evidence[i].expectation;
          if (!e.passed) {
            failure_text += e.id + ": expected " + e.expected + "; observed " + e.observed + "\n";
          }
        }
        ++tests;
        char time[32];
        std::snprintf(time, sizeof(time), "%.3f", run->wall_seconds);
        cases += "    <testcase classname=\"" + escape_markup(p.profile->name) + "\" name=\"" +
                 escape_markup(base + " [" + run->name + "]") + "\" time=\"" + time + "\">";
        if (!failure_text.empty()) {
          ++failures;
          cases += "<failure message=\"" + escape_markup(v.requirement->rule) + "\">" +
                   escape_markup(failure_text + "replay: " + replay_command(*run)) + "</failure>";
        }
        cases += "</testcase>\n";
      }
    }
    out += "  <testsuite name=\"" + escape_markup(p.profile->name) + "\" tests=\"" + std::to_string(tests) +
           "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" + std::to_string(skipped) + "\">\n" + cases +
           "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace gatesim::conformance
