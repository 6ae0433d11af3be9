#include "gateway/config/service_entry.h"

namespace gatesim::config {

ServiceEntry parse_service_entry(FieldReader& spec, ObjectMeta meta) {
  using Location = ServiceEntry::Location;
  using Resolution = ServiceEntry::Resolution;
  ServiceEntry se;
  se.meta = std::move(meta);
  se.hosts = spec.strings("hosts", true);
  se.addresses = spec.strings("addresses");
  spec.objects("ports", [&](FieldReader& p, std::size_t) {
    ServicePort port;
    port.origin = p.origin();
    port.number = static_cast<std::uint32_t>(p.integer("number", 0, 4294967295LL, true).value_or(0));
    port.protocol = p.string("protocol").value_or("");
    port.name = p.string("name").value_or("");
    if (auto target = p.integer("targetPort", 0, 4294967295LL)) port.target_port = static_cast<std::uint32_t>(*target);
    se.ports.push_back(std::move(port));
  });
  se.location = spec.enumeration("location", std::vector<std::pair<std::string_view, Location>>{
                                                 {"MESH_EXTERNAL", Location::kMeshExternal},
                                                 {"MESH_INTERNAL", Location::kMeshInternal}})
                    .value_or(Location::kMeshExternal);
  se.resolution = spec.enumeration("resolution", std::vector<std::pair<std::string_view, Resolution>>{
                                                     {"NONE", Resolution::kNone},
                                                     {"STATIC", Resolution::kStatic},
                                                     {"DNS", Resolution::kDns},
                                                     {"DNS_ROUND_ROBIN", Resolution::kDnsRoundRobin},
                                                     {"DYNAMIC_DNS", Resolution::kDynamicDns}})
                      .value_or(Resolution::kNone);
  spec.objects("endpoints", [&](FieldReader& e, std::size_t) {
    WorkloadEndpoint ep;
    ep.origin = e.origin();
    ep.address = e.string("address").value_or("");
    if (auto ports = e.object("ports")) {
      for (const auto& [name, value] : ports->integers_by_key(0, 65535)) ep.ports[name] = value;
      ports->finish();
    }
    ep.labels = e.string_map("labels");
    ep.network = e.string("network").value_or("");
    ep.locality = e.string("locality").value_or("");
    ep.service_account = e.string("serviceAccount").value_or("");
    if (auto w = e.integer("weight", 0, 4294967295LL)) ep.weight = static_cast<std::uint32_t>(*w);
    se.endpoints.push_back(std::move(ep));
  });
  if (auto ws = spec.object("workloadSelector")) {
    se.workload_selector = ws->string_map("labels");
    ws->finish();
  }
  for (auto& s : spec.strings("exportTo")) se.export_to.push_back(s.value);
  for (auto& s : spec.strings("subjectAltNames")) se.subject_alt_names.push_back(s.value);
  return se;
}

}  // namespace gatesim::config
