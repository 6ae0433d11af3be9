#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway.h"
#include "gateway/config/virtual_service.h"

namespace gatesim::config {

// How VirtualServices attach to Gateway servers (gateway.proto "hosts", VS "gateways",
// exportTo), shared by the analysis and the Snapshot compiler.

// "name" -> "<vs namespace>/name"; legacy "name.ns[.svc.cluster.local]" -> "ns/name";
// "ns/name" and "mesh" unchanged.
std::string qualify_gateway_reference(const std::string& reference, const std::string& namespace_name);

// The VS's top-level gateways, qualified; an empty list means {"mesh"}.
std::vector<std::string> bound_gateways(const VirtualService& vs);

// Every gateway the VS names anywhere (top level and in match blocks), qualified.
std::vector<std::string> referenced_gateways(const VirtualService& vs);

// exportTo semantics: empty or "*" = everywhere, "." = own namespace, else the listed ones.
bool is_exported_to(const std::vector<std::string>& export_to, const std::string& owner_namespace,
                    const std::string& viewer_namespace);

// The virtual-host domains a VS contributes to a server: each pair of overlapping server
// host (whose namespace part admits the VS's namespace) and VS host gives the more
// specific of the two. Lowercased, deduplicated, in server-host then VS-host order.
std::vector<std::string> server_domains_for(const Server& server, const std::string& gateway_namespace,
                                            const VirtualService& vs);

// The same for one VirtualService host (nullopt when no server host admits it).
std::optional<std::string> server_domain_for(const Server& server, const std::string& gateway_namespace,
                                             const std::string& vs_namespace, const std::string& vs_host);

// Server host without its "ns/" part, lowercased.
std::string server_host_name(const std::string& host);

}  // namespace gatesim::config
