#include "gateway/route/request_match.h"

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <re2/re2.h>

namespace gatesim::route {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_maybe_folded(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold ? lower(a[i]) != lower(b[i]) : a[i] != b[i]) return false;
  }
  return true;
}

// Compiled patterns, per thread (each worker owns its engine; no locks on the request path).
// A pattern that does not compile matches nothing; validation already rejected it.
const RE2& compiled(const std::string& pattern) {
  thread_local std::map<std::string, std::unique_ptr<RE2>> cache;
  auto& slot = cache[pattern];
  if (slot == nullptr) {
    RE2::Options options;
    options.set_log_errors(false);
    slot = std::make_unique<RE2>(pattern, options);
  }
  return *slot;
}

bool is_presence(const config::StringMatch& m) {
  return m.kind == config::StringMatch::Kind::kPresent ||
         (m.kind == config::StringMatch::Kind::kRegex && m.value == "*");
}

// Every value of a header, joined with "," as Envoy does before matching.
std::optional<std::string> header_value(const http::RequestHead& request, const std::string& name) {
  std::optional<std::string> joined;
  for (const http::HeaderField& f : request.headers) {
    if (f.name != name) continue;
    joined = joined ? *joined + "," + f.value : f.value;
  }
  return joined;
}

// The first value of `key` in the query, "" for a bare `?key`; nullopt when absent.
std::optional<std::string_view> query_value(std::string_view path, std::string_view key) {
  const std::size_t q = path.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = path.substr(q + 1);
  const std::size_t hash = query.find('#');
  if (hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

bool header_matches(const http::RequestHead& request, const std::string& name, const config::StringMatch& m) {
  const std::optional<std::string> value = header_value(request, name);
  if (!value) return false;
  return is_presence(m) || string_matches(m, *value);
}

bool header_absent_or_different(const http::RequestHead& request, const std::string& name,
                                const config::StringMatch& m) {
  const std::optional<std::string> value = header_value(request, name);
  if (is_presence(m)) return !value;
  return !string_matches(m, value.value_or(""));
}

}  // namespace

bool string_matches(const config::StringMatch& match, std::string_view value, bool ignore_case) {
  switch (match.kind) {
    case config::StringMatch::Kind::kExact: return equal_maybe_folded(match.value, value, ignore_case);
    case config::StringMatch::Kind::kPrefix:
      return value.size() >= match.value.size() &&
             equal_maybe_folded(match.value, value.substr(0, match.value.size()), ignore_case);
    case config::StringMatch::Kind::kRegex:
      return RE2::FullMatch(re2::StringPiece(value.data(), value.size()), compiled(match.value));
    case config::StringMatch::Kind::kPresent: return true;
  }
  return false;
}

bool request_matches(const config::HttpMatchRequest& m, const http::RequestHead& request) {
  const std::string_view path = std::string_view(request.path).substr(0, request.path.find('?'));
  if (m.uri && !string_matches(*m.uri, path, m.ignore_uri_case)) return false;
  if (m.scheme && !string_matches(*m.scheme, request.scheme)) return false;
  if (m.method && !string_matches(*m.method, request.method)) return false;
  if (m.authority && !string_matches(*m.authority, request.authority)) return false;
  for (const auto& [name, match] : m.headers) {
    if (!header_matches(request, name, match)) return false;
  }
  for (const auto& [name, match] : m.without_headers) {
    if (!header_absent_or_different(request, name, match)) return false;
  }
  for (const auto& [key, match] : m.query_params) {
    const std::optional<std::string_view> value = query_value(request.path, key);
    if (!value) return false;
    if (!is_presence(match) && !string_matches(match, *value)) return false;
  }
  return true;
}

bool any_matches(const std::vector<config::HttpMatchRequest>& matches, const http::RequestHead& request) {
  return matches.empty() || first_matching(matches, request) != nullptr;
}

const config::HttpMatchRequest* first_matching(const std::vector<config::HttpMatchRequest>& matches,
                                               const http::RequestHead& request) {
  for (const config::HttpMatchRequest& m : matches) {
    if (request_matches(m, request)) return &m;
  }
  return nullptr;
}

}  // namespace gatesim::route
