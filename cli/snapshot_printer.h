#pragma once

#include <ostream>

#include "gateway/config/snapshot.h"

namespace gatesim::cli {

// A compact tree of what the gateway will serve, in the spirit of `istioctl proxy-config`:
// listeners -> filter chains (SNI) -> route tables -> virtual hosts -> routes -> clusters.
void print_snapshot(const config::Snapshot& snapshot, std::ostream& out);

}  // namespace gatesim::cli
