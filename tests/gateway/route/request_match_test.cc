// HTTPMatchRequest semantics, one row per rule of istio-semantics.md 4.2 (cited in `rule`).
#include <catch2/catch.hpp>

#include "gateway/route/request_match.h"

using namespace gatesim;
using Kind = config::StringMatch::Kind;

namespace {

config::StringMatch sm(Kind kind, std::string value = "") {
  config::StringMatch m;
  m.kind = kind;
  m.value = std::move(value);
  return m;
}
config::StringMatch exact(std::string v) { return sm(Kind::kExact, std::move(v)); }
config::StringMatch prefix(std::string v) { return sm(Kind::kPrefix, std::move(v)); }
config::StringMatch regex(std::string v) { return sm(Kind::kRegex, std::move(v)); }
config::StringMatch present() { return sm(Kind::kPresent); }

http::RequestHead request(std::string path, http::HeaderList headers = {}, std::string method = "GET",
                          std::string authority = "shop.example.com", std::string scheme = "https") {
  http::RequestHead r;
  r.method = std::move(method);
  r.scheme = std::move(scheme);
  r.authority = std::move(authority);
  r.path = std::move(path);
  r.headers = std::move(headers);
  return r;
}

struct Row {
  const char* rule;
  config::HttpMatchRequest match;
  http::RequestHead request;
  bool expected;
};

config::HttpMatchRequest uri(config::StringMatch m, bool ignore_case = false) {
  config::HttpMatchRequest r;
  r.uri = std::move(m);
  r.ignore_uri_case = ignore_case;
  return r;
}
config::HttpMatchRequest header(std::string name, config::StringMatch m) {
  config::HttpMatchRequest r;
  r.headers.push_back({std::move(name), std::move(m)});
  return r;
}
config::HttpMatchRequest without(std::string name, config::StringMatch m) {
  config::HttpMatchRequest r;
  r.without_headers.push_back({std::move(name), std::move(m)});
  return r;
}
config::HttpMatchRequest query(std::string key, config::StringMatch m) {
  config::HttpMatchRequest r;
  r.query_params.push_back({std::move(key), std::move(m)});
  return r;
}

}  // namespace

