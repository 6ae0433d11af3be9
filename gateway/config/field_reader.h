#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gateway/config/diagnostic.h"

namespace gatesim::config {

using Duration = std::chrono::nanoseconds;

// What a YAML scalar means once converted to JSON the way kubectl does (go-yaml v2,
// YAML 1.1 resolution): plain `80` is a number, plain `yes` a boolean, `"80"` a string.
enum class ScalarKind { kNull, kBool, kInt, kFloat, kString };
ScalarKind classify_scalar(const YAML::Node& node);

// Where every field of a document stands, by field path ("spec.http[0].route[1].weight"),
// so that later passes can point at the exact value they judge.
class FieldLocations {
 public:
  explicit FieldLocations(std::string file) : file_(std::move(file)) {}
  void record(const std::string& path, const SourceLocation& location) {
    by_path_.emplace(path, std::make_pair(location.line, location.column));
  }
  // The location of `path`, or of its nearest recorded ancestor; nullopt when none.
  std::optional<SourceLocation> find(std::string path) const;

 private:
  std::string file_;  // once, not per field: a large configuration has millions of fields
  std::unordered_map<std::string, std::pair<int, int>> by_path_;  // lookup only
};

// An Origin for `path` inside a resource, located through its FieldLocations.
Origin locate(const std::shared_ptr<const FieldLocations>& locations, const Origin& fallback, std::string path);

// Shared by all readers of one document: where to report and how strict to be.
class ParseContext {
 public:
  ParseContext(Diagnostics& diagnostics, std::string file, int line_offset = 0)
      : diagnostics_(diagnostics), file_(std::move(file)), line_offset_(line_offset),
        locations_(std::make_shared<FieldLocations>(file_)) {}

  void set_resource(std::string resource) { resource_ = std::move(resource); }
  const std::string& resource() const { return resource_; }
  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diagnostics_; }

  // protobuf JSON (Istio specs) accepts quoted integers; Kubernetes core types do not.
  bool quoted_integers = true;

  Origin origin(const YAML::Node& node, std::string path) const;
  void report(Code code, const Origin& origin, std::string message);
  void record(const YAML::Node& node, const std::string& path);
  void record_location(const std::string& path, const SourceLocation& l) { locations_->record(path, l); }
  std::shared_ptr<const FieldLocations> locations() const { return locations_; }

 private:
  Diagnostics& diagnostics_;
  std::string file_;
  std::string resource_;
  int line_offset_ = 0;  // the document's first line within its file
  std::shared_ptr<FieldLocations> locations_;
};

// Reads one YAML mapping field by field. Every accessor consumes its key; finish()
// then warns about the keys nobody asked for, at their location. Wrong types, missing
// required fields and bad enum values are errors; the accessor then returns nothing.
class FieldReader {
 public:
  FieldReader(ParseContext& context, const YAML::Node& node, std::string path);

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  ParseContext& context() const { return *context_; }
  Origin origin() const { return context_->origin(node_, path_); }
  Origin origin(std::string_view key) const;
  std::string child_path(std::string_view key) const;
  bool has(std::string_view key) const;

  // The raw value (undefined-as-null when absent or null); consumes the key.
  YAML::Node take(std::string_view key);
  // The raw value without consuming it.
  YAML::Node peek(std::string_view key) const;

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<LocatedString> located_string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<double> number(std::string_view key, double min, double max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<Duration> duration(std::string_view key);
  std::vector<LocatedString> strings(std::string_view key, bool required = false);
  std::map<std::string, std::string> string_map(std::string_view key);
  // Every key of this mapping read as a string, with where each value stands.
  std::map<std::string, LocatedString> string_map_view();
  // Every key of this mapping read as an integer (e.g. WorkloadEntry `ports`).
  std::map<std::string, std::uint32_t> integers_by_key(std::int64_t min, std::int64_t max);

  // A string restricted to a set of names (protobuf enums are case-sensitive).
  template <class E>
  std::optional<E> enumeration(std::string_view key, const std::vector<std::pair<std::string_view, E>>& names,
                               bool required = false) {
    auto located = located_string(key, required);
    if (!located) return std::nullopt;
    for (const auto& [name, value] : names) {
      if (name == located->value) return value;
    }
    std::string allowed;
    for (const auto& entry : names) allowed += (allowed.empty() ? "" : ", ") + std::string(entry.first);
    context_->report(Code::kInvalidValue, located->origin,
                     "\"" + located->value + "\" is not one of " + allowed);
    return std::nullopt;
  }

  // A nested mapping; nullopt when absent (or reported as missing when required).
  std::optional<FieldReader> object(std::string_view key, bool required = false);

  // A list of mappings; calls each(FieldReader&, index) for every valid element.
  template <class F>
  void objects(std::string_view key, F each, bool required = false) {
    const YAML::Node list = sequence(key, required);
    if (!list) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string element_path = child_path(key) + "[" + std::to_string(i) + "]";
      context_->record(list[i], element_path);
      FieldReader element(*context_, list[i], element_path);
      if (!element.valid()) continue;
      each(element, i);
      element.finish();
    }
  }

  void finish();
  // Marks everything read without warnings: for documents that are skipped whole.
  void finish_silently();

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    bool consumed = false;
  };

  Entry* find(std::string_view key);
  const Entry* find(std::string_view key) const;
  YAML::Node sequence(std::string_view key, bool required);
  void missing(std::string_view key);
  void wrong_type(const YAML::Node& node, const std::string& path, std::string_view expected);
  std::optional<std::string> scalar_string(const YAML::Node& node, const std::string& path);

  ParseContext* context_;
  YAML::Node node_;
  std::string path_;
  bool valid_ = false;
  std::vector<Entry> entries_;
};

// Go's time.ParseDuration syntax ("1.5s", "100ms", "1h2m"), which Istio accepts for every
// google.protobuf.Duration field. Returns nullopt on a syntax error or overflow.
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration duration);

std::string_view scalar_kind_name(ScalarKind kind);

}  // namespace gatesim::config
