#include <set>

#include "gateway/config/host_name.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

// gRPC status names Istio accepts for fault.abort.grpcStatus (pkg/util/grpc/codes.go).
constexpr std::string_view kGrpcStatusNames[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

// Envoy router retry_on policies (x-envoy-retry-on and x-envoy-retry-grpc-on).
constexpr std::string_view kRetryPolicies[] = {
    "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
    "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
    "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view value) {
  for (std::string_view v : list) {
    if (v == value) return true;
  }
  return false;
}

class VirtualServiceValidator {
 public:
  VirtualServiceValidator(const VirtualService& vs, Diagnostics& diagnostics)
      : vs_(vs), diagnostics_(diagnostics), label_(resource_label("VirtualService", vs.meta)) {}

  void run() {
    if (vs_.hosts.empty()) {
      report(Code::kVirtualServiceNoHosts, vs_.meta.at("spec.hosts"),
             "a VirtualService must have at least one host");
    }
    for (const LocatedString& host : vs_.hosts) {
      if (host.value.find('/') != std::string::npos) {
        report(Code::kInvalidHost, host.origin, "\"" + host.value + "\": hosts of a VirtualService take no namespace");
      } else if (auto error = wildcard_domain_error(host.value)) {
        report(Code::kInvalidHost, host.origin, "\"" + host.value + "\": " + *error);
      }
    }
    for (const LocatedString& gateway : vs_.gateways) check_gateway_reference(gateway);
    bool after_catch_all = false;
    for (const HttpRoute& rule : vs_.http) {
      if (after_catch_all) {
        report(Code::kUnreachableRule, rule.origin,
               "this rule follows a catch-all rule and is never used (Istio does not emit it)");
      }
      check_http_rule(rule);
      after_catch_all = after_catch_all || is_catch_all_rule(rule);
    }
    for (const L4Route& rule : vs_.tcp) check_l4_rule(rule, false);
    for (const L4Route& rule : vs_.tls) check_l4_rule(rule, true);
  }

 private:
  Origin child(const Origin& origin, const std::string& field) const { return vs_.meta.at(origin.path + "." + field); }

  void report(Code code, const Origin& origin, std::string message) {
    diagnostics_.add(code, origin, label_, std::move(message));
  }

  void check_gateway_reference(const LocatedString& ref) {
    if (ref.value == "mesh") return;
    const std::size_t slash = ref.value.find('/');
    const std::string ns = slash == std::string::npos ? "" : ref.value.substr(0, slash);
    const std::string name = slash == std::string::npos ? ref.value : ref.value.substr(slash + 1);
    if ((slash != std::string::npos && !is_dns1123_label(ns)) || !is_dns1123_subdomain(name)) {
      report(Code::kInvalidGatewayReference, ref.origin,
             "\"" + ref.value + "\" must be \"mesh\", \"<gateway>\" or \"<namespace>/<gateway>\"");
    }
  }

  void check_string_match(const StringMatch& m, const std::string& what) {
    if (m.kind != StringMatch::Kind::kRegex) return;
    if (auto error = regex_error(m.value)) {
      report(Code::kInvalidRegex, m.origin, what + " regex \"" + m.value + "\" does not compile as RE2: " + *error);
    }
  }

  void check_named_matches(const NamedMatches& matches, const Origin& origin, const std::string& field, bool headers) {
    for (const auto& [name, m] : matches) {
      if (headers && name != to_lower(name)) {
        report(Code::kInvalidHeaderName, child(origin, field + "." + name), "header names must be lowercase");
      }
      check_string_match(m, field + "." + name);
    }
  }

  void check_match(const HttpMatchRequest& m) {
    if (m.uri) check_string_match(*m.uri, "uri");
    if (m.scheme) check_string_match(*m.scheme, "scheme");
    if (m.method) check_string_match(*m.method, "method");
    if (m.authority) check_string_match(*m.authority, "authority");
    check_named_matches(m.headers, m.origin, "headers", true);
    check_named_matches(m.without_headers, m.origin, "withoutHeaders", true);
    check_named_matches(m.query_params, m.origin, "queryParams", false);
    if (m.port && (*m.port < 1 || *m.port > 65535)) {
      report(Code::kInvalidPortNumber, child(m.origin, "port"), std::to_string(*m.port) + " is not a port number");
    }
    for (const LocatedString& gateway : m.gateways) check_gateway_reference(gateway);
  }

  void check_destination(const Destination& d) {
    if (d.host.value.empty()) return;  // reported as missing by the parser
    if (d.host.value.find('/') != std::string::npos) {
      report(Code::kInvalidHost, d.host.origin, "destination host \"" + d.host.value + "\" must not contain '/'");
    } else if (auto error = wildcard_domain_error(d.host.value)) {
      report(Code::kInvalidHost, d.host.origin, "destination host \"" + d.host.value + "\": " + *error);
    }
    if (d.port && (*d.port < 1 || *d.port > 65535)) {
      report(Code::kInvalidDestinationPort, child(d.origin, "port.number"),
             std::to_string(*d.port) + " is not a port number (1-65535)");
    }
    if (!d.subset.empty() && !is_dns1123_label(d.subset)) {
      report(Code::kInvalidValue, child(d.origin, "subset"), "subset \"" + d.subset + "\" is not a valid name");
    }
  }

  template <class Destinations>
  void check_weights(const Destinations& route, const Origin& rule_origin) {
    std::int64_t total = 0;
    for (const auto& d : route) {
      check_destination(d.destination);
      if (d.weight < 0) {
        report(Code::kNegativeWeight, child(d.origin, "weight"), "weight " + std::to_string(d.weight) + " is negative");
      } else {
        total += d.weight;
      }
    }
    if (route.size() > 1 && total == 0) {
      report(Code::kZeroTotalWeight, child(rule_origin, "route"),
             "the weights of " + std::to_string(route.size()) + " destinations add up to 0; no traffic can be routed");
    }
  }

  void check_percentage(const std::optional<double>& value, const Origin& origin) {
    if (value && (*value < 0 || *value > 100)) {
      report(Code::kInvalidPercentage, origin, "percentage " + std::to_string(*value) + " is outside 0-100");
    }
  }

  void check_duration(const std::optional<Duration>& value, const Origin& origin) {
    if (!value) return;
    if (auto error = istio_duration_error(*value)) report(Code::kInvalidDuration, origin, format_duration(*value) + " " + *error);
  }

  void check_http_rule(const HttpRoute& rule) {
    const int actions = (rule.route.empty() ? 0 : 1) + (rule.redirect ? 1 : 0) + (rule.direct_response ? 1 : 0) +
                        (rule.delegate ? 1 : 0);
    if (actions == 0) {
      report(Code::kNoAction, rule.origin, "an http rule needs one of route, redirect, directResponse or delegate");
    } else if (actions > 1) {
      std::string names;
      for (auto [present, name] : {std::pair{!rule.route.empty(), "route"}, std::pair{rule.redirect.has_value(), "redirect"},
                                   std::pair{rule.direct_response.has_value(), "directResponse"},
                                   std::pair{rule.delegate.has_value(), "delegate"}}) {
        if (present) names += names.empty() ? name : std::string(" and ") + name;
      }
      report(Code::kConflictingActions, rule.origin, "an http rule may have only one action, not " + names);
    }
    if (rule.redirect && rule.rewrite) {
      report(Code::kRewriteWithRedirect, rule.rewrite->origin, "rewrite cannot be combined with redirect");
    }
    for (const HttpMatchRequest& m : rule.match) check_match(m);
    check_weights(rule.route, rule.origin);
    if (rule.redirect) check_redirect(*rule.redirect);
    if (rule.direct_response) check_direct_response(*rule.direct_response);
    if (rule.rewrite) {
      if (!rule.rewrite->uri.empty() && rule.rewrite->uri_regex_rewrite) {
        report(Code::kInvalidValue, rule.rewrite->origin, "rewrite.uri and rewrite.uriRegexRewrite are exclusive");
      }
      if (rule.rewrite->uri_regex_rewrite) {
        if (auto error = regex_error(rule.rewrite->uri_regex_rewrite->match)) {
          report(Code::kInvalidRegex, rule.rewrite->uri_regex_rewrite->origin, "uriRegexRewrite.match: " + *error);
        }
      }
    }
    check_duration(rule.timeout, child(rule.origin, "timeout"));
    if (rule.retries) check_retries(*rule.retries);
    if (rule.fault) check_fault(*rule.fault);
    for (const HttpMirrorPolicy& mirror : rule.mirrors) {
      check_destination(mirror.destination);
      check_percentage(mirror.percentage, child(mirror.origin, "percentage"));
    }
  }

  void check_redirect(const HttpRedirect& r) {
    if (r.uri.empty() && r.authority.empty() && r.scheme.empty() && !r.port &&
        r.derive_port == HttpRedirect::DerivePort::kNone) {
      report(Code::kInvalidRedirect, r.origin, "redirect must set uri, authority, scheme, port or derivePort");
    }
    if (r.port && r.derive_port != HttpRedirect::DerivePort::kNone) {
      report(Code::kInvalidRedirect, r.origin, "redirect.port and redirect.derivePort are exclusive");
    }
    if (r.port && (*r.port < 1 || *r.port > 65535)) {
      report(Code::kInvalidPortNumber, child(r.origin, "port"), std::to_string(*r.port) + " is not a port number");
    }
    const std::uint32_t code = r.redirect_code;
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      report(Code::kInvalidRedirectCode, child(r.origin, "redirectCode"),
             std::to_string(code) + " is not a redirect code Envoy supports (301, 302, 303, 307, 308)");
    }
  }

  void check_direct_response(const HttpDirectResponse& r) {
    if (r.status < 200 || r.status > 599) {
      report(Code::kInvalidDirectResponse, child(r.origin, "status"),
             "status " + std::to_string(r.status) + " is outside 200-599");
    }
    if (r.body && r.body->size() > (1u << 20)) {
      report(Code::kInvalidDirectResponse, child(r.origin, "body"),
             "body is " + std::to_string(r.body->size()) + " bytes; the limit is 1 MiB");
    }
  }

  void check_retries(const HttpRetry& r) {
    if (r.attempts < 0) {
      report(Code::kInvalidRetries, child(r.origin, "attempts"), "attempts must not be negative");
    }
    check_duration(r.per_try_timeout, child(r.origin, "perTryTimeout"));
    check_duration(r.backoff, child(r.origin, "backoff"));
    std::size_t start = 0;
    while (!r.retry_on.empty() && start <= r.retry_on.size()) {
      const std::size_t comma = r.retry_on.find(',', start);
      std::string item = r.retry_on.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      const bool status_code = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos &&
                               item.size() <= 3 && std::stoi(item) >= 100 && std::stoi(item) <= 599;
      if (!status_code && !contains(kRetryPolicies, item)) {
        report(Code::kInvalidRetries, child(r.origin, "retryOn"),
               "\"" + item + "\" is neither a retry policy (e.g. 5xx, connect-failure) nor an HTTP status code");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }

  void check_fault(const HttpFaultInjection& fault) {
    if (fault.delay) {
      const auto& d = *fault.delay;
      if (!d.fixed_delay && !d.exponential_delay) {
        report(Code::kMissingField, d.origin, "fault.delay needs fixedDelay");
      }
      check_duration(d.fixed_delay, child(d.origin, "fixedDelay"));
      check_percentage(d.percentage, child(d.origin, "percentage.value"));
      if (d.percent) {
        report(Code::kDeprecatedField, child(d.origin, "percent"), "percent is deprecated; use percentage.value");
        if (*d.percent < 0 || *d.percent > 100) {
          report(Code::kInvalidPercentage, child(d.origin, "percent"), "percent is outside 0-100");
        }
      }
    }
    if (fault.abort) {
      const auto& a = *fault.abort;
      if (!a.http_status && !a.grpc_status) {
        report(Code::kMissingField, a.origin, "fault.abort needs httpStatus or grpcStatus");
      }
      if (a.http_status && (*a.http_status < 200 || *a.http_status > 599)) {
        report(Code::kInvalidValue, child(a.origin, "httpStatus"),
               "httpStatus " + std::to_string(*a.http_status) + " is outside 200-599");
      }
      if (a.grpc_status && !contains(kGrpcStatusNames, a.grpc_status->value)) {
        report(Code::kInvalidGrpcStatus, a.grpc_status->origin,
               "\"" + a.grpc_status->value + "\" is not a gRPC status name (e.g. UNAVAILABLE, not 14)");
      }
      check_percentage(a.percentage, child(a.origin, "percentage.value"));
    }
  }

  void check_l4_rule(const L4Route& rule, bool tls) {
    if (rule.route.empty()) {
      report(Code::kNoAction, rule.origin, std::string(tls ? "a tls" : "a tcp") + " rule needs a route");
    }
    check_weights(rule.route, rule.origin);
    for (const L4MatchAttributes& m : rule.match) {
      for (const LocatedString& gateway : m.gateways) check_gateway_reference(gateway);
      for (const std::string& subnet : m.destination_subnets) {
        if (!is_cidr(subnet)) report(Code::kInvalidAddress, child(m.origin, "destinationSubnets"), "\"" + subnet + "\" is not an IP or CIDR");
      }
      if (!tls) continue;
      if (m.sni_hosts.empty()) {
        report(Code::kTlsRouteWithoutSni, m.origin, "a tls match needs at least one sniHosts entry");
      }
      for (const LocatedString& sni : m.sni_hosts) {
        if (auto error = wildcard_domain_error(sni.value)) {
          report(Code::kInvalidHost, sni.origin, "\"" + sni.value + "\": " + *error);
          continue;
        }
        bool covered = false;
        for (const LocatedString& host : vs_.hosts) covered = covered || host_subset_of(sni.value, host.value);
        if (!covered) {
          report(Code::kSniHostOutsideVirtualService, sni.origin,
                 "SNI host \"" + sni.value + "\" is not covered by any of the VirtualService's hosts");
        }
      }
    }
    if (tls && rule.match.empty()) {
      report(Code::kTlsRouteWithoutSni, rule.origin, "a tls rule needs a match with sniHosts");
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
