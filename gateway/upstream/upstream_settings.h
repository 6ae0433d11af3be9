#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/http/message.h"
#include "gateway/io/runtime.h"

namespace gatesim::upstream {

// How the gateway talks to one cluster, resolved from its DestinationRule trafficPolicy the
// way istiod translates it for Envoy (cluster_traffic_policy.go): every default written out,
// so the pools, the load balancer and the outlier detector never look at the config again.

enum class LbPolicy { kRoundRobin, kLeastRequest, kRandom, kRingHash };

// Consistent-hash key (exactly one source, as the API enforces).
struct HashKey {
  enum class Source { kHeader, kCookie, kSourceIp, kQueryParameter };
  Source source = Source::kHeader;
  std::string name;  // header (lower-case), cookie or query parameter name
  // kCookie with a ttl: a request without the cookie gets one minted (Envoy's sticky sessions).
  std::optional<io::Duration> cookie_ttl;
  std::string cookie_path;
  bool operator==(const HashKey& o) const {
    return source == o.source && name == o.name && cookie_ttl == o.cookie_ttl && cookie_path == o.cookie_path;
  }
};

// Envoy circuit breakers. Istio writes UINT32_MAX for every threshold the DestinationRule
// leaves unset (getDefaultCircuitBreakerThresholds), replacing Envoy's own 1024 defaults.
struct CircuitBreakers {
  std::uint64_t max_connections = UINT32_MAX;
  std::uint64_t max_pending_requests = UINT32_MAX;
  std::uint64_t max_requests = UINT32_MAX;
  std::uint64_t max_retries = UINT32_MAX;
  bool operator==(const CircuitBreakers& o) const {
    return max_connections == o.max_connections && max_pending_requests == o.max_pending_requests &&
           max_requests == o.max_requests && max_retries == o.max_retries;
  }
};

// Envoy's consecutive-error outlier detection as Istio configures it: consecutive 5xx enforced
// (Envoy default threshold 5), gateway errors only when the rule names them, success-rate
// ejection off, panic threshold = minHealthPercent (Istio's 0 disables panic routing).
struct OutlierSettings {
  std::uint32_t consecutive_5xx = 5;             // 0: not enforced
  std::uint32_t consecutive_gateway_errors = 0;  // 0: not enforced
  io::Duration interval = std::chrono::seconds(10);
  io::Duration base_ejection_time = std::chrono::seconds(30);
  io::Duration max_ejection_time = std::chrono::seconds(300);  // Envoy's default cap
  std::uint32_t max_ejection_percent = 10;
  std::uint32_t min_health_percent = 0;
  bool operator==(const OutlierSettings& o) const {
    return consecutive_5xx == o.consecutive_5xx && consecutive_gateway_errors == o.consecutive_gateway_errors &&
           interval == o.interval && base_ejection_time == o.base_ejection_time &&
           max_ejection_time == o.max_ejection_time && max_ejection_percent == o.max_ejection_percent &&
           min_health_percent == o.min_health_percent;
  }
};

// DestinationRule tls (SIMPLE or MUTUAL) for TLS origination.
struct OriginationTls {
  bool mutual = false;
  std::string sni;  // "" = Istio's auto SNI: the request's host
  std::string ca_pem, certificate_pem, key_pem;
  std::vector<std::string> subject_alt_names;
  bool insecure_skip_verify = false;
  bool operator==(const OriginationTls& o) const {
    return mutual == o.mutual && sni == o.sni && ca_pem == o.ca_pem && certificate_pem == o.certificate_pem &&
           key_pem == o.key_pem && subject_alt_names == o.subject_alt_names &&
           insecure_skip_verify == o.insecure_skip_verify;
  }
};

struct UpstreamSettings {
  LbPolicy lb = LbPolicy::kLeastRequest;  // Istio's default since 1.14
  std::optional<HashKey> hash_key;        // kRingHash
  std::uint64_t ring_size = 1024;         // Envoy's minimum_ring_size default
  CircuitBreakers limits;
  std::uint64_t max_requests_per_connection = 0;  // 0: unlimited
  std::uint32_t max_concurrent_streams = 2147483647;  // h2 per connection (Envoy's default)
  io::Duration connect_timeout = std::chrono::seconds(10);
  io::Duration idle_timeout = std::chrono::hours(1);  // Envoy's upstream idle_timeout default
  // HTTP/2 to the backend: port declared http2/grpc/grpc-web, or h2UpgradePolicy UPGRADE on
  // an HTTP port. useClientProtocol instead follows each request's downstream protocol.
  bool http2 = false;
  bool use_client_protocol = false;
  std::optional<OutlierSettings> outlier;
  std::optional<OriginationTls> tls;

  bool operator==(const UpstreamSettings& o) const {
    return lb == o.lb && hash_key == o.hash_key && ring_size == o.ring_size && limits == o.limits &&
           max_requests_per_connection == o.max_requests_per_connection &&
           max_concurrent_streams == o.max_concurrent_streams && connect_timeout == o.connect_timeout &&
           idle_timeout == o.idle_timeout && http2 == o.http2 && use_client_protocol == o.use_client_protocol &&
           outlier == o.outlier && tls == o.tls;
  }
  bool operator!=(const UpstreamSettings& o) const { return !(*this == o); }

  // The protocol spoken to the backend for a request that arrived over `downstream`.
  http::Version protocol_for(http::Version downstream) const;
};

// `default_connect_timeout` is the engine's (Istio's meshConfig connectTimeout, 10s).
UpstreamSettings resolve_settings(const config::Cluster& cluster, io::Duration default_connect_timeout);

}  // namespace gatesim::upstream
