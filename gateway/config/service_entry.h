#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// networking.istio.io ServiceEntry (service_entry.proto).

struct ServicePort {
  std::uint32_t number = 0;
  std::string protocol;
  std::string name;
  std::optional<std::uint32_t> target_port;
  Origin origin;
};

struct WorkloadEndpoint {  // WorkloadEntry spec inlined in `endpoints`
  std::string address;
  std::map<std::string, std::uint32_t> ports;  // port name -> endpoint port
  std::map<std::string, std::string> labels;
  std::string network, locality, service_account;
  std::optional<std::uint32_t> weight;
  Origin origin;
};

struct ServiceEntry {
  enum class Location { kMeshExternal, kMeshInternal };
  enum class Resolution { kNone, kStatic, kDns, kDnsRoundRobin, kDynamicDns };
  ObjectMeta meta;
  std::vector<LocatedString> hosts;
  std::vector<LocatedString> addresses;
  std::vector<ServicePort> ports;
  Location location = Location::kMeshExternal;
  Resolution resolution = Resolution::kNone;
  std::vector<WorkloadEndpoint> endpoints;
  std::map<std::string, std::string> workload_selector;
  std::vector<std::string> export_to;
  std::vector<std::string> subject_alt_names;
};

ServiceEntry parse_service_entry(FieldReader& spec, ObjectMeta meta);

}  // namespace gatesim::config
