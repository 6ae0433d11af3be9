#include "conformance/spec.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "gateway/config/field_reader.h"

namespace gatesim::conformance {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::kMust: return "MUST";
    case Level::kShould: return "SHOULD";
    case Level::kMay: return "MAY";
  }
  return "?";
}

const Requirement* Spec::find(const std::string& id) const {
  for (const Profile& p : profiles) {
    for (const Requirement& r : p.requirements) {
      if (r.id == id) return &r;
    }
  }
  return nullptr;
}

std::size_t Spec::requirement_count() const {
  std::size_t n = 0;
  for (const Profile& p : profiles) n += p.requirements.size();
  return n;
}

Spec load_spec(const std::string& dir, config::Diagnostics& diagnostics) {
  Spec spec;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) {
    diagnostics.add(config::Code::kFileUnreadable, config::Origin{{dir, 0, 0}, ""}, "Spec",
                    "cannot read " + dir + ": " + ec.message());
    return spec;
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> ids;
  for (const auto& path : files) {
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(path.string());
    } catch (const YAML::Exception& e) {
      diagnostics.add(config::Code::kYamlSyntax, config::Origin{{path.string(), e.mark.line + 1, e.mark.column + 1}, ""},
                      "Spec", e.msg);
      continue;
    }
    config::ParseContext context(diagnostics, path.string());
    context.set_resource("Spec " + path.filename().string());
    context.quoted_integers = false;
    config::FieldReader root(context, doc, "");
    if (!root.valid()) continue;
    Profile profile;
    profile.name = root.string("profile", true).value_or(path.stem().string());
    profile.description = root.string("description").value_or("");
    root.objects("requirements", [&](config::FieldReader& r, std::size_t) {
      Requirement q;
      q.origin = r.origin();
      q.profile = profile.name;
      auto id = r.located_string("id", true);
      if (id) {
        q.id = id->value;
        const bool well_formed = !q.id.empty() && std::all_of(q.id.begin(), q.id.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        });
        if (!well_formed) context.report(config::Code::kInvalidValue, id->origin, "ids are upper-case letters, digits and '-'");
        if (!ids.insert(q.id).second) {
          context.report(config::Code::kInvalidValue, id->origin, "requirement id \"" + q.id + "\" is repeated");
        }
      }
      q.level = r.enumeration("level",
                              std::vector<std::pair<std::string_view, Level>>{
                                  {"MUST", Level::kMust}, {"SHOULD", Level::kShould}, {"MAY", Level::kMay}},
                              true)
                    .value_or(Level::kMust);
      q.rule = r.string("rule", true).value_or("");
      q.source = r.string("source", true).value_or("");
      q.gateway_api = r.string("gateway_api").value_or("");
      q.note = r.string("note").value_or("");
      profile.requirements.push_back(std::move(q));
    }, true);
    root.finish();
    spec.profiles.push_back(std::move(profile));
  }
  return spec;
}

}  // namespace gatesim::conformance
