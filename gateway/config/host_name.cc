#include "gateway/config/host_name.h"

#include <cctype>

namespace gatesim::config {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  for (std::size_t i = 0; i < label.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(label[i]);
    const bool ok = std::isalnum(c) != 0 || (c == '-' && i > 0 && i + 1 < label.size());
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_wildcard_host(std::string_view host) { return !host.empty() && host[0] == '*'; }

bool hosts_match(std::string_view a, std::string_view b) {
  const bool wa = is_wildcard_host(a), wb = is_wildcard_host(b);
  if (wa && wb) {
    return a.size() < b.size() ? ends_with(b.substr(1), a.substr(1)) : ends_with(a.substr(1), b.substr(1));
  }
  if (wa) return ends_with(b, a.substr(1));
  if (wb) return ends_with(a, b.substr(1));
  return a == b;
}

bool host_subset_of(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (!is_wildcard_host(b)) return false;
  if (is_wildcard_host(a)) return a.size() >= b.size() && ends_with(a.substr(1), b.substr(1));
  return ends_with(a, b.substr(1));
}

std::optional<std::string> intersect_hosts(std::string_view a, std::string_view b) {
  if (!hosts_match(a, b)) return std::nullopt;
  return std::string(host_subset_of(a, b) ? a : b);
}

bool more_specific_host(std::string_view a, std::string_view b) {
  const bool wa = is_wildcard_host(a), wb = is_wildcard_host(b);
  if (wa != wb) return !wa;
  if (wa && a.size() != b.size()) return a.size() > b.size();
  return a < b;  // a total order, so sorting is deterministic
}

std::optional<std::string> wildcard_domain_error(std::string_view host) {
  if (host.empty()) return "host must not be empty";
  if (host.size() > 255) return "host is longer than 255 characters";
  std::string_view rest = host;
  if (host[0] == '*') {
    if (host.size() == 1) return std::nullopt;
    if (host[1] != '.') return "a wildcard is allowed only as a whole leftmost label (\"*\" or \"*.example.com\")";
    rest = host.substr(2);
  }
  if (rest.find('*') != std::string_view::npos) return "a wildcard is allowed only as the leftmost label";
  if (rest.empty()) return "nothing follows the wildcard";
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = rest.find('.', start);
    const std::string_view label = rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_label(label)) {
      return "\"" + std::string(label) + "\" is not a valid DNS label (letters, digits and inner '-', at most 63)";
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

NamespacedHost split_namespaced_host(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return {"*", std::string(text)};
  return {std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

std::string resolve_short_name(std::string_view host, std::string_view namespace_name) {
  if (host.find('.') != std::string_view::npos || is_wildcard_host(host) || host.empty()) return std::string(host);
  return std::string(host) + "." + std::string(namespace_name) + ".svc.cluster.local";
}

}  // namespace gatesim::config
