#pragma once

#include <vector>

#include "gateway/config/destination_rule.h"
#include "gateway/config/gateway.h"
#include "gateway/config/kube_service.h"
#include "gateway/config/service_entry.h"
#include "gateway/config/tls_secret.h"
#include "gateway/config/virtual_service.h"

namespace gatesim::config {

// Everything loaded from the user's files, typed but not yet cross-checked. Each list is in
// load order (files by name, documents in file order), which every later pass preserves.
struct ConfigSet {
  std::vector<Gateway> gateways;
  std::vector<VirtualService> virtual_services;
  std::vector<DestinationRule> destination_rules;
  std::vector<ServiceEntry> service_entries;
  std::vector<KubeService> services;
  std::vector<EndpointGroup> endpoint_groups;
  std::vector<TlsSecret> secrets;

  std::size_t resource_count() const {
    return gateways.size() + virtual_services.size() + destination_rules.size() + service_entries.size() +
           services.size() + endpoint_groups.size() + secrets.size();
  }
};

}  // namespace gatesim::config
