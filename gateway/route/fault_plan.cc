#include "gateway/route/fault_plan.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace gatesim::route {
namespace {

// Envoy keeps fault percentages per million (Istio converts value * 10000). 0% and 100% draw
// nothing, so routes without partial faults leave the RNG stream untouched.
bool fires(std::optional<double> percentage, std::optional<std::int32_t> percent, io::Rng& rng) {
  const double value = percentage ? *percentage : percent ? static_cast<double>(*percent) : 0.0;
  const auto per_million = static_cast<std::uint64_t>(std::llround(std::clamp(value, 0.0, 100.0) * 10000.0));
  if (per_million == 0) return false;
  if (per_million >= 1000000) return true;
  return rng.below(1000000) < per_million;
}

}  // namespace

FaultPlan plan_fault(const config::HttpFaultInjection& fault, io::Rng& rng) {
  FaultPlan plan;
  if (fault.delay && fault.delay->fixed_delay && fires(fault.delay->percentage, fault.delay->percent, rng)) {
    plan.delay = std::chrono::duration_cast<io::Duration>(*fault.delay->fixed_delay);
  }
  if (fault.abort && fires(fault.abort->percentage, std::nullopt, rng)) {
    if (fault.abort->http_status) {
      plan.http_status = *fault.abort->http_status;
    } else if (fault.abort->grpc_status) {
      plan.grpc_status = grpc_code(fault.abort->grpc_status->value);
    }
  }
  return plan;
}

std::optional<int> grpc_code(std::string_view name) {
  static constexpr std::array<std::string_view, 17> kNames = {
      "OK",        "CANCELLED",          "UNKNOWN",        "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

int grpc_status_for_http(int status) {
  // Envoy's Grpc::Utility::httpToGrpcStatus.
  switch (status) {
    case 400: return 13;  // INTERNAL
    case 401: return 16;  // UNAUTHENTICATED
    case 403: return 7;   // PERMISSION_DENIED
    case 404: return 12;  // UNIMPLEMENTED
    case 429: case 502: case 503: case 504: return 14;  // UNAVAILABLE
    default: return 2;    // UNKNOWN
  }
}

}  // namespace gatesim::route
