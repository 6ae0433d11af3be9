#include "cli/conform_command.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <thread>

#include "conformance/reports.h"
#include "conformance/scorecard.h"
#include "conformance/spec.h"
#include "conformance/suite.h"

namespace gatesim::cli {
namespace {

namespace fs = std::filesystem;

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.good()) {
    std::cerr << "gatesim conform: cannot write " << path << "\n";
    return false;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int run_conform(const ConformOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (!options.report_path.empty() && !ends_with(options.report_path, ".md") && !ends_with(options.report_path, ".html")) {
    std::cerr << "gatesim conform: --report " << options.report_path << ": the name must end in .md or .html\n";
    return 2;
  }
  std::optional<std::regex> filter;
  if (!options.filter.empty()) {
    try {
      filter.emplace(options.filter);
    } catch (const std::regex_error& e) {
      std::cerr << "gatesim conform: --filter \"" << options.filter << "\" is not a valid regular expression: "
                << e.what() << "\n";
      return 2;
    }
  }
  config::Diagnostics diagnostics;
  const conformance::Spec spec = conformance::load_spec(options.spec_dir, diagnostics);
  if (!diagnostics.has_errors() && spec.requirement_count() == 0) {
    std::cerr << "gatesim conform: " << options.spec_dir << " holds no requirements (one YAML file per profile)\n";
    return 2;
  }
  for (const std::string& p : options.profiles) {
    const bool known = std::any_of(spec.profiles.begin(), spec.profiles.end(),
                                   [&](const conformance::Profile& x) { return x.name == p; });
    if (!known) {
      std::string names;
      for (const auto& x : spec.profiles) names += (names.empty() ? "" : ", ") + x.name;
      std::cerr << "gatesim conform: --profile " << p << ": no such profile (" << names << ")\n";
      return 2;
    }
  }
  std::string error;
  std::vector<fs::path> files;
  for (const std::string& f : sim::find_scenario_files(options.scenarios_dir, &error)) files.push_back(f);
  if (!error.empty()) {
    std::cerr << "gatesim conform: " << error << "\n";
    return 2;
  }
  std::vector<conformance::SuiteEntry> entries;
  std::size_t without_expectations = 0;
  for (const fs::path& file : files) {
    sim::Scenario scenario = sim::load_scenario(file.string(), diagnostics);
    std::string name = fs::relative(file, options.scenarios_dir).replace_extension().generic_string();
    // Every requirement a scenario names must be in the spec: a typo would silently evidence nothing.
    auto check = [&](const std::string& id, const std::string& where) {
      if (spec.find(id) == nullptr) {
        config::Origin origin;
        origin.location.file = file.string();
        origin.path = where;
        diagnostics.add(config::Code::kInvalidValue, origin, "Scenario " + name,
                        "requirement \"" + id + "\" is not in the spec (" + options.spec_dir + ")");
      }
    };
    for (const std::string& id : scenario.requirements) check(id, "requirements");
    std::set<std::string> named;
    for (const sim::Expectation& x : scenario.expectations) {
      for (const std::string& id : x.requirements) {
        check(id, "expect." + x.id);
        named.insert(id);
      }
    }
    if (scenario.expectations.empty()) {
      ++without_expectations;
      continue;
    }
    bool selected = options.profiles.empty();
    for (const std::string& id : named) {
      const conformance::Requirement* r = spec.find(id);
      if (r != nullptr && std::find(options.profiles.begin(), options.profiles.end(), r->profile) != options.profiles.end()) {
        selected = true;
      }
    }
    if (filter) {
      bool hit = std::regex_search(name, *filter);
      for (const std::string& id : named) hit = hit || std::regex_search(id, *filter);
      selected = selected && hit;
    }
    scenario.test_break_misdirected_421 = options.test_break == "misdirected-421";
    if (selected) entries.push_back({file.string(), name, std::move(scenario)});
  }
  for (const auto& d : diagnostics.items()) std::cerr << d.format() << "\n";
  if (diagnostics.has_errors()) return 2;

  const int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::cout.flush();
  std::vector<conformance::ScenarioRun> runs = conformance::run_suite(entries, jobs, options.real);
  conformance::Scorecard card = conformance::score(spec, std::move(runs), options.profiles);
  card.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::cout << conformance::text_report(card);
  if (without_expectations > 0) {
    std::cout << without_expectations << " scenario(s) have no expectations and were not run\n";
  }
  bool written = true;
  if (!options.json_path.empty()) written &= write_file(options.json_path, conformance::json_report(card).dump(2) + "\n");
  if (!options.junit_path.empty()) written &= write_file(options.junit_path, conformance::junit_report(card));
  if (!options.report_path.empty()) {
    written &= write_file(options.report_path, ends_with(options.report_path, ".html") ? conformance::html_report(card)
                                                                                      : conformance::markdown_report(card));
  }
  if (!options.gateway_api_path.empty()) {
    char date[32];
    const std::time_t now = std::time(nullptr);  // the report's date: wall time, outside any decision
    std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    written &= write_file(options.gateway_api_path, conformance::gateway_api_report(card, date));
  }
  if (!written) return 2;
  return card.must_failed() ? 1 : 0;
}

}  // namespace gatesim::cli
