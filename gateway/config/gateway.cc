#include "gateway/config/gateway.h"

namespace gatesim::config {

std::string_view to_string(ServerTlsMode mode) {
  switch (mode) {
    case ServerTlsMode::kPassthrough: return "PASSTHROUGH";
    case ServerTlsMode::kSimple: return "SIMPLE";
    case ServerTlsMode::kMutual: return "MUTUAL";
    case ServerTlsMode::kAutoPassthrough: return "AUTO_PASSTHROUGH";
    case ServerTlsMode::kIstioMutual: return "ISTIO_MUTUAL";
    case ServerTlsMode::kOptionalMutual: return "OPTIONAL_MUTUAL";
  }
  return "PASSTHROUGH";
}

std::string_view to_string(TlsProtocolVersion version) {
  switch (version) {
    case TlsProtocolVersion::kAuto: return "TLS_AUTO";
    case TlsProtocolVersion::kTls10: return "TLSV1_0";
    case TlsProtocolVersion::kTls11: return "TLSV1_1";
    case TlsProtocolVersion::kTls12: return "TLSV1_2";
    case TlsProtocolVersion::kTls13: return "TLSV1_3";
  }
  return "TLS_AUTO";
}

namespace {

const std::vector<std::pair<std::string_view, ServerTlsMode>> kTlsModes = {
    {"PASSTHROUGH", ServerTlsMode::kPassthrough},   {"SIMPLE", ServerTlsMode::kSimple},
    {"MUTUAL", ServerTlsMode::kMutual},             {"AUTO_PASSTHROUGH", ServerTlsMode::kAutoPassthrough},
    {"ISTIO_MUTUAL", ServerTlsMode::kIstioMutual},  {"OPTIONAL_MUTUAL", ServerTlsMode::kOptionalMutual},
};

const std::vector<std::pair<std::string_view, TlsProtocolVersion>> kTlsVersions = {
    {"TLS_AUTO", TlsProtocolVersion::kAuto},   {"TLSV1_0", TlsProtocolVersion::kTls10},
    {"TLSV1_1", TlsProtocolVersion::kTls11},   {"TLSV1_2", TlsProtocolVersion::kTls12},
    {"TLSV1_3", TlsProtocolVersion::kTls13},
};

ServerTlsSettings parse_server_tls(FieldReader& r) {
  ServerTlsSettings tls;
  tls.origin = r.origin();
  tls.https_redirect = r.boolean("httpsRedirect").value_or(false);
  if (r.has("mode")) tls.mode_set = true;
  tls.mode = r.enumeration("mode", kTlsModes).value_or(ServerTlsMode::kPassthrough);
  tls.server_certificate = r.located_string("serverCertificate");
  tls.private_key = r.located_string("privateKey");
  tls.ca_certificates = r.located_string("caCertificates");
  tls.ca_crl = r.located_string("caCrl");
  tls.credential_name = r.located_string("credentialName");
  tls.credential_names = r.strings("credentialNames");
  tls.ca_cert_credential_name = r.located_string("caCertCredentialName");
  r.objects("tlsCertificates", [&](FieldReader& c, std::size_t) {
    TlsCertificateFiles files;
    files.origin = c.origin();
    files.server_certificate = c.located_string("serverCertificate");
    files.private_key = c.located_string("privateKey");
    files.ca_certificates = c.located_string("caCertificates");
    tls.tls_certificates.push_back(std::move(files));
  });
  tls.subject_alt_names = r.strings("subjectAltNames");
  tls.verify_certificate_spki = r.strings("verifyCertificateSpki");
  tls.verify_certificate_hash = r.strings("verifyCertificateHash");
  tls.min_protocol_version = r.enumeration("minProtocolVersion", kTlsVersions).value_or(TlsProtocolVersion::kAuto);
  tls.max_protocol_version = r.enumeration("maxProtocolVersion", kTlsVersions).value_or(TlsProtocolVersion::kAuto);
  tls.cipher_suites = r.strings("cipherSuites");
  return tls;
}

}  // namespace

Gateway parse_gateway(FieldReader& spec, ObjectMeta meta) {
  Gateway gw;
  gw.meta = std::move(meta);
  gw.selector = spec.string_map("selector");
  spec.objects("servers", [&](FieldReader& s, std::size_t) {
    Server server;
    server.origin = s.origin();
    if (auto port = s.object("port", true)) {
      server.port.origin = port->origin();
      server.port.number_origin = port->origin("number");
      server.port.protocol_origin = port->origin("protocol");
      server.port.name_origin = port->origin("name");
      server.port.target_port_origin = port->origin("targetPort");
      const auto number = port->integer("number", 0, 4294967295LL, true);
      server.port.number = static_cast<std::uint32_t>(number.value_or(0));
      server.port.number_parsed = number.has_value();
      server.port.protocol = port->string("protocol", true).value_or("");
      server.port.name = port->string("name", true).value_or("");
      if (auto target = port->integer("targetPort", 0, 4294967295LL)) {
        server.port.target_port = static_cast<std::uint32_t>(*target);
      }
      port->finish();
    }
    server.bind_origin = s.origin("bind");
    server.bind = s.string("bind").value_or("");
    server.hosts = s.strings("hosts", true);
    if (auto tls = s.object("tls")) {
      server.tls = parse_server_tls(*tls);
      tls->finish();
    }
    server.name = s.string("name").value_or("");
    server.default_endpoint = s.string("defaultEndpoint").value_or("");
    gw.servers.push_back(std::move(server));
  });
  return gw;
}

bool strict_misdirected_requests(const Gateway& gateway, bool by_default) {
  auto it = gateway.meta.annotations.find(kMisdirectedRequestsAnnotation);
  return it == gateway.meta.annotations.end() ? by_default : it->second == "strict";
}

}  // namespace gatesim::config
