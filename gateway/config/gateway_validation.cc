#include <algorithm>
#include <set>

#include "gateway/config/host_name.h"
#include "gateway/config/protocol.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

// Cipher suites Envoy's TLS stack accepts (Envoy TlsParameters.cipher_suites).
constexpr std::string_view kCipherSuites[] = {
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",   "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-PSK-CHACHA20-POLY1305",   "ECDHE-ECDSA-AES128-SHA",        "ECDHE-RSA-AES128-SHA",
    "ECDHE-PSK-AES128-CBC-SHA",      "AES128-GCM-SHA256",             "AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA",        "ECDHE-RSA-AES256-SHA",          "ECDHE-PSK-AES256-CBC-SHA",
    "AES256-GCM-SHA384",             "AES256-SHA",                    "PSK-AES128-CBC-SHA",
    "PSK-AES256-CBC-SHA",            "DES-CBC3-SHA",
};

bool is_hex_sha256(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    digits += c;
  }
  // "Both simple and colon separated formats": colons, if any, must separate byte pairs.
  if (text.find(':') != std::string::npos && text.size() != 95) return false;
  return digits.size() == 64;
}

bool is_base64_sha256(const std::string& text) {
  if (text.size() != 44 || text.back() != '=') return false;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  }
  return true;
}

class GatewayValidator {
 public:
  GatewayValidator(const Gateway& gateway, Diagnostics& diagnostics)
      : gw_(gateway), diagnostics_(diagnostics), label_(resource_label("Gateway", gateway.meta)) {}

  void run() {
    // Istio: "Gateway name must conform to the DNS label format (no dots)".
    if (!gw_.meta.name.empty() && !is_dns1123_label(gw_.meta.name)) {
      report(Code::kInvalidName, gw_.meta.at("metadata.name"),
             "invalid gateway name \"" + gw_.meta.name + "\": must be an RFC 1123 label (no dots)");
    }
    if (auto it = gw_.meta.annotations.find(kMisdirectedRequestsAnnotation);
        it != gw_.meta.annotations.end() && it->second != "istio" && it->second != "strict") {
      report(Code::kInvalidMisdirectedRequests, gw_.meta.at("metadata.annotations"),
             std::string(kMisdirectedRequestsAnnotation) + " is \"" + it->second + "\"; use \"istio\" or \"strict\"");
    }
    if (gw_.servers.empty()) {
      report(Code::kGatewayNoServers, gw_.meta.at("spec.servers"),
             "a Gateway must have at least one server");
    }
    std::set<std::string> port_names;
    for (const Server& server : gw_.servers) {
      if (!server.port.name.empty() && !port_names.insert(server.port.name).second) {
        report(Code::kDuplicatePortName, server.port.name_origin,
               "port name \"" + server.port.name + "\" is used by another server of this Gateway; names must be unique");
      }
      check_server(server);
    }
  }

 private:
  void report(Code code, const Origin& origin, std::string message) {
    diagnostics_.add(code, origin, label_, std::move(message));
  }

  void check_server(const Server& server) {
    if (server.hosts.empty()) {
      report(Code::kServerNoHosts, gw_.meta.at(server.origin.path + ".hosts"),
             "a server must list at least one host");
    }
    for (const LocatedString& host : server.hosts) check_host(host);

    const bool uds = server.bind.rfind("unix://", 0) == 0;
    if (!server.bind.empty() && !uds && !is_ip_address(server.bind)) {
      report(Code::kInvalidBind, server.bind_origin,
             "\"" + server.bind + "\" must be an IP address or unix:///path");
    }
    const Origin& port_origin = server.port.number_origin;
    if (uds && server.port.number != 0) {
      report(Code::kInvalidPortNumber, port_origin, "a server bound to a unix socket must use port 0");
    } else if (!uds && server.port.number_parsed && (server.port.number < 1 || server.port.number > 65535)) {
      report(Code::kInvalidPortNumber, port_origin,
             std::to_string(server.port.number) + " is not a port number (1-65535)");
    }
    if (server.port.target_port) {
      report(Code::kTargetPortIgnored, server.port.target_port_origin,
             "targetPort has no effect on Gateways");
    }
    const Protocol protocol = parse_protocol(server.port.protocol);
    const Origin& protocol_origin = server.port.protocol_origin;
    if (protocol == Protocol::kUnsupported) {
      report(Code::kInvalidPortProtocol, protocol_origin,
             "unknown protocol \"" + server.port.protocol +
                 "\"; must be one of HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, MONGO, TCP, TLS (or REDIS, MYSQL)");
      return;
    }
    if (protocol == Protocol::kUdp) {
      report(Code::kUdpNotProxied, protocol_origin, "Istio accepts UDP here, but gateways do not proxy it; server ignored");
      return;
    }
    check_tls(server, protocol);
  }

