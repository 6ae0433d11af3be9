#include "gateway/route/route_decision.h"

#include <algorithm>
#include <optional>

#include "gateway/route/request_match.h"
#include "gateway/route/request_rewrite.h"

namespace gatesim::route {
namespace {

RouteDecision local(int status, std::string flags, std::string details, std::string body = "") {
  RouteDecision d;
  d.status = status;
  d.flags = std::move(flags);
  d.details = std::move(details);
  d.body = std::move(body);
  return d;
}

// "host:port" -> "host"; bracketed IPv6 literals are left whole.
std::string without_port(std::string host) {
  const std::size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']') == std::string::npos) host.erase(colon);
  return host;
}

std::uint32_t default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

// The port the request was sent to: the authority's, else the listener's.
std::uint32_t request_port(const std::string& authority, std::uint32_t listener_port) {
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos || authority.find(']') != std::string::npos) return listener_port;
  const std::string digits = authority.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return listener_port;
  }
  return static_cast<std::uint32_t>(std::stoul(digits));
}

// Envoy's redirect as Istio configures it (istio-semantics.md 4.3): scheme, authority, port
// (or derivePort), `uri` replacing the path (a query in it replaces the request's, otherwise
// the request's query stays); default ports are omitted; a scheme change without a port
// drops the original scheme's default port.
std::string redirect_location(const config::HttpRedirect& r, const http::RequestHead& request,
                              std::uint32_t listener_port, const config::HttpMatchRequest* matched) {
  using Derive = config::HttpRedirect::DerivePort;
  const std::string scheme = r.scheme.empty() ? request.scheme : r.scheme;
  std::string host = r.authority.empty() ? request.authority : r.authority;
  std::optional<std::uint32_t> port = r.port;
  if (!port && r.derive_port == Derive::kFromProtocolDefault) port = default_port(scheme);
  if (!port && r.derive_port == Derive::kFromRequestPort) port = request_port(request.authority, listener_port);
  if (port) {
    host = without_port(host);
    if (*port != default_port(scheme)) host += ":" + std::to_string(*port);
  } else if (scheme != request.scheme && without_port(host) != host &&
             request_port(host, 0) == default_port(request.scheme)) {
    host = without_port(host);
  }
  std::string path = request.path;
  if (!r.prefix_rewrite.empty()) {
    const std::size_t query = path.find('?');
    path = replace_matched_prefix(path.substr(0, query), r.prefix_rewrite, matched) +
           (query == std::string::npos ? "" : path.substr(query));
  }
  if (!r.uri.empty()) {
    const std::size_t query = path.find('?');
    const bool own_query = r.uri.find('?') != std::string::npos;
    path = r.uri + (own_query || query == std::string::npos ? "" : path.substr(query));
  }
  return scheme + "://" + host + path;
}

// lowercase(:authority) without its port, as SNI would have carried it.
std::string host_of(const std::string& authority) {
  std::string host = without_port(authority);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace

const config::RouteTarget* pick_target(const std::vector<config::RouteTarget>& targets, io::Rng& rng) {
  if (targets.size() <= 1) return targets.empty() ? nullptr : &targets.front();
  std::uint64_t total = 0;
  for (const config::RouteTarget& t : targets) total += t.weight;
  if (total == 0) return &targets.front();  // validation rejects this; never divide by it
  std::uint64_t draw = rng.below(total);
  for (const config::RouteTarget& t : targets) {
    if (draw < t.weight) return &t;
    draw -= t.weight;
  }
  return &targets.back();
}

RouteDecision decide_route(const config::Snapshot& snapshot, const config::Listener& listener,
                           const config::FilterChain& chain, const http::RequestHead& request, io::Rng& rng) {
  if (chain.strict_authority && chain.kind == config::FilterChain::Kind::kHttps) {
    const config::FilterChain* best = listener.select_chain(host_of(request.authority));
    if (best != nullptr && best != &chain && best->kind == config::FilterChain::Kind::kHttps) {
      return local(421, "-", "misdirected_request", "misdirected request");
    }
  }
  const config::RouteTable* table = snapshot.find_route_table(chain.route_table);
  const config::VirtualHost* vhost = table ? table->select_virtual_host(request.authority) : nullptr;
  if (vhost == nullptr) return local(404, "NR", "route_not_found");
  if (vhost->require_tls && request.scheme != "https") {
    // Envoy's require_tls: 301 to https with the Host header verbatim.
    RouteDecision d = local(301, "-", "via_require_tls");
    d.headers.push_back({"location", "https://" + request.authority + request.path});
    d.virtual_host = vhost;
    return d;
  }
  const auto matching = std::find_if(vhost->routes.begin(), vhost->routes.end(),
                                     [&](const config::CompiledRoute& r) { return any_matches(r.matches, request); });
  if (matching == vhost->routes.end()) return local(404, "NR", "route_not_found");
  const config::CompiledRoute& route = *matching;
  RouteDecision d;
  d.virtual_host = vhost;
  d.route = &route;
  d.matched = first_matching(route.matches, request);
  if (route.direct_response) {
    d.status = static_cast<int>(route.direct_response->status);
    d.body = route.direct_response->body.value_or("");
    d.details = "direct_response";
    return d;
  }
  if (route.redirect) {
    d.status = static_cast<int>(route.redirect->redirect_code);
    d.headers.push_back({"location", redirect_location(*route.redirect, request, listener.port, d.matched)});
    d.details = "via_redirect";
    return d;
  }
  if (route.targets.empty()) return local(404, "NR", "route_not_found");
  d.action = RouteDecision::Action::kForward;
  d.target = pick_target(route.targets, rng);
  return d;
}

std::string route_name(const RouteDecision& decision) {
  if (decision.route == nullptr) return "";
  std::string name = decision.route->name;
  if (decision.matched != nullptr && !decision.matched->name.empty()) name += "." + decision.matched->name;
  return name;
}

}  // namespace gatesim::route
