#include "gateway/observability/destination_service.h"

namespace gatesim::observability {

DestinationService destination_service(const config::Snapshot* snapshot, std::string_view cluster,
                                       std::string_view authority) {
  DestinationService out;
  const config::Cluster* found =
      snapshot == nullptr || cluster.empty() ? nullptr : snapshot->find_cluster(std::string(cluster));
  if (found != nullptr) {
    out.host = found->host;
    out.name = found->service_name;
    out.namespace_name = found->service_namespace;
  } else {
    out.host = std::string(authority);
    out.name = out.host;
  }
  return out;
}

}  // namespace gatesim::observability
