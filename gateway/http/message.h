#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatesim::http {

// The protocol-neutral request/response model that both codecs produce and consume, so
// that routing and proxying above them never know whether a stream is HTTP/1.x or h2.

enum class Version { kHttp10, kHttp11, kHttp2 };
std::string_view to_string(Version version);  // "HTTP/1.0", "HTTP/1.1", "HTTP/2"

struct HeaderField {
  std::string name;  // lowercase (HTTP field names are case-insensitive; h2 requires lowercase)
  std::string value;
};
using HeaderList = std::vector<HeaderField>;

// First value of a header (names compared lowercase), or nullptr.
const std::string* find_header(const HeaderList& headers, std::string_view lowercase_name);
void set_header(HeaderList& headers, std::string_view lowercase_name, std::string value);  // replaces all
void remove_header(HeaderList& headers, std::string_view lowercase_name);

// Where an :authority's host ends: the position of the ':' before its port, or the size when
// it has no port ("shop.example.com:8443" -> 16; "[::1]" -> 5; "[::1]:443" -> 5).
std::size_t authority_host_end(std::string_view authority);

struct RequestHead {
  Version version = Version::kHttp11;
  std::string method;
  std::string scheme;     // "http" or "https": h2 :scheme; HTTP/1.x from the connection (TLS or not)
  std::string authority;  // h2 :authority, else the Host header ("" when absent)
  std::string path;       // origin-form: path and query ("/a/b?x=1"); "*" for OPTIONS *
  // Regular fields only: no pseudo-headers, no Host (it is `authority`), no hop-by-hop fields
  // (connection, keep-alive, proxy-connection, transfer-encoding, upgrade, te except
  // "te: trailers"); the codec consumes those.
  HeaderList headers;
  std::optional<std::uint64_t> content_length;  // when the message declared one
  bool expect_continue = false;                 // HTTP/1.1 "Expect: 100-continue"
};

struct ResponseHead {
  Version version = Version::kHttp11;
  int status = 200;
  HeaderList headers;  // same rules as RequestHead::headers
  std::optional<std::uint64_t> content_length;
};

using StreamId = std::int32_t;  // h2 stream id; HTTP/1.x numbers requests on a connection 1, 3, 5, ...

enum class ResetReason {
  kProtocolError,     // malformed message on this stream
  kRefused,           // h2 REFUSED_STREAM (e.g. over max concurrent streams; safe to retry)
  kCancel,            // peer or local cancel
  kConnectionClosed,  // the connection went away with the stream open
  kInternalError,
};
std::string_view to_string(ResetReason reason);

}  // namespace gatesim::http
