#pragma once

#include "gateway/config/config_set.h"
#include "gateway/config/diagnostic.h"

namespace gatesim::config {

// Checks between resources, in the manner of `istioctl analyze`: gateways and hosts that
// VirtualServices name, destinations and subsets, Secrets and certificate files that
// Gateways name, certificates shared between servers (HTTP/2 coalescing 404s).
void analyze_references(const ConfigSet& config, Diagnostics& diagnostics);

}  // namespace gatesim::config
