#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatesim::http {

// Interpreting an HTTP/1.1 request-target (RFC 9112 3.2) for a gateway that is the origin as far
// as the client can tell: origin-form, asterisk-form (OPTIONS only) and absolute-form, whose
// authority replaces the Host field (RFC 9112 3.2.2). Authority-form is CONNECT's, which the
// codec refuses before getting here.
struct RequestTarget {
  std::string path;                      // "/a?b", or "*"
  std::optional<std::string> authority;  // absolute-form only
};

// nullopt when the target is not valid for `method`; `error` then says why.
std::optional<RequestTarget> parse_request_target(std::string_view method, std::string_view target, std::string& error);

// uri-host [ ":" port ] as Host carries it (RFC 9110 7.2, RFC 3986 3.2.2); empty is valid (a
// request to a URI without authority, RFC 9112 3.2). Userinfo is not allowed.
bool is_valid_authority(std::string_view authority);

}  // namespace gatesim::http
