#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/http/message.h"

namespace gatesim::http {

// The fields of one received header block (HEADERS + CONTINUATION), collected one by one while
// nghttp2 decodes it, under the CodecLimits header budget. Past the budget the remaining fields are
// still decoded by nghttp2 (HPACK state must stay in sync, RFC 9113 §4.3) but no longer stored, so
// memory stays bounded and the block is marked too large.
class Http2ReceivedFields {
 public:
  Http2ReceivedFields() = default;
  Http2ReceivedFields(std::size_t max_bytes, std::size_t max_count);

  // Counts name + value bytes (as Envoy's max_request_headers_kb does, and as the HTTP/1.1 codec
  // does), pseudo-header fields included, against max_bytes; every field against max_count.
  void add(std::string_view name, std::string_view value);

  bool too_large() const { return too_large_; }
  const HeaderList& fields() const { return fields_; }

 private:
  HeaderList fields_;
  std::size_t bytes_ = 0;
  std::size_t max_bytes_ = 0;
  std::size_t max_count_ = 0;
  bool too_large_ = false;
};

enum class Http2HeadProblem {
  kNone,
  kMalformed,      // RFC 9113 §8.1.1: stream error PROTOCOL_ERROR
  kTargetTooLong,  // :path over CodecLimits::max_request_line_bytes
};

struct Http2ParsedRequest {
  RequestHead head;
  Http2HeadProblem problem = Http2HeadProblem::kNone;
  std::string detail;  // why, when problem != kNone
};

// A request header block -> RequestHead. `tls` supplies the scheme of CONNECT requests, which
// carry no :scheme (§8.5).
Http2ParsedRequest parse_request_head(const HeaderList& fields, bool tls, std::size_t max_target_bytes);

struct Http2ParsedResponse {
  ResponseHead head;
  bool malformed = false;
  std::string detail;
  bool interim() const { return head.status < 200; }  // 1xx, §8.1
};

Http2ParsedResponse parse_response_head(const HeaderList& fields);

// A trailer block: regular fields only (nghttp2 already rejects pseudo-headers there, §8.1).
HeaderList parse_trailers(const HeaderList& fields);

}  // namespace gatesim::http
