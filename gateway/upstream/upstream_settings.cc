#include "gateway/upstream/upstream_settings.h"

#include <algorithm>
#include <cctype>

namespace gatesim::upstream {
namespace {

std::uint64_t positive_or(const std::optional<std::int32_t>& v, std::uint64_t fallback) {
  return v && *v > 0 ? static_cast<std::uint64_t>(*v) : fallback;
}

void apply_load_balancer(const config::LoadBalancerSettings& lb, UpstreamSettings& out) {
  using Simple = config::LoadBalancerSettings::Simple;
  if (lb.simple) {
    switch (*lb.simple) {
      case Simple::kRoundRobin: out.lb = LbPolicy::kRoundRobin; break;
      case Simple::kRandom: out.lb = LbPolicy::kRandom; break;
      // LEAST_CONN is the deprecated name of LEAST_REQUEST; PASSTHROUGH needs original-dst
      // clusters, which a gateway does not build: Istio falls back to its default.
      case Simple::kLeastConn:
      case Simple::kLeastRequest:
      case Simple::kPassthrough:
      case Simple::kUnspecified: out.lb = LbPolicy::kLeastRequest; break;
    }
  }
  if (const auto& ch = lb.consistent_hash) {
    HashKey key;
    if (!ch->http_header_name.empty()) {
      key.source = HashKey::Source::kHeader;
      key.name = ch->http_header_name;
      std::transform(key.name.begin(), key.name.end(), key.name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    } else if (!ch->http_cookie_name.empty()) {
      key.source = HashKey::Source::kCookie;
      key.name = ch->http_cookie_name;
      key.cookie_ttl = ch->http_cookie_ttl;
      key.cookie_path = ch->http_cookie_path;
    } else if (ch->use_source_ip) {
      key.source = HashKey::Source::kSourceIp;
    } else if (!ch->http_query_parameter_name.empty()) {
      key.source = HashKey::Source::kQueryParameter;
      key.name = ch->http_query_parameter_name;
    } else {
      return;  // no key: validation already said so; keep the simple policy
    }
    out.lb = LbPolicy::kRingHash;
    out.hash_key = key;
    if (ch->minimum_ring_size && *ch->minimum_ring_size > 0) out.ring_size = *ch->minimum_ring_size;
  }
}

void apply_connection_pool(const config::ConnectionPoolSettings& pool, const config::Cluster& cluster,
                           UpstreamSettings& out) {
  out.limits.max_connections = positive_or(pool.tcp.max_connections, out.limits.max_connections);
  if (pool.tcp.connect_timeout && pool.tcp.connect_timeout->count() > 0) out.connect_timeout = *pool.tcp.connect_timeout;
  const auto& http = pool.http;
  out.limits.max_pending_requests = positive_or(http.http1_max_pending_requests, out.limits.max_pending_requests);
  out.limits.max_requests = positive_or(http.http2_max_requests, out.limits.max_requests);
  out.limits.max_retries = positive_or(http.max_retries, out.limits.max_retries);
  // maxRequestsPerConnection 1 disables keep-alive; 0 (unset) is unlimited.
  out.max_requests_per_connection = positive_or(http.max_requests_per_connection, 0);
  if (http.max_concurrent_streams && *http.max_concurrent_streams > 0) {
    out.max_concurrent_streams = static_cast<std::uint32_t>(*http.max_concurrent_streams);
  }
  if (http.idle_timeout && http.idle_timeout->count() > 0) out.idle_timeout = *http.idle_timeout;
  using Upgrade = config::ConnectionPoolSettings::H2UpgradePolicy;
  // shouldH2Upgrade: only HTTP ports are upgraded, and only when asked (mesh default
  // DO_NOT_UPGRADE); ports declared HTTP/2 already speak it.
  if (http.h2_upgrade_policy == Upgrade::kUpgrade && cluster.protocol == config::Protocol::kHttp) out.http2 = true;
  out.use_client_protocol = http.use_client_protocol;
}

OutlierSettings outlier_from(const config::OutlierDetection& od) {
  OutlierSettings out;
  if (od.consecutive_5xx_errors) out.consecutive_5xx = static_cast<std::uint32_t>(std::max(0, *od.consecutive_5xx_errors));
  if (od.consecutive_gateway_errors) {
    out.consecutive_gateway_errors = static_cast<std::uint32_t>(std::max(0, *od.consecutive_gateway_errors));
  }
  if (od.interval && od.interval->count() > 0) out.interval = *od.interval;
  if (od.base_ejection_time && od.base_ejection_time->count() > 0) out.base_ejection_time = *od.base_ejection_time;
  if (od.max_ejection_percent && *od.max_ejection_percent > 0) {
    out.max_ejection_percent = static_cast<std::uint32_t>(std::min(100, *od.max_ejection_percent));
  }
  if (od.min_health_percent && *od.min_health_percent > 0) {
    out.min_health_percent = static_cast<std::uint32_t>(std::min(100, *od.min_health_percent));
  }
  return out;
}

}  // namespace

http::Version UpstreamSettings::protocol_for(http::Version downstream) const {
  if (use_client_protocol) return downstream == http::Version::kHttp2 ? http::Version::kHttp2 : http::Version::kHttp11;
  return http2 ? http::Version::kHttp2 : http::Version::kHttp11;
}

UpstreamSettings resolve_settings(const config::Cluster& cluster, io::Duration default_connect_timeout) {
  UpstreamSettings out;
  out.connect_timeout = default_connect_timeout;
  out.http2 = config::is_http2(cluster.protocol);
  if (!cluster.traffic_policy) return out;
  const config::TrafficPolicy& policy = *cluster.traffic_policy;
  if (policy.load_balancer) apply_load_balancer(*policy.load_balancer, out);
  if (policy.connection_pool) apply_connection_pool(*policy.connection_pool, cluster, out);
  if (policy.outlier_detection) out.outlier = outlier_from(*policy.outlier_detection);
  if (policy.tls && cluster.origination_tls) {
    using Mode = config::ClientTlsSettings::Mode;
    const config::ClientTlsSettings& tls = *policy.tls;
    if (tls.mode == Mode::kSimple || tls.mode == Mode::kMutual) {
      OriginationTls o;
      o.mutual = tls.mode == Mode::kMutual;
      o.sni = tls.sni;
      o.ca_pem = cluster.origination_tls->ca_pem;
      o.certificate_pem = cluster.origination_tls->certificate_pem;
      o.key_pem = cluster.origination_tls->private_key_pem;
      for (const auto& san : tls.subject_alt_names) o.subject_alt_names.push_back(san.value);
      o.insecure_skip_verify = tls.insecure_skip_verify;
      out.tls = std::move(o);
    }
  }
  return out;
}

}  // namespace gatesim::upstream
