#pragma once

#include <functional>
#include <string>

#include "gateway/http/codec.h"
#include "gateway/io/runtime.h"
#include "gateway/tls/tls_context.h"

namespace gatesim::engine {

// One line of what happened to a connection or request, in Envoy's vocabulary (response
// flags such as NR, UF; details such as filter_chain_not_found). Printed by `serve`, traced
// by the simulator.
struct AccessLogEntry {
  std::string protocol;        // "HTTP/1.1", "HTTP/2", or "-" for TCP
  std::string method, path, authority;
  int response_code = 0;       // 0 when no HTTP response was sent
  std::string response_flags = "-";
  std::string details;         // response code details / connection termination details
  std::string upstream_host;   // "10.0.0.5:8080" or "-"
  std::string upstream_cluster;
  std::string downstream_local, downstream_remote;
  std::string requested_server_name;
  std::uint64_t bytes_received = 0, bytes_sent = 0;
  io::Duration duration{};
};

struct EngineOptions {
  // Listeners bind Gateway ports on this address unless a server names its own `bind`.
  std::string listen_ip = "0.0.0.0";
  io::Duration upstream_connect_timeout = std::chrono::seconds(10);
  http::CodecLimits limits;
  std::function<void(const AccessLogEntry&)> access_log;
  tls::KeyLogSink key_log;
};

}  // namespace gatesim::engine