TEST_CASE("HTTPMatchRequest rows of istio-semantics 4.2", "[route][match]") {
  config::HttpMatchRequest method_and_uri = uri(prefix("/api"));
  method_and_uri.method = exact("POST");
  config::HttpMatchRequest authority_regex;
  authority_regex.authority = regex("(?i)SHOP\\.example\\.com(:443)?");
  config::HttpMatchRequest scheme_http;
  scheme_http.scheme = exact("http");

  const std::vector<Row> rows = {
      {"4.2 uri exact compares the path without the query", uri(exact("/a")), request("/a?x=1"), true},
      {"4.2 uri exact is not a prefix", uri(exact("/a")), request("/ab"), false},
      {"4.2 uri prefix is a plain string prefix (/foo matches /foobar)", uri(prefix("/foo")), request("/foobar"), true},
      {"4.2 uri prefix is case-sensitive", uri(prefix("/Foo")), request("/foo"), false},
      {"4.2 ignoreUriCase folds exact", uri(exact("/Login"), true), request("/LOGIN"), true},
      {"4.2 ignoreUriCase folds prefix", uri(prefix("/API"), true), request("/api/v1"), true},
      {"4.2 ignoreUriCase does not apply to regex", uri(regex("/Login"), true), request("/login"), false},
      {"4.2 uri regex must match the whole path", uri(regex("/v[0-9]+")), request("/v12/items"), false},
      {"4.2 uri regex full match succeeds", uri(regex("/v[0-9]+/.*")), request("/v12/items?x"), true},
      {"4.2 no uri = prefix / (everything)", config::HttpMatchRequest{}, request("/anything"), true},
      {"4.2 fields inside one entry are AND (method)", method_and_uri, request("/api/x"), false},
      {"4.2 fields inside one entry are AND (both)", method_and_uri, request("/api/x", {}, "POST"), true},
      {"4.2 authority regex supports (?i)", authority_regex, request("/", {}, "GET", "shop.EXAMPLE.com:443"), true},
      {"4.2 authority regex is a full match", authority_regex, request("/", {}, "GET", "www.shop.example.com"), false},
      {"4.2 scheme matches :scheme", scheme_http, request("/", {}, "GET", "a", "https"), false},
      {"4.2 header exact", header("x-user", exact("jason")), request("/", {{"x-user", "jason"}}), true},
      {"4.2 header exact is case-sensitive on the value", header("x-user", exact("jason")),
       request("/", {{"x-user", "Jason"}}), false},
      {"4.2 header prefix", header("user-agent", prefix("Mozilla/")), request("/", {{"user-agent", "Mozilla/5.0"}}),
       true},
      {"4.2 header regex must match the whole value", header("x-v", regex("v1")), request("/", {{"x-v", "v10"}}),
       false},
      {"4.2 header {} is a presence match", header("x-canary", present()), request("/", {{"x-canary", ""}}), true},
      {"4.2 header regex \"*\" is a presence match", header("x-canary", regex("*")),
       request("/", {{"x-canary", "yes"}}), true},
      {"4.2 a missing header never matches", header("x-user", regex(".*")), request("/"), false},
      {"4.2 cookie matching is a regex on the raw cookie header",
       header("cookie", regex("^(.*?;)?(user=jason)(;.*)?$")), request("/", {{"cookie", "a=1;user=jason;b=2"}}),
       true},
      {"4.2 cookie: the fault-injection task's regex misses 'a=1; user=jason' (space after ';')",
       header("cookie", regex("^(.*?;)?(user=jason)(;.*)?$")), request("/", {{"cookie", "a=1; user=jason"}}), false},
      {"4.2 repeated header values are joined with ','", header("x-v", exact("a,b")),
       request("/", {{"x-v", "a"}, {"x-v", "b"}}), true},
      {"4.2 withoutHeaders inverts", without("x-user", exact("jason")), request("/", {{"x-user", "jason"}}), false},
      {"4.2 withoutHeaders: a missing header counts as empty", without("x-user", exact("jason")), request("/"), true},
      {"4.2 withoutHeaders: missing header vs exact \"\" is a match, so excluded", without("x-user", exact("")),
       request("/"), false},
      {"4.2 withoutHeaders presence: only requests lacking the header", without("x-debug", present()),
       request("/", {{"x-debug", "1"}}), false},
      {"4.2 queryParams exact", query("v", exact("2")), request("/?a=1&v=2"), true},
      {"4.2 queryParams uses the first value", query("v", exact("2")), request("/?v=1&v=2"), false},
      {"4.2 queryParams exact \"\" matches ?key", query("debug", exact("")), request("/?debug"), true},
      {"4.2 queryParams regex is a full match (\\d+$ matches 123 not a123)", query("id", regex("\\d+$")),
       request("/?id=a123"), false},
      {"4.2 queryParams regex full match succeeds", query("id", regex("\\d+$")), request("/?id=123"), true},
      {"4.2 queryParams on a path without query", query("id", prefix("")), request("/items"), false},
      {"4.2 queryParams prefix", query("lang", prefix("en")), request("/?lang=en-GB"), true},
  };
  for (const Row& row : rows) {
    INFO(row.rule << " | path " << row.request.path);
    CHECK(route::request_matches(row.match, row.request) == row.expected);
  }
}

TEST_CASE("a rule's match entries are OR, no entries match everything (4.1)", "[route][match]") {
  const std::vector<config::HttpMatchRequest> either = {uri(exact("/a")), header("x-b", present())};
  CHECK(route::any_matches(either, request("/a")));
  CHECK(route::any_matches(either, request("/z", {{"x-b", "1"}})));
  CHECK_FALSE(route::any_matches(either, request("/z")));
  CHECK(route::any_matches({}, request("/z")));
}
