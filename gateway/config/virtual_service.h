#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// networking.istio.io VirtualService (virtual_service.proto).

struct StringMatch {
  enum class Kind { kExact, kPrefix, kRegex, kPresent };  // kPresent: `{}` in headers/queryParams
  Kind kind = Kind::kPresent;
  std::string value;
  Origin origin;
};

using NamedMatches = std::vector<std::pair<std::string, StringMatch>>;  // in input order

struct HttpMatchRequest {
  std::string name;
  std::optional<StringMatch> uri, scheme, method, authority;
  NamedMatches headers, query_params, without_headers;
  std::optional<std::uint32_t> port;
  std::map<std::string, std::string> source_labels;
  std::vector<LocatedString> gateways;
  bool ignore_uri_case = false;
  std::string source_namespace;
  std::string stat_prefix;
  Origin origin;
};

struct Destination {
  LocatedString host;
  std::string subset;
  std::optional<std::uint32_t> port;
  Origin origin;
};

struct HeaderOperations {
  std::map<std::string, std::string> set, add;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && add.empty() && remove.empty(); }
};

struct Headers {
  HeaderOperations request, response;
};

struct HttpRouteDestination {
  Destination destination;
  std::int64_t weight = 0;
  Headers headers;
  Origin origin;
};

struct HttpRedirect {
  enum class DerivePort { kNone, kFromProtocolDefault, kFromRequestPort };
  std::string uri, authority, scheme;
  std::optional<std::uint32_t> port;  // 0 in the YAML means unset
  DerivePort derive_port = DerivePort::kNone;
  std::string prefix_rewrite;
  std::uint32_t redirect_code = 301;
  Origin origin;
};

struct HttpDirectResponse {
  std::uint32_t status = 0;
  std::optional<std::string> body;  // `body.string`, or `body.bytes` decoded from base64
  Origin origin;
};

struct RegexRewrite {
  std::string match, rewrite;
  Origin origin;
};

struct HttpRewrite {
  std::string uri, authority;
  std::optional<RegexRewrite> uri_regex_rewrite;
  Origin origin;
};

struct HttpRetry {
  std::int32_t attempts = 0;
  std::optional<Duration> per_try_timeout;
  std::string retry_on;
  std::optional<bool> retry_remote_localities;
  std::optional<Duration> backoff;
  Origin origin;
};

struct HttpFaultInjection {
  struct Delay {
    std::optional<Duration> fixed_delay;
    std::optional<Duration> exponential_delay;
    std::optional<double> percentage;  // 0..100; unset means no delay
    std::optional<std::int32_t> percent;  // deprecated integer form
    Origin origin;
  };
  struct Abort {
    std::optional<std::int32_t> http_status;
    std::optional<LocatedString> grpc_status;
    std::optional<double> percentage;
    bool http2_error = false;
    Origin origin;
  };
  std::optional<Delay> delay;
  std::optional<Abort> abort;
  Origin origin;
};

struct HttpMirrorPolicy {
  Destination destination;
  std::optional<double> percentage;  // unset means 100%
  Origin origin;
};

struct CorsPolicy {
  std::vector<StringMatch> allow_origins;
  std::vector<std::string> allow_methods, allow_headers, expose_headers;
  std::optional<Duration> max_age;
  std::optional<bool> allow_credentials;
  std::string unmatched_preflights;
};

struct Delegate {
  std::string name, namespace_name;
};

struct HttpRoute {
  std::string name;
  std::vector<HttpMatchRequest> match;
  std::vector<HttpRouteDestination> route;
  std::optional<HttpRedirect> redirect;
  std::optional<HttpDirectResponse> direct_response;
  std::optional<Delegate> delegate;
  std::optional<HttpRewrite> rewrite;
  std::optional<Duration> timeout;
  std::optional<HttpRetry> retries;
  std::optional<HttpFaultInjection> fault;
  std::vector<HttpMirrorPolicy> mirrors;  // `mirror` + `mirrorPercentage` folded in as the first entry
  bool mirror_and_mirrors = false;        // both forms given (refused by Istio)
  bool uses_mirror_percent = false;       // the deprecated integer form
  std::optional<CorsPolicy> cors_policy;
  Headers headers;
  Origin origin;
};

struct L4MatchAttributes {
  std::vector<std::string> destination_subnets;
  std::optional<std::uint32_t> port;
  std::string source_subnet;
  std::map<std::string, std::string> source_labels;
  std::vector<LocatedString> gateways;
  std::string source_namespace;
  std::vector<LocatedString> sni_hosts;  // TLS matches only
  Origin origin;
};

struct RouteDestination {
  Destination destination;
  std::int64_t weight = 0;
  Origin origin;
};

struct L4Route {  // a `tcp` or `tls` rule
  std::vector<L4MatchAttributes> match;
  std::vector<RouteDestination> route;
  Origin origin;
};

struct VirtualService {
  ObjectMeta meta;
  std::vector<LocatedString> hosts;
  std::vector<LocatedString> gateways;  // empty means `mesh` only
  std::vector<HttpRoute> http;
  std::vector<L4Route> tls;
  std::vector<L4Route> tcp;
  std::vector<std::string> export_to;
};

VirtualService parse_virtual_service(FieldReader& spec, ObjectMeta meta);

// Istio's catch-all notion (route.go isCatchAllMatch): a match on uri prefix "/" or regex
// "*"/".*" and nothing else. A rule with no match, or with any catch-all match, catches all;
// Istio emits no rule after it and moves it behind other VirtualServices' rules.
bool is_catch_all_match(const HttpMatchRequest& match);
bool is_catch_all_rule(const HttpRoute& rule);

}  // namespace gatesim::config
