#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// networking.istio.io DestinationRule (destination_rule.proto), the fields that shape
// how the gateway talks to a backend.

struct LoadBalancerSettings {
  enum class Simple { kUnspecified, kLeastConn, kRandom, kPassthrough, kRoundRobin, kLeastRequest };
  struct ConsistentHash {
    std::string http_header_name;
    std::string http_cookie_name, http_cookie_path;
    std::optional<Duration> http_cookie_ttl;
    bool use_source_ip = false;
    std::string http_query_parameter_name;
    std::optional<std::uint64_t> minimum_ring_size;
    bool ring_hash_set = false;
    bool maglev_set = false;
    std::optional<std::uint64_t> maglev_table_size;
    bool deprecated_minimum_ring_size = false;  // the top-level form
    int hash_keys = 0;                          // how many hash keys were given (one allowed)
    Origin origin;
  };
  std::optional<Simple> simple;
  std::optional<ConsistentHash> consistent_hash;
  std::optional<Duration> warmup_duration;
  Origin origin;
};

struct ConnectionPoolSettings {
  enum class H2UpgradePolicy { kDefault, kDoNotUpgrade, kUpgrade };
  struct Tcp {
    std::optional<std::int32_t> max_connections;
    std::optional<Duration> connect_timeout;
    std::optional<Duration> max_connection_duration;
    std::optional<Duration> idle_timeout;
  };
  struct Http {
    std::optional<std::int32_t> http1_max_pending_requests;
    std::optional<std::int32_t> http2_max_requests;
    std::optional<std::int32_t> max_requests_per_connection;
    std::optional<std::int32_t> max_retries;
    std::optional<Duration> idle_timeout;
    H2UpgradePolicy h2_upgrade_policy = H2UpgradePolicy::kDefault;
    bool use_client_protocol = false;
    std::optional<std::int32_t> max_concurrent_streams;
  };
  Tcp tcp;
  Http http;
  bool tcp_set = false, http_set = false;
  Origin origin;
};

struct OutlierDetection {
  std::optional<std::int32_t> consecutive_5xx_errors;
  std::optional<std::int32_t> consecutive_gateway_errors;
  std::optional<std::int32_t> consecutive_local_origin_failures;
  std::optional<bool> split_external_local_origin_errors;
  std::optional<Duration> interval;
  std::optional<Duration> base_ejection_time;
  std::optional<std::int32_t> max_ejection_percent;
  std::optional<std::int32_t> min_health_percent;
  Origin origin;
};

struct ClientTlsSettings {
  enum class Mode { kDisable, kSimple, kMutual, kIstioMutual };
  Mode mode = Mode::kDisable;
  std::optional<LocatedString> client_certificate, private_key, ca_certificates, credential_name;
  std::vector<LocatedString> subject_alt_names;
  std::string sni;
  bool insecure_skip_verify = false;
  Origin origin;
};

struct PortTrafficPolicy {
  std::optional<std::uint32_t> port;
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ConnectionPoolSettings> connection_pool;
  std::optional<OutlierDetection> outlier_detection;
  std::optional<ClientTlsSettings> tls;
  Origin origin;
};

struct TrafficPolicy {
  std::optional<LoadBalancerSettings> load_balancer;
  std::optional<ConnectionPoolSettings> connection_pool;
  std::optional<OutlierDetection> outlier_detection;
  std::optional<ClientTlsSettings> tls;
  std::vector<PortTrafficPolicy> port_level_settings;
  bool other_fields = false;  // tunnel, proxyProtocol, retryBudget: parsed, not modelled
  Origin origin;
  bool empty() const {
    return !load_balancer && !connection_pool && !outlier_detection && !tls && port_level_settings.empty() && !other_fields;
  }
};

struct Subset {
  std::string name;
  std::map<std::string, std::string> labels;
  std::optional<TrafficPolicy> traffic_policy;
  Origin origin;
};

struct DestinationRule {
  ObjectMeta meta;
  LocatedString host;
  std::optional<TrafficPolicy> traffic_policy;
  std::vector<Subset> subsets;
  std::vector<std::string> export_to;
  std::map<std::string, std::string> workload_selector;
};

DestinationRule parse_destination_rule(FieldReader& spec, ObjectMeta meta);

}  // namespace gatesim::config
