// Same seed, byte-identical TLS 1.3 handshakes (ECDSA signatures and key shares included);
// another seed, different bytes.
#include <catch2/catch.hpp>

#include "../gateway/tls/tls_test_support.h"
#include "sim/core/deterministic_tls_random.h"

using namespace gatesim;

namespace {

std::string handshake_bytes(std::uint64_t seed) {
  sim::install_deterministic_tls_random(seed);
  config::ServerTlsSettings settings;
  settings.mode = config::ServerTlsMode::kSimple;
  config::TlsMaterial material;
  material.certificate_pem = test_pem("wildcard-example-com.pem");
  material.private_key_pem = test_pem("wildcard-example-com-key.pem");
  std::string error;
  auto server_ctx = tls::ServerTlsContext::create(settings, material, &error);
  tls::ClientTlsOptions options;
  options.alpn = {"h2", "http/1.1"};
  auto client_ctx = tls::ClientTlsContext::create(options, &error);
  TlsEnd client_end, server_end;
  auto server = tls::TlsSession::server(*server_ctx, server_end);
  auto client = tls::TlsSession::client(*client_ctx, "shop.example.com", client_end);
  std::string wire;
  for (int round = 0; round < 10; ++round) {
    const std::string c = client->take_output();
    const std::string s = server->take_output();
    wire += c + s;
    server->receive(c);
    client->receive(s);
  }
  client->write("GET / HTTP/1.1\r\n\r\n");
  wire += client->take_output();
  REQUIRE(server_end.handshake);
  return wire;
}

}  // namespace

TEST_CASE("deterministic TLS randomness: same seed, same bytes, other seed, other bytes", "[sim]") {
  const std::string a = handshake_bytes(42);
  const std::string b = handshake_bytes(42);
  const std::string c = handshake_bytes(43);
  CHECK(a.size() > 500);
  CHECK(a == b);
  CHECK(a != c);
}
