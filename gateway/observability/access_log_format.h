#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/io/runtime.h"
#include "gateway/observability/access_log_entry.h"

namespace gatesim::observability {

// Istio's default TEXT access-log line (istio-semantics.md 6.3, EnvoyTextLogFormat), without
// the trailing newline:
//   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
//   %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
//   "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
//   %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
//   "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
//   %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
//   %REQUESTED_SERVER_NAME% %ROUTE_NAME%
// Empty values print "-"; a TCP entry prints "- - -" for the request. Whitespace in the two
// details fields becomes "_" (Envoy stores details that way), so every line has the same
// fields. `start_time` is given, not read: `serve` passes wall time, the simulator simulated
// time, and this function stays deterministic.
std::string format_access_log(const AccessLogEntry& entry, std::string_view start_time);

// Envoy's default %START_TIME%: "2021-05-03T12:05:15.832Z" (UTC, milliseconds, truncated).
std::string format_start_time(io::Duration since_unix_epoch);

// The inverse of format_access_log, for lines another process printed (`gatesim conform
// --real` reads its `gatesim serve`'s log): nullopt when the line is not one. What the line
// does not carry (gRPC status, message counts, destination service; the duration below a
// millisecond) is left at its default; request_protocol is http or tcp from the request line.
std::optional<AccessLogEntry> parse_access_log(std::string_view line);

}  // namespace gatesim::observability
