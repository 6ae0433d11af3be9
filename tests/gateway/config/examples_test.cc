// Every bundled example states the diagnostics it must produce; valid ones produce no
// error, broken ones at least one, and none produces an error or warning it does not list.
#include <catch2/catch.hpp>

#include "expectations.h"
#include "gateway/config/config_pipeline.h"

using namespace gatesim::config;

namespace {

void check_example(const std::string& file, bool must_have_errors) {
  INFO(file);
  const std::vector<Expectation> expected = read_expectations(file);
  const PipelineResult r = run_config_pipeline({file});
  CHECK_FALSE(r.unreadable);
  CHECK(r.snapshot != nullptr);
  for (const Expectation& e : expected) {
    bool found = false;
    for (const Diagnostic& d : r.diagnostics.items()) {
      found = found || (d.id() == e.code && d.location.line == e.line && d.location.column == e.column &&
                        d.path == e.path);
    }
    INFO("expected: " << e.text);
    CHECK(found);
  }
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.severity == Severity::kInfo) continue;
    bool listed = false;
    for (const Expectation& e : expected) {
      listed = listed || (d.id() == e.code && d.location.line == e.line && d.location.column == e.column);
    }
    INFO("unexpected: " << d.format());
    CHECK(listed);
  }
  CHECK(r.diagnostics.has_errors() == must_have_errors);
}

}  // namespace

TEST_CASE("valid examples: at least 15, no errors, only the warnings they declare") {
  const auto files = yaml_files_in(examples_dir() + "/valid");
  CHECK(files.size() >= 15);
  for (const std::string& file : files) check_example(file, false);
}

TEST_CASE("broken examples: at least 15, each produces exactly the diagnostics it declares") {
  const auto files = yaml_files_in(examples_dir() + "/invalid");
  CHECK(files.size() >= 15);
  for (const std::string& file : files) {
    CHECK_FALSE(read_expectations(file).empty());
    check_example(file, true);
  }
}
