#include <set>

#include "gateway/config/certificate_check.h"
#include "gateway/config/host_name.h"
#include "gateway/config/protocol.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
void validate_service_entry(const ServiceEntry& se, Diagnostics& diagnostics) {
  const std::string label = resource_label("ServiceEntry", se.meta);
  auto child = [&](const Origin& o, const std::string& field) { return se.meta.at(o.path + "." + field); };
  auto report = [&](Code code, const Origin& origin, std::string message) {
    diagnostics.add(code, origin, label, std::move(message));
  };
  if (se.hosts.empty()) {
    report(Code::kServiceEntryNoHosts, se.meta.at("spec.hosts"),
           "a ServiceEntry must have at least one host");
  }
  for (const LocatedString& host : se.hosts) {
    if (auto error = wildcard_domain_error(host.value)) {
      report(Code::kInvalidHost, host.origin, "\"" + host.value + "\": " + *error);
    } else if (is_wildcard_host(host.value) && (se.resolution == ServiceEntry::Resolution::kDns ||
                                               se.resolution == ServiceEntry::Resolution::kDnsRoundRobin) &&
               se.endpoints.empty()) {
      report(Code::kInvalidResolution, host.origin,
             "a wildcard host cannot be resolved by DNS without endpoints");
    }
  }
  for (const LocatedString& address : se.addresses) {
    if (!is_cidr(address.value)) report(Code::kInvalidAddress, address.origin, "\"" + address.value + "\" is not an IP or CIDR");
  }
  std::set<std::string> names;
  std::set<std::uint32_t> numbers;
  for (const ServicePort& port : se.ports) {
    if (port.number < 1 || port.number > 65535) {
      report(Code::kInvalidServicePort, child(port.origin, "number"), std::to_string(port.number) + " is not a port number");
    }
    if (!numbers.insert(port.number).second) {
      report(Code::kDuplicateServicePort, child(port.origin, "number"), "port " + std::to_string(port.number) + " is listed twice");
    }
    if (port.name.empty()) {
      report(Code::kMissingField, child(port.origin, "name"), "ServiceEntry ports need a name");
    } else if (!names.insert(port.name).second) {
      report(Code::kDuplicateServicePort, child(port.origin, "name"), "port name \"" + port.name + "\" is used twice");
    }
    if (!port.protocol.empty() && parse_protocol(port.protocol) == Protocol::kUnsupported) {
      report(Code::kInvalidPortProtocol, child(port.origin, "protocol"), "unknown protocol \"" + port.protocol + "\"");
    }
  }
  if (se.resolution == ServiceEntry::Resolution::kStatic && se.endpoints.empty() && se.workload_selector.empty()) {
    report(Code::kInvalidResolution, se.meta.at("spec.endpoints"),
           "resolution STATIC needs endpoints or a workloadSelector");
  }
  if (!se.endpoints.empty() && !se.workload_selector.empty()) {
    report(Code::kInvalidResolution, se.meta.at("spec.workloadSelector"),
           "endpoints and workloadSelector are exclusive");
  }
  for (const WorkloadEndpoint& ep : se.endpoints) {
    const Origin at = child(ep.origin, "address");
    if (ep.address.empty()) {
      report(Code::kMissingField, at, "endpoint needs an address");
    } else if (se.resolution == ServiceEntry::Resolution::kStatic && !is_ip_address(ep.address) &&
               ep.address.rfind("unix://", 0) != 0) {
      report(Code::kInvalidAddress, at, "resolution STATIC needs IP addresses; \"" + ep.address + "\" is not one");
    } else if (!is_ip_address(ep.address) && ep.address.rfind("unix://", 0) != 0 && wildcard_domain_error(ep.address)) {
      report(Code::kInvalidAddress, at, "\"" + ep.address + "\" is neither an IP address nor a DNS name");
    }
    for (const auto& [name, number] : ep.ports) {
      if (names.count(name) == 0) {
        report(Code::kEndpointPortUnknown, child(ep.origin, "ports." + name),
               "port name \"" + name + "\" is not one of the ServiceEntry's ports");
      }
      if (number == 0) report(Code::kInvalidServicePort, child(ep.origin, "ports." + name), "port 0 is not a port");
    }
  }
}

