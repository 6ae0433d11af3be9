// VirtualService rules of Istio's webhook (pkg/config/validation/validation.go and
// virtualservice.go, validateVirtualService and the validateHTTP* family). Messages follow
// Istio's wording where a user may search for it.
#include <set>

#include "gateway/config/gateway_binding.h"
#include "gateway/config/host_name.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

constexpr std::string_view kGrpcStatusNames[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

constexpr std::string_view kRetryPolicies[] = {
    "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
    "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
    "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
};

constexpr std::string_view kCorsMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS",
                                             "TRACE", "*"};

// HTTP status codes with a registered reason phrase (Go's net/http StatusText), which is
// what Istio accepts as a numeric retryOn entry.
constexpr int kKnownStatusCodes[] = {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301,
                                     302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409,
                                     410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428,
                                     429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511};

template <class List, class T>
bool contains(const List& list, const T& value) {
  for (const auto& v : list) {
    if (v == value) return true;
  }
  return false;
}

bool is_header_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Envoy header-value formatting: "%%" is a literal percent, "%VAR%" a variable; a lone
// '%' is rejected (validation.go validateHeaderValue).
std::optional<std::string> header_value_error(const std::string& value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7F) return "header value contains a control character";
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') continue;
    if (i + 1 < value.size() && value[i + 1] == '%') {
      ++i;
      continue;
    }
    const std::size_t close = value.find('%', i + 1);
    if (close == std::string::npos) return "invalid header configuration. Un-escaped %";
    i = close;
  }
  return std::nullopt;
}

class VirtualServiceValidator {
 public:
  VirtualServiceValidator(const VirtualService& vs, Diagnostics& diagnostics)
      : vs_(vs), diagnostics_(diagnostics), label_(resource_label("VirtualService", vs.meta)) {}

  void run() {
    const bool delegate = vs_.hosts.empty();
    if (delegate) check_delegate_shape();
    if (vs_.http.empty() && vs_.tcp.empty() && vs_.tls.empty()) {
      report(Code::kNoAction, vs_.meta.at("spec"), "http, tcp or tls must be provided in virtual service");
    }
    check_hosts();
    for (const LocatedString& gateway : vs_.gateways) check_gateway_reference(gateway);
    bool after_catch_all = false;
    for (const HttpRoute& rule : vs_.http) {
      if (after_catch_all) {
        report(Code::kUnreachableRule, rule.origin,
               "this rule follows a catch-all rule and is never used (Istio does not emit it)");
      }
      check_http_rule(rule, delegate);
      after_catch_all = after_catch_all || is_catch_all_rule(rule);
    }
    for (const L4Route& rule : vs_.tcp) check_l4_rule(rule, false);
    for (const L4Route& rule : vs_.tls) check_l4_rule(rule, true);
    validate_export_to(vs_.export_to, vs_.meta, label_, false, diagnostics_);
  }

 private:
  Origin child(const Origin& origin, const std::string& field) const { return vs_.meta.at(origin.path + "." + field); }

  void report(Code code, const Origin& origin, std::string message) {
    diagnostics_.add(code, origin, label_, std::move(message));
  }

  // A VirtualService without hosts is a delegate, reachable only from a root's `delegate`.
  void check_delegate_shape() {
    if (!vs_.gateways.empty()) {
      report(Code::kInvalidDelegate, vs_.meta.at("spec.gateways"), "delegate virtual service must have no gateways specified");
    }
    if (!vs_.tls.empty()) report(Code::kInvalidDelegate, vs_.meta.at("spec.tls"), "delegate virtual service must have no tls route specified");
    if (!vs_.tcp.empty()) report(Code::kInvalidDelegate, vs_.meta.at("spec.tcp"), "delegate virtual service must have no tcp route specified");
  }

