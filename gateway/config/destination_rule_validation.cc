#include <cstdint>
#include <set>

#include "gateway/config/host_name.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

bool is_prime(std::uint64_t n) {
  if (n < 2) return false;
  for (std::uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

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
    validate_export_to(dr_.export_to, dr_.meta, label_, false, diagnostics_);
    if (!dr_.workload_selector.empty()) {
      for (const std::string& e : dr_.export_to) {
        if (e != "." && e != dr_.meta.namespace_name) {
          report(Code::kInvalidValue, dr_.meta.at("spec.exportTo"),
                 "destination rule with workload selector cannot have exportTo beyond current namespace");
          break;
        }
      }
    }
    std::set<std::string> names;
    for (const Subset& subset : dr_.subsets) {
      if (!subset.name.empty() && !names.insert(subset.name).second) {
        report(Code::kDuplicateSubset, child(subset.origin, "name"), "subset \"" + subset.name + "\" is defined twice");
      }
      if (!subset.name.empty() && !is_dns1123_label(to_lower(subset.name))) {
        report(Code::kInvalidValue, child(subset.origin, "name"),
               "subset name is invalid: " + subset.name);
      }
      for (const auto& [key, value] : subset.labels) {
        if (key.empty() || key.find('*') != std::string::npos || value.find('*') != std::string::npos) {
          report(Code::kInvalidValue, child(subset.origin, "labels"), "invalid tag key/value: " + key + "=" + value);
        }
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
        if (h.hash_keys > 1) {
          report(Code::kInvalidLoadBalancer, h.origin,
                 "consistentHash takes one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName");
        }
        if (h.deprecated_minimum_ring_size) {
          report(Code::kDeprecatedField, child(h.origin, "minimumRingSize"),
                 "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
          if (h.ring_hash_set || h.maglev_set) {
            report(Code::kInvalidLoadBalancer, h.origin, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
          }
        }
        if (h.maglev_set) {
          const std::uint64_t size = h.maglev_table_size.value_or(0);
          if (size == 0) {
            report(Code::kInvalidLoadBalancer, child(h.origin, "maglev"), "tableSize must be set for maglev");
          } else if (size >= 5000011) {
            report(Code::kInvalidLoadBalancer, child(h.origin, "maglev.tableSize"), "tableSize must be less than 5000011 for maglev");
          } else if (!is_prime(size)) {
            report(Code::kInvalidLoadBalancer, child(h.origin, "maglev.tableSize"), "tableSize must be a prime number for maglev");
          }
        }
      }
    }
    if (p.connection_pool) {
      const ConnectionPoolSettings& cp = *p.connection_pool;
      const Code c = Code::kInvalidConnectionPool;
      if (!cp.tcp_set && !cp.http_set) report(Code::kEmptyPolicy, cp.origin, "connection pool must have at least one field");
      if (cp.http.use_client_protocol &&
          cp.http.h2_upgrade_policy == ConnectionPoolSettings::H2UpgradePolicy::kUpgrade) {
        report(c, child(cp.origin, "http.useClientProtocol"),
               "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
      non_negative(cp.tcp.max_connections, cp.origin, "tcp.maxConnections", c);
      duration(cp.tcp.connect_timeout, cp.origin, "tcp.connectTimeout", c);
      if (cp.tcp.idle_timeout && cp.tcp.idle_timeout->count() != 0) {  // 0s disables it
        duration(cp.tcp.idle_timeout, cp.origin, "tcp.idleTimeout", c);
      }
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
      if (od.consecutive_local_origin_failures && !od.split_external_local_origin_errors.value_or(false)) {
        report(c, child(od.origin, "consecutiveLocalOriginFailures"),
               "outlier detection consecutive local origin failures is specified, but split external local origin "
               "errors is set to false");
      }
    }
    if (p.tls) check_client_tls(*p.tls);
  }

  // agent.ValidateTLS (client side).
  void check_client_tls(const ClientTlsSettings& tls) {
    using Mode = ClientTlsSettings::Mode;
    const Code c = Code::kInvalidClientTls;
    const bool simple_or_mutual = tls.mode == Mode::kSimple || tls.mode == Mode::kMutual;
    if (simple_or_mutual && tls.credential_name &&
        (tls.client_certificate || tls.ca_certificates || tls.private_key)) {
      report(c, tls.origin, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
    }
    if (tls.insecure_skip_verify && tls.mode == Mode::kSimple &&
        (tls.ca_certificates || tls.credential_name || !tls.subject_alt_names.empty())) {
      report(c, tls.origin,
             "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
    }
    if (tls.insecure_skip_verify && tls.mode == Mode::kMutual && (tls.ca_certificates || !tls.subject_alt_names.empty())) {
      report(c, tls.origin, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
    }
    if (tls.mode == Mode::kMutual && !tls.credential_name) {
      if (!tls.client_certificate) report(c, tls.origin, "client certificate required for mutual tls");
      if (!tls.private_key) report(c, tls.origin, "private key required for mutual tls");
    }
  }

  void check_policy(const TrafficPolicy& policy, bool allow_port_level) {
    if (policy.empty()) report(Code::kEmptyPolicy, policy.origin, "traffic policy must have at least one field");
    check_parts(policy);
    if (!allow_port_level) return;
    for (const PortTrafficPolicy& port_policy : policy.port_level_settings) {
      if (!port_policy.port) {
        report(Code::kMissingField, child(port_policy.origin, "port"), "portLevelSettings entries need port.number");
      }
      if (!port_policy.load_balancer && !port_policy.connection_pool && !port_policy.outlier_detection && !port_policy.tls) {
        report(Code::kEmptyPolicy, port_policy.origin, "port traffic policy must have at least one field");
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
