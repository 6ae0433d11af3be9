#include "gateway/config/field_reader.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace gatesim::config {

namespace {

bool is_one_of(const std::string& s, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (s == o) return true;
  }
  return false;
}

bool all_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = c == '_' || (base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                            : (c >= '0' && c < static_cast<char>('0' + base)));
    if (!ok) return false;
  }
  return true;
}

bool looks_like_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return all_digits(s.substr(2), 16);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) return all_digits(s.substr(2), 2);
  return all_digits(s, 10) && s[0] != '_';
}

bool looks_like_float(std::string_view s) {
  if (is_one_of(std::string(s), {".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", ".nan", ".NaN",
                                 ".NAN"})) {
    return true;
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool digits = false, dot = false, exponent = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '_' && digits && !exponent) {
    } else if (c == '.' && !dot && !exponent) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exponent) {
      exponent = true;
      if (i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) ++i;
      if (i + 1 >= s.size()) return false;
    } else {
      return false;
    }
  }
  return digits && (dot || exponent);
}

std::optional<std::int64_t> parse_int(std::string text) {
  std::string clean;
  for (char c : text) {
    if (c != '_') clean += c;
  }
  bool negative = false;
  std::size_t i = 0;
  if (!clean.empty() && (clean[0] == '-' || clean[0] == '+')) {
    negative = clean[0] == '-';
    i = 1;
  }
  int base = 10;
  if (clean.size() > i + 2 && clean[i] == '0' && (clean[i + 1] == 'x' || clean[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (clean.size() > i + 2 && clean[i] == '0' && (clean[i + 1] == 'b' || clean[i + 1] == 'B')) {
    base = 2;
    i += 2;
  }
  if (i >= clean.size()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long magnitude = std::strtoull(clean.c_str() + i, &end, base);
  if (errno != 0 || *end != '\0') return std::nullopt;
  const auto max = static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > max + (negative ? 1ULL : 0ULL)) return std::nullopt;
  if (negative) return magnitude == max + 1 ? std::numeric_limits<std::int64_t>::min()
                                            : -static_cast<std::int64_t>(magnitude);
  return static_cast<std::int64_t>(magnitude);
}

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  switch (classify_scalar(node)) {
    case ScalarKind::kNull: return "null";
    case ScalarKind::kBool: return "a boolean (" + node.Scalar() + ")";
    case ScalarKind::kInt: return "an integer (" + node.Scalar() + ")";
    case ScalarKind::kFloat: return "a number (" + node.Scalar() + ")";
    case ScalarKind::kString: return "a string (\"" + node.Scalar() + "\")";
  }
  return "a value";
}

}  // namespace

std::string_view scalar_kind_name(ScalarKind kind) {
  switch (kind) {
    case ScalarKind::kNull: return "null";
    case ScalarKind::kBool: return "boolean";
    case ScalarKind::kInt: return "integer";
    case ScalarKind::kFloat: return "number";
    case ScalarKind::kString: return "string";
  }
  return "value";
}

ScalarKind classify_scalar(const YAML::Node& node) {
  if (!node || node.IsNull()) return ScalarKind::kNull;
  const std::string& tag = node.Tag();
  const std::string& s = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return ScalarKind::kString;
  if (tag != "?" && !tag.empty()) {
    if (tag == "tag:yaml.org,2002:int") return ScalarKind::kInt;
    if (tag == "tag:yaml.org,2002:float") return ScalarKind::kFloat;
    if (tag == "tag:yaml.org,2002:bool") return ScalarKind::kBool;
    if (tag == "tag:yaml.org,2002:null") return ScalarKind::kNull;
    return ScalarKind::kString;
  }
  if (is_one_of(s, {"", "~", "null", "Null", "NULL"})) return ScalarKind::kNull;
  if (is_one_of(s, {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"})) {
    return ScalarKind::kBool;
  }
  if (looks_like_int(s)) return ScalarKind::kInt;
  if (looks_like_float(s)) return ScalarKind::kFloat;
  return ScalarKind::kString;
}

Origin ParseContext::origin(const YAML::Node& node, std::string path) const {
  SourceLocation location{file_, 0, 0};
  if (node) {
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) {
      location.line = line_offset_ + mark.line + 1;
      location.column = mark.column + 1;
    }
  }
  return Origin{location, std::move(path)};
}

void ParseContext::record(const YAML::Node& node, const std::string& path) {
  const Origin o = origin(node, path);
  if (o.location.line > 0) locations_->record(path, o.location);
}

std::optional<SourceLocation> FieldLocations::find(std::string path) const {
  while (!path.empty()) {
    if (auto it = by_path_.find(path); it != by_path_.end()) return SourceLocation{file_, it->second.first, it->second.second};
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.erase(cut);
  }
  return std::nullopt;
}

Origin locate(const std::shared_ptr<const FieldLocations>& locations, const Origin& fallback, std::string path) {
  const std::optional<SourceLocation> found = locations ? locations->find(path) : std::nullopt;
  return Origin{found ? *found : fallback.location, std::move(path)};
}

void ParseContext::report(Code code, const Origin& origin, std::string message) {
  diagnostics_.add(code, origin, resource_, std::move(message));
}

FieldReader::FieldReader(ParseContext& context, const YAML::Node& node, std::string path)
    : context_(&context), node_(node), path_(std::move(path)) {
  if (!node || node.IsNull()) {
    valid_ = true;
    return;
  }
  if (!node.IsMap()) {
    wrong_type(node, path_, "a mapping");
    return;
  }
  valid_ = true;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      context_->report(Code::kWrongType, context_->origin(kv.first, path_), "mapping keys must be strings");
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (find(key) != nullptr) {
      context_->report(Code::kDuplicateKey, context_->origin(kv.first, child_path(key)),
                       "key \"" + key + "\" appears more than once in this mapping");
      continue;
    }
    entries_.push_back(Entry{key, kv.first, kv.second, false});
  }
}

FieldReader::Entry* FieldReader::find(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const FieldReader::Entry* FieldReader::find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::string FieldReader::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Origin FieldReader::origin(std::string_view key) const {
  const Entry* e = find(key);
  if (e == nullptr) return context_->origin(node_, child_path(key));
  const YAML::Node& where = (e->value && !e->value.IsNull() && !e->value.Mark().is_null()) ? e->value : e->key_node;
  return context_->origin(where, child_path(key));
}

YAML::Node FieldReader::peek(std::string_view key) const {
  const Entry* e = find(key);
  return e == nullptr ? YAML::Node() : e->value;
}

bool FieldReader::has(std::string_view key) const {
  const Entry* e = find(key);
  return e != nullptr && e->value && !e->value.IsNull();
}

YAML::Node FieldReader::take(std::string_view key) {
  Entry* e = find(key);
  if (e == nullptr) return YAML::Node();
  if (!e->consumed) {
    const Origin at = origin(key);
    if (at.location.line > 0) context_->record_location(at.path, at.location);
  }
  e->consumed = true;
  return e->value;
}

void FieldReader::missing(std::string_view key) {
  context_->report(Code::kMissingField, context_->origin(node_, child_path(key)),
                   "required field \"" + std::string(key) + "\" is missing");
}

void FieldReader::wrong_type(const YAML::Node& node, const std::string& path, std::string_view expected) {
  context_->report(Code::kWrongType, context_->origin(node, path),
                   "expected " + std::string(expected) + ", got " + describe(node));
}

std::optional<std::string> FieldReader::scalar_string(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar() || classify_scalar(node) != ScalarKind::kString) {
    std::string expected = "a string";
    if (node.IsScalar()) expected += " (quote the value)";
    wrong_type(node, path, expected);
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> FieldReader::string(std::string_view key, bool required) {
  auto located = located_string(key, required);
  if (!located) return std::nullopt;
  return located->value;
}

std::optional<LocatedString> FieldReader::located_string(std::string_view key, bool required) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) {
    if (required) missing(key);
    return std::nullopt;
  }
  auto s = scalar_string(value, child_path(key));
  if (!s) return std::nullopt;
  return LocatedString{*s, context_->origin(value, child_path(key))};
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                 bool required) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) {
    if (required) missing(key);
    return std::nullopt;
  }
  const std::string path = child_path(key);
  const ScalarKind kind = value.IsScalar() ? classify_scalar(value) : ScalarKind::kNull;
  std::optional<std::int64_t> parsed;
  if (value.IsScalar() && (kind == ScalarKind::kInt ||
                           (kind == ScalarKind::kString && context_->quoted_integers && looks_like_int(value.Scalar())))) {
    parsed = parse_int(value.Scalar());
  }
  if (!parsed) {
    if (value.IsScalar() && kind == ScalarKind::kInt) {
      context_->report(Code::kInvalidValue, context_->origin(value, path), value.Scalar() + " is out of range");
    } else {
      wrong_type(value, path, "an integer");
    }
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    context_->report(Code::kInvalidValue, context_->origin(value, path),
                     std::to_string(*parsed) + " is outside [" + std::to_string(min) + ", " + std::to_string(max) +
                         "]");
    return std::nullopt;
  }
  return parsed;
}

