#include "gateway/route/retry_policy.h"

#include <algorithm>
#include <string_view>

namespace gatesim::route {
namespace {

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool should_retry(const config::RetryPolicy& policy, const AttemptOutcome& outcome, std::uint32_t retries_done) {
  if (retries_done >= policy.num_retries) return false;
  const std::string_view on = policy.retry_on;
  using Kind = AttemptOutcome::Kind;
  switch (outcome.kind) {
    case Kind::kConnectFailure:
      return has_token(on, "connect-failure") || has_token(on, "5xx") || has_token(on, "gateway-error") ||
             has_token(on, "reset");
    case Kind::kRefusedStream:
      return has_token(on, "refused-stream") || has_token(on, "5xx") || has_token(on, "reset");
    case Kind::kReset:
      return has_token(on, "reset") || has_token(on, "5xx") || has_token(on, "gateway-error");
    case Kind::kPerTryTimeout:
      // Envoy retries a timed-out try like a reset, and also when 504 is a retriable status code.
      return has_token(on, "reset") || has_token(on, "5xx") || has_token(on, "gateway-error") ||
             (has_token(on, "retriable-status-codes") &&
              std::find(policy.retriable_status_codes.begin(), policy.retriable_status_codes.end(), 504u) !=
                  policy.retriable_status_codes.end());
    case Kind::kResponse: break;
  }
  const int s = outcome.status;
  if (has_token(on, "5xx") && s >= 500 && s <= 599) return true;
  if (has_token(on, "gateway-error") && (s == 502 || s == 503 || s == 504)) return true;
  if (has_token(on, "retriable-4xx") && s == 409) return true;
  if (has_token(on, "retriable-status-codes") &&
      std::find(policy.retriable_status_codes.begin(), policy.retriable_status_codes.end(),
                static_cast<std::uint32_t>(s)) != policy.retriable_status_codes.end()) {
    return true;
  }
  if (outcome.grpc_status) {
    switch (*outcome.grpc_status) {
      case 1: return has_token(on, "cancelled");
      case 4: return has_token(on, "deadline-exceeded");
      case 8: return has_token(on, "resource-exhausted");
      case 13: return has_token(on, "internal");
      case 14: return has_token(on, "unavailable");
      default: return false;
    }
  }
  return false;
}

io::Duration retry_backoff(const config::RetryPolicy& policy, std::uint32_t retry, io::Rng& rng) {
  const auto base = std::chrono::duration_cast<std::chrono::nanoseconds>(policy.backoff_base).count();
  if (base <= 0) return io::Duration{0};
  const std::uint32_t shift = std::min<std::uint32_t>(retry, 30);
  const std::int64_t upper = std::min<std::int64_t>(((std::int64_t{1} << shift) - 1) * base, 10 * base);
  return io::Duration{static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(upper)))};
}

}  // namespace gatesim::route
