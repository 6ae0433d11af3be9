#include "gateway/config/protocol.h"

#include <cctype>

namespace gatesim::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

struct Name {
  std::string_view text;
  Protocol protocol;
};

constexpr Name kNames[] = {
    {"HTTP", Protocol::kHttp},       {"HTTP2", Protocol::kHttp2}, {"HTTP_PROXY", Protocol::kHttpProxy},
    {"GRPC", Protocol::kGrpc},       {"GRPC-Web", Protocol::kGrpcWeb}, {"HTTPS", Protocol::kHttps},
    {"TLS", Protocol::kTls},         {"TCP", Protocol::kTcp},     {"UDP", Protocol::kUdp},
    {"Mongo", Protocol::kMongo},     {"Redis", Protocol::kRedis}, {"MySQL", Protocol::kMysql},
};

}  // namespace

Protocol parse_protocol(std::string_view text) {
  for (const Name& n : kNames) {
    if (iequals(text, n.text)) return n.protocol;
  }
  return Protocol::kUnsupported;
}

std::string_view to_string(Protocol protocol) {
  for (const Name& n : kNames) {
    if (n.protocol == protocol) return n.text;
  }
  return "UnsupportedProtocol";
}

bool is_http(Protocol p) {
  return p == Protocol::kHttp || p == Protocol::kHttp2 || p == Protocol::kHttpProxy || p == Protocol::kGrpc ||
         p == Protocol::kGrpcWeb;
}

bool is_http2(Protocol p) { return p == Protocol::kHttp2 || p == Protocol::kGrpc || p == Protocol::kGrpcWeb; }

bool is_tls(Protocol p) { return p == Protocol::kHttps || p == Protocol::kTls; }

bool is_tcp(Protocol p) {
  return p == Protocol::kTcp || p == Protocol::kHttps || p == Protocol::kTls || p == Protocol::kMongo ||
         p == Protocol::kRedis || p == Protocol::kMysql;
}

ServicePortProtocol resolve_service_port_protocol(std::string_view name, const std::optional<std::string>& app_protocol,
                                                  std::string_view l4_protocol, std::uint32_t port) {
  using Source = ServicePortProtocol::Source;
  if (iequals(l4_protocol, "UDP")) return {Protocol::kUdp, Source::kUdp};
  std::string_view value = name;
  Source source = Source::kName;
  if (app_protocol) {
    value = *app_protocol;
    source = Source::kAppProtocol;
    // Kubernetes' standard appProtocol names (only valid as appProtocol).
    if (value == "kubernetes.io/h2c") return {Protocol::kHttp2, source};
    if (value == "kubernetes.io/ws") return {Protocol::kHttp, source};
    if (value == "kubernetes.io/wss") return {Protocol::kHttps, source};
  }
  // "grpc-web" contains the separator, so it is checked before splitting.
  if (value.size() >= 8 && iequals(value.substr(0, 8), "grpc-web")) return {Protocol::kGrpcWeb, source};
  const std::size_t dash = value.find('-');
  const Protocol p = parse_protocol(value.substr(0, dash));
  if (p != Protocol::kUnsupported) return {p, source};
  if (port == 25 || port == 53 || port == 3306 || port == 27017) return {Protocol::kTcp, Source::kWellKnownPort};
  return {Protocol::kUnsupported, Source::kUndetermined};
}

}  // namespace gatesim::config
