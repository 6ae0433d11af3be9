#include "gateway/config/gateway_binding.h"

#include <algorithm>

#include "gateway/config/host_name.h"

namespace gatesim::config {

std::string qualify_gateway_reference(const std::string& reference, const std::string& namespace_name) {
  if (reference == "mesh" || reference.find('/') != std::string::npos) return reference;
  // Legacy FQDN form "name.namespace[.svc.cluster.local]".
  const std::size_t dot = reference.find('.');
  if (dot != std::string::npos) {
    const std::size_t end = reference.find('.', dot + 1);
    return reference.substr(dot + 1, end == std::string::npos ? std::string::npos : end - dot - 1) + "/" +
           reference.substr(0, dot);
  }
  return namespace_name + "/" + reference;
}

std::vector<std::string> bound_gateways(const VirtualService& vs) {
  std::vector<std::string> out;
  for (const LocatedString& g : vs.gateways) out.push_back(qualify_gateway_reference(g.value, vs.meta.namespace_name));
  if (out.empty()) out.push_back("mesh");
  return out;
}

std::vector<std::string> referenced_gateways(const VirtualService& vs) {
  std::vector<std::string> out = bound_gateways(vs);
  auto add = [&](const std::vector<LocatedString>& refs) {
    for (const LocatedString& g : refs) {
      const std::string q = qualify_gateway_reference(g.value, vs.meta.namespace_name);
      if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
    }
  };
  for (const HttpRoute& r : vs.http) {
    for (const HttpMatchRequest& m : r.match) add(m.gateways);
  }
  for (const auto* rules : {&vs.tcp, &vs.tls}) {
    for (const L4Route& r : *rules) {
      for (const L4MatchAttributes& m : r.match) add(m.gateways);
    }
  }
  return out;
}

bool is_exported_to(const std::vector<std::string>& export_to, const std::string& owner_namespace,
                    const std::string& viewer_namespace) {
  if (export_to.empty()) return true;
  for (const std::string& e : export_to) {
    if (e == "*" || e == viewer_namespace || (e == "." && owner_namespace == viewer_namespace)) return true;
  }
  return false;
}

std::string server_host_name(const std::string& host) { return to_lower(split_namespaced_host(host).host); }

namespace {

bool admits(const NamespacedHost& server_host, const std::string& gateway_namespace, const std::string& vs_namespace) {
  return server_host.namespace_name == "*" || server_host.namespace_name == vs_namespace ||
         (server_host.namespace_name == "." && gateway_namespace == vs_namespace);
}

}  // namespace

std::optional<std::string> server_domain_for(const Server& server, const std::string& gateway_namespace,
                                             const std::string& vs_namespace, const std::string& vs_host) {
  for (const LocatedString& server_host : server.hosts) {
    const NamespacedHost parts = split_namespaced_host(server_host.value);
    if (!admits(parts, gateway_namespace, vs_namespace)) continue;
    if (auto domain = intersect_hosts(to_lower(parts.host), to_lower(vs_host))) return domain;
  }
  return std::nullopt;
}

std::vector<std::string> server_domains_for(const Server& server, const std::string& gateway_namespace,
                                            const VirtualService& vs) {
  std::vector<std::string> out;
  for (const LocatedString& server_host : server.hosts) {
    const NamespacedHost parts = split_namespaced_host(server_host.value);
    if (!admits(parts, gateway_namespace, vs.meta.namespace_name)) continue;
    for (const LocatedString& vs_host : vs.hosts) {
      auto domain = intersect_hosts(to_lower(parts.host), to_lower(vs_host.value));
      if (domain && std::find(out.begin(), out.end(), *domain) == out.end()) out.push_back(*domain);
    }
  }
  return out;
}

}  // namespace gatesim::config
