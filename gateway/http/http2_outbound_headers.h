#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "gateway/http/message.h"

namespace gatesim::http {

// The fields of one outgoing header block, owned here and viewed as the nghttp2_nv array the
// nghttp2_submit_* calls take (they copy it). Only well-formed h2 fields get in (RFC 9113 §8.2.1,
// §8.2.2): names are lowercased, connection-specific fields and fields nghttp2's RFC 9113 checks
// reject are dropped rather than sent, since the peer would treat the whole message as malformed.
class Http2NvList {
 public:
  void add_pseudo(std::string name, std::string value);
  void add(std::string_view name, std::string_view value);
  bool contains(std::string_view lowercase_name) const;

  // Valid until the next add(); built on demand because adds may reallocate the storage.
  const nghttp2_nv* data();
  std::size_t size() const { return fields_.size(); }
  // Upper bound of the HPACK-encoded size, computed as nghttp2 does before it refuses a block over
  // nghttp2_option_set_max_send_header_block_length: 12 bytes of table-size updates, then per field
  // two 6-byte length prefixes plus the literal name and value.
  std::size_t encoded_bound() const;
  const HeaderList& fields() const { return fields_; }

 private:
  HeaderList fields_;
  std::vector<std::uint8_t> never_index_;
  std::vector<nghttp2_nv> nv_;
};

// :method :scheme :authority :path, then the regular fields (§8.3.1). An empty authority falls back
// to the Host field; Host itself never goes out (§8.3.1 "Clients that generate HTTP/2 requests
// directly MUST use the :authority pseudo-header field"). `tls` supplies an empty scheme.
Http2NvList request_fields(const RequestHead& head, bool tls);
Http2NvList response_fields(const ResponseHead& head);
Http2NvList interim_fields(int status);  // 1xx
Http2NvList trailer_fields(const HeaderList& trailers);

}  // namespace gatesim::http
