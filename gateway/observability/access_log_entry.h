#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/io/runtime.h"

namespace gatesim::observability {

// Which of Istio's stats filters saw the request or connection (the `request_protocol` label).
enum class RequestProtocol {
  kNone,  // the connection ended before a filter chain took it (NR filter_chain_not_found,
          // inspection timeouts, TLS failures on HTTP chains): logged, but no Istio metric
  kHttp,
  kGrpc,  // content-type application/grpc*
  kTcp,   // a TCP filter chain (opaque TCP, TLS passthrough, TLS-terminated TCP)
};
std::string_view to_string(RequestProtocol protocol);  // "", "http", "grpc", "tcp"

// The service a request or connection went to, as Istio's cluster metadata names it
// (destination_service, destination_service_name, destination_service_namespace); "" where
// nothing names it (the labels then say "unknown").
struct DestinationService {
  std::string host;  // the cluster's FQDN; for HTTP without a cluster, the request's Host
  std::string name;
  std::string namespace_name;
};

// One line of what happened to a connection or request, in Envoy's vocabulary (response
// flags such as NR, UF; details such as filter_chain_not_found). Printed by `serve` in
// Istio's default format, traced by the simulator, and counted into Istio's metrics.
struct AccessLogEntry {
  std::string protocol;        // "HTTP/1.1", "HTTP/2", or "-" for TCP
  std::string method, path, authority;
  int response_code = 0;       // 0 when no HTTP response was sent
  std::string response_flags = "-";
  std::string details;         // %RESPONSE_CODE_DETAILS%
  std::string upstream_host;   // "10.0.0.5:8080" or "-"
  std::string upstream_cluster;
  std::string downstream_local, downstream_remote;
  std::string requested_server_name;
  // HTTP: body bytes (%BYTES_RECEIVED% / %BYTES_SENT%); TCP: bytes from / to the downstream.
  std::uint64_t bytes_received = 0, bytes_sent = 0;
  io::Duration duration{};     // on the runtime's clock: simulated time in the simulator

  io::TimePoint start_time{};  // the runtime's clock when the request or connection began
  RequestProtocol request_protocol = RequestProtocol::kNone;
  // Request headers as the gateway forwards them (x-forwarded-for with the client appended).
  std::string x_forwarded_for, user_agent, request_id;
  std::optional<std::int64_t> upstream_service_time_ms;  // x-envoy-upstream-service-time
  std::string route_name;                  // VirtualService http[].name[.match name]
  std::string upstream_local_address;      // our side of the upstream connection
  std::string upstream_transport_failure_reason;  // why the upstream connection failed
  std::string connection_termination_details;
  std::optional<int> grpc_status;          // grpc-status the response carried (trailers, else head)
  DestinationService destination;
  std::uint64_t request_messages = 0, response_messages = 0;  // gRPC, counted from DATA
};

}  // namespace gatesim::observability
