#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/config/snapshot.h"
#include "gateway/io/runtime.h"
#include "gateway/upstream/upstream_cluster.h"

namespace gatesim::upstream {

// The engine's clusters by name, kept across Snapshots: a cluster whose resolved settings
// are unchanged keeps its hosts, pools, load-balancer position and outlier state and only
// takes the new endpoint list; a changed one is rebuilt (requests in flight finish on the
// old hosts, which they hold).
class ClusterManager {
 public:
  ClusterManager(io::Runtime& runtime, io::Duration default_connect_timeout, std::function<void()> on_connect_failure)
      : runtime_(runtime),
        default_connect_timeout_(default_connect_timeout),
        on_connect_failure_(std::move(on_connect_failure)) {}

  void update(const config::Snapshot& snapshot);
  UpstreamCluster* find(const std::string& name);
  const std::map<std::string, std::unique_ptr<UpstreamCluster>>& clusters() const { return clusters_; }
  void clear() { clusters_.clear(); }

 private:
  io::Runtime& runtime_;
  io::Duration default_connect_timeout_;
  std::function<void()> on_connect_failure_;
  std::map<std::string, std::unique_ptr<UpstreamCluster>> clusters_;
};

}  // namespace gatesim::upstream