  void check_hosts() {
    std::vector<std::string> gateways = bound_gateways(vs_);
    const bool applies_to_mesh = contains(gateways, std::string("mesh"));
    bool all_valid = true;
    for (const LocatedString& host : vs_.hosts) {
      if (auto error = wildcard_domain_error(host.value)) {
        if (!is_ip_address(host.value)) {
          report(Code::kInvalidHost, host.origin, "\"" + host.value + "\": " + *error);
          all_valid = false;
        }
      } else if (applies_to_mesh && host.value == "*") {
        report(Code::kInvalidHost, host.origin, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        all_valid = false;
      }
    }
    if (!all_valid) return;
    for (std::size_t i = 0; i < vs_.hosts.size(); ++i) {
      for (std::size_t j = i + 1; j < vs_.hosts.size(); ++j) {
        if (hosts_match(vs_.hosts[i].value, vs_.hosts[j].value)) {
          report(Code::kDuplicateHost, vs_.hosts[j].origin,
                 "duplicate hosts in virtual service: " + vs_.hosts[i].value + " & " + vs_.hosts[j].value);
        }
      }
    }
  }

  void check_gateway_reference(const LocatedString& ref) {
    if (ref.value == "mesh") return;
    const std::size_t slash = ref.value.find('/');
    if (slash == std::string::npos) {
      if (ref.value.find('.') != std::string::npos) {
        report(Code::kLegacyGatewayName, ref.origin,
               "using legacy gatewayName format \"" + ref.value + "\"; prefer the <namespace>/<name> format: \"" +
                   qualify_gateway_reference(ref.value, vs_.meta.namespace_name) + "\"");
      }
      if (auto error = wildcard_domain_error(ref.value); error || ref.value.find('*') != std::string::npos) {
        report(Code::kInvalidGatewayReference, ref.origin, "\"" + ref.value + "\" is not a valid gateway name");
      }
      return;
    }
    const std::string ns = ref.value.substr(0, slash), name = ref.value.substr(slash + 1);
    if (ns.empty() || name.empty()) {
      report(Code::kInvalidGatewayReference, ref.origin, "config namespace and gateway name cannot be empty");
    } else if (!is_dns1123_label(to_lower(ns))) {
      report(Code::kInvalidGatewayReference, ref.origin, "invalid value for namespace: \"" + ns + "\"");
    } else if (!is_dns1123_label(to_lower(name))) {
      report(Code::kInvalidGatewayReference, ref.origin, "invalid value for gateway name: \"" + name + "\"");
    }
  }

  void check_string_match(const StringMatch& m, const std::string& what, bool uri, bool without_headers = false) {
    if (m.kind == StringMatch::Kind::kPrefix && m.value.empty() && !uri) {
      report(Code::kInvalidStringMatch, m.origin, "\"" + what + "\": prefix string match should not be empty");
    }
    if (m.kind != StringMatch::Kind::kRegex) return;
    if (without_headers && m.value == "*") return;  // Istio's presence form
    if (m.value.empty()) {
      report(Code::kInvalidStringMatch, m.origin, "\"" + what + "\": regex string match should not be empty");
    } else if (m.value.size() > 1024) {
      report(Code::kInvalidStringMatch, m.origin, "\"" + what + "\": regex is too large, max length allowed is 1024");
    } else if (auto error = regex_error(m.value)) {
      report(Code::kInvalidRegex, m.origin, what + " regex \"" + m.value + "\" does not compile as RE2: " + *error);
    }
  }

  void check_named_matches(const NamedMatches& matches, const Origin& origin, const std::string& field, bool headers,
                           bool without = false) {
    for (const auto& [name, m] : matches) {
      const bool pseudo = !name.empty() && name[0] == ':';
      const bool claim = name.rfind("@request.auth.claims.", 0) == 0;
      if (headers && !pseudo && !claim && !is_header_name(name)) {
        report(Code::kInvalidHeaderName, child(origin, field + "." + name), "header name " + name + " is not a valid header name");
      }
      if (claim && vs_.gateways.empty()) {
        report(Code::kInvalidHeaderName, child(origin, field + "." + name),
               "JWT claim based routing (key: " + name + ") is only supported for gateway, found no gateways");
      }
      check_string_match(m, field, false, without);
    }
  }

  void check_match(const HttpMatchRequest& m) {
    if (m.uri) check_string_match(*m.uri, "uri", true);
    if (m.scheme) check_string_match(*m.scheme, "scheme", false);
    if (m.method) check_string_match(*m.method, "method", false);
    if (m.authority) check_string_match(*m.authority, "authority", false);
    check_named_matches(m.headers, m.origin, "headers", true);
    check_named_matches(m.without_headers, m.origin, "withoutHeaders", true, true);
    check_named_matches(m.query_params, m.origin, "queryParams", false);
    if (m.port && *m.port > 65535) {
      report(Code::kInvalidPortNumber, child(m.origin, "port"), "port number " + std::to_string(*m.port) + " must be in the range 1..65535");
    }
    if (!m.source_namespace.empty() && !is_dns1123_label(m.source_namespace)) {
      report(Code::kInvalidValue, child(m.origin, "sourceNamespace"), "sourceNamespace match " + m.source_namespace + " is invalid");
    }
    for (const LocatedString& gateway : m.gateways) check_gateway_reference(gateway);
  }

  void check_destination(const Destination& d) {
    if (d.host.value.empty()) return;  // reported as missing by the parser
    if (d.host.value == "*") {
      report(Code::kInvalidHost, d.host.origin, "invalid destination host *");
    } else if (d.host.value.find('/') != std::string::npos) {
      report(Code::kInvalidHost, d.host.origin, "destination host \"" + d.host.value + "\" must not contain '/'");
    } else if (auto error = wildcard_domain_error(d.host.value)) {
      report(Code::kInvalidHost, d.host.origin, "destination host \"" + d.host.value + "\": " + *error);
    }
    if (d.port && (*d.port < 1 || *d.port > 65535)) {
      report(Code::kInvalidDestinationPort, child(d.origin, "port.number"),
             "port number " + std::to_string(*d.port) + " must be in the range 1..65535");
    }
    if (!d.subset.empty() && !is_dns1123_label(to_lower(d.subset))) {
      report(Code::kInvalidValue, child(d.origin, "subset"), "subset name is invalid: " + d.subset);
    }
  }

  template <class Destinations>
  void check_weights(const Destinations& route, const Origin& rule_origin) {
    std::int64_t total = 0;
    for (const auto& d : route) {
      check_destination(d.destination);
      if (d.weight < 0) {
        report(Code::kNegativeWeight, child(d.origin, "weight"), "weight " + std::to_string(d.weight) + " < 0");
      } else {
        total += d.weight;
      }
    }
    if (route.size() > 1 && total == 0) {
      report(Code::kZeroTotalWeight, child(rule_origin, "route"),
             "total destination weight = 0: the weights of " + std::to_string(route.size()) +
                 " destinations add up to 0, so no traffic can be routed");
    }
  }

  // validatePercentage: 0, or within [0.0001, 100].
  void check_percentage(const std::optional<double>& value, const Origin& origin) {
    if (value && (*value < 0 || *value > 100 || (*value > 0 && *value < 0.0001))) {
      report(Code::kInvalidPercentage, origin,
             "percentage " + std::to_string(*value) + " is neither 0.0, nor in range [0.0001, 100.0]");
    }
  }

  void check_duration(const std::optional<Duration>& value, const Origin& origin) {
    if (!value) return;
    if (auto error = istio_duration_error(*value)) report(Code::kInvalidDuration, origin, format_duration(*value) + " " + *error);
  }

  void check_actions(const HttpRoute& rule, bool delegate_vs) {
    const bool route = !rule.route.empty();
    if (rule.delegate) {
      if (delegate_vs) report(Code::kInvalidDelegate, child(rule.origin, "delegate"), "delegate HTTP route cannot contain delegate");
      if (rule.redirect) report(Code::kConflictingActions, child(rule.origin, "redirect"), "root HTTP route must not specify redirect");
      if (route) report(Code::kConflictingActions, child(rule.origin, "route"), "root HTTP route must not specify route");
      return;
    }
    if (!route && !rule.redirect && !rule.direct_response) {
      report(Code::kNoAction, rule.origin, "HTTP route, redirect or direct_response is required");
    }
    if (route && rule.redirect) report(Code::kConflictingActions, child(rule.origin, "redirect"), "HTTP route cannot contain both route and redirect");
    if (route && rule.direct_response) {
      report(Code::kConflictingActions, child(rule.origin, "directResponse"), "HTTP route cannot contain both route and direct_response");
    }
    if (rule.redirect && rule.direct_response) {
      report(Code::kConflictingActions, child(rule.origin, "directResponse"), "HTTP route cannot contain both redirect and direct_response");
    }
    if (rule.fault && rule.redirect) report(Code::kConflictingActions, child(rule.origin, "fault"), "HTTP route cannot contain both fault and redirect");
    if (rule.fault && rule.direct_response) {
      report(Code::kConflictingActions, child(rule.origin, "fault"), "HTTP route cannot contain both fault and direct_response");
    }
  }

  void check_http_rule(const HttpRoute& rule, bool delegate_vs) {
    check_actions(rule, delegate_vs);
    for (const HttpMatchRequest& m : rule.match) check_match(m);
    check_weights(rule.route, rule.origin);
    if (rule.redirect) check_redirect(*rule.redirect, rule);
    if (rule.direct_response) check_direct_response(*rule.direct_response);
    if (rule.rewrite) check_rewrite(*rule.rewrite, rule);
    check_duration(rule.timeout, child(rule.origin, "timeout"));
    if (rule.retries) check_retries(*rule.retries);
    if (rule.fault) check_fault(*rule.fault);
    if (rule.mirror_and_mirrors) {
      report(Code::kConflictingActions, child(rule.origin, "mirrors"), "HTTP route cannot contain both mirror and mirrors");
    }
    if (rule.uses_mirror_percent) {
      report(Code::kDeprecatedField, child(rule.origin, "mirrorPercent"),
             "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    }
    for (const HttpMirrorPolicy& mirror : rule.mirrors) {
      check_destination(mirror.destination);
      if (mirror.percentage && (*mirror.percentage < 0 || *mirror.percentage > 100)) {
        report(Code::kInvalidPercentage, child(mirror.origin, "percentage"),
               "mirror_percentage must be within 0-100 (it has " + std::to_string(*mirror.percentage) + ")");
      }
    }
    if (rule.cors_policy) check_cors(*rule.cors_policy, child(rule.origin, "corsPolicy"));
    check_headers(rule.headers, rule.origin, rule.rewrite ? rule.rewrite->authority : "");
    for (const HttpRouteDestination& d : rule.route) check_headers(d.headers, d.origin, "");
  }

  void check_redirect(const HttpRedirect& r, const HttpRoute& rule) {
    if (r.uri.empty() && r.authority.empty() && r.scheme.empty() && !r.port &&
        r.derive_port == HttpRedirect::DerivePort::kNone && r.prefix_rewrite.empty()) {
      report(Code::kInvalidRedirect, r.origin, "redirect must specify URI, authority, or port");
    }
    if (r.port && r.derive_port != HttpRedirect::DerivePort::kNone) {
      report(Code::kInvalidRedirect, r.origin, "redirect.port and redirect.derivePort are exclusive");
    }
    if (r.port && *r.port > 65535) {
      report(Code::kInvalidPortNumber, child(r.origin, "port"), "port number " + std::to_string(*r.port) + " must be in the range 1..65535");
    }
    if (!r.scheme.empty() && r.scheme != "http" && r.scheme != "https") {
      report(Code::kInvalidRedirect, child(r.origin, "scheme"), "invalid redirect scheme, must be \"http\" or \"https\"");
    }
    if (!r.uri.empty() && !r.prefix_rewrite.empty()) {
      report(Code::kInvalidRedirect, r.origin, "redirect may only specify one of uri or prefix_rewrite");
    }
    if (!r.prefix_rewrite.empty()) {
      for (const HttpMatchRequest& m : rule.match) {
        if (m.uri && m.uri->kind != StringMatch::Kind::kPrefix) {
          report(Code::kInvalidRedirect, child(r.origin, "prefixRewrite"),
                 "redirect prefix_rewrite requires all URI matches to use prefix match type");
          break;
        }
      }
    }
    if (r.redirect_code < 300 || r.redirect_code > 399) {
      report(Code::kInvalidRedirectCode, child(r.origin, "redirectCode"),
             std::to_string(r.redirect_code) + " is not a valid redirect code, must be 3xx");
    }
  }

  void check_direct_response(const HttpDirectResponse& r) {
    if (r.status < 200 || r.status > 600) {
      report(Code::kInvalidDirectResponse, child(r.origin, "status"),
             "HTTP status " + std::to_string(r.status) + " is not in range 200-599");
    }
    if (r.body && r.body->size() > (1u << 20)) {
      report(Code::kInvalidDirectResponse, child(r.origin, "body"),
             "direct response body is " + std::to_string(r.body->size()) + " bytes; it must be less than 1MB");
    } else if (r.body && r.body->size() > 100 * 1024) {
      report(Code::kLargeDirectResponse, child(r.origin, "body"), "large direct_responses may impact control plane performance");
    }
  }

  void check_rewrite(const HttpRewrite& r, const HttpRoute& rule) {
    if (rule.redirect) report(Code::kRewriteWithRedirect, r.origin, "rewrite cannot be combined with redirect");
    if (rule.direct_response) {
      report(Code::kInvalidRewrite, r.origin, "HTTP route rule cannot contain both rewrite and direct_response");
    }
    if (r.uri.empty() && !r.uri_regex_rewrite && r.authority.empty()) {
      report(Code::kInvalidRewrite, r.origin, "rewrite must specify at least one of URI, UriRegexRewrite, or authority");
    }
    if (!r.uri.empty() && r.uri_regex_rewrite) {
      report(Code::kInvalidRewrite, r.origin, "rewrite may only contain one of URI or UriRegexRewrite");
    }
    if (r.uri_regex_rewrite) {
      const RegexRewrite& rr = *r.uri_regex_rewrite;
      if (rr.match.empty() || rr.rewrite.empty()) {
        report(Code::kInvalidRewrite, rr.origin, "UriRegexRewrite requires both Rewrite and Match fields to be specified");
      } else if (auto error = regex_error(rr.match)) {
        report(Code::kInvalidRegex, rr.origin, "uriRegexRewrite.match: " + *error);
      }
    }
  }

  void check_retries(const HttpRetry& r) {
    if (r.attempts < 0) {
      report(Code::kInvalidRetries, child(r.origin, "attempts"), "attempts cannot be negative");
      return;
    }
    if (r.attempts == 0 && (r.per_try_timeout || !r.retry_on.empty() || r.retry_remote_localities)) {
      report(Code::kInvalidRetries, r.origin, "http retry policy configured when attempts are set to 0 (disabled)");
    }
    check_duration(r.per_try_timeout, child(r.origin, "perTryTimeout"));
    check_duration(r.backoff, child(r.origin, "backoff"));
    if (r.retry_on.empty()) return;
    // Split on "," exactly as Istio does: " 5xx" with a space is not a policy.
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = r.retry_on.find(',', start);
      const std::string item = r.retry_on.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const bool digits = !item.empty() && item.size() <= 3 && item.find_first_not_of("0123456789") == std::string::npos;
      const bool known = digits ? contains(kKnownStatusCodes, std::stoi(item)) : contains(kRetryPolicies, item);
      if (!known) {
        report(Code::kInvalidRetries, child(r.origin, "retryOn"), "\"" + item + "\" is not a valid retryOn policy");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }

  void check_fault(const HttpFaultInjection& fault) {
    if (!fault.delay && !fault.abort) {
      report(Code::kMissingField, fault.origin, "HTTP fault injection must have an abort and/or a delay");
    }
    if (fault.delay) {
      const auto& d = *fault.delay;
      if (d.exponential_delay) report(Code::kUnsupportedFeature, child(d.origin, "exponentialDelay"), "exponentialDelay not supported yet");
      check_duration(d.fixed_delay, child(d.origin, "fixedDelay"));
      check_percentage(d.percentage, child(d.origin, "percentage.value"));
      if (d.percent) {
        report(Code::kDeprecatedField, child(d.origin, "percent"), "percent is deprecated; use percentage.value");
        if (*d.percent < 0 || *d.percent > 100) {
          report(Code::kInvalidPercentage, child(d.origin, "percent"), "percentage " + std::to_string(*d.percent) + " is not in range 0..100");
        }
      }
    }
    if (fault.abort) {
      const auto& a = *fault.abort;
      if (a.http2_error) report(Code::kUnsupportedFeature, child(a.origin, "http2Error"), "HTTP/2 abort fault injection not supported yet");
      if (!a.http_status && !a.grpc_status && !a.http2_error) {
        report(Code::kFaultWithoutEffect, a.origin, "abort configured, but error type not set");
      }
      if (a.http_status && (*a.http_status < 200 || *a.http_status > 600)) {
        report(Code::kInvalidValue, child(a.origin, "httpStatus"),
               "HTTP status " + std::to_string(*a.http_status) + " is not in range 200-599");
      }
      if (a.grpc_status && !contains(kGrpcStatusNames, a.grpc_status->value)) {
        report(Code::kInvalidGrpcStatus, a.grpc_status->origin,
               "\"" + a.grpc_status->value + "\" is not a gRPC status name (e.g. UNAVAILABLE, not 14)");
      }
      check_percentage(a.percentage, child(a.origin, "percentage.value"));
    }
  }

  void check_cors(const CorsPolicy& cors, const Origin& at) {
    for (const StringMatch& origin : cors.allow_origins) {
      if (origin.kind == StringMatch::Kind::kPresent || origin.value.empty()) {
        report(Code::kInvalidCorsPolicy, origin.origin, "'" + origin.value + "' is not a valid match type for CORS allow origins");
      } else if (origin.kind == StringMatch::Kind::kRegex) {
        if (auto error = regex_error(origin.value)) report(Code::kInvalidRegex, origin.origin, "allowOrigins regex: " + *error);
      }
    }
    for (const std::string& method : cors.allow_methods) {
      if (!contains(kCorsMethods, method)) report(Code::kInvalidCorsPolicy, child(at, "allowMethods"), "\"" + method + "\" is not a supported HTTP method");
    }
    for (const auto* list : {&cors.allow_headers, &cors.expose_headers}) {
      for (const std::string& header : *list) {
        if (header != "*" && !is_header_name(header)) {
          report(Code::kInvalidCorsPolicy, child(at, list == &cors.allow_headers ? "allowHeaders" : "exposeHeaders"),
                 "header name " + header + " is not a valid header name");
        }
      }
    }
    if (cors.max_age) {
      check_duration(cors.max_age, child(at, "maxAge"));
      if (cors.max_age->count() % 1000000000 != 0) {
        report(Code::kInvalidDuration, child(at, "maxAge"), "max_age duration is accurate only to seconds precision");
      }
    }
  }

  void check_headers(const Headers& headers, const Origin& owner, const std::string& rewrite_authority) {
    const Origin at = child(owner, "headers");
    auto internal = [](const std::string& n) { return !n.empty() && n[0] == ':'; };
    auto authority = [](const std::string& n) { return to_lower(n) == ":authority" || to_lower(n) == "host"; };
    std::string authority_value = rewrite_authority;
    for (const auto* map : {&headers.request.set, &headers.request.add}) {
      for (const auto& [name, value] : *map) {
        if (name.empty()) report(Code::kInvalidHeaderOperation, at, "header name cannot be empty");
        else if (internal(name) && !authority(name)) {
          report(Code::kInvalidHeaderOperation, at, "invalid header \"" + name + "\": header cannot have \":\" prefix");
        }
        if (authority(name)) {
          if (!authority_value.empty()) {
            report(Code::kInvalidHeaderOperation, at,
                   "authority header cannot be set multiple times: have \"" + authority_value + "\", attempting to set \"" + value + "\"");
          }
          authority_value = value;
        }
        if (auto error = header_value_error(value)) report(Code::kInvalidHeaderOperation, at, "header value configuration: " + *error);
      }
    }
    auto plain_name = [&](const std::string& name) {
      if (name.empty()) report(Code::kInvalidHeaderOperation, at, "header name cannot be empty");
      else if (to_lower(name) == "host") report(Code::kInvalidHeaderOperation, at, "invalid header \"" + name + "\": cannot set Host header");
      else if (internal(name)) report(Code::kInvalidHeaderOperation, at, "invalid header \"" + name + "\": header cannot have \":\" prefix");
    };
    for (const std::string& name : headers.request.remove) plain_name(name);
    for (const std::string& name : headers.response.remove) plain_name(name);
    for (const auto* map : {&headers.response.set, &headers.response.add}) {
      for (const auto& [name, value] : *map) {
        plain_name(name);
        if (auto error = header_value_error(value)) report(Code::kInvalidHeaderOperation, at, "header value configuration: " + *error);
      }
    }
  }

  void check_l4_rule(const L4Route& rule, bool tls) {
    if (rule.route.empty()) {
      report(Code::kNoAction, rule.origin, std::string(tls ? "TLS" : "TCP") + " route is required");
    }
    check_weights(rule.route, rule.origin);
    for (const L4MatchAttributes& m : rule.match) {
      for (const LocatedString& gateway : m.gateways) check_gateway_reference(gateway);
      if (m.port && *m.port > 65535) {
        report(Code::kInvalidPortNumber, child(m.origin, "port"), "port number " + std::to_string(*m.port) + " must be in the range 1..65535");
      }
      for (const std::string& subnet : m.destination_subnets) {
        if (!is_cidr(subnet)) report(Code::kInvalidAddress, child(m.origin, "destinationSubnets"), "\"" + subnet + "\" is not an IP or CIDR");
      }
      if (!tls) continue;
      if (m.sni_hosts.empty()) {
        report(Code::kTlsRouteWithoutSni, m.origin, "TLS match must have at least one SNI host");
      }
      for (const LocatedString& sni : m.sni_hosts) {
        if (auto error = wildcard_domain_error(sni.value); error && !is_ip_address(sni.value)) {
          report(Code::kInvalidHost, sni.origin, "\"" + sni.value + "\": " + *error);
          continue;
        }
        bool covered = false;
        for (const LocatedString& host : vs_.hosts) covered = covered || host_subset_of(sni.value, host.value);
        if (!covered) {
          report(Code::kSniHostOutsideVirtualService, sni.origin,
                 "the SNI host " + sni.value + " is not a subset of any of the virtual service hosts");
        }
      }
    }
    if (tls && rule.match.empty()) {
      report(Code::kTlsRouteWithoutSni, rule.origin, "TLS route must have at least one match condition");
    }
  }

  const VirtualService& vs_;
  Diagnostics& diagnostics_;
  std::string label_;
};

}  // namespace

void validate_virtual_service(const VirtualService& vs, Diagnostics& diagnostics) {
  VirtualServiceValidator(vs, diagnostics).run();
}

}  // namespace gatesim::config
