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

// agent.ValidateWildcardDomain: a wildcard may lead the first label ("*", "*foo", "*-foo");
// the remaining labels are RFC 1123 labels, the top-level one not all digits; a trailing dot
// is allowed.
std::optional<std::string> wildcard_domain_error(std::string_view host) {
  if (host.empty()) return "empty domain name not allowed";
  if (host.size() > 255) return "domain name too long (max 255)";
  const std::size_t dot = host.find('.');
  std::string_view first = host.substr(0, dot);
  if (first != "*") {
    if (!first.empty() && first[0] == '*') first.remove_prefix(first.size() > 1 && first[1] == '-' ? 2 : 1);
    if (first.size() > 63 || !is_label(first)) {
      return "label \"" + std::string(host.substr(0, dot)) + "\" invalid (a wildcard may only lead the first label)";
    }
  }
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view rest = host.substr(dot + 1);
  const std::size_t last_dot = rest.rfind('.');
  const std::string_view top = last_dot == std::string_view::npos ? rest : rest.substr(last_dot + 1);
  if (!top.empty() && top.find_first_not_of("0123456789") == std::string_view::npos) {
    return "top level domain \"" + std::string(top) + "\" cannot be all-numeric";
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t next = rest.find('.', start);
    const std::string_view label = rest.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
    const bool last = next == std::string_view::npos;
    if (last && label.empty()) return std::nullopt;  // a trailing dot: "istio.io."
    if (!is_label(label)) return "label \"" + std::string(label) + "\" invalid (letters, digits and inner '-', at most 63)";
    if (last) return std::nullopt;
    start = next + 1;
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
