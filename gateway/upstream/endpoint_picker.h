#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/io/rng.h"

namespace gatesim::upstream {

// Weighted choice among a route's targets (weights relative; Istio's weighted clusters),
// drawn from the runtime's seeded RNG so a simulation replays.
const config::RouteTarget* pick_target(const std::vector<config::RouteTarget>& targets, io::Rng& rng);

// AUTO_PASSTHROUGH: the SNI "outbound_.<port>_.<subset>_.<host>" names the cluster.
std::optional<std::string> cluster_from_sni(const std::string& sni);

}  // namespace gatesim::upstream
