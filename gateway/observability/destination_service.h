#pragma once

#include <string_view>

#include "gateway/config/snapshot.h"
#include "gateway/observability/access_log_entry.h"

namespace gatesim::observability {

// The destination service Istio's stats filter reports (istio_stats.cc, populatePeerInfo):
// the upstream cluster's service when the cluster exists (its FQDN, and the name and
// namespace of the Service or ServiceEntry behind it); otherwise, for HTTP, the request's
// Host (the host-header fallback, on for gateways and outbound traffic) as both host and
// name; otherwise nothing, which the labels print as "unknown".
DestinationService destination_service(const config::Snapshot* snapshot, std::string_view cluster,
                                       std::string_view authority);

}  // namespace gatesim::observability
