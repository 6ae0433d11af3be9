#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gatesim::plan {

// A service-level objective a sweep point must meet: `pNN<DURATION` terms (p50, p99, p99.9 —
// latency of answered requests, Go duration syntax) and at most one `errors<N%` term (share
// of requests without a 2xx response), joined by ",": "p99<50ms,p50<10ms,errors<0.1%".
// Every comparison is strict, as written.
struct SloTerm {
  enum class Kind { kLatency, kErrors };
  Kind kind = Kind::kLatency;
  double percentile = 0;        // kLatency: 99 for p99
  std::int64_t below_ns = 0;    // kLatency
  double below_percent = 0;     // kErrors
  std::string key() const;      // "p99", "errors": the name the point's measurement has
  std::string text() const;     // canonical: "p99<50ms", "errors<0.1%"
};

struct Slo {
  std::vector<SloTerm> terms;
  std::string text() const;  // canonical, "," joined; what outputs show and shards compare
};

// What one point measured, as the SLO reads it.
struct SloObservation {
  std::uint64_t requests = 0, errors = 0, answered = 0;
  std::map<std::string, std::int64_t> latency_ns;  // by SloTerm::key(): "p99" -> ns
};

// Parses --slo. On bad text returns an empty Slo and a sentence naming the term at fault.
Slo parse_slo(const std::string& text, std::string* error);

// Every percentile key a point must measure: p50, p90 and p99 always, plus the SLO's own.
std::vector<double> measured_percentiles(const Slo& slo);
std::string percentile_key(double percentile);

// Whether every term holds. A point with no answered request fails every latency term and one
// with no request at all fails an errors term: no evidence is not a pass.
bool slo_met(const Slo& slo, const SloObservation& observed);

}  // namespace gatesim::plan
