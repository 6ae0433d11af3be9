#include "gateway/http/message.h"
#include <algorithm>

#include "gateway/http/codec.h"

namespace gatesim::http {

std::string_view to_string(Version version) {
  switch (version) {
    case Version::kHttp10: return "HTTP/1.0";
    case Version::kHttp11: return "HTTP/1.1";
    case Version::kHttp2: return "HTTP/2";
  }
  return "HTTP/1.1";
}

std::string_view to_string(ResetReason reason) {
  switch (reason) {
    case ResetReason::kProtocolError: return "protocol_error";
    case ResetReason::kRefused: return "refused_stream";
    case ResetReason::kCancel: return "cancel";
    case ResetReason::kConnectionClosed: return "connection_closed";
    case ResetReason::kInternalError: return "internal_error";
  }
  return "internal_error";
}

std::string_view to_string(CodecError error) {
  switch (error) {
    case CodecError::kMalformed: return "malformed";
    case CodecError::kHeadersTooLarge: return "headers_too_large";
    case CodecError::kRequestLineTooLong: return "request_line_too_long";
    case CodecError::kFlowControl: return "flow_control";
    case CodecError::kCompression: return "compression";
    case CodecError::kGoAwayReceived: return "goaway_received";
  }
  return "malformed";
}

std::size_t authority_host_end(std::string_view authority) {
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (!authority.empty() && authority.back() == ']')) return authority.size();
  return colon;
}

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const HeaderField& h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

void set_header(HeaderList& headers, std::string_view name, std::string value) {
  remove_header(headers, name);
  headers.push_back({std::string(name), std::move(value)});
}

void remove_header(HeaderList& headers, std::string_view name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const HeaderField& h) { return h.name == name; }),
                headers.end());
}

}  // namespace gatesim::http
