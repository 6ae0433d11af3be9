#include "gateway/route/request_rewrite.h"

#include <re2/re2.h>

namespace gatesim::route {
namespace {

// As Envoy's header parser: removals first, then set (overwrite) and add (append).
void apply(const config::HeaderOperations& ops, http::HeaderList& headers, std::string* authority) {
  for (const std::string& name : ops.remove) http::remove_header(headers, name);
  for (const auto& [name, value] : ops.set) {
    if (authority != nullptr && (name == ":authority" || name == "host")) {
      *authority = value;
      continue;
    }
    http::set_header(headers, name, value);
  }
  for (const auto& [name, value] : ops.add) headers.push_back({name, value});
}

std::string rewrite_path(const std::string& path_only, const config::HttpRewrite& rewrite,
                         const config::HttpMatchRequest* matched) {
  if (rewrite.uri_regex_rewrite) {
    std::string out = path_only;
    RE2 pattern(rewrite.uri_regex_rewrite->match);
    if (pattern.ok()) RE2::GlobalReplace(&out, pattern, rewrite.uri_regex_rewrite->rewrite);
    return out;
  }
  if (rewrite.uri.empty()) return path_only;
  return replace_matched_prefix(path_only, rewrite.uri, matched);
}

}  // namespace

std::string replace_matched_prefix(const std::string& path_only, const std::string& replacement,
                                   const config::HttpMatchRequest* matched) {
  std::size_t matched_length = 1;
  if (matched != nullptr && matched->uri && matched->uri->kind != config::StringMatch::Kind::kRegex) {
    matched_length = matched->uri->value.size();
  }
  if (path_only.size() < matched_length) return replacement;
  return replacement + path_only.substr(matched_length);
}

void rewrite_upstream_request(const config::CompiledRoute& route, const config::RouteTarget& target,
                              const config::HttpMatchRequest* matched, http::RequestHead& request) {
  if (route.rewrite) {
    const std::size_t query = request.path.find('?');
    const std::string path_only = request.path.substr(0, query);
    const std::string rest = query == std::string::npos ? "" : request.path.substr(query);
    request.path = rewrite_path(path_only, *route.rewrite, matched) + rest;
    if (!route.rewrite->authority.empty()) request.authority = route.rewrite->authority;
  }
  apply(target.headers.request, request.headers, &request.authority);
  apply(route.headers.request, request.headers, &request.authority);
}

void rewrite_downstream_response(const config::CompiledRoute& route, const config::RouteTarget& target,
                                 http::ResponseHead& response) {
  apply(target.headers.response, response.headers, nullptr);
  apply(route.headers.response, response.headers, nullptr);
}

}  // namespace gatesim::route
