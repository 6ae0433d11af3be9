#pragma once

#include <cstdint>

namespace gatesim::http {

// Server-side defence against "rapid reset" (CVE-2023-44487): a client opening streams and resetting
// them before their responses complete costs the server work while never counting against
// SETTINGS_MAX_CONCURRENT_STREAMS.
//
// nghttp2 1.52 as patched by Debian has its own token bucket for this, refilled per second of
// the monotonic clock, which would make a simulated connection's fate depend on the
// wall clock. This budget replaces it with pure event counting, so the same bytes always get the
// same verdict: a connection is cut when it has reset at least kMinPrematureResets streams early and
// those are at least half of all the streams it opened (a client cancelling now and then, as gRPC
// and browsers do, never comes close). Envoy uses a similar share, but calls a reset premature by
// the stream's age, which needs a clock; "before our side of the stream ended" needs none.
class Http2PrematureResetBudget {
 public:
  static constexpr std::uint64_t kMinPrematureResets = 50;

  void on_stream_opened() { ++opened_; }
  // A peer RST_STREAM arrived before our side of the stream had ended. True when the connection
  // should now be closed (GOAWAY ENHANCE_YOUR_CALM, RFC 9113 §7).
  bool on_premature_reset();

 private:
  std::uint64_t opened_ = 0;
  std::uint64_t premature_ = 0;
};

}  // namespace gatesim::http
