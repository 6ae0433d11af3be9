#pragma once

#include <map>
#include <string>
#include <vector>

#include "gateway/config/diagnostic.h"

namespace gatesim::conformance {

enum class Level { kMust, kShould, kMay };
std::string_view to_string(Level level);

// One requirement of the conformance spec (format: conformance/README.md).
struct Requirement {
  std::string id;
  Level level = Level::kMust;
  std::string rule;
  std::string source;
  std::string gateway_api;  // Gateway API conformance test ShortName, "" when none
  std::string note;
  std::string profile;
  config::Origin origin;
};

struct Profile {
  std::string name;
  std::string description;
  std::vector<Requirement> requirements;
};

struct Spec {
  std::vector<Profile> profiles;  // in file-name order
  const Requirement* find(const std::string& id) const;
  std::size_t requirement_count() const;
};

// Reads every *.yaml of `dir` (in name order); ids must be unique across profiles.
Spec load_spec(const std::string& dir, config::Diagnostics& diagnostics);

}  // namespace gatesim::conformance
