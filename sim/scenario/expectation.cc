#include "sim/scenario/expectation.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace gatesim::sim {
namespace {

using nlohmann::json;

const std::set<std::string> kTypes = {"response", "gateway", "backend", "tls", "tcp", "connection", "fault",
                                      "gateway_started", "cpu"};

std::string number_text(double v) {
  if (std::fabs(v) < 9e15 && v == std::floor(v)) return std::to_string(static_cast<long long>(v));
  std::ostringstream out;
  out << v;
  return out.str();
}

// A scalar as written; nullopt (reported) for a mapping or a list.
std::optional<std::string> scalar(config::FieldReader& parent, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    parent.context().report(config::Code::kWrongType, parent.context().origin(node, path),
                            "expected a single value (number, string or boolean)");
    return std::nullopt;
  }
  return node.Scalar();
}

Expectation::Fields fields_of(config::FieldReader& e, std::string_view key) {
  Expectation::Fields out;
  const YAML::Node node = e.take(key);
  if (!node || node.IsNull()) return out;
  const std::string path = e.child_path(key);
  if (!node.IsMap()) {
    e.context().report(config::Code::kWrongType, e.context().origin(node, path), "expected a mapping of field: value");
    return out;
  }
  for (const auto& item : node) {
    const std::string name = item.first.as<std::string>();
    if (auto v = scalar(e, item.second, path + "." + name)) out.emplace_back(name, *v);
  }
  return out;
}

// A count or range: `3` or `{min: 1, max: 3}`.
std::optional<Range> range_of(config::FieldReader& e, const YAML::Node& node, const std::string& path) {
  Range r;
  auto number = [&](const YAML::Node& n, const std::string& p) -> std::optional<double> {
    try {
      if (n.IsScalar()) return std::stod(n.Scalar());
    } catch (const std::exception&) {
    }
    e.context().report(config::Code::kWrongType, e.context().origin(n, p), "expected a number");
    return std::nullopt;
  };
  if (node.IsMap()) {
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      if (key != "min" && key != "max") {
        e.context().report(config::Code::kUnknownField, e.context().origin(item.first, path + "." + key),
                           "a range has only min and max");
        return std::nullopt;
      }
      auto v = number(item.second, path + "." + key);
      if (!v) return std::nullopt;
      (key == "min" ? r.min : r.max) = *v;
    }
    return r;
  }
  auto v = number(node, path);
  if (!v) return std::nullopt;
  r.min = r.max = *v;
  return r;
}

// min/max bounds: numbers, or durations for fields ending in _ns.
std::vector<std::pair<std::string, double>> bounds_of(config::FieldReader& e, std::string_view key) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [field, text] : fields_of(e, key)) {
    const bool ns = field.size() > 3 && field.compare(field.size() - 3, 3, "_ns") == 0;
    if (ns) {
      if (auto d = config::parse_duration(text)) {
        out.emplace_back(field, static_cast<double>(d->count()));
        continue;
      }
    }
    try {
      std::size_t used = 0;
      const double v = std::stod(text, &used);
      if (used == text.size()) {
        out.emplace_back(field, v);
        continue;
      }
    } catch (const std::exception&) {
    }
    e.context().report(config::Code::kInvalidValue, e.origin(key),
                       field + ": \"" + text + "\" is not a number" + (ns ? " or a duration" : ""));
  }
  return out;
}

// The record's field, with derived ones.
json field_of(const json& record, const std::string& name) {
  if (name == "latency_ns" && record.contains("end_ns") && record.contains("start_ns")) {
    return record["end_ns"].get<std::int64_t>() - record["start_ns"].get<std::int64_t>();
  }
  auto it = record.find(name);
  return it == record.end() ? json() : *it;
}

