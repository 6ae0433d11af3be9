#include "gateway/config/virtual_service.h"

#include "gateway/config/base64.h"

namespace gatesim::config {
namespace {

constexpr std::int64_t kMaxPort = 4294967295LL;

std::optional<StringMatch> parse_string_match(FieldReader& r) {
  StringMatch m;
  m.origin = r.origin();
  int set = 0;
  for (auto [key, kind] : {std::pair{"exact", StringMatch::Kind::kExact},
                           std::pair{"prefix", StringMatch::Kind::kPrefix},
                           std::pair{"regex", StringMatch::Kind::kRegex}}) {
    if (!r.has(key)) {
      r.take(key);
      continue;
    }
    if (auto value = r.located_string(key)) {
      m.kind = kind;
      m.value = value->value;
      m.origin = value->origin;
      ++set;
    }
  }
  if (set > 1) {
    r.context().report(Code::kInvalidValue, r.origin(), "only one of exact, prefix or regex may be set");
    return std::nullopt;
  }
  return m;
}

std::optional<StringMatch> string_match_field(FieldReader& parent, const char* key) {
  auto r = parent.object(key);
  if (!r) return std::nullopt;
  auto m = parse_string_match(*r);
  r->finish();
  return m;
}

NamedMatches named_matches(FieldReader& parent, const char* key) {
  NamedMatches out;
  const YAML::Node map = parent.take(key);
  if (!map || map.IsNull()) return out;
  FieldReader entries(parent.context(), map, parent.child_path(key));
  if (!entries.valid() || !map.IsMap()) return out;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string name = kv.first.Scalar();
    if (!entries.has(name)) {  // `name:` with no value: presence match, like `{}`
      out.emplace_back(name, StringMatch{StringMatch::Kind::kPresent, "", entries.origin(name)});
      entries.take(name);
      continue;
    }
    auto r = entries.object(name);
    if (!r) continue;  // wrong type, already reported
    if (auto m = parse_string_match(*r)) out.emplace_back(name, *m);
    r->finish();
  }
  entries.finish();
  return out;
}

Destination parse_destination(FieldReader& r) {
  Destination d;
  d.origin = r.origin();
  if (auto host = r.located_string("host", true)) d.host = *host;
  else d.host.origin = r.origin("host");
  d.subset = r.string("subset").value_or("");
  if (auto port = r.object("port")) {
    if (auto n = port->integer("number", 0, kMaxPort)) d.port = static_cast<std::uint32_t>(*n);
    port->finish();
  }
  return d;
}

std::optional<Destination> destination_field(FieldReader& parent, const char* key, bool required) {
  auto r = parent.object(key, required);
  if (!r) return std::nullopt;
  Destination d = parse_destination(*r);
  r->finish();
  return d;
}

HeaderOperations parse_header_operations(FieldReader& r) {
  HeaderOperations ops;
  ops.set = r.string_map("set");
  ops.add = r.string_map("add");
  for (auto& s : r.strings("remove")) ops.remove.push_back(s.value);
  return ops;
}

Headers parse_headers(FieldReader& parent) {
  Headers headers;
  auto r = parent.object("headers");
  if (!r) return headers;
  if (auto req = r->object("request")) {
    headers.request = parse_header_operations(*req);
    req->finish();
  }
  if (auto resp = r->object("response")) {
    headers.response = parse_header_operations(*resp);
    resp->finish();
  }
  r->finish();
  return headers;
}

std::optional<double> percentage_field(FieldReader& parent, const char* key) {
  auto r = parent.object(key);
  if (!r) return std::nullopt;
  // Range is checked by validation so the message names Istio's rule.
  auto value = r->number("value", -1e300, 1e300);
  r->finish();
  return value.value_or(0.0);
}

HttpMatchRequest parse_match(FieldReader& r) {
  HttpMatchRequest m;
  m.origin = r.origin();
  m.name = r.string("name").value_or("");
  m.uri = string_match_field(r, "uri");
  m.scheme = string_match_field(r, "scheme");
  m.method = string_match_field(r, "method");
  m.authority = string_match_field(r, "authority");
  m.headers = named_matches(r, "headers");
  m.query_params = named_matches(r, "queryParams");
  m.without_headers = named_matches(r, "withoutHeaders");
  if (auto port = r.integer("port", 0, kMaxPort); port && *port != 0) m.port = static_cast<std::uint32_t>(*port);
  m.source_labels = r.string_map("sourceLabels");
  m.gateways = r.strings("gateways");
  m.ignore_uri_case = r.boolean("ignoreUriCase").value_or(false);
  m.source_namespace = r.string("sourceNamespace").value_or("");
  m.stat_prefix = r.string("statPrefix").value_or("");
  return m;
}

std::optional<HttpFaultInjection> parse_fault(FieldReader& parent) {
  auto r = parent.object("fault");
  if (!r) return std::nullopt;
  HttpFaultInjection fault;
  fault.origin = r->origin();
  if (auto d = r->object("delay")) {
    HttpFaultInjection::Delay delay;
    delay.origin = d->origin();
    delay.fixed_delay = d->duration("fixedDelay");
    delay.exponential_delay = d->duration("exponentialDelay");
    delay.percentage = percentage_field(*d, "percentage");
    if (auto p = d->integer("percent", -2147483648LL, 2147483647LL)) delay.percent = static_cast<std::int32_t>(*p);
    fault.delay = delay;
    d->finish();
  }
  if (auto a = r->object("abort")) {
    HttpFaultInjection::Abort abort;
    abort.origin = a->origin();
    if (auto s = a->integer("httpStatus", -2147483648LL, 2147483647LL)) abort.http_status = static_cast<std::int32_t>(*s);
    abort.grpc_status = a->located_string("grpcStatus");
    abort.percentage = percentage_field(*a, "percentage");
    abort.http2_error = a->has("http2Error");  // in the proto, refused by Istio's validation
    a->take("http2Error");
    fault.abort = abort;
    a->finish();
  }
  r->finish();
  return fault;
}

HttpRoute parse_http_route(FieldReader& r) {
  HttpRoute route;
  route.origin = r.origin();
  route.name = r.string("name").value_or("");
  r.objects("match", [&](FieldReader& m, std::size_t) { route.match.push_back(parse_match(m)); });
  r.objects("route", [&](FieldReader& d, std::size_t) {
    HttpRouteDestination dest;
    dest.origin = d.origin();
    if (auto destination = destination_field(d, "destination", true)) dest.destination = *destination;
    dest.weight = d.integer("weight", -2147483648LL, 2147483647LL).value_or(0);
    dest.headers = parse_headers(d);
    route.route.push_back(std::move(dest));
  });
  if (auto rd = r.object("redirect")) {
    HttpRedirect redirect;
    redirect.origin = rd->origin();
    redirect.uri = rd->string("uri").value_or("");
    redirect.authority = rd->string("authority").value_or("");
    redirect.scheme = rd->string("scheme").value_or("");
    if (auto port = rd->integer("port", 0, kMaxPort); port && *port != 0) redirect.port = static_cast<std::uint32_t>(*port);
    redirect.prefix_rewrite = rd->string("prefixRewrite").value_or("");
    redirect.derive_port = rd->enumeration("derivePort",
                                           std::vector<std::pair<std::string_view, HttpRedirect::DerivePort>>{
                                               {"FROM_PROTOCOL_DEFAULT", HttpRedirect::DerivePort::kFromProtocolDefault},
                                               {"FROM_REQUEST_PORT", HttpRedirect::DerivePort::kFromRequestPort}})
                               .value_or(HttpRedirect::DerivePort::kNone);
    // 0 means unset, which Istio turns into 301.
    redirect.redirect_code = static_cast<std::uint32_t>(rd->integer("redirectCode", 0, kMaxPort).value_or(0));
    if (redirect.redirect_code == 0) redirect.redirect_code = 301;
    route.redirect = redirect;
    rd->finish();
  }
  if (auto dr = r.object("directResponse")) {
    HttpDirectResponse direct;
    direct.origin = dr->origin();
    direct.status = static_cast<std::uint32_t>(dr->integer("status", 0, kMaxPort, true).value_or(0));
    if (auto body = dr->object("body")) {
      if (auto s = body->string("string")) direct.body = *s;
      if (auto b = body->located_string("bytes")) {
        if (auto decoded = decode_base64(b->value)) direct.body = *decoded;
        else r.context().report(Code::kInvalidDirectResponse, b->origin, "body.bytes is not valid base64");
      }
      body->finish();
    }
    route.direct_response = direct;
    dr->finish();
  }
  if (auto dg = r.object("delegate")) {
    route.delegate = Delegate{dg->string("name").value_or(""), dg->string("namespace").value_or("")};
    dg->finish();
  }
  if (auto rw = r.object("rewrite")) {
    HttpRewrite rewrite;
    rewrite.origin = rw->origin();
    rewrite.uri = rw->string("uri").value_or("");
    rewrite.authority = rw->string("authority").value_or("");
    if (auto rr = rw->object("uriRegexRewrite")) {
      rewrite.uri_regex_rewrite =
          RegexRewrite{rr->string("match").value_or(""), rr->string("rewrite").value_or(""), rr->origin("match")};
      rr->finish();
    }
    route.rewrite = rewrite;
    rw->finish();
  }
  route.timeout = r.duration("timeout");
  if (auto rt = r.object("retries")) {
    HttpRetry retry;
    retry.origin = rt->origin();
    retry.attempts = static_cast<std::int32_t>(rt->integer("attempts", -2147483648LL, 2147483647LL).value_or(0));
    retry.per_try_timeout = rt->duration("perTryTimeout");
    retry.retry_on = rt->string("retryOn").value_or("");
    retry.retry_remote_localities = rt->boolean("retryRemoteLocalities");
    retry.backoff = rt->duration("backoff");
    rt->take("retryIgnorePreviousHosts");
    route.retries = retry;
    rt->finish();
  }
  route.fault = parse_fault(r);
  route.mirror_and_mirrors = r.has("mirror") && r.has("mirrors");
  route.uses_mirror_percent = r.has("mirrorPercent");
  if (auto mirror = destination_field(r, "mirror", false)) {
    HttpMirrorPolicy policy;
    policy.destination = *mirror;
    policy.origin = mirror->origin;
    policy.percentage = percentage_field(r, "mirrorPercentage");
    if (auto legacy = r.integer("mirrorPercent", 0, 100)) {
      if (!policy.percentage) policy.percentage = static_cast<double>(*legacy);
    }
    route.mirrors.push_back(policy);
  } else {
    r.take("mirrorPercentage");
    r.take("mirrorPercent");
  }
  r.objects("mirrors", [&](FieldReader& m, std::size_t) {
    HttpMirrorPolicy policy;
    policy.origin = m.origin();
    if (auto destination = destination_field(m, "destination", true)) policy.destination = *destination;
    policy.percentage = percentage_field(m, "percentage");
    route.mirrors.push_back(policy);
  });
  if (auto cors = r.object("corsPolicy")) {
    CorsPolicy policy;
    cors->objects("allowOrigins", [&](FieldReader& o, std::size_t) {
      if (auto m = parse_string_match(o)) policy.allow_origins.push_back(*m);
    });
    for (auto& s : cors->strings("allowOrigin")) policy.allow_origins.push_back({StringMatch::Kind::kExact, s.value, s.origin});
    for (auto& s : cors->strings("allowMethods")) policy.allow_methods.push_back(s.value);
    for (auto& s : cors->strings("allowHeaders")) policy.allow_headers.push_back(s.value);
    for (auto& s : cors->strings("exposeHeaders")) policy.expose_headers.push_back(s.value);
    policy.max_age = cors->duration("maxAge");
    policy.allow_credentials = cors->boolean("allowCredentials");
    policy.unmatched_preflights = cors->string("unmatchedPreflights").value_or("");
    route.cors_policy = policy;
    cors->finish();
  }
  route.headers = parse_headers(r);
  // Deprecated top-level header fields (pre-1.1 API) still accepted by Istio.
  for (const char* legacy : {"appendHeaders", "appendRequestHeaders", "appendResponseHeaders",
                             "removeRequestHeaders", "removeResponseHeaders"}) {
    if (r.has(legacy)) {
      r.context().report(Code::kDeprecatedField, r.origin(legacy),
                         std::string(legacy) + " is deprecated and ignored; use headers.request/response");
    }
    r.take(legacy);
  }
  return route;
}

L4MatchAttributes parse_l4_match(FieldReader& m, bool tls) {
  L4MatchAttributes match;
  match.origin = m.origin();
  if (tls) match.sni_hosts = m.strings("sniHosts");
  for (auto& s : m.strings("destinationSubnets")) match.destination_subnets.push_back(s.value);
  if (auto port = m.integer("port", 0, kMaxPort)) match.port = static_cast<std::uint32_t>(*port);
  match.source_subnet = m.string("sourceSubnet").value_or("");
  match.source_labels = m.string_map("sourceLabels");
  match.gateways = m.strings("gateways");
  match.source_namespace = m.string("sourceNamespace").value_or("");
  return match;
}

L4Route parse_l4_route(FieldReader& r, bool tls) {
  L4Route route;
  route.origin = r.origin();
  r.objects("match", [&](FieldReader& m, std::size_t) { route.match.push_back(parse_l4_match(m, tls)); });
  r.objects("route", [&](FieldReader& d, std::size_t) {
    RouteDestination dest;
    dest.origin = d.origin();
    if (auto destination = destination_field(d, "destination", true)) dest.destination = *destination;
    dest.weight = d.integer("weight", -2147483648LL, 2147483647LL).value_or(0);
  route.route.push_back(std::move(dest));
  });
  return route;
}

}  // namespace

