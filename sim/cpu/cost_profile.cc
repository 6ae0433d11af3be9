#include "sim/cpu/cost_profile.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/cpu/default_cost_profile_text.h"

namespace gatesim::sim {
namespace {

std::string where(const std::string& source, const YAML::Mark& mark) {
  if (mark.line < 0) return source + ": ";
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

}  // namespace

std::optional<CostProfile> parse_cost_profile(std::string_view yaml, const std::string& source, std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    *error = where(source, e.mark) + e.msg;
    return std::nullopt;
  }
  if (!root.IsMap()) {
    *error = source + ": a cost profile is a mapping (kind, machine, costs_ns)";
    return std::nullopt;
  }
  CostProfile profile;
  profile.source = source;
  bool kind_seen = false;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "kind") {
      if (!value.IsScalar() || value.Scalar() != "gatesim-cost-profile") {
        *error = where(source, value.Mark()) + "kind must be gatesim-cost-profile";
        return std::nullopt;
      }
      kind_seen = true;
    } else if (key == "machine") {
      if (!value.IsMap()) {
        *error = where(source, value.Mark()) + "machine must be a mapping of strings";
        return std::nullopt;
      }
      for (const auto& m : value) {
        if (!m.second.IsScalar()) {
          *error = where(source, m.second.Mark()) + "machine." + m.first.as<std::string>() + " must be a string";
          return std::nullopt;
        }
        profile.machine[m.first.as<std::string>()] = m.second.Scalar();
      }
    } else if (key != "costs_ns") {
      *error = where(source, entry.first.Mark()) + "unknown key \"" + key + "\" (kind, machine, costs_ns)";
      return std::nullopt;
    }
  }
  if (!kind_seen) {
    *error = source + ": missing kind: gatesim-cost-profile";
    return std::nullopt;
  }
  const YAML::Node costs = root["costs_ns"];
  if (!costs || !costs.IsMap()) {
    *error = source + ": costs_ns must be a mapping from unit of work to nanoseconds";
    return std::nullopt;
  }
  std::array<bool, io::kWorkKinds> seen{};
  for (const auto& entry : costs) {
    const std::string key = entry.first.as<std::string>();
    int index = -1;
    for (int w = 0; w < io::kWorkKinds; ++w) {
      if (io::to_string(static_cast<io::Work>(w)) == key) index = w;
    }
    if (index < 0) {
      std::string known;
      for (int w = 0; w < io::kWorkKinds; ++w) known += (w ? ", " : "") + std::string(io::to_string(static_cast<io::Work>(w)));
      *error = where(source, entry.first.Mark()) + "unknown unit of work \"" + key + "\" (" + known + ")";
      return std::nullopt;
    }
    double ns = -1;
    try {
      ns = entry.second.as<double>();
    } catch (const YAML::Exception&) {
      ns = -1;
    }
    if (!entry.second.IsScalar() || !std::isfinite(ns) || ns < 0 || ns > 1e12) {
      *error = where(source, entry.second.Mark()) + "costs_ns." + key + " must be a number of nanoseconds >= 0";
      return std::nullopt;
    }
    profile.picoseconds[static_cast<std::size_t>(index)] = static_cast<std::uint64_t>(std::llround(ns * 1000.0));
    seen[static_cast<std::size_t>(index)] = true;
  }
  for (int w = 0; w < io::kWorkKinds; ++w) {
    if (!seen[static_cast<std::size_t>(w)]) {
      *error = where(source, costs.Mark()) + "costs_ns has no price for " + std::string(io::to_string(static_cast<io::Work>(w)));
      return std::nullopt;
    }
  }
  return profile;
}

std::optional<CostProfile> load_cost_profile(const std::string& name, std::string* error) {
  if (name == "default") return parse_cost_profile(default_cost_profile_yaml(), "default", error);
  std::ifstream in(name);
  if (!in) {
    *error = name + ": cannot read the cost profile";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_cost_profile(text.str(), name, error);
}

std::string format_cost_profile(const CostProfile& profile, std::string_view header_comment) {
  std::ostringstream out;
  std::istringstream comment{std::string(header_comment)};
  for (std::string line; std::getline(comment, line);) out << "# " << line << "\n";
  out << "kind: gatesim-cost-profile\nmachine:\n";
  for (const auto& [key, value] : profile.machine) out << "  " << key << ": " << YAML::Node(value) << "\n";
  out << "costs_ns:  # CPU time of one worker core per unit of work\n";
  for (int w = 0; w < io::kWorkKinds; ++w) {
    const std::uint64_t ps = profile.picoseconds[static_cast<std::size_t>(w)];
    out << "  " << io::to_string(static_cast<io::Work>(w)) << ": " << ps / 1000;
    if (ps % 1000 != 0) {
      std::ostringstream frac;
      frac << std::setw(3) << std::setfill('0') << ps % 1000;
      std::string f = frac.str();
      while (!f.empty() && f.back() == '0') f.pop_back();
      out << "." << f;
    }
    out << "\n";
  }
  return out.str();
}

std::string_view default_cost_profile_yaml() { return kDefaultCostProfileText; }

}  // namespace gatesim::sim
