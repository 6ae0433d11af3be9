#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/diagnostic.h"
#include "gateway/config/field_reader.h"
#include "gateway/io/runtime.h"

namespace gatesim::sim {

// An inclusive numeric range; an exact count is min == max.
struct Range {
  std::optional<double> min, max;
  bool contains(double v) const { return (!min || v >= *min) && (!max || v <= *max); }
  std::string to_string() const;
};

// One `expect:` entry of a scenario (format: scenarios/README.md): trace records selected by
// type and field values, then checked. Values are kept as written and compared with a record's
// field by the field's JSON type (a number compares numerically, a string as text).
struct Expectation {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  std::string id;
  std::vector<std::string> requirements;
  std::string description;
  std::string type;  // trace record type
  Fields where;
  // Only records whose time (t_ns) is in [from, until): a phase of the run, e.g. after a restart.
  std::optional<io::Duration> from, until;
  std::optional<Range> count;
  Fields all, any, none;
  std::vector<std::pair<std::string, double>> min, max;  // durations already in ns for *_ns fields
  std::vector<std::pair<std::string, Range>> distinct;
  config::Origin origin;
};

// Reads `expect:` entries; problems are diagnostics at their position.
std::vector<Expectation> parse_expectations(config::FieldReader& root);

struct ExpectationVerdict {
  std::string id;
  bool passed = false;
  std::string expected;  // the checks, in words
  std::string observed;  // what the run showed (on failure: the first check that failed)
};

// Decides every expectation on a finished run's trace (one JSON object per line).
std::vector<ExpectationVerdict> evaluate_expectations(const std::vector<Expectation>& expectations,
                                                      const std::string& trace_jsonl);

}  // namespace gatesim::sim
