// Truncated and byte-flipped copies of every example must each end in a result or a
// diagnostic: never a crash, a hang or an exception escaping the loader.
#include <catch2/catch.hpp>

#include <random>

#include "expectations.h"
#include "gateway/config/config_pipeline.h"

using namespace gatesim::config;

namespace {

std::vector<std::string> all_examples() {
  std::vector<std::string> files = yaml_files_in(examples_dir() + "/valid");
  for (const std::string& f : yaml_files_in(examples_dir() + "/invalid")) files.push_back(f);
  return files;
}

// True when the text holds a YAML mapping with a `kind`: something that must either load
// or be reported, never vanish silently.
bool names_a_resource(const std::string& text) {
  try {
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      if (doc.IsMap() && doc["kind"]) return true;
    }
  } catch (const YAML::Exception&) {
  }
  return false;
}

void must_finish(const std::string& text, const std::string& name) {
  INFO(name);
  PipelineResult r;
  REQUIRE_NOTHROW(r = run_config_pipeline_on_text(text, name));
  REQUIRE(r.snapshot != nullptr);
  if (r.resources == 0 && r.diagnostics.size() == 0) CHECK_FALSE(names_a_resource(text));
}

}  // namespace

TEST_CASE("truncated examples load to a result or a diagnostic") {
  const auto files = all_examples();
  REQUIRE_FALSE(files.empty());
  std::size_t cases = 0;
  for (const std::string& file : files) {
    const std::string text = read_file(file);
    const std::size_t step = std::max<std::size_t>(1, text.size() / 40);
    for (std::size_t cut = 0; cut < text.size(); cut += step) {
      must_finish(text.substr(0, cut), file + "@" + std::to_string(cut));
      ++cases;
    }
  }
  CHECK(cases >= 30 * files.size() / 2);
}

TEST_CASE("byte-flipped examples load to a result or a diagnostic") {
  const auto files = all_examples();
  std::mt19937 rng(20261129);  // fixed seed: the same mutants every run
  const char replacements[] = {'\0', '\xff', ':', '-', '[', '{', '"', '\'', '*', '&', '!', '\t', '\n', ' ', '#', '|'};
  for (const std::string& file : files) {
    const std::string text = read_file(file);
    if (text.empty()) continue;
    for (int i = 0; i < 60; ++i) {
      std::string mutant = text;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        const std::size_t at = rng() % mutant.size();
        if (rng() % 2 == 0) {
          mutant[at] = static_cast<char>(mutant[at] ^ (1 << (rng() % 8)));
        } else {
          mutant[at] = replacements[rng() % sizeof(replacements)];
        }
      }
      must_finish(mutant, file + "#" + std::to_string(i));
    }
  }
}
