#pragma once

#include <optional>
#include <string_view>

#include "gateway/config/snapshot.h"
#include "gateway/http/message.h"
#include "gateway/io/runtime.h"

namespace gatesim::route {

// A gRPC `grpc-timeout` value ("100m", "2S": digits then H M S m u n); nullopt when malformed.
std::optional<io::Duration> parse_grpc_timeout(std::string_view value);

// How long the router waits for the upstream response (istio-semantics.md 4.3 and 5): the
// route's `timeout` (none when unset: Istio sets 0 = infinite); for gRPC requests Istio sets
// max_grpc_timeout to the same value, so the client's grpc-timeout applies, capped by it.
std::optional<io::Duration> request_timeout(const config::CompiledRoute& route, const http::RequestHead& request,
                                            bool grpc);

}  // namespace gatesim::route