std::optional<double> FieldReader::number(std::string_view key, double min, double max) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) return std::nullopt;
  const std::string path = child_path(key);
  const ScalarKind kind = value.IsScalar() ? classify_scalar(value) : ScalarKind::kNull;
  const bool numeric = kind == ScalarKind::kInt || kind == ScalarKind::kFloat ||
                       (kind == ScalarKind::kString && context_->quoted_integers &&
                        (looks_like_int(value.Scalar()) || looks_like_float(value.Scalar())));
  if (!numeric) {
    wrong_type(value, path, "a number");
    return std::nullopt;
  }
  std::string clean;
  for (char c : value.Scalar()) {
    if (c != '_') clean += c;
  }
  char* end = nullptr;
  const double parsed = std::strtod(clean.c_str(), &end);
  if (end == clean.c_str() || *end != '\0' || !std::isfinite(parsed)) {
    context_->report(Code::kInvalidValue, context_->origin(value, path), "\"" + value.Scalar() + "\" is not a finite number");
    return std::nullopt;
  }
  if (parsed < min || parsed > max) {
    context_->report(Code::kInvalidValue, context_->origin(value, path),
                     value.Scalar() + " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return std::nullopt;
  }
  return parsed;
}

std::optional<bool> FieldReader::boolean(std::string_view key) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar() || classify_scalar(value) != ScalarKind::kBool) {
    wrong_type(value, child_path(key), "a boolean");
    return std::nullopt;
  }
  const std::string& s = value.Scalar();
  return is_one_of(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"});
}

