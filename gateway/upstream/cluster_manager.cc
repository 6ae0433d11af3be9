#include "gateway/upstream/cluster_manager.h"

namespace gatesim::upstream {

void ClusterManager::update(const config::Snapshot& snapshot) {
  std::map<std::string, std::unique_ptr<UpstreamCluster>> next;
  for (const config::Cluster& cluster : snapshot.clusters) {
    UpstreamSettings settings = resolve_settings(cluster, default_connect_timeout_);
    auto it = clusters_.find(cluster.name);
    if (it != clusters_.end() && it->second->settings() == settings) {
      it->second->update_endpoints(cluster);
      next[cluster.name] = std::move(it->second);
    } else {
      next[cluster.name] = std::make_unique<UpstreamCluster>(runtime_, cluster, std::move(settings), on_connect_failure_);
    }
  }
  clusters_ = std::move(next);
}

UpstreamCluster* ClusterManager::find(const std::string& name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second.get();
}

}  // namespace gatesim::upstream
