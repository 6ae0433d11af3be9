#include "gateway/config/resource_validation.h"

#include <arpa/inet.h>

#include <set>

#include <re2/re2.h>

namespace gatesim::config {

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool is_cidr(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return is_ip_address(text);
  const std::string address = text.substr(0, slash);
  const std::string bits = text.substr(slash + 1);
  if (!is_ip_address(address) || bits.empty() || bits.size() > 3) return false;
  for (char c : bits) {
    if (c < '0' || c > '9') return false;
  }
  const int n = std::stoi(bits);
  return n <= (address.find(':') == std::string::npos ? 32 : 128);
}

std::optional<std::string> regex_error(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (re.ok()) return std::nullopt;
  return re.error();
}

std::optional<std::string> istio_duration_error(Duration duration) {
  if (duration < std::chrono::milliseconds(1)) return "must be at least 1ms";
  if (duration.count() % 1000000 != 0) return "only millisecond precision is supported";
  return std::nullopt;
}

void validate_export_to(const std::vector<std::string>& export_to, const ObjectMeta& meta, const std::string& label,
                        bool service_entry, Diagnostics& diagnostics) {
  const Origin at = meta.at("spec.exportTo");
  std::set<std::string> seen;
  for (const std::string& entry : export_to) {
    const std::string key = entry == "." ? meta.namespace_name : entry;
    if (!seen.insert(key).second) {
      diagnostics.add(Code::kInvalidValue, at, label,
                      key != entry ? "duplicate entries in exportTo: . and current namespace " + meta.namespace_name
                                   : "duplicate entries in exportTo for entry " + entry);
    } else if (entry != "*" && entry != "." && !(service_entry && entry == "~") && !is_dns1123_label(entry)) {
      diagnostics.add(Code::kInvalidValue, at, label, "invalid exportTo value \"" + entry + "\"");
    }
  }
  if (seen.count("*") != 0 && export_to.size() > 1) {
    diagnostics.add(Code::kInvalidValue, at, label, "cannot have both public (*) and non-public exportTo values for a resource");
  }
  if (seen.count("~") != 0 && export_to.size() > 1) {
    diagnostics.add(Code::kInvalidValue, at, label, "cannot export service entry to no one (~) and someone");
  }
}

void validate_resources(const ConfigSet& config, Diagnostics& diagnostics) {
  for (const auto& r : config.gateways) validate_gateway(r, diagnostics);
  for (const auto& r : config.virtual_services) validate_virtual_service(r, diagnostics);
  for (const auto& r : config.destination_rules) validate_destination_rule(r, diagnostics);
  for (const auto& r : config.service_entries) validate_service_entry(r, diagnostics);
  for (const auto& r : config.services) validate_kube_service(r, diagnostics);
  for (const auto& r : config.endpoint_groups) validate_endpoint_group(r, diagnostics);
  for (const auto& r : config.secrets) validate_tls_secret(r, diagnostics);
}

}  // namespace gatesim::config