std::optional<Duration> FieldReader::duration(std::string_view key) {
  auto located = located_string(key);
  if (!located) return std::nullopt;
  auto parsed = parse_duration(located->value);
  if (!parsed) {
    context_->report(Code::kInvalidDuration, located->origin,
                     "\"" + located->value + "\" is not a duration (examples: 500ms, 1.5s, 2m)");
    return std::nullopt;
  }
  if (parsed->count() < 0) {
    context_->report(Code::kInvalidDuration, located->origin, "duration must not be negative");
    return std::nullopt;
  }
  return parsed;
}

YAML::Node FieldReader::sequence(std::string_view key, bool required) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) {
    if (required) missing(key);
    return YAML::Node();
  }
  if (!value.IsSequence()) {
    wrong_type(value, child_path(key), "a list");
    return YAML::Node();
  }
  return value;
}

std::vector<LocatedString> FieldReader::strings(std::string_view key, bool required) {
  std::vector<LocatedString> out;
  const YAML::Node list = sequence(key, required);
  if (!list) return out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = child_path(key) + "[" + std::to_string(i) + "]";
    context_->record(list[i], path);
    if (auto s = scalar_string(list[i], path)) out.push_back(LocatedString{*s, context_->origin(list[i], path)});
  }
  return out;
}

