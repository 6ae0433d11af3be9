#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/config/config_set.h"
#include "gateway/config/protocol.h"

namespace gatesim::config {

// The services a destination host can name: Kubernetes Services (as
// <name>.<namespace>.svc.cluster.local) and ServiceEntry hosts, with their ports and endpoints.
struct RegistryService {
  struct Port {
    std::uint32_t number = 0;
    std::string name;
    Protocol protocol = Protocol::kUnsupported;
  };
  struct Instance {
    std::string address;
    std::uint32_t port = 0;
    std::string port_name;  // which service port this instance serves
    std::map<std::string, std::string> labels;
    bool ready = true;
  };
  std::string host;  // FQDN, or a ServiceEntry wildcard
  std::string name;  // Istio's service name: the Service's name; a ServiceEntry's host
  std::string namespace_name;
  std::string source;  // "Service ns/name" / "ServiceEntry ns/name"
  std::vector<Port> ports;
  std::vector<Instance> instances;
  std::vector<std::string> export_to;  // empty = everywhere

  const Port* find_port(std::uint32_t number) const;
};

class ServiceRegistry {
 public:
  explicit ServiceRegistry(const ConfigSet& config);

  // Exact host first, then the most specific ServiceEntry wildcard that covers it.
  const RegistryService* find(const std::string& host) const;
  const std::vector<RegistryService>& services() const { return services_; }

 private:
  void add_kube_service(const KubeService& service);
  void add_service_entry(const ServiceEntry& se);

  std::vector<RegistryService> services_;
  // Lookup indexes only; nothing iterates them, so their order never shows.
  std::unordered_map<std::string, std::size_t> exact_;
  std::vector<std::size_t> wildcards_;
  std::unordered_map<std::string, std::vector<const EndpointGroup*>> endpoints_by_service_;
};

}  // namespace gatesim::config
