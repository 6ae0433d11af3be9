#include "conformance/suite.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario_runner.h"

namespace gatesim::conformance {
namespace {

using nlohmann::json;

json to_json(const ScenarioRun& r) {
  json results = json::array();
  for (const ExpectationResult& e : r.results) {
    results.push_back({{"id", e.id}, {"requirements", e.requirements}, {"description", e.description},
                       {"passed", e.passed}, {"expected", e.expected}, {"observed", e.observed},
                       {"real_passed", e.real_passed}, {"real_observed", e.real_observed}});
  }
  return {{"ran", r.ran}, {"error", r.error}, {"simulated_seconds", r.simulated_seconds}, {"results", results},
          {"real_ran", r.real_ran}, {"real_skipped", r.real_skipped}};
}

void from_json(const json& j, ScenarioRun& r) {
  r.ran = j.at("ran").get<bool>();
  r.error = j.at("error").get<std::string>();
  r.simulated_seconds = j.at("simulated_seconds").get<double>();
  r.real_ran = j.at("real_ran").get<bool>();
  r.real_skipped = j.at("real_skipped").get<std::string>();
  for (const json& e : j.at("results")) {
    ExpectationResult x;
    x.id = e.at("id").get<std::string>();
    x.requirements = e.at("requirements").get<std::vector<std::string>>();
    x.description = e.at("description").get<std::string>();
    x.passed = e.at("passed").get<bool>();
    x.expected = e.at("expected").get<std::string>();
    x.observed = e.at("observed").get<std::string>();
    x.real_passed = e.at("real_passed").get<bool>();
    x.real_observed = e.at("real_observed").get<std::string>();
    r.results.push_back(std::move(x));
  }
}

// Every expectation fails with the same reason (the scenario did not run).
void fail_all(const SuiteEntry& entry, ScenarioRun& run, const std::string& why) {
  run.ran = false;
  run.error = why;
  run.results.clear();
  for (const sim::Expectation& x : entry.scenario.expectations) {
    run.results.push_back({x.id, x.requirements, x.description, false, "", "the scenario did not run: " + why, false, ""});
  }
}

ScenarioRun unrun(const SuiteEntry& entry) {
  ScenarioRun run;
  run.path = entry.path;
  run.name = entry.name;
  run.seed = entry.scenario.seed;
  return run;
}

}  // namespace

ScenarioRun run_one(const SuiteEntry& entry, bool real) {
  ScenarioRun run;
  run.path = entry.path;
  run.name = entry.name;
  run.seed = entry.scenario.seed;
  config::Diagnostics diagnostics;
  const sim::RunResult result = sim::run_scenario(entry.scenario, entry.scenario.seed, "", diagnostics, false);
  if (!result.ok || diagnostics.has_errors()) {
    std::string why;
    for (const auto& d : diagnostics.items()) {
      if (d.severity == config::Severity::kError) why += (why.empty() ? "" : "; ") + d.message;
    }
    fail_all(entry, run, why.empty() ? "the run failed" : why);
    return run;
  }
  run.ran = true;
  run.simulated_seconds = std::chrono::duration<double>(entry.scenario.duration).count();
  const auto verdicts = sim::evaluate_expectations(entry.scenario.expectations, result.trace);
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const sim::Expectation& x = entry.scenario.expectations[i];
    run.results.push_back({x.id, x.requirements, x.description, verdicts[i].passed, verdicts[i].expected,
                           verdicts[i].observed, false, ""});
  }
  if (!real) return run;
  if (const std::string why = sim::real_ineligibility(entry.scenario); !why.empty()) {
    run.real_skipped = "cannot run on loopback: " + why;
    return run;
  }
  config::Diagnostics real_diagnostics;
  const sim::RunResult on_loopback = sim::run_scenario_real(entry.scenario, entry.scenario.seed, real_diagnostics);
  if (!on_loopback.ok) {
    for (const auto& d : real_diagnostics.items()) {
      if (d.severity == config::Severity::kError) run.real_skipped += (run.real_skipped.empty() ? "" : "; ") + d.message;
    }
    if (run.real_skipped.empty()) run.real_skipped = "the loopback run failed";
    return run;
  }
  run.real_ran = true;
  const auto real_verdicts = sim::evaluate_expectations(entry.scenario.expectations, on_loopback.trace);
  for (std::size_t i = 0; i < real_verdicts.size(); ++i) {
    run.results[i].real_passed = real_verdicts[i].passed;
    run.results[i].real_observed = real_verdicts[i].observed;
  }
  return run;
}

std::vector<ScenarioRun> run_suite(const std::vector<SuiteEntry>& entries, int jobs, bool real) {
  std::vector<ScenarioRun> runs(entries.size());
  char dir_template[] = "/tmp/gatesim-conform-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      runs[i] = unrun(entries[i]);
      fail_all(entries[i], runs[i], "cannot create a temporary directory");
    }
    return runs;
  }
  const auto result_file = [&](std::size_t i) { return std::string(dir) + "/" + std::to_string(i) + ".json"; };
  std::map<pid_t, std::pair<std::size_t, std::chrono::steady_clock::time_point>> running;
  std::size_t next = 0;
  const auto reap_one = [&] {
    int status = 0;
    const pid_t pid = wait(&status);
    auto it = running.find(pid);
    if (it == running.end()) return;
    const auto [i, started] = it->second;
    running.erase(it);
    ScenarioRun& run = runs[i];
    run.path = entries[i].path;
    run.name = entries[i].name;
    run.seed = entries[i].scenario.seed;
    run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ifstream in(result_file(i));
    std::stringstream text;
    text << in.rdbuf();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.str().empty()) {
      const std::string why = WIFSIGNALED(status) ? "the run crashed (signal " + std::to_string(WTERMSIG(status)) + ")"
                                                  : "the run exited with status " + std::to_string(WEXITSTATUS(status));
      fail_all(entries[i], run, why);
      return;
    }
    try {
      from_json(json::parse(text.str()), run);
    } catch (const std::exception& e) {
      fail_all(entries[i], run, std::string("unreadable result: ") + e.what());
    }
  };
  while (next < entries.size() || !running.empty()) {
    while (next < entries.size() && static_cast<int>(running.size()) < std::max(jobs, 1)) {
      const std::size_t i = next++;
      const auto started = std::chrono::steady_clock::now();
      const pid_t pid = fork();
      if (pid == 0) {
        // The child: one scenario, its verdicts to a file, and out without running the
        // parent's destructors.
        int code = 0;
        try {
          std::ofstream out(result_file(i));
          out << to_json(run_one(entries[i], real)).dump();
          code = out.good() ? 0 : 3;
        } catch (...) {
          code = 4;
        }
        std::_Exit(code);
      }
      if (pid < 0) {
        runs[i] = unrun(entries[i]);
        fail_all(entries[i], runs[i], "fork failed");
        continue;
      }
      running[pid] = {i, started};
    }
    if (!running.empty()) reap_one();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return runs;
}

}  // namespace gatesim::conformance
