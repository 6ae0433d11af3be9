#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/io/runtime.h"

namespace gatesim::calibrate {

// One measured workload: how many units of each kind of work (io::Work) the gateway was
// charged, and the CPU time it spent doing them.
struct WorkloadMeasurement {
  std::string name;
  std::array<double, io::kWorkKinds> units{};  // indexed by io::Work
  double cpu_ns = 0;
  // False: a cross-check, predicted from the prices the other workloads give but not used to
  // fit them, so its error is an honest out-of-sample test of the model.
  bool fitted = true;
};

// The linear model behind a cost profile: cpu = sum over units of count x price. Fitted by
// least squares over all workloads at once (each unit's price is taken from the workloads
// where it matters, every other unit's cost in those workloads accounted for), with each
// workload's error relative to its own CPU time so a short workload weighs as much as a long one.
struct UnitFit {
  std::array<double, io::kWorkKinds> price_ns{};
  // Per workload (cross-checks included), in the order given: what the fitted prices predict for it.
  std::vector<double> predicted_ns;
  // Per unit: the workloads where that unit is at least `share` of the predicted CPU.
  std::array<std::vector<std::string>, io::kWorkKinds> determined_by;
};

// Empty optional-like result: `error` says why (a unit no workload exercises, prices that come
// out non-positive). `share` picks the workloads listed in determined_by.
bool fit_unit_prices(const std::vector<WorkloadMeasurement>& workloads, UnitFit* fit, std::string* error,
                     double share = 0.10);

}  // namespace gatesim::calibrate
