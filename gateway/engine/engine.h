#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/engine/engine_options.h"
#include "gateway/io/owned_in_order.h"
#include "gateway/io/runtime.h"
#include "gateway/observability/istio_metrics.h"
#include "gateway/tls/tls_context.h"
#include "gateway/upstream/cluster_manager.h"

namespace gatesim::engine {

class DownstreamConnection;
class MirrorRequest;

struct EngineStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_active = 0;
  std::uint64_t filter_chain_not_found = 0;
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t tls_handshakes = 0;
  std::uint64_t requests = 0;
  std::uint64_t upstream_connect_failures = 0;
  std::map<int, std::uint64_t> responses_by_code;  // ordered: stable output
};

// The gateway engine of one worker: listeners from a Snapshot, the connections they accept,
// and what those connections need (TLS contexts per filter chain, upstream pools). It owns
// no thread: every call comes from the runtime's loop.
class Engine {
 public:
  Engine(io::Runtime& runtime, EngineOptions options);
  ~Engine();

  // Installs a Snapshot: builds TLS contexts and opens one listener per (port, bind).
  // False, with the reasons, when a listener cannot open or a chain cannot build its TLS
  // context (that chain is then left out; the rest still serves). Applying another Snapshot
  // later swaps listeners at once; connections already accepted keep the Snapshot (and TLS
  // context) they started with, and route their next requests with the new route tables.
  bool apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* error);

  // Stop accepting; HTTP connections get GOAWAY / "connection: close" and close when idle.
  void start_drain();
  bool drained() const { return connections_.empty(); }
  bool draining() const { return draining_; }

  const EngineStats& stats() const { return stats_; }
  EngineStats& mutable_stats() { return stats_; }
  io::Runtime& runtime() { return runtime_; }
  const EngineOptions& options() const { return options_; }
  const config::Snapshot& snapshot() const { return *snapshot_; }
  std::shared_ptr<const config::Snapshot> snapshot_ptr() const { return snapshot_; }
  std::vector<io::Address> listening_addresses() const;
  std::shared_ptr<tls::ServerTlsContext> tls_context_for(const config::FilterChain& chain) const;

  // Called by a connection when it is finished; the engine destroys it after the callback.
  void release(DownstreamConnection* connection);
  // Counts the entry into the Istio metrics, then hands it to EngineOptions::access_log.
  void log(const AccessLogEntry& entry);
  // Istio's standard metrics of this engine (one registry per engine, as per Envoy process).
  const observability::IstioMetrics& metrics() const { return metrics_; }
  // Sends a shadow copy of a request to `cluster` (VirtualService mirror); fire and forget.
  void start_mirror(const std::string& cluster, http::RequestHead head, std::string body,
                    std::optional<http::HeaderList> trailers, std::string source_ip,
                    std::optional<io::Duration> timeout);
  void release_mirror(MirrorRequest* mirror);
  std::uint64_t mirrors_sent() const { return mirrors_sent_; }
  // The upstream clusters of the current Snapshot (hosts, pools, balancers, outlier state).
  upstream::ClusterManager& clusters() { return clusters_; }
  const upstream::ClusterManager& clusters() const { return clusters_; }

 private:
  void on_accepted(const config::Listener& listener, std::unique_ptr<io::Connection> connection);

  io::Runtime& runtime_;
  EngineOptions options_;
  std::shared_ptr<const config::Snapshot> snapshot_;
  std::vector<std::unique_ptr<io::Listener>> listeners_;
  std::map<const config::FilterChain*, std::shared_ptr<tls::ServerTlsContext>> tls_contexts_;
  upstream::ClusterManager clusters_;  // outlives connections
  io::OwnedInOrder<DownstreamConnection> connections_;
  io::OwnedInOrder<MirrorRequest> mirrors_;  // cleared before clusters_: they hold hosts
  std::uint64_t mirrors_sent_ = 0;
  bool draining_ = false;
  EngineStats stats_;
  observability::IstioMetrics metrics_;
};

}  // namespace gatesim::engine
