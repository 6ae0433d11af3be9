#include "gateway/config/snapshot.h"

#include <algorithm>

#include "gateway/config/host_name.h"

namespace gatesim::config {
namespace {

std::string strip_port(const std::string& authority) {
  if (!authority.empty() && authority[0] == '[') {  // [v6]:port
    const std::size_t close = authority.find(']');
    return close == std::string::npos ? authority : authority.substr(0, close + 1);
  }
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(':') == colon) return authority.substr(0, colon);
  return authority;
}

// Index into `names` of the best match for `name`: exact, then the longest "*.suffix"
// that covers it (a wildcard never matches the empty label), then "*". -1 when none.
template <class Names>
int best_name_match(const std::vector<Names>& owners, const std::string& name,
                    const std::vector<std::string>& (*names_of)(const Names&)) {
  int wildcard_owner = -1;
  std::size_t wildcard_length = 0;
  int any_owner = -1;
  for (std::size_t i = 0; i < owners.size(); ++i) {
    for (const std::string& candidate : names_of(owners[i])) {
      if (candidate == name) return static_cast<int>(i);
      if (candidate == "*") {
        if (any_owner < 0) any_owner = static_cast<int>(i);
      } else if (is_wildcard_host(candidate)) {
        const std::string suffix = candidate.substr(1);  // ".example.com"
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            suffix.size() > wildcard_length) {
          wildcard_owner = static_cast<int>(i);
          wildcard_length = suffix.size();
        }
      }
    }
  }
  return wildcard_owner >= 0 ? wildcard_owner : any_owner;
}

const std::vector<std::string>& domains_of(const VirtualHost& vh) { return vh.domains; }

}  // namespace

std::string_view to_string(FilterChain::Kind kind) {
  switch (kind) {
    case FilterChain::Kind::kHttp: return "http";
    case FilterChain::Kind::kTcp: return "tcp";
    case FilterChain::Kind::kHttps: return "https";
    case FilterChain::Kind::kTlsTerminatedTcp: return "tls-terminated-tcp";
    case FilterChain::Kind::kPassthrough: return "passthrough";
    case FilterChain::Kind::kAutoPassthrough: return "auto-passthrough";
  }
  return "http";
}

const VirtualHost* RouteTable::select_virtual_host(const std::string& authority) const {
  const int i = best_name_match(virtual_hosts, to_lower(strip_port(authority)), &domains_of);
  return i < 0 ? nullptr : &virtual_hosts[static_cast<std::size_t>(i)];
}

const FilterChain* Listener::select_chain(const std::string& sni) const {
  const std::string name = to_lower(sni);
  if (!name.empty()) {
    // Names only, so a "*" server (no server_names) is the fallback below, never a name match.
    int wildcard = -1;
    std::size_t wildcard_length = 0;
    for (std::size_t i = 0; i < chains.size(); ++i) {
      for (const std::string& candidate : chains[i].server_names) {
        if (candidate == name) return &chains[i];
        if (!is_wildcard_host(candidate)) continue;
        const std::string suffix = candidate.substr(1);
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            suffix.size() > wildcard_length) {
          wildcard = static_cast<int>(i);
          wildcard_length = suffix.size();
        }
      }
    }
    if (wildcard >= 0) return &chains[static_cast<std::size_t>(wildcard)];
  }
  for (const FilterChain& chain : chains) {
    if (chain.server_names.empty()) return &chain;
  }
  return nullptr;
}

const Listener* Snapshot::find_listener(std::uint32_t port, const std::string& bind) const {
  for (const Listener& l : listeners) {
    if (l.port == port && l.bind == bind) return &l;
  }
  return nullptr;
}

const RouteTable* Snapshot::find_route_table(const std::string& name) const {
  for (const RouteTable& t : route_tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Cluster* Snapshot::find_cluster(const std::string& name) const {
  auto it = std::lower_bound(clusters.begin(), clusters.end(), name,
                             [](const Cluster& c, const std::string& n) { return c.name < n; });
  return it != clusters.end() && it->name == name ? &*it : nullptr;
}

std::string cluster_name(std::uint32_t port, const std::string& subset, const std::string& host) {
  return "outbound|" + std::to_string(port) + "|" + subset + "|" + host;
}

}  // namespace gatesim::config
