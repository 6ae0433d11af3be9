#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/io/address.h"
#include "gateway/io/rng.h"

namespace gatesim::upstream {

// Weighted choice among a route's targets (weights relative; Istio's weighted clusters),
// drawn from the runtime's seeded RNG so a simulation replays.
const config::RouteTarget* pick_target(const std::vector<config::RouteTarget>& targets, io::Rng& rng);

// A ready endpoint of the cluster, uniformly at random (load-balancing policies arrive
// with the routing issue). nullopt: unknown cluster (NC) or no healthy endpoint (UH).
struct PickedEndpoint {
  io::Address address;
  std::string error;  // "" on success; else "cluster_not_found" or "no_healthy_upstream" / "unresolved"
};
PickedEndpoint pick_endpoint(const config::Snapshot& snapshot, const std::string& cluster, io::Rng& rng);

// AUTO_PASSTHROUGH: the SNI "outbound_.<port>_.<subset>_.<host>" names the cluster.
std::optional<std::string> cluster_from_sni(const std::string& sni);

}  // namespace gatesim::upstream