bool is_catch_all_match(const HttpMatchRequest& m) {
  bool catch_all = false;
  if (m.uri) {
    catch_all = (m.uri->kind == StringMatch::Kind::kPrefix && m.uri->value == "/") ||
                (m.uri->kind == StringMatch::Kind::kRegex && (m.uri->value == "*" || m.uri->value == ".*"));
  }
  return catch_all && m.headers.empty() && m.query_params.empty() && m.source_labels.empty() &&
         m.without_headers.empty() && m.gateways.empty() && !m.method && !m.scheme && !m.port && !m.authority &&
         m.source_namespace.empty();
}

bool is_catch_all_rule(const HttpRoute& rule) {
  if (rule.match.empty()) return true;
  for (const HttpMatchRequest& m : rule.match) {
    if (is_catch_all_match(m)) return true;
  }
  return false;
}

VirtualService parse_virtual_service(FieldReader& spec, ObjectMeta meta) {
  VirtualService vs;
  vs.meta = std::move(meta);
  vs.hosts = spec.strings("hosts");
  vs.gateways = spec.strings("gateways");
  spec.objects("http", [&](FieldReader& r, std::size_t) { vs.http.push_back(parse_http_route(r)); });
  spec.objects("tls", [&](FieldReader& r, std::size_t) { vs.tls.push_back(parse_l4_route(r, true)); });
  spec.objects("tcp", [&](FieldReader& r, std::size_t) { vs.tcp.push_back(parse_l4_route(r, false)); });
  for (auto& s : spec.strings("exportTo")) vs.export_to.push_back(s.value);
  return vs;
}

}  // namespace gatesim::config
