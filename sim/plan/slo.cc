#include "sim/plan/slo.h"

#include <algorithm>
#include <cstdlib>

#include "gateway/config/field_reader.h"
#include "sim/plan/sweep_axes.h"

namespace gatesim::plan {
namespace {

std::string trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

bool parse_plain_number(const std::string& text, double* value) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) return false;
  if (std::count(text.begin(), text.end(), '.') > 1 || text.front() == '.' || text.back() == '.') return false;
  *value = std::strtod(text.c_str(), nullptr);
  return true;
}

const char* kGrammar = "terms are pNN<DURATION (p99<50ms) or errors<N% (errors<0.1%), joined by \",\"";

}  // namespace

std::string percentile_key(double percentile) { return "p" + format_number(percentile); }

std::string SloTerm::key() const { return kind == Kind::kErrors ? "errors" : percentile_key(percentile); }

std::string SloTerm::text() const {
  if (kind == Kind::kErrors) return "errors<" + format_number(below_percent) + "%";
  return key() + "<" + config::format_duration(std::chrono::nanoseconds(below_ns));
}

std::string Slo::text() const {
  std::string out;
  for (const SloTerm& t : terms) out += (out.empty() ? "" : ",") + t.text();
  return out;
}

Slo parse_slo(const std::string& text, std::string* error) {
  error->clear();
  Slo slo;
  const auto fail = [&](const std::string& why) {
    *error = "--slo \"" + text + "\": " + why;
    return Slo{};
  };
  if (trim(text).empty()) return fail(std::string("empty; ") + kGrammar);
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string term = trim(text.substr(begin, end - begin));
    begin = end + 1;
    if (term.empty()) return fail(std::string("an empty term; ") + kGrammar);
    const std::size_t op = term.find_first_of("<>=");
    if (op == std::string::npos) return fail("\"" + term + "\" has no \"<\"; " + kGrammar);
    if (term[op] != '<' || (op + 1 < term.size() && term[op + 1] == '=')) {
      return fail("\"" + term + "\": only \"<\" is supported (an objective is an upper bound)");
    }
    const std::string name = trim(term.substr(0, op));
    const std::string bound = trim(term.substr(op + 1));
    SloTerm parsed;
    if (name == "errors") {
      parsed.kind = SloTerm::Kind::kErrors;
      double percent = 0;
      if (bound.size() < 2 || bound.back() != '%' || !parse_plain_number(bound.substr(0, bound.size() - 1), &percent)) {
        return fail("\"" + term + "\": the error bound is a percentage such as errors<0.1%");
      }
      if (percent <= 0 || percent > 100) {
        return fail("\"" + term + "\": the error percentage must be above 0 and at most 100");
      }
      parsed.below_percent = percent;
    } else if (name.size() >= 2 && name[0] == 'p') {
      double p = 0;
      if (!parse_plain_number(name.substr(1), &p) || p <= 0 || p >= 100) {
        return fail("\"" + term + "\": \"" + name + "\" is not a percentile (p50, p99, p99.9: above 0, below 100)");
      }
      const auto duration = config::parse_duration(bound);
      if (!duration) return fail("\"" + term + "\": \"" + bound + "\" is not a duration (50ms, 1.5s, 250us)");
      if (duration->count() <= 0) return fail("\"" + term + "\": the latency bound must be above 0");
      parsed.percentile = p;
      parsed.below_ns = duration->count();
    } else {
      return fail("\"" + term + "\": unknown measure \"" + name + "\"; " + kGrammar);
    }
    for (const SloTerm& seen : slo.terms) {
      if (seen.key() == parsed.key()) return fail("\"" + parsed.key() + "\" is bounded twice");
    }
    slo.terms.push_back(parsed);
    if (end == text.size()) break;
  }
  return slo;
}

std::vector<double> measured_percentiles(const Slo& slo) {
  std::vector<double> out{50, 90, 99};
  for (const SloTerm& t : slo.terms) {
    if (t.kind == SloTerm::Kind::kLatency && std::find(out.begin(), out.end(), t.percentile) == out.end()) {
      out.push_back(t.percentile);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool slo_met(const Slo& slo, const SloObservation& observed) {
  for (const SloTerm& t : slo.terms) {
    if (t.kind == SloTerm::Kind::kErrors) {
      if (observed.requests == 0) return false;
      const double percent = 100.0 * static_cast<double>(observed.errors) / static_cast<double>(observed.requests);
      if (!(percent < t.below_percent)) return false;
    } else {
      const auto it = observed.latency_ns.find(t.key());
      if (observed.answered == 0 || it == observed.latency_ns.end() || !(it->second < t.below_ns)) return false;
    }
  }
  return true;
}

}  // namespace gatesim::plan