void validate_kube_service(const KubeService& service, Diagnostics& diagnostics) {
  const std::string label = resource_label("Service", service.meta);
  auto child = [&](const Origin& o, const std::string& field) { return service.meta.at(o.path + "." + field); };
  std::set<std::string> names;
  std::set<std::pair<std::uint32_t, std::string>> numbers;
  for (const KubeServicePort& port : service.ports) {
    if (service.ports.size() > 1 && port.name.empty()) {
      diagnostics.add(Code::kMissingField, child(port.origin, "name"), label,
                      "ports of a multi-port Service must be named");
    }
    if (!port.name.empty() && !names.insert(port.name).second) {
      diagnostics.add(Code::kDuplicateServicePort, child(port.origin, "name"), label,
                      "port name \"" + port.name + "\" is used twice");
    }
    if (!numbers.insert({port.port, port.protocol}).second) {
      diagnostics.add(Code::kDuplicateServicePort, child(port.origin, "port"), label,
                      "port " + std::to_string(port.port) + "/" + port.protocol + " is listed twice");
    }
    if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") {
      diagnostics.add(Code::kInvalidValue, child(port.origin, "protocol"), label,
                      "protocol must be TCP, UDP or SCTP, not \"" + port.protocol + "\"");
      continue;
    }
    const ServicePortProtocol resolved =
        resolve_service_port_protocol(port.name, port.app_protocol, port.protocol, port.port);
    if (resolved.source == ServicePortProtocol::Source::kAppProtocol && !port.name.empty()) {
      const ServicePortProtocol by_name = resolve_service_port_protocol(port.name, std::nullopt, port.protocol, port.port);
      if (by_name.protocol != resolved.protocol) {
        diagnostics.add(Code::kAppProtocolOverridesName, child(port.origin, "appProtocol"), label,
                        "appProtocol \"" + *port.app_protocol + "\" (" + std::string(to_string(resolved.protocol)) +
                            ") takes precedence over port name \"" + port.name + "\" (" +
                            std::string(to_string(by_name.protocol)) + ")");
      }
    }
    if (resolved.protocol == Protocol::kUnsupported) {
      const std::string what = port.app_protocol ? "appProtocol \"" + *port.app_protocol + "\""
                               : port.name.empty() ? std::string("an unnamed port")
                                                   : "port name \"" + port.name + "\"";
      diagnostics.add(Code::kProtocolNotRecognised, child(port.origin, port.app_protocol ? "appProtocol" : "name"), label,
                      what + " declares no protocol Istio recognises (<protocol>[-<suffix>]); "
                             "the protocol will be detected from the first bytes");
    }
  }
}

void validate_endpoint_group(const EndpointGroup& group, Diagnostics& diagnostics) {
  const std::string label = resource_label(group.kind, group.meta);
  for (const EndpointSubset& subset : group.subsets) {
    for (const EndpointAddress& address : subset.addresses) {
      const bool fqdn = group.address_type == "FQDN";
      if (!fqdn && !is_ip_address(address.ip)) {
        diagnostics.add(Code::kInvalidAddress, address.origin, label, "\"" + address.ip + "\" is not an IP address");
      }
    }
  }
}

void validate_tls_secret(const TlsSecret& secret, Diagnostics& diagnostics) {
  const std::string label = resource_label("Secret", secret.meta);
  const Origin data = secret.meta.at("data");
  if (!secret.certificate_pem.empty() || !secret.private_key_pem.empty()) {
    if (secret.certificate_pem.empty() || secret.private_key_pem.empty()) {
      diagnostics.add(Code::kSecretMissingData, data, label, "a certificate needs both the certificate and its key");
    } else if (auto error = key_pair_error(secret.certificate_pem, secret.private_key_pem)) {
      diagnostics.add(Code::kInvalidCertificate, data, label, *error);
    }
  }
  if (!secret.ca_pem.empty()) {
    if (auto error = certificate_chain_error(secret.ca_pem)) {
      diagnostics.add(Code::kInvalidCertificate, data, label, "CA bundle: " + *error);
    }
  }
}

}  // namespace gatesim::config
