#pragma once

#include <optional>
#include <string_view>

#include "gateway/config/virtual_service.h"
#include "gateway/io/rng.h"
#include "gateway/io/runtime.h"

namespace gatesim::route {

// What a route's `fault` does to one request (istio-semantics.md 4.3): delay and abort are
// drawn independently, each at its percentage (unset = 0%: no fault), the delay first.
struct FaultPlan {
  std::optional<io::Duration> delay;
  std::optional<int> http_status;  // abort with this :status
  std::optional<int> grpc_status;  // abort gRPC-style: :status 200 + grpc-status (httpStatus wins if both)
};
FaultPlan plan_fault(const config::HttpFaultInjection& fault, io::Rng& rng);

// gRPC code for Istio's upper-case name ("UNAVAILABLE" -> 14); nullopt when unknown.
std::optional<int> grpc_code(std::string_view name);

// The grpc-status Envoy sends for an HTTP status of a local reply to a gRPC request.
int grpc_status_for_http(int status);

}  // namespace gatesim::route
