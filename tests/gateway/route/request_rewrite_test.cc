// What the route changes in the upstream request and the downstream response
// (istio-semantics.md 4.3: rewrite, headers).
#include <catch2/catch.hpp>

#include "gateway/route/request_rewrite.h"

using namespace gatesim;

namespace {

config::HttpMatchRequest uri_match(config::StringMatch::Kind kind, std::string value) {
  config::HttpMatchRequest m;
  m.uri = config::StringMatch{kind, std::move(value), {}};
  return m;
}

http::RequestHead request(std::string path) {
  http::RequestHead r;
  r.method = "GET";
  r.scheme = "https";
  r.authority = "shop.example.com";
  r.path = std::move(path);
  r.headers = {{"x-debug", "1"}, {"x-keep", "a"}};
  return r;
}

std::string rewritten_path(const config::HttpRewrite& rewrite, const config::HttpMatchRequest* matched,
                           const std::string& path) {
  config::CompiledRoute route;
  route.rewrite = rewrite;
  config::RouteTarget target;
  http::RequestHead r = request(path);
  route::rewrite_upstream_request(route, target, matched, r);
  return r.path;
}

}  // namespace

TEST_CASE("rewrite.uri replaces the matched prefix and keeps the query", "[route][rewrite]") {
  config::HttpRewrite to_v2;
  to_v2.uri = "/v2/";
  const auto prefix = uri_match(config::StringMatch::Kind::kPrefix, "/api/");
  const auto exact = uri_match(config::StringMatch::Kind::kExact, "/login");
  const auto regex = uri_match(config::StringMatch::Kind::kRegex, "/a.*");
  CHECK(rewritten_path(to_v2, &prefix, "/api/items?x=1") == "/v2/items?x=1");
  config::HttpRewrite to_signin;
  to_signin.uri = "/signin";
  CHECK(rewritten_path(to_signin, &exact, "/login?next=/") == "/signin?next=/");
  CHECK(rewritten_path(to_v2, &regex, "/abc") == "/v2/abc");    // regex match: prefix "/"
  CHECK(rewritten_path(to_v2, nullptr, "/abc") == "/v2/abc");   // no uri match: prefix "/"
  config::HttpRewrite regex_rewrite;
  regex_rewrite.uri_regex_rewrite = config::RegexRewrite{"^/service/([^/]+)(/.*)$", "\\2/instance/\\1", {}};
  CHECK(rewritten_path(regex_rewrite, nullptr, "/service/foo/v1/api?q=1") == "/v1/api/instance/foo?q=1");
}

TEST_CASE("authority rewrite and header operations, destination then route", "[route][rewrite]") {
  config::CompiledRoute route;
  route.rewrite = config::HttpRewrite{};
  route.rewrite->authority = "internal.example.com";
  route.headers.request.set = {{"x-route", "r"}, {"x-keep", "b"}};
  route.headers.request.add = {{"x-added", "1"}};
  route.headers.request.remove = {"x-debug"};
  route.headers.response.set = {{"x-served-by", "route"}};
  config::RouteTarget target;
  target.headers.request.set = {{"x-route", "destination"}};
  target.headers.response.set = {{"x-served-by", "destination"}};
  http::RequestHead r = request("/");
  route::rewrite_upstream_request(route, target, nullptr, r);
  CHECK(r.authority == "internal.example.com");
  CHECK(http::find_header(r.headers, "x-debug") == nullptr);
  CHECK(*http::find_header(r.headers, "x-keep") == "b");
  CHECK(*http::find_header(r.headers, "x-added") == "1");
  CHECK(*http::find_header(r.headers, "x-route") == "r");  // the route level is applied after the destination's
  config::CompiledRoute host_set;
  host_set.headers.request.set = {{":authority", "api.internal"}};
  http::RequestHead h = request("/");
  route::rewrite_upstream_request(host_set, target, nullptr, h);
  CHECK(h.authority == "api.internal");
  http::ResponseHead response;
  route::rewrite_downstream_response(route, target, response);
  CHECK(*http::find_header(response.headers, "x-served-by") == "route");
}
