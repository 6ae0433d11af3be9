#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatesim::config {

// Istio's protocol.Instance (pkg/config/protocol/instance.go).
enum class Protocol {
  kHttp, kHttp2, kHttpProxy, kGrpc, kGrpcWeb, kHttps, kTls, kTcp, kUdp, kMongo, kRedis, kMysql, kUnsupported
};

// Case-insensitive, whole value: "HTTP", "https", "GRPC-Web" ... anything else is kUnsupported.
Protocol parse_protocol(std::string_view text);
std::string_view to_string(Protocol protocol);

bool is_http(Protocol p);   // HTTP, HTTP2, HTTP_PROXY, GRPC, GRPC-Web
bool is_http2(Protocol p);  // HTTP2, GRPC, GRPC-Web
bool is_tls(Protocol p);    // HTTPS, TLS
bool is_tcp(Protocol p);    // TCP, HTTPS, TLS, Mongo, Redis, MySQL

// How a Kubernetes Service port's protocol was decided (Istio ConvertProtocol).
struct ServicePortProtocol {
  enum class Source { kUdp, kAppProtocol, kName, kWellKnownPort, kUndetermined };
  Protocol protocol = Protocol::kUnsupported;
  Source source = Source::kUndetermined;
};

// `l4_protocol` is the Service port's `protocol` (TCP/UDP/SCTP). appProtocol, when set, is
// used instead of the name; both take the `<protocol>[-<suffix>]` form. kUnsupported means
// "not declared": a sidecar would sniff it (ports 25, 53, 3306, 27017 are TCP).
ServicePortProtocol resolve_service_port_protocol(std::string_view name, const std::optional<std::string>& app_protocol,
                                                  std::string_view l4_protocol, std::uint32_t port);

}  // namespace gatesim::config
