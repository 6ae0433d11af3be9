#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatesim::config {

// Istio host names (pkg/config/host/name.go): an exact DNS name, `*.suffix`, or `*`.

bool is_wildcard_host(std::string_view host);

// True when the two names overlap: equal, or one wildcard covers the other
// ("*.foo.com" matches "a.b.foo.com" but not "foo.com"; "*" matches everything).
bool hosts_match(std::string_view a, std::string_view b);

// True when every name `a` covers is covered by `b`.
bool host_subset_of(std::string_view a, std::string_view b);

// The more specific of two overlapping names; nullopt when they do not overlap.
// This is how a server host and a VirtualService host combine into a virtual-host domain.
std::optional<std::string> intersect_hosts(std::string_view a, std::string_view b);

// Ordering for SNI and :authority selection: exact names first, then wildcards with the
// longest suffix, `*` last. Returns true when `a` should be tried before `b`.
bool more_specific_host(std::string_view a, std::string_view b);

// Istio's ValidateWildcardDomain: nullopt when valid, else the reason.
std::optional<std::string> wildcard_domain_error(std::string_view host);

// Gateway server hosts: `[namespace/]dnsName`. Splits into the two parts ("*" when absent).
struct NamespacedHost {
  std::string namespace_name;  // "*", "." (the gateway's namespace) or a namespace
  std::string host;
};
NamespacedHost split_namespaced_host(std::string_view text);

// A short name ("reviews") means a Service in the referring resource's namespace.
std::string resolve_short_name(std::string_view host, std::string_view namespace_name);

std::string to_lower(std::string_view s);

}  // namespace gatesim::config
