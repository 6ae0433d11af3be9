// TLS handshakes between memory-BIO pairs: ALPN, SNI and certificate checks, client
// certificates per Istio mode, versions, key log, fragmented records.
#include <catch2/catch.hpp>

#include "gateway/tls/certificate_identity.h"
#include "tls_test_support.h"

using namespace gatesim;
using namespace gatesim::tls;

namespace {

config::TlsMaterial wildcard_material(bool with_ca = false) {
  config::TlsMaterial m;
  m.certificate_pem = test_pem("wildcard-example-com.pem");
  m.private_key_pem = test_pem("wildcard-example-com-key.pem");
  if (with_ca) m.ca_pem = test_pem("ca.pem");
  return m;
}

config::ServerTlsSettings simple() {
  config::ServerTlsSettings s;
  s.mode = config::ServerTlsMode::kSimple;
  return s;
}

std::shared_ptr<ServerTlsContext> server_context(const config::ServerTlsSettings& settings, bool with_ca = false) {
  std::string error;
  auto ctx = ServerTlsContext::create(settings, wildcard_material(with_ca), &error);
  INFO(error);
  REQUIRE(ctx != nullptr);
  return ctx;
}

std::shared_ptr<ClientTlsContext> client_context(ClientTlsOptions options) {
  std::string error;
  auto ctx = ClientTlsContext::create(options, &error);
  INFO(error);
  REQUIRE(ctx != nullptr);
  return ctx;
}

struct Handshake {
  TlsEnd client_end, server_end;
  std::unique_ptr<TlsSession> client, server;
  Handshake(const ServerTlsContext& s, const ClientTlsContext& c, const std::string& sni, std::size_t chunk = 0) {
    server = TlsSession::server(s, server_end);
    client = TlsSession::client(c, sni, client_end);
    pump(*client, *server, chunk);
  }
};

}  // namespace

TEST_CASE("ALPN: h2 when offered, else http/1.1, else none", "[tls]") {
  auto server = server_context(simple());
  for (auto [offer, expected] : {std::pair{std::vector<std::string>{"h2", "http/1.1"}, std::string("h2")},
                                 std::pair{std::vector<std::string>{"http/1.1"}, std::string("http/1.1")},
                                 std::pair{std::vector<std::string>{}, std::string("")},
                                 std::pair{std::vector<std::string>{"spdy/3"}, std::string("")}}) {
    ClientTlsOptions options;
    options.alpn = offer;
    Handshake h(*server, *client_context(options), "api.example.com");
    REQUIRE(h.client_end.handshake);
    REQUIRE(h.server_end.handshake);
    CHECK(h.server->alpn() == expected);
    CHECK(h.client->alpn() == expected);
    CHECK(h.server->server_name() == "api.example.com");
    CHECK(h.server->protocol_version() == "TLSv1.3");
  }
}

TEST_CASE("plaintext crosses in both directions, whole or one byte at a time", "[tls]") {
  auto server = server_context(simple());
  for (std::size_t chunk : {0u, 1u, 7u}) {
    Handshake h(*server, *client_context({}), "api.example.com", chunk);
    REQUIRE(h.server_end.handshake);
    h.client->write("GET / HTTP/1.1\r\nhost: api.example.com\r\n\r\n");
    h.server->write(std::string(40000, 'z'));  // several records
    pump(*h.client, *h.server, chunk);
    CHECK(h.server_end.plaintext == "GET / HTTP/1.1\r\nhost: api.example.com\r\n\r\n");
    CHECK(h.client_end.plaintext == std::string(40000, 'z'));
    h.client->shutdown();
    pump(*h.client, *h.server, chunk);
    CHECK(h.server_end.closed);
  }
}

TEST_CASE("plaintext written before the handshake is sent after it", "[tls]") {
  auto server = server_context(simple());
  TlsEnd client_end, server_end;
  auto s = TlsSession::server(*server, server_end);
  auto c = TlsSession::client(*client_context({}), "www.example.com", client_end);
  c->write("early");
  pump(*c, *s);
  CHECK(server_end.plaintext == "early");
}

TEST_CASE("a verifying client accepts the wildcard certificate for its hosts only", "[tls]") {
  auto server = server_context(simple());
  ClientTlsOptions options;
  options.ca_pem = test_pem("ca.pem");
  auto client = client_context(options);
  Handshake ok(*server, *client, "shop.example.com");
  CHECK(ok.client_end.handshake);
  CHECK(subject_alt_names(ok.client->peer_certificate()) == std::vector<std::string>{"*.example.com", "example.com"});
  Handshake wrong(*server, *client, "shop.example.org");
  CHECK_FALSE(wrong.client_end.handshake);
  CHECK(wrong.client_end.error.find("hostname mismatch") != std::string::npos);
}

