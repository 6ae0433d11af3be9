#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config_set.h"
#include "gateway/config/protocol.h"

namespace gatesim::config {

// The compiled, immutable form of a configuration, shaped like what istiod hands Envoy:
// listeners per (port, bind), filter chains selected by SNI, route tables with ordered
// virtual hosts and routes, clusters with endpoints. The engine reads only this.

// One weighted upstream of a route. `cluster` is Istio's name,
// "outbound|<port>|<subset>|<fqdn>"; it may name no cluster (the engine answers 503 NC).
struct RouteTarget {
  std::string cluster;
  std::string host;  // fully qualified
  std::uint32_t port = 0;
  std::string subset;
  std::uint32_t weight = 0;  // relative; zero-weight targets are dropped when there are several
  Headers headers;
};

// A mirror destination: a copy of each sampled request goes there, its answer ignored.
struct MirrorTarget {
  RouteTarget target;
  double percentage = 100.0;  // mirrorPercentage unset: every request
};

// Retry policy with Istio's defaults applied (route/retry/retry.go).
struct RetryPolicy {
  std::uint32_t num_retries = 2;
  std::string retry_on = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
  std::vector<std::uint32_t> retriable_status_codes;
  std::optional<Duration> per_try_timeout;
  Duration backoff_base = std::chrono::milliseconds(25);
};

struct CompiledRoute {
  std::string name;             // VS http[].name ("" when unnamed)
  std::string virtual_service;  // "namespace/name"
  std::size_t rule_index = 0;   // position in the VirtualService's http list
  std::vector<HttpMatchRequest> matches;  // OR; empty means match everything
  bool catch_all = false;
  // exactly one action
  std::vector<RouteTarget> targets;
  std::optional<HttpRedirect> redirect;
  std::optional<HttpDirectResponse> direct_response;
  // modifiers
  std::optional<HttpRewrite> rewrite;
  std::optional<Duration> timeout;  // nullopt: no route timeout (Istio sets 0 = infinite)
  RetryPolicy retries;
  std::optional<HttpFaultInjection> fault;
  std::vector<MirrorTarget> mirrors;
  std::optional<CorsPolicy> cors_policy;
  Headers headers;
  Origin origin;
};

struct VirtualHost {
  std::string name;  // "<domain>:<port>" as Istio names it
  std::vector<std::string> domains;
  std::vector<CompiledRoute> routes;
  bool require_tls = false;  // httpsRedirect: answer every request with a 301 to https
};

struct RouteTable {
  std::string name;  // "http.80" or "https.443.<portName>.<gateway>.<namespace>"
  std::vector<VirtualHost> virtual_hosts;
  // Envoy's domain search: exact, then longest suffix wildcard, then "*". Port ignored.
  const VirtualHost* select_virtual_host(const std::string& authority) const;
};

struct L4Target {
  std::vector<RouteTarget> targets;
  std::string virtual_service;
  Origin origin;
};

struct TlsMaterial {
  std::string certificate_pem, private_key_pem, ca_pem, crl_pem;
  std::string source;  // "secret ns/name" or the file paths, for logs
};

// One server of one Gateway as it serves a listener.
struct FilterChain {
  enum class Kind {
    kHttp,              // plaintext HTTP/1.1 and h2c, merged across servers
    kTcp,               // plaintext opaque TCP (TCP, MONGO, REDIS, MYSQL)
    kHttps,             // TLS terminated, then HTTP (ALPN h2,http/1.1)
    kTlsTerminatedTcp,  // protocol TLS with SIMPLE/MUTUAL: terminated, then TCP
    kPassthrough,       // TLS forwarded untouched, routed by SNI
    kAutoPassthrough,   // destination encoded in the SNI
  };
  Kind kind = Kind::kHttp;
  std::vector<std::string> server_names;  // SNI; empty matches any (and no SNI)
  std::string gateway;                    // "namespace/name"
  Server server;                          // as written
  std::optional<TlsMaterial> tls_material;
  std::string route_table;                // kHttp, kHttps
  // kHttps: answer 421 when the listener's best chain for :authority is another chain
  // (gatesim.io/misdirected-requests: strict); otherwise Istio's 404 NR behaviour.
  bool strict_authority = false;
  std::optional<L4Target> tcp_route;      // kTcp, kTlsTerminatedTcp
  std::optional<L4Target> passthrough_route;  // kPassthrough: one chain per tls match
};

std::string_view to_string(FilterChain::Kind kind);

struct Listener {
  std::uint32_t port = 0;
  std::string bind;  // "" = all addresses
  bool tls = false;  // chains are chosen by SNI from a ClientHello
  // Sidecar-style inbound listener on a port whose protocol is not declared: the first bytes
  // decide (HTTP -> chains[0], anything else -> chains[1], a TCP chain). Gateways never do
  // this; their servers declare a protocol.
  bool detect_protocol = false;
  Duration detection_timeout{0};  // 0: wait for the client forever (Istio's default since 1.8)
  std::string inbound_service;    // "host:port" this inbound listener fronts
  std::vector<FilterChain> chains;
  // The chain for this SNI: exact name, then the most specific wildcard, then a chain with
  // no server names; nullptr means "filter_chain_not_found" (close the connection).
  const FilterChain* select_chain(const std::string& sni) const;
};

struct Endpoint {
  std::string address;
  std::uint32_t port = 0;
  std::map<std::string, std::string> labels;
  bool ready = true;
};

struct Cluster {
  std::string name;
  std::string host;
  std::uint32_t port = 0;
  std::string subset;
  std::string port_name;
  Protocol protocol = Protocol::kUnsupported;  // of the service port: decides h1 vs h2 upstream
  std::vector<Endpoint> endpoints;
  std::optional<TrafficPolicy> traffic_policy;  // top-level, overridden by subset, then by port level
  // traffic_policy.tls SIMPLE/MUTUAL: the CA, client certificate and key it names (files, or
  // the credentialName Secret), read once at compile time.
  std::optional<TlsMaterial> origination_tls;
  std::string source;  // "Service ns/name" or "ServiceEntry ns/name"
};

struct Snapshot {
  std::vector<Listener> listeners;  // by (port, bind)
  std::vector<RouteTable> route_tables;
  std::vector<Cluster> clusters;  // sorted by name
  ConfigSet config;               // what it was compiled from

  const Listener* find_listener(std::uint32_t port, const std::string& bind = "") const;
  const RouteTable* find_route_table(const std::string& name) const;
  const Cluster* find_cluster(const std::string& name) const;
};

std::string cluster_name(std::uint32_t port, const std::string& subset, const std::string& host);

}  // namespace gatesim::config
