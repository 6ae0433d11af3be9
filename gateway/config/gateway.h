#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// networking.istio.io Gateway (gateway.proto). Enum values keep Istio's names.
enum class ServerTlsMode { kPassthrough, kSimple, kMutual, kAutoPassthrough, kIstioMutual, kOptionalMutual };
enum class TlsProtocolVersion { kAuto, kTls10, kTls11, kTls12, kTls13 };

std::string_view to_string(ServerTlsMode mode);
std::string_view to_string(TlsProtocolVersion version);

struct TlsCertificateFiles {
  std::optional<LocatedString> server_certificate;
  std::optional<LocatedString> private_key;
  std::optional<LocatedString> ca_certificates;
  Origin origin;
};

struct ServerTlsSettings {
  bool https_redirect = false;
  ServerTlsMode mode = ServerTlsMode::kPassthrough;  // the proto's zero value
  bool mode_set = false;
  std::optional<LocatedString> server_certificate;
  std::optional<LocatedString> private_key;
  std::optional<LocatedString> ca_certificates;
  std::optional<LocatedString> ca_crl;
  std::optional<LocatedString> credential_name;
  std::vector<LocatedString> credential_names;
  std::optional<LocatedString> ca_cert_credential_name;
  std::vector<TlsCertificateFiles> tls_certificates;
  std::vector<LocatedString> subject_alt_names;
  std::vector<LocatedString> verify_certificate_spki;
  std::vector<LocatedString> verify_certificate_hash;
  TlsProtocolVersion min_protocol_version = TlsProtocolVersion::kAuto;
  TlsProtocolVersion max_protocol_version = TlsProtocolVersion::kAuto;
  std::vector<LocatedString> cipher_suites;
  Origin origin;

  bool has_file_certificate() const { return server_certificate || private_key || !tls_certificates.empty(); }
  bool has_credential() const { return credential_name || !credential_names.empty(); }
  bool terminates() const {
    return mode == ServerTlsMode::kSimple || mode == ServerTlsMode::kMutual ||
           mode == ServerTlsMode::kOptionalMutual || mode == ServerTlsMode::kIstioMutual;
  }
};

struct GatewayPort {
  std::uint32_t number = 0;
  bool number_parsed = false;  // false when missing or malformed (already reported)
  std::string protocol;  // as written; interpreted through protocol.h
  std::string name;
  std::optional<std::uint32_t> target_port;
  Origin origin;  // the `port` mapping
  Origin number_origin, protocol_origin, name_origin, target_port_origin;
};

struct Server {
  GatewayPort port;
  std::string bind;
  Origin bind_origin;
  std::vector<LocatedString> hosts;
  std::optional<ServerTlsSettings> tls;
  std::string name;
  std::string default_endpoint;
  Origin origin;
};

struct Gateway {
  ObjectMeta meta;
  std::map<std::string, std::string> selector;
  std::vector<Server> servers;
};

Gateway parse_gateway(FieldReader& spec, ObjectMeta meta);

// How this Gateway's TLS servers treat a request whose :authority another server of the same
// port serves better than the one SNI chose (istio-semantics.md 3.3): "istio" (default, what
// Istio does: route in the SNI server's table, else 404 NR) or "strict" (421 Misdirected
// Request, the Gateway API rule). Set with this annotation.
inline constexpr const char* kMisdirectedRequestsAnnotation = "gatesim.io/misdirected-requests";
// `by_default`: the mode of a Gateway without the annotation (a scenario's `mode: strict`).
bool strict_misdirected_requests(const Gateway& gateway, bool by_default = false);

}  // namespace gatesim::config
