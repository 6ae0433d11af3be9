#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/config/config_set.h"
#include "gateway/config/diagnostic.h"
#include "gateway/config/snapshot.h"

namespace gatesim::config {

struct CompileOptions {
  // Labels of the gateway workload; Gateways whose selector does not match are left out.
  // nullopt: every Gateway applies (one gateway deployment serving all of them).
  std::optional<std::map<std::string, std::string>> workload_labels;
};

// Builds the Snapshot the way istiod builds a gateway's listeners, routes and clusters
// (pilot/pkg/networking/core/gateway.go, pilot/pkg/model/gateway.go). What Istio drops —
// a server repeating another's TLS host, a server conflicting on a port, rules after a
// catch-all, matches for another port — is dropped here too, with a diagnostic.
std::shared_ptr<const Snapshot> compile_snapshot(ConfigSet config, Diagnostics& diagnostics,
                                                 const CompileOptions& options = {});

}  // namespace gatesim::config
