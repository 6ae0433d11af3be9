#include <set>

#include "gateway/config/certificate_check.h"
#include "gateway/config/host_name.h"
#include "gateway/config/protocol.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
// validation.go ValidateServiceEntry.
void validate_service_entry(const ServiceEntry& se, Diagnostics& diagnostics) {
  using Resolution = ServiceEntry::Resolution;
  const std::string label = resource_label("ServiceEntry", se.meta);
  auto child = [&](const Origin& o, const std::string& field) { return se.meta.at(o.path + "." + field); };
  auto report = [&](Code code, const Origin& origin, std::string message) {
    diagnostics.add(code, origin, label, std::move(message));
  };
  const bool dns = se.resolution == Resolution::kDns || se.resolution == Resolution::kDnsRoundRobin;
  validate_export_to(se.export_to, se.meta, label, true, diagnostics);
  if (se.hosts.empty()) report(Code::kServiceEntryNoHosts, se.meta.at("spec.hosts"), "service entry must have at least one host");
  for (const LocatedString& host : se.hosts) {
    if (host.value == "*") {
      report(Code::kInvalidHost, host.origin, "invalid host *");
    } else if (auto error = wildcard_domain_error(host.value)) {
      report(Code::kInvalidHost, host.origin, "\"" + host.value + "\": " + *error);
    } else if (is_wildcard_host(host.value) && host.value.rfind("*.", 0) != 0) {
      report(Code::kPartialWildcard, host.origin, "partial wildcard \"" + host.value + "\" not allowed");
    } else if (is_wildcard_host(host.value) && dns && se.endpoints.empty()) {
      report(Code::kInvalidResolution, host.origin, "a wildcard host cannot be resolved by DNS without endpoints");
    }
  }
  for (const LocatedString& address : se.addresses) {
    if (!is_cidr(address.value)) {
      report(Code::kInvalidAddress, address.origin, "\"" + address.value + "\" is not an IP or CIDR");
    } else if (address.value.find('/') != std::string::npos && se.resolution != Resolution::kNone &&
               se.resolution != Resolution::kStatic) {
      report(Code::kInvalidResolution, address.origin, "CIDR addresses are allowed only for NONE/STATIC resolution types");
    }
  }
  std::set<std::string> names;
  std::set<std::uint32_t> numbers;
  bool plain_port = false;
  for (const ServicePort& port : se.ports) {
    if (port.number < 1 || port.number > 65535) {
      report(Code::kInvalidServicePort, child(port.origin, "number"), "port number " + std::to_string(port.number) + " must be in the range 1..65535");
    }
    if (port.target_port && (*port.target_port < 1 || *port.target_port > 65535)) {
      report(Code::kInvalidServicePort, child(port.origin, "targetPort"), "targetPort " + std::to_string(*port.target_port) + " must be in the range 1..65535");
    }
    if (!numbers.insert(port.number).second) {
      report(Code::kDuplicateServicePort, child(port.origin, "number"), "service entry port " + std::to_string(port.number) + " already defined");
    }
    if (port.name.empty()) {
      report(Code::kMissingField, child(port.origin, "name"), "ServiceEntry ports need a name");
    } else if (!is_dns1123_label(to_lower(port.name))) {
      report(Code::kInvalidServicePort, child(port.origin, "name"), "invalid port name: " + port.name);
    } else if (!names.insert(port.name).second) {
      report(Code::kDuplicateServicePort, child(port.origin, "name"), "service entry port name \"" + port.name + "\" already defined");
    }
    const Protocol protocol = parse_protocol(port.protocol);
    if (!port.protocol.empty() && protocol == Protocol::kUnsupported) {
      report(Code::kInvalidPortProtocol, child(port.origin, "protocol"), "unknown protocol \"" + port.protocol + "\"");
    }
    plain_port = plain_port || !(is_http(protocol) || is_tls(protocol));
  }
  if (se.resolution != Resolution::kNone && se.hosts.size() > 1 && plain_port) {
    report(Code::kMultipleHostsPlainPort, se.meta.at("spec.hosts"), "multiple hosts provided with non-HTTP, non-TLS ports");
  }
  if (se.resolution == Resolution::kNone && !se.endpoints.empty()) {
    report(Code::kInvalidResolution, se.meta.at("spec.endpoints"), "no endpoints should be provided for resolution type none");
  }
  if (se.resolution == Resolution::kDnsRoundRobin && se.endpoints.size() > 1) {
    report(Code::kInvalidResolution, se.meta.at("spec.endpoints"),
           "there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN");
  }
  if (!se.endpoints.empty() && !se.workload_selector.empty()) {
    report(Code::kInvalidResolution, se.meta.at("spec.workloadSelector"),
           "only one of WorkloadSelector or Endpoints is allowed in Service Entry");
  }
  for (const WorkloadEndpoint& ep : se.endpoints) {
    const Origin at = child(ep.origin, "address");
    const bool unix_socket = ep.address.rfind("unix://", 0) == 0;
    if (ep.address.empty()) {
      if (se.resolution != Resolution::kStatic || ep.network.empty()) report(Code::kMissingField, at, "endpoint needs an address");
    } else if (se.resolution == Resolution::kStatic && !is_ip_address(ep.address) && !unix_socket) {
      report(Code::kInvalidAddress, at, "resolution STATIC needs IP addresses; \"" + ep.address + "\" is not one");
    } else if (dns && unix_socket) {
      report(Code::kInvalidAddress, at, "DNS resolution cannot use unix domain socket endpoints");
    } else if (!is_ip_address(ep.address) && !unix_socket && wildcard_domain_error(ep.address)) {
      report(Code::kInvalidAddress, at, "\"" + ep.address + "\" is neither an IP address nor a DNS name");
    }
    if (unix_socket && !ep.ports.empty()) report(Code::kInvalidAddress, at, "unix endpoint " + ep.address + " must not include ports");
    for (const auto& [name, number] : ep.ports) {
      if (names.count(name) == 0) {
        report(Code::kEndpointPortUnknown, child(ep.origin, "ports." + name), "endpoint port " + name + " is not defined by the service entry");
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