bool equals(const json& value, const std::string& expected) {
  if (value.is_number()) {
    try {
      std::size_t used = 0;
      const double e = std::stod(expected, &used);
      return used == expected.size() && std::fabs(value.get<double>() - e) < 1e-9;
    } catch (const std::exception&) {
      return false;
    }
  }
  if (value.is_boolean()) return (expected == "true") == value.get<bool>() && (expected == "true" || expected == "false");
  if (value.is_string()) return value.get<std::string>() == expected;
  if (value.is_null()) return expected == "null";
  return value.dump() == expected;
}

bool matches(const json& record, const Expectation::Fields& fields) {
  for (const auto& [name, value] : fields) {
    if (!equals(field_of(record, name), value)) return false;
  }
  return true;
}

std::string describe(const Expectation::Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) out += (out.empty() ? "" : ", ") + name + ": " + value;
  return "{" + out + "}";
}

// The fields `fields` names, as the record has them (what a failure message shows).
std::string shown(const json& record, const Expectation::Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    const json v = field_of(record, name);
    out += (out.empty() ? "" : ", ") + name + ": " + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return "{" + out + "}";
}

}  // namespace

std::string Range::to_string() const {
  if (min && max && *min == *max) return number_text(*min);
  if (min && max) return number_text(*min) + ".." + number_text(*max);
  if (min) return ">= " + number_text(*min);
  if (max) return "<= " + number_text(*max);
  return "any";
}

std::vector<Expectation> parse_expectations(config::FieldReader& root) {
  std::vector<Expectation> out;
  std::set<std::string> ids;
  root.objects("expect", [&](config::FieldReader& e, std::size_t index) {
    Expectation x;
    x.origin = e.origin();
    x.id = e.string("id").value_or("expect[" + std::to_string(index) + "]");
    if (!ids.insert(x.id).second) {
      e.context().report(config::Code::kInvalidValue, e.origin("id"), "expectation id \"" + x.id + "\" is repeated");
    }
    if (e.has("requirement")) {
      const YAML::Node r = e.peek("requirement");
      if (r.IsSequence()) {
        for (const auto& s : e.strings("requirement")) x.requirements.push_back(s.value);
      } else if (auto s = e.string("requirement")) {
        x.requirements.push_back(*s);
      }
    }
    x.description = e.string("description").value_or("");
    if (auto select = e.object("select", true)) {
      if (auto type = select->located_string("type", true)) {
        if (!kTypes.count(type->value)) {
          std::string known;
          for (const auto& t : kTypes) known += (known.empty() ? "" : ", ") + t;
          select->context().report(config::Code::kInvalidValue, type->origin,
                                   "\"" + type->value + "\" is not a trace record type (" + known + ")");
        }
        x.type = type->value;
      }
      x.where = fields_of(*select, "where");
      x.from = select->duration("from");
      x.until = select->duration("until");
      if (x.from && x.until && *x.until <= *x.from) {
        select->context().report(config::Code::kInvalidValue, select->origin("until"), "must be after `from`");
      }
      select->finish();
    }
    if (e.has("count")) {
      const std::string path = e.child_path("count");
      x.count = range_of(e, e.take("count"), path);
    }
    x.all = fields_of(e, "all");
    x.any = fields_of(e, "any");
    x.none = fields_of(e, "none");
    x.min = bounds_of(e, "min");
    x.max = bounds_of(e, "max");
    if (e.has("distinct")) {
      const YAML::Node node = e.take("distinct");
      const std::string path = e.child_path("distinct");
      if (!node.IsMap()) {
        e.context().report(config::Code::kWrongType, e.context().origin(node, path), "expected {field: count}");
      } else {
        for (const auto& item : node) {
          const std::string field = item.first.as<std::string>();
          if (auto r = range_of(e, item.second, path + "." + field)) x.distinct.emplace_back(field, *r);
        }
      }
    }
    if (!x.count && x.all.empty() && x.any.empty() && x.none.empty() && x.min.empty() && x.max.empty() &&
        x.distinct.empty()) {
      e.context().report(config::Code::kMissingField, e.origin(),
                         "expectation \"" + x.id + "\" checks nothing: give count, all, any, none, min, max or distinct");
    }
    out.push_back(std::move(x));
  });
  return out;
}