TEST_CASE("MUTUAL requires a client certificate from the CA, OPTIONAL_MUTUAL does not", "[tls]") {
  config::ServerTlsSettings mutual = simple();
  mutual.mode = config::ServerTlsMode::kMutual;
  auto server = server_context(mutual, true);
  Handshake anonymous(*server, *client_context({}), "api.example.com");
  CHECK_FALSE(anonymous.server_end.handshake);
  CHECK(anonymous.server_end.error.find("peer did not return a certificate") != std::string::npos);

  ClientTlsOptions with_cert;
  with_cert.certificate_pem = test_pem("partner-client.pem");
  with_cert.key_pem = test_pem("partner-client-key.pem");
  Handshake authenticated(*server, *client_context(with_cert), "api.example.com");
  CHECK(authenticated.server_end.handshake);
  CHECK(subject_common_name(authenticated.server->peer_certificate()) == "acme-corp");

  config::ServerTlsSettings optional = mutual;
  optional.mode = config::ServerTlsMode::kOptionalMutual;
  auto lenient = server_context(optional, true);
  Handshake none(*lenient, *client_context({}), "api.example.com");
  CHECK(none.server_end.handshake);
  CHECK(none.server->peer_certificate() == nullptr);
}

TEST_CASE("client certificate subjectAltNames and pins", "[tls]") {
  ClientTlsOptions with_cert;
  with_cert.certificate_pem = test_pem("partner-client.pem");
  with_cert.key_pem = test_pem("partner-client-key.pem");
  auto client = client_context(with_cert);

  config::ServerTlsSettings s = simple();
  s.mode = config::ServerTlsMode::kMutual;
  s.subject_alt_names = {{"spiffe://partners.example.com/acme-corp", {}}};
  CHECK(Handshake(*server_context(s, true), *client, "api.example.com").server_end.handshake);
  s.subject_alt_names = {{"spiffe://partners.example.com/other", {}}};
  CHECK_FALSE(Handshake(*server_context(s, true), *client, "api.example.com").server_end.handshake);

  // Pins: learn the real values from an accepted handshake, then require them.
  s.subject_alt_names.clear();
  Handshake probe(*server_context(s, true), *client, "api.example.com");
  REQUIRE(probe.server_end.handshake);
  const std::string hash = certificate_sha256_hex(probe.server->peer_certificate());
  const std::string spki = spki_sha256_base64(probe.server->peer_certificate());
  std::string colon_hash;
  for (std::size_t i = 0; i < hash.size(); i += 2) colon_hash += (i ? ":" : "") + hash.substr(i, 2);
  s.verify_certificate_hash = {{colon_hash, {}}};
  CHECK(Handshake(*server_context(s, true), *client, "api.example.com").server_end.handshake);
  s.verify_certificate_hash = {{std::string(64, 'a'), {}}};
  CHECK_FALSE(Handshake(*server_context(s, true), *client, "api.example.com").server_end.handshake);
  s.verify_certificate_spki = {{spki, {}}};  // either pin may match
  CHECK(Handshake(*server_context(s, true), *client, "api.example.com").server_end.handshake);
}

TEST_CASE("TLS versions: a server at 1.3 only refuses a 1.2-only client", "[tls]") {
  config::ServerTlsSettings s = simple();
  s.min_protocol_version = config::TlsProtocolVersion::kTls13;
  ClientTlsOptions old_client;
  old_client.max_version = config::TlsProtocolVersion::kTls12;
  Handshake h(*server_context(s), *client_context(old_client), "api.example.com");
  CHECK_FALSE(h.server_end.handshake);
  CHECK_FALSE(h.server_end.error.empty());

  config::ServerTlsSettings twelve = simple();
  twelve.max_protocol_version = config::TlsProtocolVersion::kTls12;
  Handshake h12(*server_context(twelve), *client_context({}), "api.example.com");
  CHECK(h12.server->protocol_version() == "TLSv1.2");
  CHECK(h12.server->cipher() == "ECDHE-ECDSA-AES128-GCM-SHA256");  // first of Envoy's defaults
}

TEST_CASE("key log lines are in NSS format", "[tls]") {
  auto server = server_context(simple());
  std::vector<std::string> lines;
  server->set_key_log([&](const std::string& line) { lines.push_back(line); });
  Handshake h(*server, *client_context({}), "api.example.com");
  REQUIRE(h.server_end.handshake);
  REQUIRE(lines.size() >= 4);  // TLS 1.3: handshake and traffic secrets of both sides
  for (const std::string& line : lines) {
    const auto first_space = line.find(' ');
    CHECK(line.substr(0, first_space).find("SECRET") != std::string::npos);
    CHECK(line.size() > first_space + 65);  // label, 64 hex digits of client random, secret
  }
}
