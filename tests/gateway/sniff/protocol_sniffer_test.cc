#include <catch2/catch.hpp>

#include "gateway/sniff/protocol_sniffer.h"

using namespace gatesim::sniff;

namespace {

// Feeds a stream one byte at a time; returns the first decisive verdict and how many bytes it took.
std::pair<Detection, std::size_t> first_verdict(std::string_view stream) {
  for (std::size_t n = 0; n <= stream.size(); ++n) {
    Detection d = detect_protocol(stream.substr(0, n));
    if (d.protocol != Detected::kNeedMore) return {d, n};
  }
  return {Detection{}, stream.size()};
}

}  // namespace

TEST_CASE("h2c prior knowledge needs all 24 preface bytes", "[sniff]") {
  const std::string stream = std::string(kHttp2Preface) + "\x00\x00\x00\x04";
  auto [d, n] = first_verdict(stream);
  CHECK(d.protocol == Detected::kHttp2);
  CHECK(n == 24);
  CHECK(detect_protocol("PRI * HTTP/2.0\r\n\r\nSM\r\n").protocol == Detected::kNeedMore);
}

TEST_CASE("HTTP/1.x is decided at the end of the request line", "[sniff]") {
  auto [d11, n11] = first_verdict("GET /index.html HTTP/1.1\r\nhost: a\r\n\r\n");
  CHECK(d11.protocol == Detected::kHttp1);
  CHECK_FALSE(d11.http10);
  CHECK(n11 == 26);
  auto [d10, n10] = first_verdict("POST /x HTTP/1.0\n");
  CHECK(d10.protocol == Detected::kHttp1);
  CHECK(d10.http10);
  // "PRIVATE" shares the preface's first letters but is an ordinary method.
  CHECK(first_verdict("PROPFIND / HTTP/1.1\r\n").first.protocol == Detected::kHttp1);
}

TEST_CASE("not HTTP is known at the first impossible byte", "[sniff]") {
  auto [mysql, n] = first_verdict(std::string("\x4a\x00\x00\x00\x0a" "8.0.32", 11));
  CHECK(mysql.protocol == Detected::kTcp);
  CHECK(n == 2);  // 'J' could start a method; NUL cannot follow it
  CHECK(detect_protocol("\r\nGET / HTTP/1.1\r\n").protocol == Detected::kTcp);
  CHECK(detect_protocol("GET / HTTP/2.0\r\n").protocol == Detected::kTcp);
  CHECK(detect_protocol("GET  / HTTP/1.1\r\n").protocol == Detected::kTcp);
  CHECK(detect_protocol("SSH-2.0-OpenSSH_9.2\r\n").protocol == Detected::kTcp);
}

TEST_CASE("a silent client leaves detection undecided (server-first protocols hang)", "[sniff]") {
  CHECK(detect_protocol("").protocol == Detected::kNeedMore);
}

TEST_CASE("64 KiB without a verdict is too large", "[sniff]") {
  const std::string long_target = "GET /" + std::string(70000, 'a');
  CHECK(detect_protocol(long_target.substr(0, 60000)).protocol == Detected::kNeedMore);
  CHECK(detect_protocol(long_target).protocol == Detected::kTooLarge);
}

TEST_CASE("a TLS record that is not a ClientHello falls through to HTTP/TCP detection", "[sniff]") {
  CHECK(detect_protocol(std::string("\x16\x03\x03\x00\x04\x02\x00\x00\x00", 9)).protocol == Detected::kTcp);
  CHECK(detect_protocol(std::string("\x16\x03\x01", 3)).protocol == Detected::kNeedMore);
}