std::vector<ExpectationVerdict> evaluate_expectations(const std::vector<Expectation>& expectations,
                                                      const std::string& trace_jsonl) {
  std::map<std::string, std::vector<json>> by_type;
  std::istringstream lines(trace_jsonl);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json record = json::parse(line);
    const std::string type = record.value("type", "");
    by_type[type].push_back(std::move(record));
  }
  std::vector<ExpectationVerdict> out;
  for (const Expectation& x : expectations) {
    ExpectationVerdict v;
    v.id = x.id;
    std::vector<const json*> selected;
    for (const json& r : by_type[x.type]) {
      const std::int64_t t = r.value("t_ns", std::int64_t{0});
      if (x.from && t < x.from->count()) continue;
      if (x.until && t >= x.until->count()) continue;
      if (matches(r, x.where)) selected.push_back(&r);
    }
    std::vector<std::string> expected;
    std::string failure;
    std::string when;
    if (x.from) when += " from " + number_text(static_cast<double>(x.from->count()) / 1e6) + " ms";
    if (x.until) when += " until " + number_text(static_cast<double>(x.until->count()) / 1e6) + " ms";
    const std::string what = std::to_string(selected.size()) + " " + x.type + " record(s) " + describe(x.where) + when;
    if (x.count) {
      expected.push_back("count " + x.count->to_string());
      if (failure.empty() && !x.count->contains(static_cast<double>(selected.size()))) failure = what;
    }
    if (!x.all.empty()) {
      expected.push_back("all " + describe(x.all));
      for (std::size_t i = 0; failure.empty() && i < selected.size(); ++i) {
        if (!matches(*selected[i], x.all)) failure = what + "; #" + std::to_string(i + 1) + " has " + shown(*selected[i], x.all);
      }
      if (failure.empty() && selected.empty()) failure = what + ": nothing to check";
    }
    if (!x.any.empty()) {
      expected.push_back("any " + describe(x.any));
      bool found = false;
      for (const json* r : selected) found = found || matches(*r, x.any);
      if (failure.empty() && !found) failure = what + "; none has " + describe(x.any);
    }
    if (!x.none.empty()) {
      expected.push_back("none " + describe(x.none));
      for (std::size_t i = 0; failure.empty() && i < selected.size(); ++i) {
        if (matches(*selected[i], x.none)) failure = what + "; #" + std::to_string(i + 1) + " has " + describe(x.none);
      }
    }
    auto bound = [&](const std::vector<std::pair<std::string, double>>& bounds, bool is_min) {
      for (const auto& [field, limit] : bounds) {
        expected.push_back(field + (is_min ? " >= " : " <= ") + number_text(limit));
        for (std::size_t i = 0; failure.empty() && i < selected.size(); ++i) {
          const json value = field_of(*selected[i], field);
          const bool ok = value.is_number() && (is_min ? value.get<double>() >= limit : value.get<double>() <= limit);
          if (!ok) failure = what + "; #" + std::to_string(i + 1) + " has " + field + " " + value.dump();
        }
        if (failure.empty() && selected.empty()) failure = what + ": nothing to check";
      }
    };
    bound(x.min, true);
    bound(x.max, false);
    for (const auto& [field, range] : x.distinct) {
      expected.push_back("distinct " + field + " " + range.to_string());
      std::set<std::string> values;
      for (const json* r : selected) values.insert(field_of(*r, field).dump());
      if (failure.empty() && !range.contains(static_cast<double>(values.size()))) {
        failure = what + " hold " + std::to_string(values.size()) + " distinct " + field;
      }
    }
    for (const std::string& e : expected) v.expected += (v.expected.empty() ? "" : "; ") + e;
    v.passed = failure.empty();
    v.observed = v.passed ? what : failure;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace gatesim::sim
