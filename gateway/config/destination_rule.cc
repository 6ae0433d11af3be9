#include "gateway/config/destination_rule.h"

namespace gatesim::config {
namespace {

constexpr std::int64_t kInt32Min = -2147483648LL;
constexpr std::int64_t kInt32Max = 2147483647LL;

std::optional<std::int32_t> int32_field(FieldReader& r, const char* key) {
  auto v = r.integer(key, kInt32Min, kInt32Max);
  if (!v) return std::nullopt;
  return static_cast<std::int32_t>(*v);
}

LoadBalancerSettings parse_load_balancer(FieldReader& r) {
  using Simple = LoadBalancerSettings::Simple;
  LoadBalancerSettings lb;
  lb.origin = r.origin();
  lb.simple = r.enumeration("simple", std::vector<std::pair<std::string_view, Simple>>{
                                          {"UNSPECIFIED", Simple::kUnspecified},
                                          {"LEAST_CONN", Simple::kLeastConn},
                                          {"RANDOM", Simple::kRandom},
                                          {"PASSTHROUGH", Simple::kPassthrough},
                                          {"ROUND_ROBIN", Simple::kRoundRobin},
                                          {"LEAST_REQUEST", Simple::kLeastRequest}});
  if (auto ch = r.object("consistentHash")) {
    LoadBalancerSettings::ConsistentHash hash;
    hash.origin = ch->origin();
    for (const char* key : {"httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"}) {
      hash.hash_keys += ch->has(key) ? 1 : 0;
    }
    hash.http_header_name = ch->string("httpHeaderName").value_or("");
    if (auto cookie = ch->object("httpCookie")) {
      hash.http_cookie_name = cookie->string("name", true).value_or("");
      hash.http_cookie_path = cookie->string("path").value_or("");
      hash.http_cookie_ttl = cookie->duration("ttl");
      cookie->take("attributes");
      cookie->finish();
    }
    hash.use_source_ip = ch->boolean("useSourceIp").value_or(false);
    hash.http_query_parameter_name = ch->string("httpQueryParameterName").value_or("");
    if (auto ring = ch->object("ringHash")) {
      hash.ring_hash_set = true;
      if (auto n = ring->integer("minimumRingSize", 0, 8388608)) hash.minimum_ring_size = static_cast<std::uint64_t>(*n);
      ring->finish();
    }
    if (auto maglev = ch->object("maglev")) {
      hash.maglev_set = true;
      if (auto n = maglev->integer("tableSize", 0, 4294967295LL)) hash.maglev_table_size = static_cast<std::uint64_t>(*n);
      maglev->finish();
    }
    hash.deprecated_minimum_ring_size = ch->has("minimumRingSize");
    if (auto n = ch->integer("minimumRingSize", 0, 8388608)) hash.minimum_ring_size = static_cast<std::uint64_t>(*n);
    lb.consistent_hash = hash;
    ch->finish();
  }
  lb.warmup_duration = r.duration("warmupDurationSecs");
  // Read, not modelled: one simulated zone has no locality, and the rest tunes Envoy internals.
  for (const char* unmodelled : {"localityLbSetting", "warmup", "zoneAwareLbSetting", "backendUtilization"}) {
    r.take(unmodelled);
  }
  return lb;
}

ConnectionPoolSettings parse_connection_pool(FieldReader& r) {
  using Policy = ConnectionPoolSettings::H2UpgradePolicy;
  ConnectionPoolSettings cp;
  cp.origin = r.origin();
  cp.tcp_set = r.has("tcp");
  cp.http_set = r.has("http");
  if (auto tcp = r.object("tcp")) {
    cp.tcp.max_connections = int32_field(*tcp, "maxConnections");
    cp.tcp.connect_timeout = tcp->duration("connectTimeout");
    cp.tcp.max_connection_duration = tcp->duration("maxConnectionDuration");
    cp.tcp.idle_timeout = tcp->duration("idleTimeout");
    if (auto ka = tcp->object("tcpKeepalive")) {
      ka->integer("probes", 0, 4294967295LL);
      ka->duration("time");
      ka->duration("interval");
      ka->finish();
    }
    tcp->finish();
  }
  if (auto http = r.object("http")) {
    cp.http.http1_max_pending_requests = int32_field(*http, "http1MaxPendingRequests");
    cp.http.http2_max_requests = int32_field(*http, "http2MaxRequests");
    cp.http.max_requests_per_connection = int32_field(*http, "maxRequestsPerConnection");
    cp.http.max_retries = int32_field(*http, "maxRetries");
    cp.http.idle_timeout = http->duration("idleTimeout");
    cp.http.h2_upgrade_policy = http->enumeration("h2UpgradePolicy",
                                                  std::vector<std::pair<std::string_view, Policy>>{
                                                      {"DEFAULT", Policy::kDefault},
                                                      {"DO_NOT_UPGRADE", Policy::kDoNotUpgrade},
                                                      {"UPGRADE", Policy::kUpgrade}})
                                    .value_or(Policy::kDefault);
    cp.http.use_client_protocol = http->boolean("useClientProtocol").value_or(false);
    cp.http.max_concurrent_streams = int32_field(*http, "maxConcurrentStreams");
    http->finish();
  }
  return cp;
}

OutlierDetection parse_outlier_detection(FieldReader& r) {
  OutlierDetection od;
  od.origin = r.origin();
  od.consecutive_5xx_errors = int32_field(r, "consecutive5xxErrors");
  if (r.has("consecutiveErrors")) {
    r.context().report(Code::kDeprecatedField, r.origin("consecutiveErrors"),
                       "consecutiveErrors is deprecated; read as consecutive5xxErrors");
  }
  if (auto legacy = int32_field(r, "consecutiveErrors")) {
    if (!od.consecutive_5xx_errors) od.consecutive_5xx_errors = legacy;
  }
  od.consecutive_gateway_errors = int32_field(r, "consecutiveGatewayErrors");
  od.consecutive_local_origin_failures = int32_field(r, "consecutiveLocalOriginFailures");
  od.split_external_local_origin_errors = r.boolean("splitExternalLocalOriginErrors");
  od.interval = r.duration("interval");
  od.base_ejection_time = r.duration("baseEjectionTime");
  od.max_ejection_percent = int32_field(r, "maxEjectionPercent");
  od.min_health_percent = int32_field(r, "minHealthPercent");
  return od;
}

ClientTlsSettings parse_client_tls(FieldReader& r) {
  using Mode = ClientTlsSettings::Mode;
  ClientTlsSettings tls;
  tls.origin = r.origin();
  tls.mode = r.enumeration("mode", std::vector<std::pair<std::string_view, Mode>>{
                                       {"DISABLE", Mode::kDisable},
                                       {"SIMPLE", Mode::kSimple},
                                       {"MUTUAL", Mode::kMutual},
                                       {"ISTIO_MUTUAL", Mode::kIstioMutual}})
                 .value_or(Mode::kDisable);
  tls.client_certificate = r.located_string("clientCertificate");
  tls.private_key = r.located_string("privateKey");
  tls.ca_certificates = r.located_string("caCertificates");
  tls.credential_name = r.located_string("credentialName");
  tls.subject_alt_names = r.strings("subjectAltNames");
  tls.sni = r.string("sni").value_or("");
  tls.insecure_skip_verify = r.boolean("insecureSkipVerify").value_or(false);
  r.take("caCrl");
  return tls;
}

template <class Policy>
void parse_policy_parts(FieldReader& r, Policy& policy) {
  policy.origin = r.origin();
  if (auto lb = r.object("loadBalancer")) {
    policy.load_balancer = parse_load_balancer(*lb);
    lb->finish();
  }
  if (auto cp = r.object("connectionPool")) {
    policy.connection_pool = parse_connection_pool(*cp);
    cp->finish();
  }
  if (auto od = r.object("outlierDetection")) {
    policy.outlier_detection = parse_outlier_detection(*od);
    od->finish();
  }
  if (auto tls = r.object("tls")) {
    policy.tls = parse_client_tls(*tls);
    tls->finish();
  }
}

TrafficPolicy parse_traffic_policy(FieldReader& r) {
  TrafficPolicy policy;
  parse_policy_parts(r, policy);
  r.objects("portLevelSettings", [&](FieldReader& p, std::size_t) {
    PortTrafficPolicy port_policy;
    parse_policy_parts(p, port_policy);
    if (auto port = p.object("port")) {
      if (auto n = port->integer("number", 0, 4294967295LL)) port_policy.port = static_cast<std::uint32_t>(*n);
      port->finish();
    }
    policy.port_level_settings.push_back(std::move(port_policy));
  });
  for (const char* unmodelled : {"tunnel", "proxyProtocol", "retryBudget"}) {
    policy.other_fields = policy.other_fields || r.has(unmodelled);
    r.take(unmodelled);
  }
  return policy;
}

std::optional<TrafficPolicy> traffic_policy_field(FieldReader& parent) {
  auto r = parent.object("trafficPolicy");
  if (!r) return std::nullopt;
  TrafficPolicy policy = parse_traffic_policy(*r);
  r->finish();
  return policy;
}

}  // namespace

DestinationRule parse_destination_rule(FieldReader& spec, ObjectMeta meta) {
  DestinationRule dr;
  dr.meta = std::move(meta);
  if (auto host = spec.located_string("host", true)) dr.host = *host;
  else dr.host.origin = spec.origin("host");
  dr.traffic_policy = traffic_policy_field(spec);
  spec.objects("subsets", [&](FieldReader& s, std::size_t) {
    Subset subset;
    subset.origin = s.origin();
    subset.name = s.string("name", true).value_or("");
    subset.labels = s.string_map("labels");
    subset.traffic_policy = traffic_policy_field(s);
    dr.subsets.push_back(std::move(subset));
  });
  for (auto& s : spec.strings("exportTo")) dr.export_to.push_back(s.value);
  if (auto ws = spec.object("workloadSelector")) {
    dr.workload_selector = ws->string_map("matchLabels");
    ws->finish();
  }
  return dr;
}

}  // namespace gatesim::config
