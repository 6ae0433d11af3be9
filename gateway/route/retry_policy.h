#pragma once

#include <optional>

#include "gateway/config/snapshot.h"
#include "gateway/io/rng.h"
#include "gateway/io/runtime.h"

namespace gatesim::route {

// How one upstream attempt ended, as Envoy's retry policy sees it.
struct AttemptOutcome {
  // kPerTryTimeout: perTryTimeout expired before the response (Envoy resets the attempt).
  enum class Kind { kConnectFailure, kReset, kRefusedStream, kPerTryTimeout, kResponse };
  Kind kind = Kind::kResponse;
  int status = 0;                   // kResponse: :status
  std::optional<int> grpc_status;   // kResponse: grpc-status in the response headers (trailers-only)
};

// Whether `retry_on` (Envoy's tokens, as Istio writes them: 5xx, gateway-error, reset,
// connect-failure, refused-stream, retriable-4xx, retriable-status-codes, and the gRPC
// cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) asks for another
// attempt, and `retries_done` is below num_retries.
bool should_retry(const config::RetryPolicy& policy, const AttemptOutcome& outcome, std::uint32_t retries_done);

// Envoy's fully jittered exponential back-off before retry number `retry` (1-based): uniform
// in [0, (2^retry - 1) * base), capped at 10 * base.
io::Duration retry_backoff(const config::RetryPolicy& policy, std::uint32_t retry, io::Rng& rng);

}  // namespace gatesim::route
