#include <catch2/catch.hpp>

#include "gateway/tls/client_hello.h"
#include "tls_test_support.h"

using namespace gatesim::tls;

namespace {

std::string real_client_hello(const std::string& sni, std::vector<std::string> alpn) {
  ClientTlsOptions options;
  options.alpn = std::move(alpn);
  std::string error;
  auto ctx = ClientTlsContext::create(options, &error);
  TlsEnd end;
  auto session = TlsSession::client(*ctx, sni, end);
  return session->take_output();
}

}  // namespace

TEST_CASE("a real OpenSSL ClientHello yields its SNI and ALPN", "[tls]") {
  const std::string hello = real_client_hello("API.Example.com", {"h2", "http/1.1"});
  const PeekResult r = peek_client_hello(hello + "trailing application data");
  REQUIRE(r.status == PeekStatus::kClientHello);
  CHECK(r.hello.server_name == "api.example.com");
  CHECK(r.hello.alpn == std::vector<std::string>{"h2", "http/1.1"});
  CHECK(r.hello.bytes == hello.size());
  CHECK(std::find(r.hello.versions.begin(), r.hello.versions.end(), 0x0304) != r.hello.versions.end());
}

TEST_CASE("every strict prefix of a ClientHello asks for more", "[tls]") {
  const std::string hello = real_client_hello("db.example.com", {});
  for (std::size_t n = 0; n < hello.size(); ++n) {
    INFO(n);
    REQUIRE(peek_client_hello(hello.substr(0, n)).status == PeekStatus::kNeedMore);
  }
  const PeekResult r = peek_client_hello(hello);
  CHECK(r.status == PeekStatus::kClientHello);
  CHECK(r.hello.alpn.empty());
}

TEST_CASE("a ClientHello split across two records is reassembled", "[tls]") {
  const std::string hello = real_client_hello("split.example.com", {"h2"});
  const std::string body = hello.substr(5);
  const std::size_t half = body.size() / 2;
  auto record = [](std::string_view payload) {
    std::string r = {'\x16', '\x03', '\x01', static_cast<char>(payload.size() >> 8), static_cast<char>(payload.size() & 0xFF)};
    return r + std::string(payload);
  };
  const std::string split = record(std::string_view(body).substr(0, half)) + record(std::string_view(body).substr(half));
  const PeekResult r = peek_client_hello(split);
  REQUIRE(r.status == PeekStatus::kClientHello);
  CHECK(r.hello.server_name == "split.example.com");
  CHECK(peek_client_hello(split.substr(0, split.size() - 1)).status == PeekStatus::kNeedMore);
}

TEST_CASE("plaintext protocols are not TLS, broken handshakes are malformed, huge ones too large", "[tls]") {
  CHECK(peek_client_hello("GET / HTTP/1.1\r\n").status == PeekStatus::kNotTls);
  CHECK(peek_client_hello("PRI * HTTP/2.0\r\n").status == PeekStatus::kNotTls);
  CHECK(peek_client_hello("G").status == PeekStatus::kNotTls);
  CHECK(peek_client_hello(std::string("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10)).status == PeekStatus::kMalformed);
  // A ServerHello (type 2) where a ClientHello belongs.
  CHECK(peek_client_hello(std::string("\x16\x03\x03\x00\x04\x02\x00\x00\x00", 9)).status == PeekStatus::kNotTls);
  // A hello claiming 70 KB.
  std::string big("\x16\x03\x01\x40\x00\x01\x01\x11\x70", 9);
  big += std::string(0x4000 - 4, '\0');
  CHECK(peek_client_hello(big, 16 * 1024).status == PeekStatus::kTooLarge);
}
