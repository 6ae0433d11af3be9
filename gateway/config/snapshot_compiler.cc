#include "gateway/config/snapshot_compiler.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

#include "gateway/config/certificate_check.h"
#include "gateway/config/gateway_binding.h"
#include "gateway/config/host_name.h"
#include "gateway/config/service_registry.h"

namespace gatesim::config {
namespace {

// Istio orders configuration by creation time, then name, then namespace.
template <class T>
std::vector<const T*> in_istio_order(const std::vector<T>& list) {
  std::vector<const T*> out;
  for (const T& item : list) out.push_back(&item);
  std::stable_sort(out.begin(), out.end(), [](const T* a, const T* b) {
    return std::tie(a->meta.creation_timestamp, a->meta.name, a->meta.namespace_name) <
           std::tie(b->meta.creation_timestamp, b->meta.name, b->meta.namespace_name);
  });
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

struct ServerRef {
  const Gateway* gateway;
  const Server* server;
  Protocol protocol;
  std::string qualified_gateway() const { return gateway->meta.namespace_name + "/" + gateway->meta.name; }
};

struct ListenerPlan {
  std::uint32_t port = 0;
  std::string bind;
  bool tls = false;
  std::vector<ServerRef> http_servers;
  std::optional<ServerRef> tcp_server;
  std::vector<ServerRef> tls_servers;
  std::set<std::string> tls_hosts;
};

class SnapshotCompiler {
 public:
  SnapshotCompiler(const ConfigSet& config, Diagnostics& diagnostics, const CompileOptions& options)
      : config_(config), diagnostics_(diagnostics), options_(options), registry_(config),
        virtual_services_(in_istio_order(config.virtual_services)) {}

  void compile(Snapshot& snapshot) {
    plan_listeners();
    for (const ListenerPlan& plan : plans_) snapshot.listeners.push_back(build_listener(plan, snapshot));
    for (const InboundService& inbound : options_.inbound) add_inbound_listener(inbound, snapshot);
    build_clusters(snapshot);
    for (const auto& [match, label] : port_dropped_) {
      if (port_applied_.count(match) != 0) continue;
      diagnostics_.add(Code::kRouteDroppedForPort, match->origin, label,
                       "match for port " + std::to_string(*match->port) +
                           " applies to no server port of the gateways it binds to; it is never used");
    }
  }

 private:
  // ---- listeners -------------------------------------------------------------------------

  bool selects_workload(const Gateway& gw) const {
    if (!options_.workload_labels) return true;
    for (const auto& [key, value] : gw.selector) {
      auto it = options_.workload_labels->find(key);
      if (it == options_.workload_labels->end() || it->second != value) return false;
    }
    return true;
  }

  void conflict(const ServerRef& ref, const std::string& why) {
    diagnostics_.add(Code::kConflictingServers, ref.server->origin, resource_label("Gateway", ref.gateway->meta),
                     "server dropped: " + why);
  }

  void plan_listeners() {
    for (const Gateway* gw : in_istio_order(config_.gateways)) {
      if (!selects_workload(*gw)) continue;
      for (const Server& server : gw->servers) {
        const Protocol p = parse_protocol(server.port.protocol);
        // Invalid servers (reported by validation) are left out, as istiod rejects them.
        if (p == Protocol::kUnsupported || p == Protocol::kUdp || server.port.number > 65535) continue;
        if (server.port.number == 0 && server.bind.rfind("unix://", 0) != 0) continue;
        if (is_tls(p) && !server.tls) continue;
        plan_server(ServerRef{gw, &server, p});
      }
    }
  }

  ListenerPlan& plan_for(std::uint32_t port, const std::string& bind, bool tls) {
    for (ListenerPlan& plan : plans_) {
      if (plan.port == port && plan.bind == bind) return plan;
    }
    plans_.push_back(ListenerPlan{port, bind, tls, {}, {}, {}, {}});
    return plans_.back();
  }

  void plan_server(const ServerRef& ref) {
    const Server& s = *ref.server;
    const bool tls = is_tls(ref.protocol);
    ListenerPlan& plan = plan_for(s.port.number, s.bind, tls);
    const std::string where = "port " + std::to_string(s.port.number) + (s.bind.empty() ? "" : " bind " + s.bind);
    if (plan.tls != tls) {
      conflict(ref, where + " already serves " + (plan.tls ? "TLS" : "plaintext") + " traffic; " +
                        s.port.protocol + " cannot share it");
      return;
    }
    if (!tls) {
      if (is_http(ref.protocol)) {
        if (plan.tcp_server) return conflict(ref, where + " already carries opaque TCP; HTTP cannot share it");
        plan.http_servers.push_back(ref);  // plaintext HTTP servers merge into one route table
      } else {
        if (plan.tcp_server || !plan.http_servers.empty()) {
          return conflict(ref, where + " already has a plaintext server; a second " + s.port.protocol +
                                   " server cannot share it");
        }
        plan.tcp_server = ref;
      }
      return;
    }
    for (const LocatedString& host : s.hosts) {
      const std::string name = server_host_name(host.value);
      if (plan.tls_hosts.count(name) != 0) {
        diagnostics_.add(Code::kDuplicateTlsHost, host.origin, resource_label("Gateway", ref.gateway->meta),
                         "host \"" + name + "\" is already served by another TLS server on " + where +
                             "; this whole server is dropped, as Istio does");
        return;
      }
    }
    for (const LocatedString& host : s.hosts) plan.tls_hosts.insert(server_host_name(host.value));
    plan.tls_servers.push_back(ref);
  }

  Listener build_listener(const ListenerPlan& plan, Snapshot& snapshot) {
    Listener listener;
    listener.port = plan.port;
    listener.bind = plan.bind;
    listener.tls = plan.tls;
    const std::string bind_suffix = plan.bind.empty() ? "" : "." + plan.bind;
    if (!plan.http_servers.empty()) {
      FilterChain chain = base_chain(FilterChain::Kind::kHttp, plan.http_servers.front());
      chain.route_table = "http." + std::to_string(plan.port) + bind_suffix;
      snapshot.route_tables.push_back(build_route_table(chain.route_table, plan.http_servers));
      listener.chains.push_back(std::move(chain));
    }
    if (plan.tcp_server) {
      FilterChain chain = base_chain(FilterChain::Kind::kTcp, *plan.tcp_server);
      chain.tcp_route = tcp_route_for(*plan.tcp_server);
      listener.chains.push_back(std::move(chain));
    }
    for (const ServerRef& ref : plan.tls_servers) add_tls_chains(ref, listener, snapshot);
    // Envoy's order of SNI matching, made visible: exact names, then wildcards from the longest
    // suffix, then the chain without server names.
    auto best_name = [](const FilterChain& c) -> const std::string* {
      const std::string* best = nullptr;
      for (const std::string& n : c.server_names) {
        if (best == nullptr || more_specific_host(n, *best)) best = &n;
      }
      return best;
    };
    std::stable_sort(listener.chains.begin(), listener.chains.end(), [&](const FilterChain& a, const FilterChain& b) {
      const std::string* na = best_name(a);
      const std::string* nb = best_name(b);
      if (na == nullptr || nb == nullptr) return na != nullptr && nb == nullptr;
      return more_specific_host(*na, *nb);
    });
    return listener;
  }

  FilterChain base_chain(FilterChain::Kind kind, const ServerRef& ref) {
    FilterChain chain;
    chain.kind = kind;
    chain.gateway = ref.qualified_gateway();
    chain.server = *ref.server;
    return chain;
  }

  static std::vector<std::string> sni_names(const Server& server) {
    std::vector<std::string> names;
    for (const LocatedString& host : server.hosts) {
      const std::string name = server_host_name(host.value);
      if (name == "*") return {};  // matches any SNI, and none
      if (!contains(names, name)) names.push_back(name);
    }
    return names;
  }

  void add_tls_chains(const ServerRef& ref, Listener& listener, Snapshot& snapshot) {
    const Server& s = *ref.server;
    const ServerTlsSettings& tls = *s.tls;  // validation guarantees TLS servers have settings
    if (tls.mode == ServerTlsMode::kAutoPassthrough) {
      FilterChain chain = base_chain(FilterChain::Kind::kAutoPassthrough, ref);
      chain.server_names = sni_names(s);
      listener.chains.push_back(std::move(chain));
      return;
    }
    if (tls.mode == ServerTlsMode::kPassthrough) {
      add_passthrough_chains(ref, listener);
      return;
    }
    const bool http = ref.protocol == Protocol::kHttps;
    FilterChain chain = base_chain(http ? FilterChain::Kind::kHttps : FilterChain::Kind::kTlsTerminatedTcp, ref);
    chain.server_names = sni_names(s);
    chain.tls_material = tls_material_for(ref);
    if (http) {
      chain.strict_authority = strict_misdirected_requests(*ref.gateway, options_.strict_authority_by_default) &&
                               !options_.test_break_misdirected_421;
      // Each terminating server gets its own table: only its hosts are reachable on its certificate.
      chain.route_table = "https." + std::to_string(s.port.number) + "." + s.port.name + "." +
                          ref.gateway->meta.name + "." + ref.gateway->meta.namespace_name;
      snapshot.route_tables.push_back(build_route_table(chain.route_table, {ref}));
    } else {
      chain.tcp_route = tcp_route_for(ref);
    }
    listener.chains.push_back(std::move(chain));
  }

  std::optional<TlsMaterial> tls_material_for(const ServerRef& ref) {
    const ServerTlsSettings& tls = *ref.server->tls;
    const std::string& ns = ref.gateway->meta.namespace_name;
    auto secret = [&](const std::string& name) -> const TlsSecret* {
      for (const TlsSecret& s : config_.secrets) {
        if (s.meta.namespace_name == ns && s.meta.name == name) return &s;
      }
      return nullptr;
    };
    TlsMaterial material;
    std::string credential = tls.credential_name ? tls.credential_name->value
                             : tls.credential_names.empty() ? "" : tls.credential_names.front().value;
    if (!credential.empty()) {
      const TlsSecret* s = secret(credential);
      if (s == nullptr || !s->has_key_pair()) return std::nullopt;  // reported by the analysis
      material.certificate_pem = s->certificate_pem;
      material.private_key_pem = s->private_key_pem;
      material.ca_pem = s->ca_pem;
      material.crl_pem = s->crl_pem;
      material.source = "secret " + ns + "/" + credential;
      if (material.ca_pem.empty()) {
        if (const TlsSecret* ca = secret(credential + "-cacert")) material.ca_pem = ca->ca_pem.empty() ? ca->certificate_pem : ca->ca_pem;
      }
    } else {
      std::optional<LocatedString> cert = tls.server_certificate, key = tls.private_key;
      if ((!cert || !key) && !tls.tls_certificates.empty()) {
        cert = tls.tls_certificates.front().server_certificate;
        key = tls.tls_certificates.front().private_key;
      }
      if (!cert || !key) return std::nullopt;
      std::string error;
      auto cert_pem = read_pem_file(cert->value, ref.gateway->meta.file, &error);
      auto key_pem = read_pem_file(key->value, ref.gateway->meta.file, &error);
      if (!cert_pem || !key_pem) return std::nullopt;  // reported by the analysis
      material.certificate_pem = *cert_pem;
      material.private_key_pem = *key_pem;
      material.source = cert->value;
      if (tls.ca_certificates) {
        if (auto ca = read_pem_file(tls.ca_certificates->value, ref.gateway->meta.file, &error)) material.ca_pem = *ca;
      }
    }
    if (tls.ca_cert_credential_name) {
      if (const TlsSecret* ca = secret(tls.ca_cert_credential_name->value)) {
        material.ca_pem = ca->ca_pem.empty() ? ca->certificate_pem : ca->ca_pem;
      }
    }
    return material;
  }

  // ---- virtual service binding -----------------------------------------------------------

  struct VsGateways {
    std::vector<std::string> bound, referenced;
  };

  // Computed once per VirtualService: every server asks for every VirtualService.
  const VsGateways& gateways_of(const VirtualService& vs) const {
    auto it = gateway_cache_.find(&vs);
    if (it == gateway_cache_.end()) {
      it = gateway_cache_.emplace(&vs, VsGateways{bound_gateways(vs), referenced_gateways(vs)}).first;
    }
    return it->second;
  }

  bool binds(const VirtualService& vs, const ServerRef& ref) const {
    return is_exported_to(vs.export_to, vs.meta.namespace_name, ref.gateway->meta.namespace_name) &&
           contains(gateways_of(vs).referenced, ref.qualified_gateway());
  }

  // The gateways a match applies to: its own list when it has one, else the VS's.
  std::vector<std::string> match_gateways(const std::vector<LocatedString>& refs, const VirtualService& vs) const {
    if (refs.empty()) return gateways_of(vs).bound;
    std::vector<std::string> out;
    for (const LocatedString& g : refs) out.push_back(qualify_gateway_reference(g.value, vs.meta.namespace_name));
    return out;
  }

  RouteTarget target_for(const Destination& d, std::int64_t weight, const std::string& vs_namespace) const {
    RouteTarget t;
    t.host = resolve_short_name(to_lower(d.host.value), vs_namespace);
    t.subset = d.subset;
    t.weight = static_cast<std::uint32_t>(std::max<std::int64_t>(weight, 0));
    if (d.port) {
      t.port = *d.port;
    } else if (const RegistryService* service = registry_.find(t.host); service && service->ports.size() == 1) {
      t.port = service->ports.front().number;
    }
    t.cluster = cluster_name(t.port, t.subset, t.host);
    return t;
  }

  template <class Destinations>
  std::vector<RouteTarget> targets_for(const Destinations& route, const std::string& vs_namespace) const {
    std::vector<RouteTarget> targets;
    for (const auto& d : route) {
      RouteTarget t = target_for(d.destination, d.weight, vs_namespace);
      if constexpr (std::is_same_v<typename Destinations::value_type, HttpRouteDestination>) t.headers = d.headers;
      targets.push_back(std::move(t));
    }
    if (targets.size() == 1) {
      targets.front().weight = 100;  // a lone destination receives all traffic whatever its weight
    } else {
      targets.erase(std::remove_if(targets.begin(), targets.end(), [](const RouteTarget& t) { return t.weight == 0; }),
                    targets.end());
    }
    return targets;
  }

  static bool envoy_redirect_code(std::uint32_t code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  static RetryPolicy retry_policy_for(const std::optional<HttpRetry>& retries) {
    RetryPolicy policy;
    if (!retries) return policy;
    policy.num_retries = static_cast<std::uint32_t>(std::max(retries->attempts, 0));
    policy.per_try_timeout = retries->per_try_timeout;
    if (retries->backoff) policy.backoff_base = *retries->backoff;
    if (retries->retry_on.empty()) return policy;
    std::string policies;
    std::size_t start = 0;
    while (start <= retries->retry_on.size()) {
      const std::size_t comma = retries->retry_on.find(',', start);
      std::string item = retries->retry_on.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos && item.size() <= 3) {
        policy.retriable_status_codes.push_back(static_cast<std::uint32_t>(std::stoul(item)));
      } else if (!item.empty()) {
        policies += (policies.empty() ? "" : ",") + item;
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (!policy.retriable_status_codes.empty() && policies.find("retriable-status-codes") == std::string::npos) {
      policies += (policies.empty() ? "" : ",") + std::string("retriable-status-codes");
    }
    policy.retry_on = policies;
    return policy;
  }

  std::vector<CompiledRoute> http_routes_for(const VirtualService& vs, const ServerRef& ref) {
    std::vector<CompiledRoute> routes;
    const std::string gw = ref.qualified_gateway();
    const std::string label = resource_label("VirtualService", vs.meta);
    for (std::size_t i = 0; i < vs.http.size(); ++i) {
      const HttpRoute& rule = vs.http[i];
      CompiledRoute route;
      if (rule.match.empty() && !contains(gateways_of(vs).bound, gw)) continue;
      for (const HttpMatchRequest& m : rule.match) {
        if (!contains(match_gateways(m.gateways, vs), gw)) continue;
        if (m.port && *m.port != ref.server->port.number) {
          if (std::find(port_dropped_.begin(), port_dropped_.end(), std::pair{&m, label}) == port_dropped_.end()) {
            port_dropped_.emplace_back(&m, label);
          }
          continue;
        }
        port_applied_.insert(&m);
        route.matches.push_back(m);
      }
      if (!rule.match.empty() && route.matches.empty()) continue;
      const std::uint32_t code = rule.redirect ? rule.redirect->redirect_code : 301;
      if (rule.redirect && code >= 300 && code <= 399 && !envoy_redirect_code(code)) {  // other codes: validation error
        // route.go ApplyRedirect: Envoy has no other redirect codes; istiod logs and drops the route.
        if (unsupported_redirects_.insert(&rule).second) {
          diagnostics_.add(Code::kRedirectCodeUnsupported, vs.meta.at(rule.origin.path + ".redirect.redirectCode"), label,
                           "redirect code " + std::to_string(rule.redirect->redirect_code) +
                               " is not one Envoy supports (301, 302, 303, 307, 308); this rule is dropped");
        }
        continue;
      }
      route.name = rule.name;
      route.virtual_service = vs.meta.namespace_name + "/" + vs.meta.name;
      route.rule_index = i;
      route.catch_all = route.matches.empty() ||
                        std::any_of(route.matches.begin(), route.matches.end(), is_catch_all_match);
      route.targets = targets_for(rule.route, vs.meta.namespace_name);
      route.redirect = rule.redirect;
      route.direct_response = rule.direct_response;
      route.rewrite = rule.rewrite;
      route.timeout = rule.timeout;
      if (route.timeout && route.timeout->count() == 0) route.timeout.reset();  // 0s means none
      route.retries = retry_policy_for(rule.retries);
      route.fault = rule.fault;
      for (const HttpMirrorPolicy& m : rule.mirrors) {
        route.mirrors.push_back({target_for(m.destination, 100, vs.meta.namespace_name), m.percentage.value_or(100.0)});
      }
      route.cors_policy = rule.cors_policy;
      route.headers = rule.headers;
      route.origin = rule.origin;
      const bool catch_all = route.catch_all;
      routes.push_back(std::move(route));
      if (catch_all) break;  // Istio emits nothing after a catch-all rule
    }
    return routes;
  }

  RouteTable build_route_table(const std::string& name, const std::vector<ServerRef>& servers) {
    RouteTable table;
    table.name = name;
    std::set<std::pair<std::string, const VirtualService*>> added;
    auto vhost_for = [&](const std::string& domain, std::uint32_t port) -> VirtualHost& {
      for (VirtualHost& vh : table.virtual_hosts) {
        if (vh.domains.front() == domain) return vh;
      }
      table.virtual_hosts.push_back(VirtualHost{domain + ":" + std::to_string(port), {domain}, {}, false});
      return table.virtual_hosts.back();
    };
    for (const ServerRef& ref : servers) {
      const Server& s = *ref.server;
      std::vector<std::string> server_vhosts;
      for (const VirtualService* vs : virtual_services_) {
        if (!binds(*vs, ref)) continue;
        const std::vector<std::string> domains = server_domains_for(s, ref.gateway->meta.namespace_name, *vs);
        if (domains.empty()) continue;
        const std::vector<CompiledRoute> routes = http_routes_for(*vs, ref);
        if (routes.empty()) continue;  // e.g. a VirtualService with only tcp/tls rules: no virtual host
        for (const std::string& domain : domains) {
          server_vhosts.push_back(domain);
          if (!added.insert({domain, vs}).second) continue;
          VirtualHost& vh = vhost_for(domain, s.port.number);
          vh.routes.insert(vh.routes.end(), routes.begin(), routes.end());
        }
      }
      const bool redirect = s.tls && s.tls->https_redirect;
      if (redirect) {
        // httpsRedirect covers every host of the server, with or without a VirtualService.
        for (const LocatedString& host : s.hosts) server_vhosts.push_back(server_host_name(host.value));
        for (const std::string& domain : server_vhosts) vhost_for(domain, s.port.number).require_tls = true;
      }
      if (server_vhosts.empty()) {
        diagnostics_.add(Code::kNoVirtualServiceForServer, s.origin, resource_label("Gateway", ref.gateway->meta),
                         "no VirtualService binds to this server's hosts; every request gets 404 (NR)");
      }
    }
    for (VirtualHost& vh : table.virtual_hosts) {
      // Merged VirtualServices: catch-all routes move behind the others (route.go SortVHostRoutes).
      std::stable_partition(vh.routes.begin(), vh.routes.end(), [](const CompiledRoute& r) { return !r.catch_all; });
    }
    if (table.virtual_hosts.empty()) {
      const std::uint32_t port = servers.empty() ? 0 : servers.front().server->port.number;
      table.virtual_hosts.push_back(VirtualHost{"blackhole:" + std::to_string(port), {"*"}, {}, false});
    }
    return table;
  }

  std::optional<L4Target> tcp_route_for(const ServerRef& ref) {
    const std::string gw = ref.qualified_gateway();
    for (const VirtualService* vs : virtual_services_) {
      if (!binds(*vs, ref) || server_domains_for(*ref.server, ref.gateway->meta.namespace_name, *vs).empty()) continue;
      for (const L4Route& rule : vs->tcp) {
        bool applies = rule.match.empty() && contains(gateways_of(*vs).bound, gw);
        for (const L4MatchAttributes& m : rule.match) {
          // destinationSubnets and sourceSubnet are ignored at gateways (gateway.go l4SingleMatch).
          const bool port_ok = !m.port || *m.port == 0 || *m.port == ref.server->port.number;
          applies = applies || (port_ok && contains(match_gateways(m.gateways, *vs), gw));
        }
        if (applies) return L4Target{targets_for(rule.route, vs->meta.namespace_name),
                                     vs->meta.namespace_name + "/" + vs->meta.name, rule.origin};
      }
    }
    diagnostics_.add(Code::kNoRouteForTcpServer, ref.server->origin, resource_label("Gateway", ref.gateway->meta),
                     "no VirtualService tcp route applies to this server; its connections will be closed");
    return std::nullopt;
  }

  void add_passthrough_chains(const ServerRef& ref, Listener& listener) {
    const std::string gw = ref.qualified_gateway();
    bool any = false;
    std::set<std::string> used;
    for (const FilterChain& chain : listener.chains) {
      for (const std::string& n : chain.server_names) used.insert(n);
    }
    for (const VirtualService* vs : virtual_services_) {
      if (!binds(*vs, ref)) continue;
      const std::vector<std::string> domains = server_domains_for(*ref.server, ref.gateway->meta.namespace_name, *vs);
      if (domains.empty()) continue;
      for (const L4Route& rule : vs->tls) {
        for (const L4MatchAttributes& m : rule.match) {
          const bool port_ok = !m.port || *m.port == 0 || *m.port == ref.server->port.number;
          if (!port_ok || !contains(match_gateways(m.gateways, *vs), gw)) continue;
          std::vector<std::string> names;
          bool duplicate = false;
          for (const LocatedString& sni : m.sni_hosts) {
            const std::string name = to_lower(sni.value);
            // Only the SNI names this server carries (Istio intersects them with its hosts): a
            // VirtualService routing two passthrough servers gives each its own names.
            const bool mine = std::any_of(domains.begin(), domains.end(),
                                          [&](const std::string& d) { return intersect_hosts(name, d).has_value(); });
            if (!mine) continue;
            if (used.count(name) != 0) {
              diagnostics_.add(Code::kDuplicateSniRoute, sni.origin, resource_label("VirtualService", vs->meta),
                               "SNI \"" + name + "\" is already routed on port " +
                                   std::to_string(ref.server->port.number) + "; this match is skipped");
              duplicate = true;
            }
            names.push_back(name);
          }
          if (duplicate || names.empty()) continue;
          used.insert(names.begin(), names.end());
          FilterChain chain = base_chain(FilterChain::Kind::kPassthrough, ref);
          chain.server_names = names;
          chain.passthrough_route = L4Target{targets_for(rule.route, vs->meta.namespace_name),
                                             vs->meta.namespace_name + "/" + vs->meta.name, rule.origin};
          listener.chains.push_back(std::move(chain));
          any = true;
        }
      }
    }
    if (!any) {
      diagnostics_.add(Code::kNoRouteForTcpServer, ref.server->origin, resource_label("Gateway", ref.gateway->meta),
                       "PASSTHROUGH server has no VirtualService tls route; its connections will be closed");
    }
  }

  // ---- sidecar inbound listeners ------------------------------------------------------------

  void add_inbound_listener(const InboundService& inbound, Snapshot& snapshot) {
    Listener listener;
    listener.port = inbound.listen_port;
    listener.inbound_service = inbound.host + ":" + std::to_string(inbound.port);
    const RegistryService* service = registry_.find(inbound.host);
    const RegistryService::Port* port = service ? service->find_port(inbound.port) : nullptr;
    const Protocol protocol = port ? port->protocol : Protocol::kUnsupported;
    RouteTarget target;
    target.host = to_lower(inbound.host);
    target.port = inbound.port;
    target.weight = 100;
    target.cluster = cluster_name(inbound.port, "", target.host);
    FilterChain http_chain;
    http_chain.kind = FilterChain::Kind::kHttp;
    http_chain.gateway = "inbound";
    http_chain.route_table = "inbound|" + std::to_string(inbound.port) + "|http|" + target.host;
    FilterChain tcp_chain;
    tcp_chain.kind = FilterChain::Kind::kTcp;
    tcp_chain.gateway = "inbound";
    tcp_chain.tcp_route = L4Target{{target}, "inbound", {}};
    const bool http = is_http(protocol);
    const bool undeclared = protocol == Protocol::kUnsupported;
    if (http || undeclared) {
      RouteTable table;
      table.name = http_chain.route_table;
      CompiledRoute route;
      route.name = "inbound";
      route.catch_all = true;
      route.targets = {target};
      route.retries.num_retries = 0;
      table.virtual_hosts.push_back(VirtualHost{"inbound|http|" + std::to_string(inbound.port), {"*"}, {route}, false});
      snapshot.route_tables.push_back(std::move(table));
      listener.chains.push_back(std::move(http_chain));
    }
    if (!http) listener.chains.push_back(std::move(tcp_chain));
    listener.detect_protocol = undeclared;
    listener.detection_timeout = inbound.detection_timeout;
    if (service == nullptr || port == nullptr) {
      diagnostics_.add(Code::kDestinationHostNotFound, Origin{}, "inbound " + listener.inbound_service,
                       "no Service or ServiceEntry port " + listener.inbound_service + " for the inbound listener");
    }
    snapshot.listeners.push_back(std::move(listener));
  }

  // ---- clusters --------------------------------------------------------------------------

  // The DestinationRule for a host: an exact host first (the oldest if several), else the
  // most specific wildcard host that covers it.
  const DestinationRule* rule_for(const std::string& host) {
    if (!rules_indexed_) {
      rules_indexed_ = true;
      for (const DestinationRule* dr : in_istio_order(config_.destination_rules)) {
        const std::string dr_host = resolve_short_name(to_lower(dr->host.value), dr->meta.namespace_name);
        if (is_wildcard_host(dr_host)) wildcard_rules_.emplace_back(dr_host, dr);
        else exact_rules_.emplace(dr_host, dr);  // keeps the first
      }
    }
    if (auto it = exact_rules_.find(host); it != exact_rules_.end()) return it->second;
    const DestinationRule* best = nullptr;
    std::string best_host;
    for (const auto& [dr_host, dr] : wildcard_rules_) {
      if (hosts_match(dr_host, host) && (best == nullptr || more_specific_host(dr_host, best_host))) {
        best = dr;
        best_host = dr_host;
      }
    }
    return best;
  }

  // Subset settings replace top-level ones field by field; port-level settings replace both.
  static std::optional<TrafficPolicy> effective_policy(const DestinationRule* dr, const Subset* subset,
                                                       std::uint32_t port) {
    if (dr == nullptr) return std::nullopt;
    std::optional<TrafficPolicy> policy = dr->traffic_policy;
    auto overlay = [](TrafficPolicy& base, const auto& top) {
      if (top.load_balancer) base.load_balancer = top.load_balancer;
      if (top.connection_pool) base.connection_pool = top.connection_pool;
      if (top.outlier_detection) base.outlier_detection = top.outlier_detection;
      if (top.tls) base.tls = top.tls;
    };
    if (subset != nullptr && subset->traffic_policy) {
      if (!policy) policy = TrafficPolicy{};
      overlay(*policy, *subset->traffic_policy);
      policy->port_level_settings = subset->traffic_policy->port_level_settings.empty()
                                        ? policy->port_level_settings
                                        : subset->traffic_policy->port_level_settings;
    }
    if (policy) {
      for (const PortTrafficPolicy& p : policy->port_level_settings) {
        if (p.port && *p.port == port) overlay(*policy, p);
      }
    }
    return policy;
  }

  // DestinationRule tls material: a credentialName Secret (looked up in the rule's namespace,
  // then the gateways' namespaces, where Istio's gateway SDS finds it) or files.
  std::optional<TlsMaterial> origination_material(const DestinationRule& dr, const ClientTlsSettings& tls) const {
    using Mode = ClientTlsSettings::Mode;
    if (tls.mode != Mode::kSimple && tls.mode != Mode::kMutual) return std::nullopt;
    TlsMaterial material;
    if (tls.credential_name) {
      const std::string& name = tls.credential_name->value;
      const TlsSecret* found = nullptr;
      for (const TlsSecret& s : config_.secrets) {
        if (s.meta.name == name && s.meta.namespace_name == dr.meta.namespace_name) found = &s;
      }
      for (const TlsSecret& s : config_.secrets) {
        if (found == nullptr && s.meta.name == name) found = &s;
      }
      if (found == nullptr) return std::nullopt;  // reported by the analysis
      material.certificate_pem = found->certificate_pem;
      material.private_key_pem = found->private_key_pem;
      material.ca_pem = found->ca_pem;
      material.source = "secret " + found->meta.namespace_name + "/" + name;
      return material;
    }
    std::string error;
    auto read = [&](const std::optional<LocatedString>& path) -> std::string {
      if (!path) return "";
      auto pem = read_pem_file(path->value, dr.meta.file, &error);
      return pem ? *pem : "";
    };
    material.certificate_pem = read(tls.client_certificate);
    material.private_key_pem = read(tls.private_key);
    material.ca_pem = read(tls.ca_certificates);
    material.source = "DestinationRule " + dr.meta.namespace_name + "/" + dr.meta.name;
    return material;
  }

  void build_clusters(Snapshot& snapshot) {
    std::set<std::string> names;
    for (const RegistryService& service : registry_.services()) {
      if (is_wildcard_host(service.host)) continue;  // no cluster for a wildcard itself
      const DestinationRule* dr = rule_for(service.host);
      for (const RegistryService::Port& port : service.ports) {
        std::vector<const Subset*> subsets{nullptr};
        if (dr != nullptr) {
          for (const Subset& s : dr->subsets) subsets.push_back(&s);
        }
        for (const Subset* subset : subsets) {
          Cluster cluster;
          cluster.host = service.host;
          cluster.port = port.number;
          cluster.port_name = port.name;
          cluster.protocol = port.protocol;
          cluster.subset = subset ? subset->name : "";
          cluster.name = cluster_name(port.number, cluster.subset, service.host);
          cluster.source = service.source;
          cluster.service_name = service.name;
          cluster.service_namespace = service.namespace_name;
          cluster.traffic_policy = effective_policy(dr, subset, port.number);
          if (cluster.traffic_policy && cluster.traffic_policy->tls) {
            cluster.origination_tls = origination_material(*dr, *cluster.traffic_policy->tls);
          }
          for (const RegistryService::Instance& instance : service.instances) {
            if (instance.port_name != port.name) continue;
            if (subset != nullptr && !labels_match(subset->labels, instance.labels)) continue;
            cluster.endpoints.push_back(Endpoint{instance.address, instance.port, instance.labels, instance.ready});
          }
          if (names.insert(cluster.name).second) snapshot.clusters.push_back(std::move(cluster));
        }
      }
    }
    std::sort(snapshot.clusters.begin(), snapshot.clusters.end(),
              [](const Cluster& a, const Cluster& b) { return a.name < b.name; });
  }

  static bool labels_match(const std::map<std::string, std::string>& wanted,
                           const std::map<std::string, std::string>& labels) {
    for (const auto& [key, value] : wanted) {
      auto it = labels.find(key);
      if (it == labels.end() || it->second != value) return false;
    }
    return true;
  }

  const ConfigSet& config_;
  Diagnostics& diagnostics_;
  const CompileOptions& options_;
  ServiceRegistry registry_;
  std::vector<const VirtualService*> virtual_services_;
  std::vector<ListenerPlan> plans_;
  mutable std::unordered_map<const VirtualService*, VsGateways> gateway_cache_;  // lookup only
  bool rules_indexed_ = false;
  std::unordered_map<std::string, const DestinationRule*> exact_rules_;  // lookup only
  std::vector<std::pair<std::string, const DestinationRule*>> wildcard_rules_;
  // Matches whose `port` excluded them from some server, in discovery order, and those
  // that applied somewhere: only matches that never apply are worth a diagnostic.
  std::vector<std::pair<const HttpMatchRequest*, std::string>> port_dropped_;
  std::set<const HttpMatchRequest*> port_applied_;
  std::set<const HttpRoute*> unsupported_redirects_;
};

}  // namespace

std::shared_ptr<const Snapshot> compile_snapshot(ConfigSet config, Diagnostics& diagnostics,
                                                 const CompileOptions& options) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->config = std::move(config);
  SnapshotCompiler(snapshot->config, diagnostics, options).compile(*snapshot);
  return snapshot;
}

}  // namespace gatesim::config
