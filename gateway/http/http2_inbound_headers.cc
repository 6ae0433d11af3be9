#include "gateway/http/http2_inbound_headers.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace gatesim::http {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// §8.2.2: fields that only make sense for one HTTP/1.1 hop; an h2 message carrying one is malformed.
bool is_connection_specific(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade";
}

std::optional<std::uint64_t> parse_content_length(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// §8.3.1 asks intermediaries to compare Host and :authority after scheme-based normalisation
// (RFC 3986 §6.2.3): case-insensitive, default port dropped.
std::string normalized_authority(std::string_view authority, std::string_view scheme) {
  std::string out = lowercase(authority);
  std::string_view default_port = scheme == "https" ? ":443" : ":80";
  if (out.size() > default_port.size() &&
      out.compare(out.size() - default_port.size(), default_port.size(), default_port) == 0) {
    out.resize(out.size() - default_port.size());
  }
  if (!out.empty() && out.back() == ':') out.pop_back();  // empty port
  return out;
}

Http2ParsedRequest malformed(std::string detail) {
  Http2ParsedRequest result;
  result.problem = Http2HeadProblem::kMalformed;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

Http2ReceivedFields::Http2ReceivedFields(std::size_t max_bytes, std::size_t max_count)
    : max_bytes_(max_bytes), max_count_(max_count) {}

void Http2ReceivedFields::add(std::string_view name, std::string_view value) {
  if (too_large_) return;
  bytes_ += name.size() + value.size();
  if (bytes_ > max_bytes_ || fields_.size() + 1 > max_count_) {
    too_large_ = true;
    fields_.clear();
    fields_.shrink_to_fit();
    return;
  }
  fields_.push_back({std::string(name), std::string(value)});
}

Http2ParsedRequest parse_request_head(const HeaderList& fields, bool tls, std::size_t max_target_bytes) {
  Http2ParsedRequest result;
  RequestHead& head = result.head;
  head.version = Version::kHttp2;
  std::optional<std::string> method, scheme, authority, path, host;
  std::optional<std::size_t> cookie_position;
  std::string cookie;
  bool regular_seen = false;

  for (const HeaderField& field : fields) {
    if (!field.name.empty() && field.name[0] == ':') {
      // §8.3: pseudo-headers come first, once each, and only the defined ones.
      if (regular_seen) return malformed("pseudo-header field " + field.name + " after a regular field");
      std::optional<std::string>* slot = field.name == ":method"      ? &method
                                         : field.name == ":scheme"    ? &scheme
                                         : field.name == ":authority" ? &authority
                                         : field.name == ":path"      ? &path
                                                                      : nullptr;
      if (slot == nullptr) return malformed("unknown request pseudo-header field " + field.name);
      if (slot->has_value()) return malformed("repeated pseudo-header field " + field.name);
      *slot = field.value;
      continue;
    }
    regular_seen = true;
    if (is_connection_specific(field.name)) return malformed("connection-specific header field " + field.name);
    if (field.name == "te" && field.value != "trailers") return malformed("te other than \"trailers\"");
    if (field.name == "host") {
      if (host) return malformed("repeated host header field");
      host = field.value;
      continue;
    }
    if (field.name == "cookie") {
      // §8.2.3: a client may split the cookie into crumbs; rejoin them so that everything above the
      // codec sees one field, as from HTTP/1.1.
      if (!cookie_position) cookie_position = head.headers.size();
      if (!cookie.empty()) cookie += "; ";
      cookie += field.value;
      continue;
    }
    if (field.name == "content-length") {
      std::optional<std::uint64_t> length = parse_content_length(field.value);
      if (!length || (head.content_length && *head.content_length != *length)) {
        return malformed("invalid content-length");
      }
      head.content_length = length;
    }
    if (field.name == "expect" && lowercase(field.value) == "100-continue") {
      head.expect_continue = true;  // the codec owns the interim response (send_continue)
      continue;
    }
    head.headers.push_back(field);
  }
  if (cookie_position) {
    head.headers.insert(head.headers.begin() + static_cast<std::ptrdiff_t>(*cookie_position),
                        HeaderField{"cookie", std::move(cookie)});
  }

  if (!method || method->empty()) return malformed("missing :method");
  head.method = *method;
  if (head.method == "CONNECT") {
    // §8.5: :authority only; the scheme is the connection's.
    if (scheme || path) return malformed("CONNECT with :scheme or :path");
    if (!authority || authority->empty()) return malformed("CONNECT without :authority");
    head.scheme = tls ? "https" : "http";
  } else {
    if (!scheme || !path) return malformed("missing :scheme or :path");
    head.scheme = lowercase(*scheme);
    // RequestHead's contract is http or https; a gateway serves nothing else. The scheme may differ
    // from the transport (a TLS-terminating balancer in front sends https over cleartext h2, §8.3.1).
    if (head.scheme != "http" && head.scheme != "https") return malformed("unsupported :scheme " + *scheme);
    // §8.3.1: origin-form, or "*" for OPTIONS.
    bool asterisk = *path == "*" && head.method == "OPTIONS";
    if (path->empty() || ((*path)[0] != '/' && !asterisk)) return malformed("invalid :path");
    head.path = *path;
  }
  if (head.path.size() > max_target_bytes) {
    result.problem = Http2HeadProblem::kTargetTooLong;
    result.detail = ":path longer than " + std::to_string(max_target_bytes) + " bytes";
    return result;
  }

  if (authority) {
    // §8.3.1: no userinfo for http(s); Host, when also present, must name the same authority.
    if (authority->find('@') != std::string::npos) return malformed(":authority with userinfo");
    if (host && normalized_authority(*host, head.scheme) != normalized_authority(*authority, head.scheme)) {
      return malformed("host header field differs from :authority");
    }
    head.authority = *authority;
  } else if (host) {
    head.authority = *host;  // a request translated from HTTP/1.1 may carry Host only
  }
  return result;
}

Http2ParsedResponse parse_response_head(const HeaderList& fields) {
  Http2ParsedResponse result;
  result.head.version = Version::kHttp2;
  auto fail = [&](std::string detail) {
    result.malformed = true;
    result.detail = std::move(detail);
    return result;
  };
  bool status_seen = false;
  bool regular_seen = false;
  for (const HeaderField& field : fields) {
    if (!field.name.empty() && field.name[0] == ':') {
      if (regular_seen) return fail("pseudo-header field " + field.name + " after a regular field");
      if (field.name != ":status") return fail("unknown response pseudo-header field " + field.name);
      if (status_seen) return fail("repeated :status");
      auto digit = [](char c) { return c >= '0' && c <= '9'; };
      if (field.value.size() != 3 || !std::all_of(field.value.begin(), field.value.end(), digit)) {
        return fail("invalid :status");
      }
      status_seen = true;
      result.head.status = std::stoi(field.value);
      continue;
    }
    regular_seen = true;
    if (is_connection_specific(field.name)) return fail("connection-specific header field " + field.name);
    if (field.name == "content-length") {
      std::optional<std::uint64_t> length = parse_content_length(field.value);
      if (!length || (result.head.content_length && *result.head.content_length != *length)) {
        return fail("invalid content-length");
      }
      result.head.content_length = length;
    }
    result.head.headers.push_back(field);
  }
  if (!status_seen) return fail("missing :status");
  // §8.6: 101 (Switching Protocols) does not exist in HTTP/2.
  if (result.head.status == 101 || result.head.status < 100) return fail("invalid :status");
  return result;
}

HeaderList parse_trailers(const HeaderList& fields) {
  HeaderList trailers;
  for (const HeaderField& field : fields) {
    if (!field.name.empty() && field.name[0] == ':') continue;
    trailers.push_back(field);
  }
  return trailers;
}

}  // namespace gatesim::http
