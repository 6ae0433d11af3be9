#include "gateway/config/service_registry.h"

#include "gateway/config/host_name.h"

namespace gatesim::config {

const RegistryService::Port* RegistryService::find_port(std::uint32_t number) const {
  for (const Port& p : ports) {
    if (p.number == number) return &p;
  }
  return nullptr;
}

ServiceRegistry::ServiceRegistry(const ConfigSet& config) {
  for (const EndpointGroup& group : config.endpoint_groups) {
    endpoints_by_service_[group.meta.namespace_name + "/" + group.service_name].push_back(&group);
  }
  for (const KubeService& service : config.services) add_kube_service(service);
  for (const ServiceEntry& se : config.service_entries) add_service_entry(se);
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (is_wildcard_host(services_[i].host)) wildcards_.push_back(i);
    else exact_.emplace(services_[i].host, i);  // the first definition of a host wins
  }
}

void ServiceRegistry::add_kube_service(const KubeService& service) {
  RegistryService rs;
  rs.host = service.meta.name + "." + service.meta.namespace_name + ".svc.cluster.local";
  rs.name = service.meta.name;
  rs.namespace_name = service.meta.namespace_name;
  rs.source = resource_label("Service", service.meta);
  for (const KubeServicePort& port : service.ports) {
    if (port.protocol == "UDP") continue;  // never proxied
    rs.ports.push_back({port.port, port.name,
                        resolve_service_port_protocol(port.name, port.app_protocol, port.protocol, port.port).protocol});
  }
  // Endpoints carry no pod labels; the pods behind a selector carry at least its labels.
  auto groups = endpoints_by_service_.find(service.meta.namespace_name + "/" + service.meta.name);
  if (groups == endpoints_by_service_.end()) {
    services_.push_back(std::move(rs));
    return;
  }
  for (const EndpointGroup* group : groups->second) {  // in load order
    for (const EndpointSubset& subset : group->subsets) {
      for (const EndpointPort& ep_port : subset.ports) {
        // An endpoint port belongs to the service port of the same name (the only one if unnamed).
        std::string port_name = ep_port.name;
        if (port_name.empty() && rs.ports.size() == 1) port_name = rs.ports[0].name;
        for (const EndpointAddress& address : subset.addresses) {
          rs.instances.push_back({address.ip, ep_port.port, port_name, service.selector, address.ready});
        }
      }
    }
  }
  services_.push_back(std::move(rs));
}

void ServiceRegistry::add_service_entry(const ServiceEntry& se) {
  for (const LocatedString& host : se.hosts) {
    RegistryService rs;
    rs.host = to_lower(host.value);
    rs.name = rs.host;
    rs.namespace_name = se.meta.namespace_name;
    rs.source = resource_label("ServiceEntry", se.meta);
    rs.export_to = se.export_to;
    for (const ServicePort& port : se.ports) {
      rs.ports.push_back({port.number, port.name, parse_protocol(port.protocol)});
    }
    for (const ServicePort& port : se.ports) {
      const std::uint32_t default_port = port.target_port.value_or(port.number);
      if (!se.endpoints.empty()) {
        for (const WorkloadEndpoint& ep : se.endpoints) {
          auto named = ep.ports.find(port.name);
          rs.instances.push_back(
              {ep.address, named != ep.ports.end() ? named->second : default_port, port.name, ep.labels, true});
        }
      } else if ((se.resolution == ServiceEntry::Resolution::kDns ||
                  se.resolution == ServiceEntry::Resolution::kDnsRoundRobin) &&
                 !is_wildcard_host(rs.host)) {
        rs.instances.push_back({rs.host, default_port, port.name, {}, true});  // resolved by DNS at connect time
      }
    }
    services_.push_back(std::move(rs));
  }
}

const RegistryService* ServiceRegistry::find(const std::string& host) const {
  const std::string name = to_lower(host);
  if (auto it = exact_.find(name); it != exact_.end()) return &services_[it->second];
  if (is_wildcard_host(name)) return nullptr;
  const RegistryService* best = nullptr;
  for (std::size_t i : wildcards_) {
    const RegistryService& rs = services_[i];
    if (hosts_match(rs.host, name) && (best == nullptr || more_specific_host(rs.host, best->host))) best = &rs;
  }
  return best;
}

}  // namespace gatesim::config
