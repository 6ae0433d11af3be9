#include "gateway/config/resource_validation.h"

#include <arpa/inet.h>

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
