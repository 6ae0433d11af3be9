#include "gateway/http/http1_request_target.h"

#include "gateway/http/http1_field_syntax.h"

namespace gatesim::http {
namespace {

bool is_visible_ascii(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool is_reg_name_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '%': case '!': case '$': case '&': case '\'': case '(':
    case ')': case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

bool is_port(std::string_view port) {
  if (port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return true;  // empty is allowed: port = *DIGIT (RFC 3986 3.2.3)
}

}  // namespace

bool is_valid_authority(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : host.substr(1, close - 1)) {
      const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                      c == '.' || c == 'v' || c == 'V';
      if (!ok) return false;
    }
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
    return is_port(port);
  }
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (!is_port(port)) return false;
  }
  for (char c : host) {
    if (!is_reg_name_char(c)) return false;
  }
  return true;
}

std::optional<RequestTarget> parse_request_target(std::string_view method, std::string_view target, std::string& error) {
  if (!is_visible_ascii(target)) {
    error = "request-target with whitespace, control or non-ASCII bytes";
    return std::nullopt;
  }
  if (target.find('#') != std::string_view::npos) {
    error = "request-target with a fragment";  // not part of any request-target form (RFC 9112 3.2)
    return std::nullopt;
  }
  if (target == "*") {
    if (method != "OPTIONS") {
      error = "asterisk-form request-target is for OPTIONS only";  // RFC 9112 3.2.4
      return std::nullopt;
    }
    return RequestTarget{"*", std::nullopt};
  }
  if (target.front() == '/') return RequestTarget{std::string(target), std::nullopt};

  const std::size_t scheme_end = target.find("://");
  const std::string_view scheme = scheme_end == std::string_view::npos ? target : target.substr(0, scheme_end);
  if (scheme_end == std::string_view::npos || !(equals_ignore_case(scheme, "http") || equals_ignore_case(scheme, "https"))) {
    error = "request-target is neither origin-form nor an http(s) absolute-form";
    return std::nullopt;
  }
  std::string_view rest = target.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  // Userinfo in an http(s) URI is deprecated and treated as an error (RFC 9110 4.2.4).
  if (authority.empty() || authority.find('@') != std::string_view::npos || !is_valid_authority(authority)) {
    error = "invalid authority in absolute-form request-target";
    return std::nullopt;
  }
  RequestTarget out;
  out.authority = std::string(authority);
  const std::string_view path = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  // An empty path is sent as "/" (RFC 9112 3.2.1), or "*" for OPTIONS (RFC 9112 3.2.4).
  if (path.empty()) out.path = method == "OPTIONS" ? "*" : "/";
  else if (path.front() == '?') out.path = "/" + std::string(path);
  else out.path = std::string(path);
  return out;
}

}  // namespace gatesim::http
