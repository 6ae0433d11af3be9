#pragma once

#include "gateway/config/config_set.h"
#include "gateway/config/diagnostic.h"

namespace gatesim::config {

// Per-resource rules in the manner of Istio's validating webhook (pkg/config/validation):
// each resource is judged on its own. Cross-resource checks live in reference_analysis.h.
void validate_gateway(const Gateway& gateway, Diagnostics& diagnostics);
void validate_virtual_service(const VirtualService& vs, Diagnostics& diagnostics);
void validate_destination_rule(const DestinationRule& dr, Diagnostics& diagnostics);
void validate_service_entry(const ServiceEntry& se, Diagnostics& diagnostics);
void validate_kube_service(const KubeService& service, Diagnostics& diagnostics);
void validate_endpoint_group(const EndpointGroup& group, Diagnostics& diagnostics);
void validate_tls_secret(const TlsSecret& secret, Diagnostics& diagnostics);

void validate_resources(const ConfigSet& config, Diagnostics& diagnostics);

// Shared by several validators.
bool is_ip_address(const std::string& text);
bool is_cidr(const std::string& text);
std::optional<std::string> regex_error(const std::string& pattern);  // RE2 syntax
// validateExportTo: no duplicates ("." counts as the own namespace), "*" alone, "~" (no one)
// only on ServiceEntries and alone, every other entry a namespace name.
void validate_export_to(const std::vector<std::string>& export_to, const ObjectMeta& meta, const std::string& label,
                        bool service_entry, Diagnostics& diagnostics);
// Istio's durations must be >= 1ms and whole milliseconds.
std::optional<std::string> istio_duration_error(Duration duration);

}  // namespace gatesim::config
