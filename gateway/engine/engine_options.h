#pragma once

#include <functional>
#include <string>

#include "gateway/http/codec.h"
#include "gateway/io/runtime.h"
#include "gateway/observability/access_log_entry.h"
#include "gateway/tls/tls_context.h"

namespace gatesim::engine {

// One line per request or connection (observability/access_log_entry.h): printed by `serve`,
// traced by the simulator, counted into the engine's Istio metrics.
using AccessLogEntry = observability::AccessLogEntry;

struct EngineOptions {
  // Listeners bind Gateway ports on this address unless a server names its own `bind`.
  std::string listen_ip = "0.0.0.0";
  io::Duration upstream_connect_timeout = std::chrono::seconds(10);
  http::CodecLimits limits;
  std::function<void(const AccessLogEntry&)> access_log;
  tls::KeyLogSink key_log;
};

}  // namespace gatesim::engine
