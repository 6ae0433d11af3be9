#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// Kubernetes core/v1 Service with its Endpoints or discovery.k8s.io/v1 EndpointSlices:
// the registry that VirtualService and DestinationRule hosts resolve against.

struct KubeServicePort {
  std::string name;
  std::string protocol = "TCP";  // TCP, UDP, SCTP
  std::optional<std::string> app_protocol;
  std::uint32_t port = 0;
  std::string target_port;  // IntOrString, kept as written ("8080" or "http")
  Origin origin;
};

struct KubeService {
  ObjectMeta meta;
  std::string type = "ClusterIP";
  std::map<std::string, std::string> selector;
  std::vector<KubeServicePort> ports;
  std::string cluster_ip;
  std::string external_name;
};

struct EndpointPort {
  std::string name;
  std::uint32_t port = 0;
  std::string protocol = "TCP";
  std::optional<std::string> app_protocol;
  Origin origin;
};

struct EndpointAddress {
  std::string ip;
  std::string hostname;
  std::string node_name;
  std::string zone;
  bool ready = true;
  Origin origin;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses;
  std::vector<EndpointPort> ports;
  Origin origin;
};

// Endpoints and EndpointSlice both become this: addresses and named ports of one service.
// An EndpointSlice is a single subset.
struct EndpointGroup {
  ObjectMeta meta;
  std::string kind;          // "Endpoints" or "EndpointSlice"
  std::string service_name;  // Endpoints: its own name; EndpointSlice: kubernetes.io/service-name
  std::string address_type = "IPv4";
  std::vector<EndpointSubset> subsets;
};

KubeService parse_kube_service(FieldReader& spec, ObjectMeta meta);
// Endpoints carry `subsets` at the top level, not under `spec`.
EndpointGroup parse_endpoints(FieldReader& document, ObjectMeta meta);
EndpointGroup parse_endpoint_slice(FieldReader& document, ObjectMeta meta);

}  // namespace gatesim::config
