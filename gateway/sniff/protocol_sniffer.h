#pragma once

#include <cstddef>
#include <string_view>

#include "gateway/tls/client_hello.h"

namespace gatesim::sniff {

// Detection from a connection's first client bytes, as Envoy's tls_inspector followed by
// http_inspector do it (istio-semantics.md 1.2). Both are client-first: a server-first
// protocol sends nothing, so detection waits until the caller's timeout (Istio default 0 =
// wait forever) and then falls back to TCP.
enum class Detected {
  kNeedMore,  // undecided: wait for more bytes
  kTls,       // a ClientHello: `hello` holds SNI and ALPN
  kHttp2,     // the h2c prior-knowledge preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
  kHttp1,     // an HTTP/1.x request line (`http10` tells which)
  kTcp,       // neither: opaque TCP
  kTooLarge,  // 64 KiB (or a >16 KiB ClientHello) without a verdict: close the connection
};

struct Detection {
  Detected protocol = Detected::kNeedMore;
  bool http10 = false;
  tls::ClientHello hello;
};

constexpr std::size_t kMaxInspectedBytes = 64 * 1024;  // http_inspector's buffer cap
constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

Detection detect_protocol(std::string_view bytes, std::size_t max_bytes = kMaxInspectedBytes);

// Only the HTTP part (after TLS was ruled out or terminated).
Detection detect_http(std::string_view bytes, std::size_t max_bytes = kMaxInspectedBytes);

}  // namespace gatesim::sniff