std::map<std::string, std::string> FieldReader::string_map(std::string_view key) {
  std::map<std::string, std::string> out;
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) return out;
  FieldReader map(*context_, value, child_path(key));
  for (Entry& e : map.entries_) {
    e.consumed = true;
    if (e.value.IsNull()) {
      out[e.key] = "";
      continue;
    }
    if (auto s = map.scalar_string(e.value, map.child_path(e.key))) out[e.key] = *s;
  }
  return out;
}

std::map<std::string, LocatedString> FieldReader::string_map_view() {
  std::map<std::string, LocatedString> out;
  std::vector<std::string> keys;
  for (const Entry& e : entries_) keys.push_back(e.key);
  for (const std::string& key : keys) {
    if (auto v = located_string(key)) out[key] = *v;
  }
  return out;
}

std::map<std::string, std::uint32_t> FieldReader::integers_by_key(std::int64_t min, std::int64_t max) {
  std::map<std::string, std::uint32_t> out;
  std::vector<std::string> keys;
  for (const Entry& e : entries_) keys.push_back(e.key);
  for (const std::string& key : keys) {
    if (auto v = integer(key, min, max)) out[key] = static_cast<std::uint32_t>(*v);
  }
  return out;
}

std::optional<FieldReader> FieldReader::object(std::string_view key, bool required) {
  const YAML::Node value = take(key);
  if (!value || value.IsNull()) {
    if (required) missing(key);
    return std::nullopt;
  }
  FieldReader child(*context_, value, child_path(key));
  if (!child.valid()) return std::nullopt;
  return child;
}

void FieldReader::finish() {
  for (const Entry& e : entries_) {
    if (e.consumed) continue;
    context_->report(Code::kUnknownField, context_->origin(e.key_node, child_path(e.key)),
                     "unknown field \"" + e.key + "\" is ignored");
  }
  for (Entry& e : entries_) e.consumed = true;  // finish() twice reports once
}

void FieldReader::finish_silently() {
  for (Entry& e : entries_) e.consumed = true;
}

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration(0);
  if (text.empty()) return std::nullopt;
  long double total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    long double value = 0;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        value += (text[i] - '0') * scale;
        scale /= 10;
        digits = true;
        ++i;
      }
    }
    if (!digits) return std::nullopt;
    std::size_t unit_end = i;
    while (unit_end < text.size() && !(text[unit_end] >= '0' && text[unit_end] <= '9') && text[unit_end] != '.') {
      ++unit_end;
    }
    const std::string_view unit = text.substr(i, unit_end - i);
    long double nanos_per_unit = 0;
    if (unit == "ns") nanos_per_unit = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") nanos_per_unit = 1e3L;
    else if (unit == "ms") nanos_per_unit = 1e6L;
    else if (unit == "s") nanos_per_unit = 1e9L;
    else if (unit == "m") nanos_per_unit = 60e9L;
    else if (unit == "h") nanos_per_unit = 3600e9L;
    else return std::nullopt;
    total += value * nanos_per_unit;
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    text.remove_prefix(unit_end);
  }
  const auto nanos = static_cast<std::int64_t>(total + 0.5L);
  return Duration(negative ? -nanos : nanos);
}

std::string format_duration(Duration duration) {
  const std::int64_t ns = duration.count();
  if (ns % 1000000000 == 0) return std::to_string(ns / 1000000000) + "s";
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return std::to_string(ns) + "ns";
}

}  // namespace gatesim::config
