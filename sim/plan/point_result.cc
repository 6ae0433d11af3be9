#include "sim/plan/point_result.h"

namespace gatesim::plan {

double PointResult::achieved_rps() const {
  return window_ns > 0 ? static_cast<double>(ok) * 1e9 / static_cast<double>(window_ns) : 0;
}

double PointResult::error_percent() const {
  return requests == 0 ? 0.0 : 100.0 * static_cast<double>(errors()) / static_cast<double>(requests);
}

SloObservation PointResult::observation() const {
  SloObservation o;
  o.requests = requests;
  o.errors = errors();
  o.answered = answered;
  o.latency_ns = latency_ns;
  return o;
}

}  // namespace gatesim::plan
