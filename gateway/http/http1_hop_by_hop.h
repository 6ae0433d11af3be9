#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/message.h"

namespace gatesim::http {

// Hop-by-hop fields: they describe one HTTP/1.x connection, so the codec consumes them on the
// way in and never writes the application's copies on the way out (RFC 9110 7.6.1). Only the
// codec decides connection persistence and framing.

// The options of every Connection field line (RFC 9110 7.6.1), lowercase.
struct ConnectionOptions {
  bool close = false;       // "close": last message on this connection (RFC 9112 9.6)
  bool keep_alive = false;  // "keep-alive": HTTP/1.0 persistence opt-in (RFC 9112 C.2.2)
  std::vector<std::string> nominated;  // every option; each names a field that is hop-by-hop here
};
ConnectionOptions parse_connection_options(const HeaderList& fields);

// connection, keep-alive, proxy-connection, transfer-encoding, upgrade, te.
bool is_hop_by_hop_name(std::string_view lowercase_name);

// Removes the hop-by-hop fields and the ones the Connection options nominate. "te" survives only
// as "te: trailers", the one TE value that stays meaningful end to end (RFC 9110 10.1.4; h2 also
// allows exactly that value, RFC 9113 8.2.2).
void strip_hop_by_hop(HeaderList& fields, const ConnectionOptions& options);

// Trailer sections may not carry fields that frame, route or control the message (RFC 9110
// 6.5.1): those are dropped along with the hop-by-hop ones.
void strip_forbidden_trailers(HeaderList& trailers);

}  // namespace gatesim::http
