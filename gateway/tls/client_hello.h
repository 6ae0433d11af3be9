#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gatesim::tls {

// Reads the SNI and ALPN offer of a TLS ClientHello from the first bytes of a connection
// without terminating TLS (Envoy's tls_inspector; used for passthrough and protocol
// detection). Incremental: call again with more bytes while it answers kNeedMore.
struct ClientHello {
  std::string server_name;            // lowercase; empty when the client sent no SNI
  std::vector<std::string> alpn;      // in the client's order
  std::vector<std::uint16_t> versions;  // supported_versions, else the legacy version
  std::size_t bytes = 0;              // length of the records that carried the hello
};

enum class PeekStatus {
  kNeedMore,     // a ClientHello so far; give me more bytes
  kClientHello,  // complete: `hello` is filled
  kNotTls,       // the bytes are not a TLS handshake (try another protocol)
  kTooLarge,     // the hello exceeds the limit: close the connection
  kMalformed,    // a TLS record, but not a valid ClientHello
};

struct PeekResult {
  PeekStatus status = PeekStatus::kNeedMore;
  ClientHello hello;
};

// `max_hello_bytes`: Envoy's current default max_client_hello_size is 16 KiB (older: 64 KiB).
PeekResult peek_client_hello(std::string_view bytes, std::size_t max_hello_bytes = 16 * 1024);

}  // namespace gatesim::tls
