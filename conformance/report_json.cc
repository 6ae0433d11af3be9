#include "conformance/reports.h"

namespace gatesim::conformance {

nlohmann::json json_report(const Scorecard& card) {
  using nlohmann::json;
  json profiles = json::array();
  for (const ProfileScore& p : card.profiles) {
    json levels = json::object();
    for (const auto& [level, t] : p.levels) {
      levels[std::string(to_string(level))] = {
          {"passed", t.passed}, {"failed", t.failed}, {"untested", t.untested}, {"total", t.total()}};
    }
    json requirements = json::array();
    for (const RequirementVerdict& v : p.requirements) {
      json evidence = json::array();
      for (const Evidence& e : v.evidence) {
        evidence.push_back({{"scenario", e.run->name}, {"path", e.run->path}, {"seed", e.run->seed},
                            {"expectation", e.expectation->id}, {"description", e.expectation->description},
                            {"passed", e.expectation->passed}, {"expected", e.expectation->expected},
                            {"observed", e.expectation->observed}, {"replay", replay_command(*e.run)}});
      }
      requirements.push_back({{"id", v.requirement->id}, {"level", to_string(v.requirement->level)},
                              {"rule", v.requirement->rule}, {"source", v.requirement->source},
                              {"gateway_api", v.requirement->gateway_api}, {"status", to_string(v.status)},
                              {"evidence", evidence}});
    }
    profiles.push_back({{"profile", p.profile->name}, {"levels", levels}, {"requirements", requirements}});
  }
  json scenarios = json::array();
  for (const ScenarioRun& r : card.runs) {
    scenarios.push_back({{"scenario", r.name}, {"path", r.path}, {"seed", r.seed}, {"ran", r.ran}, {"error", r.error},
                         {"simulated_seconds", r.simulated_seconds}, {"wall_seconds", r.wall_seconds},
                         {"expectations", r.results.size()}, {"real_ran", r.real_ran},
                         {"real_skipped", r.real_skipped}});
  }
  json out = {{"profiles", profiles}, {"scenarios", scenarios}, {"wall_seconds", card.wall_seconds},
             {"must_failed", card.must_failed()}};
  if (const Parity parity = card.parity(); parity.measured()) {
    json mismatches = json::array();
    for (const Evidence& m : parity.mismatches) {
      mismatches.push_back({{"scenario", m.run->name}, {"expectation", m.expectation->id},
                            {"simulator_passed", m.expectation->passed}, {"real_passed", m.expectation->real_passed},
                            {"simulator_observed", m.expectation->observed},
                            {"real_observed", m.expectation->real_observed}});
    }
    out["parity"] = {{"scenarios_real", parity.scenarios_real}, {"scenarios_skipped", parity.scenarios_skipped},
                     {"expectations", parity.expectations}, {"agree", parity.agree}, {"mismatches", mismatches}};
  }
  return out;
}

}  // namespace gatesim::conformance
