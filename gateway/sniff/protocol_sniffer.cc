#include "gateway/sniff/protocol_sniffer.h"

#include <algorithm>
#include <cctype>

namespace gatesim::sniff {
namespace {

// RFC 9110 5.6.2 token characters: what a method may be made of.
bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

enum class Line { kIncomplete, kHttp11, kHttp10, kNotHttp };

// Judges the request line "METHOD SP request-target SP HTTP/1.x CRLF" from what has arrived.
// Like feeding http_parser up to the first LF: any impossible byte is a verdict at once.
Line judge_request_line(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && is_tchar(bytes[i])) ++i;
  if (i == bytes.size()) return Line::kIncomplete;
  if (i == 0 || bytes[i] != ' ') return Line::kNotHttp;
  ++i;
  const std::size_t target = i;
  while (i < bytes.size() && bytes[i] != ' ' && bytes[i] != '\r' && bytes[i] != '\n' &&
         static_cast<unsigned char>(bytes[i]) > 0x20 && bytes[i] != 0x7F) {
    ++i;
  }
  if (i == bytes.size()) return Line::kIncomplete;
  if (i == target || bytes[i] != ' ') return Line::kNotHttp;
  ++i;
  const std::string_view version = bytes.substr(i);
  const std::string_view expected = "HTTP/1.";
  for (std::size_t k = 0; k < version.size() && k < expected.size(); ++k) {
    if (version[k] != expected[k]) return Line::kNotHttp;
  }
  if (version.size() <= expected.size()) return Line::kIncomplete;
  const char minor = version[expected.size()];
  if (minor != '0' && minor != '1') return Line::kNotHttp;
  const std::string_view rest = version.substr(expected.size() + 1);
  if (rest.empty() || (rest == "\r")) return Line::kIncomplete;
  if (rest[0] == '\n' || (rest[0] == '\r' && rest[1] == '\n')) return minor == '1' ? Line::kHttp11 : Line::kHttp10;
  return Line::kNotHttp;
}

}  // namespace

Detection detect_http(std::string_view bytes, std::size_t max_bytes) {
  Detection d;
  if (bytes.empty()) return d;
  // A prefix of the h2c preface: wait for all 24 bytes.
  const std::size_t n = std::min(bytes.size(), kHttp2Preface.size());
  if (bytes.substr(0, n) == kHttp2Preface.substr(0, n)) {
    if (bytes.size() >= kHttp2Preface.size()) d.protocol = Detected::kHttp2;
    return d;
  }
  if (bytes[0] == '\r' || bytes[0] == '\n') {
    d.protocol = Detected::kTcp;
    return d;
  }
  switch (judge_request_line(bytes)) {
    case Line::kHttp11: d.protocol = Detected::kHttp1; break;
    case Line::kHttp10:
      d.protocol = Detected::kHttp1;
      d.http10 = true;
      break;
    case Line::kNotHttp: d.protocol = Detected::kTcp; break;
    case Line::kIncomplete:
      if (bytes.size() >= max_bytes) d.protocol = Detected::kTooLarge;  // Envoy closes here
      break;
  }
  return d;
}

Detection detect_protocol(std::string_view bytes, std::size_t max_bytes) {
  Detection d;
  const tls::PeekResult tls = tls::peek_client_hello(bytes);
  switch (tls.status) {
    case tls::PeekStatus::kClientHello:
      d.protocol = Detected::kTls;
      d.hello = tls.hello;
      return d;
    case tls::PeekStatus::kNeedMore:  // empty, or a ClientHello so far
      return d;
    case tls::PeekStatus::kTooLarge:
      d.protocol = Detected::kTooLarge;
      return d;
    case tls::PeekStatus::kNotTls:
    case tls::PeekStatus::kMalformed:  // tls_inspector leaves raw_buffer and continues
      return detect_http(bytes, max_bytes);
  }
  return d;
}

}  // namespace gatesim::sniff
