#include "gateway/http/http2_outbound_headers.h"

#include <algorithm>
#include <cctype>

namespace gatesim::http {
namespace {

bool is_connection_specific(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade";
}

// Credentials must not enter the HPACK dynamic table, where a compression oracle could recover
// them (RFC 7541 §7.1.3).
bool is_sensitive(std::string_view name) { return name == "authorization" || name == "proxy-authorization"; }

const std::uint8_t* bytes(const std::string& text) { return reinterpret_cast<const std::uint8_t*>(text.data()); }

void add_regular(Http2NvList& list, const HeaderList& headers) {
  for (const HeaderField& field : headers) list.add(field.name, field.value);
}

}  // namespace

void Http2NvList::add_pseudo(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
  never_index_.push_back(0);
}

void Http2NvList::add(std::string_view name, std::string_view value) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.empty() || lower[0] == ':' || is_connection_specific(lower)) return;
  if (lower == "te" && value != "trailers") return;  // §8.2.2
  std::string text(value);
  if (!nghttp2_check_header_name(bytes(lower), lower.size()) ||
      !nghttp2_check_header_value_rfc9113(bytes(text), text.size())) {
    return;
  }
  never_index_.push_back(is_sensitive(lower) ? 1 : 0);
  fields_.push_back({std::move(lower), std::move(text)});
}

bool Http2NvList::contains(std::string_view name) const { return find_header(fields_, name) != nullptr; }

std::size_t Http2NvList::encoded_bound() const {
  std::size_t bound = 12;
  for (const HeaderField& field : fields_) bound += 12 + field.name.size() + field.value.size();
  return bound;
}

const nghttp2_nv* Http2NvList::data() {
  nv_.clear();
  nv_.reserve(fields_.size());
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    HeaderField& field = fields_[i];
    nv_.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(field.name.data()),
                             reinterpret_cast<std::uint8_t*>(field.value.data()), field.name.size(),
                             field.value.size(),
                             static_cast<std::uint8_t>(never_index_[i] ? NGHTTP2_NV_FLAG_NO_INDEX : 0)});
  }
  return nv_.data();
}

Http2NvList request_fields(const RequestHead& head, bool tls) {
  Http2NvList list;
  list.add_pseudo(":method", head.method);
  std::string authority = head.authority;
  if (authority.empty()) {
    if (const std::string* host = find_header(head.headers, "host")) authority = *host;
  }
  if (head.method == "CONNECT") {
    list.add_pseudo(":authority", authority);  // §8.5: no :scheme, no :path
  } else {
    list.add_pseudo(":scheme", head.scheme.empty() ? (tls ? "https" : "http") : head.scheme);
    if (!authority.empty()) list.add_pseudo(":authority", authority);
    list.add_pseudo(":path", head.path.empty() ? "/" : head.path);
  }
  for (const HeaderField& field : head.headers) {
    if (field.name == "host") continue;
    list.add(field.name, field.value);
  }
  if (head.content_length && !list.contains("content-length")) {
    list.add("content-length", std::to_string(*head.content_length));
  }
  if (head.expect_continue && !list.contains("expect")) list.add("expect", "100-continue");
  return list;
}

Http2NvList response_fields(const ResponseHead& head) {
  Http2NvList list;
  list.add_pseudo(":status", std::to_string(head.status));
  add_regular(list, head.headers);
  if (head.content_length && !list.contains("content-length")) {
    list.add("content-length", std::to_string(*head.content_length));
  }
  return list;
}

Http2NvList interim_fields(int status) {
  Http2NvList list;
  list.add_pseudo(":status", std::to_string(status));
  return list;
}

Http2NvList trailer_fields(const HeaderList& trailers) {
  Http2NvList list;
  add_regular(list, trailers);
  return list;
}

}  // namespace gatesim::http
