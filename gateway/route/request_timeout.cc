#include "gateway/route/request_timeout.h"

#include <algorithm>

namespace gatesim::route {

std::optional<io::Duration> parse_grpc_timeout(std::string_view value) {
  // gRPC over HTTP/2: TimeoutValue is at most 8 ASCII digits, then one unit.
  if (value.size() < 2 || value.size() > 9) return std::nullopt;
  std::int64_t amount = 0;
  for (char c : value.substr(0, value.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    amount = amount * 10 + (c - '0');
  }
  using namespace std::chrono;
  switch (value.back()) {
    case 'H': return duration_cast<io::Duration>(hours(amount));
    case 'M': return duration_cast<io::Duration>(minutes(amount));
    case 'S': return duration_cast<io::Duration>(seconds(amount));
    case 'm': return duration_cast<io::Duration>(milliseconds(amount));
    case 'u': return duration_cast<io::Duration>(microseconds(amount));
    case 'n': return duration_cast<io::Duration>(nanoseconds(amount));
    default: return std::nullopt;
  }
}

std::optional<io::Duration> request_timeout(const config::CompiledRoute& route, const http::RequestHead& request,
                                            bool grpc) {
  std::optional<io::Duration> timeout;
  if (route.timeout) timeout = std::chrono::duration_cast<io::Duration>(*route.timeout);
  if (grpc) {
    const std::string* header = http::find_header(request.headers, "grpc-timeout");
    const std::optional<io::Duration> asked = header ? parse_grpc_timeout(*header) : std::nullopt;
    if (asked) timeout = timeout ? std::min(*timeout, *asked) : *asked;
  }
  return timeout;
}

}  // namespace gatesim::route
