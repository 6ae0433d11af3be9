#include <set>

#include "gateway/config/host_name.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

class DestinationRuleValidator {
 public:
  DestinationRuleValidator(const DestinationRule& dr, Diagnostics& diagnostics)
      : dr_(dr), diagnostics_(diagnostics), label_(resource_label("DestinationRule", dr.meta)) {}

  void run() {
    if (!dr_.host.value.empty()) {
      if (auto error = wildcard_domain_error(dr_.host.value)) {
        report(Code::kInvalidHost, dr_.host.origin, "\"" + dr_.host.value + "\": " + *error);
      }
    }
    if (dr_.traffic_policy) check_policy(*dr_.traffic_policy, true);
    std::set<std::string> names;
    for (const Subset& subset : dr_.subsets) {
      if (!subset.name.empty() && !names.insert(subset.name).second) {
        report(Code::kDuplicateSubset, child(subset.origin, "name"), "subset \"" + subset.name + "\" is defined twice");
      }
      if (!subset.name.empty() && !is_dns1123_label(subset.name)) {
        report(Code::kInvalidValue, child(subset.origin, "name"),
               "subset name \"" + subset.name + "\" is not a lowercase RFC 1123 label");
      }
      if (subset.traffic_policy) check_policy(*subset.traffic_policy, true);
    }
  }

 private:
  Origin child(const Origin& origin, const std::string& field) const { return dr_.meta.at(origin.path + "." + field); }

  void report(Code code, const Origin& origin, std::string message) {
    diagnostics_.add(code, origin, label_, std::move(message));
  }

  void non_negative(const std::optional<std::int32_t>& value, const Origin& origin, const char* field, Code code) {
    if (value && *value < 0) report(code, child(origin, field), std::string(field) + " must not be negative");
  }

  void percent(const std::optional<std::int32_t>& value, const Origin& origin, const char* field) {
    if (value && (*value < 0 || *value > 100)) {
      report(Code::kInvalidOutlierDetection, child(origin, field), std::string(field) + " must be within 0-100");
    }
  }

  void duration(const std::optional<Duration>& value, const Origin& origin, const char* field, Code code) {
    if (!value) return;
    if (auto error = istio_duration_error(*value)) report(code, child(origin, field), format_duration(*value) + " " + *error);
  }

  template <class Policy>
  void check_parts(const Policy& p) {
    if (p.load_balancer) {
      const LoadBalancerSettings& lb = *p.load_balancer;
      if (lb.simple && lb.consistent_hash) {
        report(Code::kInvalidLoadBalancer, lb.origin, "simple and consistentHash are exclusive");
      }
      if (lb.consistent_hash) {
        const auto& h = *lb.consistent_hash;
        const int keys = (h.http_header_name.empty() ? 0 : 1) + (h.http_cookie_name.empty() ? 0 : 1) +
                         (h.use_source_ip ? 1 : 0) + (h.http_query_parameter_name.empty() ? 0 : 1);
        if (keys != 1) {
          report(Code::kInvalidLoadBalancer, h.origin,
                 "consistentHash needs exactly one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName");
        }
      }
    }
    if (p.connection_pool) {
      const ConnectionPoolSettings& cp = *p.connection_pool;
      const Code c = Code::kInvalidConnectionPool;
      non_negative(cp.tcp.max_connections, cp.origin, "tcp.maxConnections", c);
      duration(cp.tcp.connect_timeout, cp.origin, "tcp.connectTimeout", c);
      duration(cp.tcp.idle_timeout, cp.origin, "tcp.idleTimeout", c);
      duration(cp.tcp.max_connection_duration, cp.origin, "tcp.maxConnectionDuration", c);
      non_negative(cp.http.http1_max_pending_requests, cp.origin, "http.http1MaxPendingRequests", c);
      non_negative(cp.http.http2_max_requests, cp.origin, "http.http2MaxRequests", c);
      non_negative(cp.http.max_requests_per_connection, cp.origin, "http.maxRequestsPerConnection", c);
      non_negative(cp.http.max_retries, cp.origin, "http.maxRetries", c);
      non_negative(cp.http.max_concurrent_streams, cp.origin, "http.maxConcurrentStreams", c);
      duration(cp.http.idle_timeout, cp.origin, "http.idleTimeout", c);
    }
    if (p.outlier_detection) {
      const OutlierDetection& od = *p.outlier_detection;
      const Code c = Code::kInvalidOutlierDetection;
      non_negative(od.consecutive_5xx_errors, od.origin, "consecutive5xxErrors", c);
      non_negative(od.consecutive_gateway_errors, od.origin, "consecutiveGatewayErrors", c);
      non_negative(od.consecutive_local_origin_failures, od.origin, "consecutiveLocalOriginFailures", c);
      duration(od.interval, od.origin, "interval", c);
      duration(od.base_ejection_time, od.origin, "baseEjectionTime", c);
      percent(od.max_ejection_percent, od.origin, "maxEjectionPercent");
      percent(od.min_health_percent, od.origin, "minHealthPercent");
    }
    if (p.tls) {
      const ClientTlsSettings& tls = *p.tls;
      if (tls.mode == ClientTlsSettings::Mode::kMutual && !tls.credential_name &&
          (!tls.client_certificate || !tls.private_key)) {
        report(Code::kTlsMissingCredentials, tls.origin,
               "MUTUAL needs credentialName, or clientCertificate and privateKey");
      }
      if (tls.mode == ClientTlsSettings::Mode::kIstioMutual &&
          (tls.client_certificate || tls.private_key || tls.ca_certificates || tls.credential_name)) {
        report(Code::kIstioMutualExtraFields, tls.origin, "ISTIO_MUTUAL takes no certificate fields");
      }
    }
  }

  void check_policy(const TrafficPolicy& policy, bool allow_port_level) {
    check_parts(policy);
    if (!allow_port_level) return;
    std::set<std::uint32_t> ports;
    for (const PortTrafficPolicy& port_policy : policy.port_level_settings) {
      if (!port_policy.port) {
        report(Code::kMissingField, child(port_policy.origin, "port"), "portLevelSettings entries need port.number");
      } else if (!ports.insert(*port_policy.port).second) {
        report(Code::kInvalidValue, child(port_policy.origin, "port"),
               "port " + std::to_string(*port_policy.port) + " has two portLevelSettings entries");
      }
      check_parts(port_policy);
    }
  }

  const DestinationRule& dr_;
  Diagnostics& diagnostics_;
  std::string label_;
};

}  // namespace

void validate_destination_rule(const DestinationRule& dr, Diagnostics& diagnostics) {
  DestinationRuleValidator(dr, diagnostics).run();
}

}  // namespace gatesim::config