  void check_host(const LocatedString& host) {
    const NamespacedHost parts = split_namespaced_host(host.value);
    if (parts.host.find('/') != std::string::npos) {
      report(Code::kInvalidHost, host.origin, "\"" + host.value + "\" has more than one '/'");
      return;
    }
    if (parts.namespace_name != "*" && parts.namespace_name != "." && parts.namespace_name != "~" &&
        !is_dns1123_label(parts.namespace_name)) {
      report(Code::kInvalidHost, host.origin,
             "namespace \"" + parts.namespace_name + "\" must be \"*\", \".\" or a namespace name");
    }
    if (auto error = wildcard_domain_error(parts.host)) {
      report(Code::kInvalidHost, host.origin, "\"" + parts.host + "\": " + *error);
    }
  }

  void check_tls(const Server& server, Protocol protocol) {
    const Origin tls_origin = gw_.meta.at(server.origin.path + ".tls");
    if (is_tls(protocol) && !server.tls) {
      report(Code::kTlsRequired, tls_origin,
             "server with protocol " + server.port.protocol + " must have tls settings (mode and certificates)");
      return;
    }
    if (!server.tls) return;
    const ServerTlsSettings& tls = *server.tls;
    const Origin& at = tls.origin;
    if (!is_tls(protocol)) {
      // validation.go validateServer: plaintext HTTP may carry only a PASSTHROUGH block without files.
      const bool redirect_only = tls.mode == ServerTlsMode::kPassthrough && !tls.server_certificate &&
                                 !tls.private_key && !tls.ca_certificates;
      if (!is_http(protocol)) {
        report(Code::kTlsNotAllowed, at, "server cannot have TLS settings for non HTTPS/TLS ports");
      } else if (!redirect_only) {
        report(Code::kTlsNotAllowed, at,
               "server cannot have TLS settings for plain text HTTP ports (only httpsRedirect is allowed)");
      }
      if (tls.https_redirect && !is_http(protocol)) {
        report(Code::kHttpsRedirectOnNonHttp, gw_.meta.at(at.path + ".httpsRedirect"),
               "httpsRedirect has no effect on a " + server.port.protocol + " server");
      }
      return;
    }
    if (tls.mode == ServerTlsMode::kAutoPassthrough && protocol != Protocol::kTls) {
      report(Code::kTlsNotAllowed, gw_.meta.at(at.path + ".mode"),
             "AUTO_PASSTHROUGH requires protocol TLS");
    }
    if (tls.https_redirect) {
      report(Code::kHttpsRedirectOnNonHttp, gw_.meta.at(at.path + ".httpsRedirect"),
             "httpsRedirect has no effect on a server that already uses TLS");
    }
    const bool needs_certificate = tls.mode == ServerTlsMode::kSimple || tls.mode == ServerTlsMode::kMutual ||
                                   tls.mode == ServerTlsMode::kOptionalMutual;
    if (needs_certificate && !tls.has_credential()) {
      const bool file_pair = tls.server_certificate && tls.private_key;
      bool listed_pairs = !tls.tls_certificates.empty();
      for (const TlsCertificateFiles& files : tls.tls_certificates) {
        listed_pairs = listed_pairs && files.server_certificate && files.private_key;
      }
      if (!file_pair && !listed_pairs) {
        report(Code::kTlsMissingCredentials, at,
               std::string(to_string(tls.mode)) +
                   " mode needs credentialName, or serverCertificate and privateKey");
      }
      const bool mutual = tls.mode != ServerTlsMode::kSimple;
      if (mutual && !tls.ca_certificates && !tls.ca_cert_credential_name) {
        report(Code::kTlsMissingCa, at,
               std::string(to_string(tls.mode)) + " mode needs caCertificates to verify client certificates");
      }
    }
    const bool passthrough = tls.mode == ServerTlsMode::kPassthrough || tls.mode == ServerTlsMode::kAutoPassthrough;
    if (passthrough && (tls.ca_crl || tls.server_certificate || tls.private_key || tls.ca_certificates ||
                        tls.credential_name)) {
      report(Code::kCertificatesIgnored, at,
             std::string(to_string(tls.mode)) + " mode does not use certificates, they will be ignored");
    }
    if (tls.ca_crl && tls.credential_name) {
      report(Code::kInvalidCrl, gw_.meta.at(at.path + ".caCrl"),
             "CRL is not supported with credentialName; put the CRL in the credential");
    } else if (tls.ca_crl && tls.mode == ServerTlsMode::kSimple) {
      report(Code::kInvalidCrl, gw_.meta.at(at.path + ".caCrl"), "CRL is not supported with SIMPLE TLS");
    }
    if (tls.mode == ServerTlsMode::kIstioMutual &&
        (tls.has_file_certificate() || tls.has_credential() || tls.ca_certificates || tls.ca_cert_credential_name)) {
      report(Code::kIstioMutualExtraFields, at,
             "ISTIO_MUTUAL uses the workload's Istio certificates; certificate fields must be empty");
    }
    if (tls.min_protocol_version != TlsProtocolVersion::kAuto && tls.max_protocol_version != TlsProtocolVersion::kAuto &&
        tls.min_protocol_version > tls.max_protocol_version) {
      report(Code::kInvalidTlsVersions, gw_.meta.at(at.path + ".minProtocolVersion"),
             std::string(to_string(tls.min_protocol_version)) + " is above maxProtocolVersion " +
                 std::string(to_string(tls.max_protocol_version)));
    }
    if (tls.min_protocol_version != TlsProtocolVersion::kAuto &&
        tls.min_protocol_version < TlsProtocolVersion::kTls12 && tls.cipher_suites.empty()) {
      report(Code::kWeakTlsWithoutCiphers, gw_.meta.at(at.path + ".minProtocolVersion"),
             "TLS below 1.2 needs explicit cipherSuites; the default list only has TLS 1.2 ciphers");
    }
    std::set<std::string> seen;
    for (const LocatedString& cipher : tls.cipher_suites) {
      const bool known = std::find(std::begin(kCipherSuites), std::end(kCipherSuites), cipher.value) !=
                         std::end(kCipherSuites);
      if (!known) {
        report(Code::kInvalidCipherSuite, cipher.origin, "unknown cipher suite \"" + cipher.value + "\" is ignored");
      } else if (!seen.insert(cipher.value).second) {
        report(Code::kInvalidCipherSuite, cipher.origin, "duplicate cipher suite \"" + cipher.value + "\" is ignored");
      }
    }
    for (const LocatedString& hash : tls.verify_certificate_hash) {
      if (!is_hex_sha256(hash.value)) {
        report(Code::kInvalidCertificatePin, hash.origin,
               "verifyCertificateHash must be a hex SHA-256 (64 digits, optionally colon-separated)");
      }
    }
    for (const LocatedString& spki : tls.verify_certificate_spki) {
      if (!is_base64_sha256(spki.value)) {
        report(Code::kInvalidCertificatePin, spki.origin, "verifyCertificateSpki must be a base64 SHA-256 (44 chars)");
      }
    }
  }

  const Gateway& gw_;
  Diagnostics& diagnostics_;
  std::string label_;
};

}  // namespace

void validate_gateway(const Gateway& gateway, Diagnostics& diagnostics) { GatewayValidator(gateway, diagnostics).run(); }

}  // namespace gatesim::config
