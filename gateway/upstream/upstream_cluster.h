#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/io/runtime.h"
#include "gateway/tls/tls_context.h"
#include "gateway/upstream/http_pool.h"
#include "gateway/upstream/load_balancer.h"
#include "gateway/upstream/outlier_detector.h"
#include "gateway/upstream/upstream_settings.h"

namespace gatesim::upstream {

// One endpoint of a cluster: its pools (per protocol and SNI) and its load.
struct UpstreamHost {
  io::Address address;
  LbHost lb;
  std::shared_ptr<ClusterResources> resources;  // the cluster's: outlives the cluster while in use
  std::map<std::pair<http::Version, std::string>, std::unique_ptr<HttpPool>> pools;
};

// The request's side of load balancing: what a hash key is read from, and the hosts an
// earlier attempt already used (Envoy's previous_hosts retry predicate).
struct LbContext {
  const http::RequestHead* request = nullptr;
  std::string source_ip;
  const std::vector<std::string>* tried_hosts = nullptr;
  // Identifies the downstream connection (remote + local address): a minted cookie's value.
  std::string connection_key;
  // Out: a Set-Cookie value for the response, when a hash cookie with a ttl was missing.
  std::optional<std::string> set_cookie;
};

// A host in use by one attempt: counts as an active request for LEAST_REQUEST while held.
class HostLease {
 public:
  HostLease() = default;
  explicit HostLease(std::shared_ptr<UpstreamHost> host);
  ~HostLease();
  HostLease(HostLease&& other) noexcept;
  HostLease& operator=(HostLease&& other) noexcept;
  HostLease(const HostLease&) = delete;
  HostLease& operator=(const HostLease&) = delete;
  UpstreamHost* get() const { return host_.get(); }
  explicit operator bool() const { return host_ != nullptr; }

 private:
  std::shared_ptr<UpstreamHost> host_;
};

// One Envoy cluster at run time: its endpoints as hosts, load balancer, circuit breakers,
// outlier detector and TLS origination contexts.
class UpstreamCluster {
 public:
  // `on_connect_failure` is called for every failed upstream connection attempt.
  UpstreamCluster(io::Runtime& runtime, const config::Cluster& cluster, UpstreamSettings settings,
                  std::function<void()> on_connect_failure = {});
  ~UpstreamCluster();
  UpstreamCluster(const UpstreamCluster&) = delete;
  UpstreamCluster& operator=(const UpstreamCluster&) = delete;

  // New endpoint list (same settings): hosts kept by address, with their pools and outlier state.
  void update_endpoints(const config::Cluster& cluster);

  // A host for this request, or an empty lease when none is eligible ("no healthy upstream").
  HostLease choose(LbContext& context);
  // Starts the request on the host's pool for the protocol the settings choose.
  std::unique_ptr<UpstreamRequest> start(UpstreamHost& host, const http::RequestHead& head, bool end_stream,
                                         http::Version downstream, UpstreamResponseCallbacks& callbacks);
  // The outcome of an attempt, for outlier detection: an upstream status, or nullopt for a
  // local-origin failure (connect failure, reset, timeout).
  void report(const UpstreamHost& host, std::optional<int> status);
  // max_retries circuit breaker: a retry takes a slot until release_retry().
  bool acquire_retry();
  void release_retry();

  const UpstreamSettings& settings() const { return settings_; }
  const ClusterResources& resources() const { return *resources_; }
  std::uint64_t connections_opened() const;  // over every host's pools
  std::size_t host_count() const { return hosts_.size(); }
  std::size_t ejected_hosts() const { return outlier_ ? outlier_->ejected_count() : 0; }
  std::uint64_t ejections_total() const { return outlier_ ? outlier_->ejections_total() : 0; }
  // Set when TLS origination cannot build its context (the cluster then answers 503 UF).
  const std::string& tls_error() const { return tls_error_; }

 private:
  std::optional<std::uint64_t> hash_of(LbContext& context) const;
  std::shared_ptr<tls::ClientTlsContext> tls_context(http::Version version);
  void schedule_outlier_tick();
  std::optional<std::size_t> index_of(const UpstreamHost& host) const;

  io::Runtime& runtime_;
  std::string name_;
  UpstreamSettings settings_;
  std::shared_ptr<ClusterResources> resources_;
  std::vector<std::shared_ptr<UpstreamHost>> hosts_;  // endpoint order; outlier indices follow it
  // The balancer's own stream, forked from the runtime's: its draws do not shift what the
  // rest of the engine samples (faults, weights), and vice versa.
  io::Rng rng_;
  LoadBalancer lb_;
  std::optional<OutlierDetector> outlier_;
  std::optional<io::TimerId> outlier_timer_;
  std::map<http::Version, std::shared_ptr<tls::ClientTlsContext>> tls_contexts_;
  std::string tls_error_;
  std::vector<const LbHost*> eligible_;
  std::vector<std::size_t> eligible_index_;
};

}  // namespace gatesim::upstream
