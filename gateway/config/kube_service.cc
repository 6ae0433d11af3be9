#include "gateway/config/kube_service.h"

namespace gatesim::config {
namespace {

constexpr std::int64_t kPortMax = 65535;

EndpointPort parse_endpoint_port(FieldReader& p) {
  EndpointPort port;
  port.origin = p.origin();
  port.name = p.string("name").value_or("");
  port.port = static_cast<std::uint32_t>(p.integer("port", 1, kPortMax, true).value_or(0));
  port.protocol = p.string("protocol").value_or("TCP");
  port.app_protocol = p.string("appProtocol");
  return port;
}

EndpointAddress parse_endpoints_address(FieldReader& a, bool ready) {
  EndpointAddress address;
  address.origin = a.origin();
  address.ip = a.string("ip", true).value_or("");
  address.hostname = a.string("hostname").value_or("");
  address.node_name = a.string("nodeName").value_or("");
  address.ready = ready;
  a.take("targetRef");
  return address;
}

}  // namespace

KubeService parse_kube_service(FieldReader& spec, ObjectMeta meta) {
  KubeService svc;
  svc.meta = std::move(meta);
  svc.type = spec.string("type").value_or("ClusterIP");
  svc.selector = spec.string_map("selector");
  svc.cluster_ip = spec.string("clusterIP").value_or("");
  svc.external_name = spec.string("externalName").value_or("");
  spec.objects("ports", [&](FieldReader& p, std::size_t) {
    KubeServicePort port;
    port.origin = p.origin();
    port.name = p.string("name").value_or("");
    port.protocol = p.string("protocol").value_or("TCP");
    port.app_protocol = p.string("appProtocol");
    port.port = static_cast<std::uint32_t>(p.integer("port", 1, kPortMax, true).value_or(0));
    const YAML::Node target = p.take("targetPort");
    if (target && target.IsScalar()) {
      port.target_port = target.Scalar();
    } else if (target && !target.IsNull()) {
      p.context().report(Code::kWrongType, p.origin("targetPort"), "expected a port number or name");
    }
    p.integer("nodePort", 0, kPortMax);
    svc.ports.push_back(std::move(port));
  });
  // Fields that do not change what the gateway sees; read so they are not reported as unknown.
  for (const char* inert : {"clusterIPs", "sessionAffinity", "sessionAffinityConfig", "ipFamilies",
                            "ipFamilyPolicy", "internalTrafficPolicy", "externalTrafficPolicy",
                            "loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass",
                            "publishNotReadyAddresses", "externalIPs", "healthCheckNodePort",
                            "allocateLoadBalancerNodePorts", "trafficDistribution"}) {
    spec.take(inert);
  }
  return svc;
}

EndpointGroup parse_endpoints(FieldReader& document, ObjectMeta meta) {
  EndpointGroup group;
  group.meta = std::move(meta);
  group.kind = "Endpoints";
  group.service_name = group.meta.name;
  document.objects("subsets", [&](FieldReader& s, std::size_t) {
    EndpointSubset subset;
    subset.origin = s.origin();
    s.objects("addresses", [&](FieldReader& a, std::size_t) {
      subset.addresses.push_back(parse_endpoints_address(a, true));
    });
    s.objects("notReadyAddresses", [&](FieldReader& a, std::size_t) {
      subset.addresses.push_back(parse_endpoints_address(a, false));
    });
    s.objects("ports", [&](FieldReader& p, std::size_t) { subset.ports.push_back(parse_endpoint_port(p)); });
    group.subsets.push_back(std::move(subset));
  });
  return group;
}

EndpointGroup parse_endpoint_slice(FieldReader& document, ObjectMeta meta) {
  EndpointGroup group;
  group.meta = std::move(meta);
  group.kind = "EndpointSlice";
  auto it = group.meta.labels.find("kubernetes.io/service-name");
  if (it != group.meta.labels.end()) {
    group.service_name = it->second;
  } else {
    document.context().report(Code::kMissingField, document.origin("metadata"),
                              "EndpointSlice has no kubernetes.io/service-name label; it belongs to no Service");
  }
  group.address_type = document.string("addressType", true).value_or("IPv4");
  EndpointSubset subset;
  subset.origin = document.origin();
  document.objects("endpoints", [&](FieldReader& e, std::size_t) {
    bool ready = true;
    if (auto conditions = e.object("conditions")) {
      // Kubernetes: a nil `ready` is interpreted as ready.
      ready = conditions->boolean("ready").value_or(true);
      conditions->boolean("serving");
      conditions->boolean("terminating");
      conditions->finish();
    }
    const std::string hostname = e.string("hostname").value_or("");
    const std::string node = e.string("nodeName").value_or("");
    const std::string zone = e.string("zone").value_or("");
    e.take("targetRef");
    e.take("hints");
    e.take("deprecatedTopology");
    for (const LocatedString& address : e.strings("addresses", true)) {
      subset.addresses.push_back(EndpointAddress{address.value, hostname, node, zone, ready, address.origin});
    }
  });
  document.objects("ports", [&](FieldReader& p, std::size_t) { subset.ports.push_back(parse_endpoint_port(p)); });
  group.subsets.push_back(std::move(subset));
  return group;
}

}  // namespace gatesim::config
