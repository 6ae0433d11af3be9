#include <algorithm>
#include <cctype>
#include "sim/scenario/scenario.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/config/field_reader.h"
#include "gateway/config/yaml_document_loader.h"

namespace gatesim::sim {
namespace {

using config::Code;
using config::FieldReader;

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void parse_url(FieldReader& c, ScenarioClient& client) {
  auto url = c.located_string("url", true);
  if (!url) return;
  const std::string& u = url->value;
  const std::size_t scheme_end = u.find("://");
  client.scheme = scheme_end == std::string::npos ? "" : u.substr(0, scheme_end);
  if (client.scheme != "http" && client.scheme != "https") {
    c.context().report(Code::kInvalidValue, url->origin, "url must start with http:// or https://");
    return;
  }
  std::string rest = u.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  const std::size_t colon = rest.find(':');
  client.host = rest.substr(0, colon);
  client.port = client.scheme == "https" ? 443 : 80;
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) == 0 || std::stoul(port) > 65535) {
      c.context().report(Code::kInvalidValue, url->origin, "\"" + port + "\" is not a port");
      return;
    }
    client.port = static_cast<std::uint16_t>(std::stoul(port));
  }
  if (client.host.empty()) c.context().report(Code::kInvalidValue, url->origin, "url has no host");
}

}  // namespace

std::string_view to_string(ScenarioFault::Action action) {
  using Action = ScenarioFault::Action;
  switch (action) {
    case Action::kDown: return "down";
    case Action::kUp: return "up";
    case Action::kLoss: return "loss";
    case Action::kDelay: return "delay";
    case Action::kRate: return "rate";
    case Action::kFail: return "fail";
    case Action::kStatus: return "status";
    case Action::kRecover: return "recover";
    case Action::kApply: return "apply";
    case Action::kDrain: return "drain";
    case Action::kRestart: return "restart";
  }
  return "down";
}

namespace {

// `path` names the scenario in diagnostics (and its default name); `base` is where the files it
// refers to are found.
Scenario parse_scenario(const std::vector<config::YamlDocument>& documents, const std::string& path,
                        const std::filesystem::path& base, config::Diagnostics& diagnostics) {
  Scenario scenario;
  scenario.file = path;
  if (documents.empty()) return scenario;
  const config::YamlDocument& doc = documents.front();
  config::ParseContext context(diagnostics, doc.file, doc.line_offset);
  context.set_resource("Scenario");
  FieldReader root(context, doc.root, "");
  if (!root.valid()) return scenario;
  scenario.name = root.string("name").value_or(std::filesystem::path(path).stem().string());
  scenario.seed = static_cast<std::uint64_t>(root.integer("seed", 0, 9007199254740991LL).value_or(1));
  if (auto d = root.duration("duration")) scenario.duration = *d;
  scenario.strict_mode = root.enumeration("mode", std::vector<std::pair<std::string_view, bool>>{
                                                      {"istio", false}, {"strict", true}})
                             .value_or(false);
  for (const auto& r : root.strings("requirements")) scenario.requirements.push_back(r.value);
  scenario.expectations = parse_expectations(root);
  for (const auto& n : root.strings("nodes", true)) scenario.nodes.push_back(n.value);
  auto known_node = [&](const config::LocatedString& name) {
    for (const std::string& n : scenario.nodes) {
      if (n == name.value) return true;
    }
    context.report(Code::kInvalidValue, name.origin, "\"" + name.value + "\" is not one of `nodes`");
    return false;
  };
  root.objects("links", [&](FieldReader& l, std::size_t) {
    LinkSpec link;
    const auto between = l.strings("between", true);
    if (between.size() != 2) {
      context.report(Code::kInvalidValue, l.origin("between"), "a link is between exactly two nodes");
      return;
    }
    if (!known_node(between[0]) || !known_node(between[1])) return;
    link.a = between[0].value;
    link.b = between[1].value;
    link.rate = l.string("rate").value_or("1Gbps");
    if (auto d = l.duration("delay")) link.delay = *d;
    link.queue_packets = static_cast<std::uint32_t>(l.integer("queue", 1, 1000000).value_or(1000));
    link.loss = l.number("loss", 0.0, 1.0).value_or(0.0);
    if (auto j = l.duration("jitter")) link.jitter = *j;
    link.jitter_correlation = l.number("jitter_correlation", 0.0, 1.0).value_or(0.0);
    if (auto i = l.duration("jitter_interval")) {
      if (i->count() <= 0) context.report(Code::kInvalidValue, l.origin("jitter_interval"), "must be positive");
      else link.jitter_interval = *i;
    }
    scenario.links.push_back(link);
  }, true);
  if (auto g = root.object("gateway", true)) {
    if (auto node = g->located_string("node", true); node && known_node(*node)) scenario.gateway_node = node->value;
    if (auto inline_config = g->string("config")) {
      scenario.gateway_config = *inline_config;
      scenario.gateway_config_name = path + "#gateway.config";
    } else if (auto file = g->located_string("config_file")) {
      const auto text = read_text(base / file->value);
      if (!text) context.report(Code::kFileUnreadable, file->origin, "cannot read " + (base / file->value).string());
      else scenario.gateway_config = *text;
      scenario.gateway_config_name = (base / file->value).string();
    } else {
      context.report(Code::kMissingField, g->origin(), "gateway needs `config` or `config_file`");
    }
    g->objects("inbound", [&](FieldReader& in, std::size_t) {
      config::InboundService service;
      const auto target = in.located_string("service", true);  // "host:port"
      if (target) {
        const std::size_t colon = target->value.rfind(':');
        const std::string port = colon == std::string::npos ? "" : target->value.substr(colon + 1);
        if (colon == std::string::npos || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
          context.report(Code::kInvalidValue, target->origin, "service must be HOST:PORT");
        } else {
          service.host = target->value.substr(0, colon);
          service.port = static_cast<std::uint32_t>(std::stoul(port));
        }
      }
      service.listen_port = static_cast<std::uint32_t>(in.integer("listen", 1, 65535, true).value_or(0));
      if (auto t = in.duration("detection_timeout")) service.detection_timeout = *t;
      scenario.inbound.push_back(service);
    });
    if (auto c = g->object("cpu")) {
      GatewayCpu cpu;
      cpu.workers = static_cast<int>(c->integer("workers", 1, 1024).value_or(1));
      cpu.balance = c->enumeration<GatewayCpu::Balance>(
                         "balance", {{"kernel-hash", GatewayCpu::Balance::kKernelHash}, {"exact", GatewayCpu::Balance::kExact}})
                        .value_or(GatewayCpu::Balance::kKernelHash);
      if (auto profile = c->located_string("cost_profile")) {
        cpu.cost_profile = profile->value == "default" ? "default" : (base / profile->value).string();
        cpu.cost_profile_origin = *profile;
      }
      if (auto sample = c->duration("sample")) {
        if (sample->count() <= 0) context.report(Code::kInvalidValue, c->origin("sample"), "must be positive");
        else cpu.sample = *sample;
      }
      c->finish();
      scenario.cpu = cpu;
    }
    g->finish();
  }
  // A DNS answer is a node (its address towards the gateway) or NODE/PEER: NODE's address on
  // its link to PEER, so that one gateway can answer on several addresses.
  auto dns_target_ok = [&](const config::LocatedString& target) {
    const std::size_t slash = target.value.find('/');
    if (slash == std::string::npos) return known_node(target);
    const config::LocatedString node{target.value.substr(0, slash), target.origin};
    const config::LocatedString peer{target.value.substr(slash + 1), target.origin};
    if (!known_node(node) || !known_node(peer)) return false;
    for (const LinkSpec& l : scenario.links) {
      if ((l.a == node.value && l.b == peer.value) || (l.a == peer.value && l.b == node.value)) return true;
    }
    context.report(Code::kInvalidValue, target.origin, "no link between " + node.value + " and " + peer.value);
    return false;
  };
  const YAML::Node dns = root.take("dns");
  if (dns && dns.IsMap()) {
    FieldReader entries(context, dns, "dns");
    for (const auto& kv : dns) {
      const std::string host = kv.first.Scalar();
      std::vector<config::LocatedString> nodes;
      if (kv.second.IsSequence()) {
        nodes = entries.strings(host, true);
      } else if (auto one = entries.located_string(host, true)) {
        nodes.push_back(*one);
      }
      for (const auto& n : nodes) {
        if (dns_target_ok(n)) scenario.dns[host].push_back(n.value);
      }
    }
    entries.finish();
  } else if (dns && !dns.IsNull()) {
    context.report(Code::kWrongType, root.origin("dns"), "dns maps host names to a node or a list of nodes");
  }
  root.objects("backends", [&](FieldReader& b, std::size_t) {
    ScenarioBackend backend;
    backend.name = b.string("name", true).value_or("");
    using Kind = ScenarioBackend::Kind;
    backend.kind = b.enumeration("kind", std::vector<std::pair<std::string_view, Kind>>{
                                             {"http-echo", Kind::kHttpEcho},
                                             {"tcp-echo", Kind::kTcpEcho},
                                             {"server-first", Kind::kServerFirst}})
                       .value_or(Kind::kHttpEcho);
    if (auto g = b.string("greeting")) backend.greeting = *g;
    if (auto node = b.located_string("node", true); node && known_node(*node)) backend.node = node->value;
    backend.port = static_cast<std::uint16_t>(b.integer("port", 1, 65535).value_or(8080));
    backend.options.status = static_cast<int>(b.integer("status", 100, 599).value_or(200));
    backend.options.body_bytes = static_cast<std::size_t>(b.integer("body_bytes", 0, 1 << 30).value_or(0));
    if (auto d = b.duration("delay")) backend.options.delay = *d;
    using Failure = HttpEchoOptions::Failure;
    backend.options.grpc_status = static_cast<int>(b.integer("grpc_status", 0, 16).value_or(0));
    backend.options.failure = b.enumeration("fail", std::vector<std::pair<std::string_view, Failure>>{
                                                        {"none", Failure::kNone}, {"reset", Failure::kReset},
                                                        {"close", Failure::kClose}, {"stall", Failure::kStall}})
                                  .value_or(Failure::kNone);
    scenario.backends.push_back(backend);
  });
  root.objects("clients", [&](FieldReader& c, std::size_t) {
    if (c.string("kind").value_or("http") == "tls") {
      ScenarioTlsProbe probe;
      probe.name = c.string("name", true).value_or("");
      if (auto node = c.located_string("node", true); node && known_node(*node)) probe.node = node->value;
      if (auto target = c.located_string("target_node", true); target && known_node(*target)) probe.target_node = target->value;
      probe.port = static_cast<std::uint16_t>(c.integer("port", 1, 65535).value_or(443));
      probe.sni = c.string("sni").value_or("");
      for (const auto& a : c.strings("alpn")) probe.alpn.push_back(a.value);
      if (auto at = c.duration("at")) probe.at = *at;
      if (auto t = c.duration("timeout")) probe.timeout = *t;
      scenario.tls_probes.push_back(probe);
      return;
    }
    if (c.string("kind").value_or("http") == "tcp") {
      ScenarioTcpClient tcp;
      tcp.name = c.string("name", true).value_or("");
      if (auto node = c.located_string("node", true); node && known_node(*node)) tcp.node = node->value;
      if (auto target = c.located_string("target_node", true); target && known_node(*target)) tcp.target_node = target->value;
      tcp.port = static_cast<std::uint16_t>(c.integer("port", 1, 65535, true).value_or(0));
      tcp.send = c.string("send").value_or("");
      tcp.expect = c.string("expect", true).value_or("");
      if (auto at = c.duration("at")) tcp.at = *at;
      if (auto t = c.duration("timeout")) tcp.timeout = *t;
      scenario.tcp_clients.push_back(tcp);
      return;
    }
    ScenarioClient client;
    client.name = c.string("name", true).value_or("");
    if (auto node = c.located_string("node", true); node && known_node(*node)) client.node = node->value;
    parse_url(c, client);
    if (c.has("alpn")) {
      client.alpn.clear();
      for (const auto& a : c.strings("alpn")) client.alpn.push_back(a.value);
    }
    client.h2c = c.boolean("h2c").value_or(false);
    client.reuse = c.enumeration("reuse", std::vector<std::pair<std::string_view, ReusePolicy>>{
                                              {"chrome", ReusePolicy::kChrome},
                                              {"firefox", ReusePolicy::kFirefox},
                                              {"never", ReusePolicy::kNever}})
                       .value_or(ReusePolicy::kChrome);
    client.follow_redirects = c.boolean("follow_redirects").value_or(false);
    if (auto ca = c.located_string("ca_file")) {
      const auto text = read_text(base / ca->value);
      if (!text) context.report(Code::kFileUnreadable, ca->origin, "cannot read " + (base / ca->value).string());
      else client.ca_pem = *text;
    }
    if (!client.host.empty() && scenario.dns.count(client.host) == 0) {
      context.report(Code::kInvalidValue, c.origin("url"), "host " + client.host + " has no `dns` entry");
    }
    if (c.string("kind").value_or("http") == "grpc") {
      const std::string call = c.string("call", true).value_or("/");
      const io::Duration deadline = c.duration("deadline").value_or(io::Duration(0));
      c.objects("requests", [&](FieldReader& r, std::size_t) {
        ScriptedRequest request;
        if (auto at = r.duration("at")) request.at = *at;
        request.method = "POST";
        request.path = call;
        request.grpc = true;
        request.deadline = deadline;
        request.body = r.string("message").value_or("ping");
        client.requests.push_back(request);
      }, true);
      scenario.clients.push_back(client);
      return;
    }
    if (c.string("kind").value_or("http") == "load") {
      LoadSpec load;
      load.mode = c.enumeration("mode", std::vector<std::pair<std::string_view, LoadSpec::Mode>>{
                                            {"open", LoadSpec::Mode::kOpen}, {"closed", LoadSpec::Mode::kClosed}})
                      .value_or(LoadSpec::Mode::kOpen);
      load.rate = c.number("rate", 0.001, 1e7).value_or(100);
      load.poisson = c.boolean("poisson").value_or(false);
      load.concurrency = static_cast<std::size_t>(c.integer("concurrency", 1, 100000).value_or(10));
      if (auto s = c.duration("start")) load.start = *s;
      if (auto d = c.duration("duration")) load.duration = *d;
      load.request.path = c.string("path").value_or("/");
      load.request.method = c.string("method").value_or("GET");
      if (auto t = c.duration("timeout")) load.request.timeout = *t;
      client.load = load;
      scenario.clients.push_back(client);
      return;
    }
    c.objects("requests", [&](FieldReader& r, std::size_t) {
      ScriptedRequest request;
      if (auto at = r.duration("at")) request.at = *at;
      request.method = r.string("method").value_or("GET");
      request.path = r.string("path").value_or("/");
      request.authority = r.string("authority").value_or("");
      if (auto t = r.duration("timeout")) request.timeout = *t;
      for (const auto& [name, value] : r.string_map("headers")) {
        std::string lower = name;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        request.headers.push_back({lower, value});
      }
      client.requests.push_back(request);
    }, true);
    scenario.clients.push_back(client);
  });
  root.objects("faults", [&](FieldReader& f, std::size_t) {
    ScenarioFault fault;
    using Action = ScenarioFault::Action;
    if (auto at = f.duration("at")) fault.at = *at;
    if (auto gateway_action = f.located_string("gateway")) {
      fault.gateway = true;
      if (gateway_action->value == "apply") {
        fault.action = Action::kApply;
        fault.config = f.string("config", true).value_or("");
      } else if (gateway_action->value == "drain") {
        fault.action = Action::kDrain;
      } else if (gateway_action->value == "restart") {
        fault.action = Action::kRestart;
        fault.down_for = f.duration("down_for").value_or(io::Duration{0});
      } else {
        context.report(Code::kInvalidValue, gateway_action->origin,
                       "gateway faults are `apply`, `drain` or `restart`");
        return;
      }
      scenario.faults.push_back(fault);
      return;
    }
    if (auto node = f.located_string("node")) {
      if (!known_node(*node)) return;
      fault.node = node->value;
      fault.action = f.enumeration("action", std::vector<std::pair<std::string_view, Action>>{
                                                 {"down", Action::kDown}, {"up", Action::kUp}},
                                   true)
                         .value_or(Action::kDown);
      scenario.faults.push_back(fault);
      return;
    }
    if (auto backend = f.located_string("backend")) {
      bool known = false;
      for (const ScenarioBackend& b : scenario.backends) known = known || b.name == backend->value;
      if (!known) {
        context.report(Code::kInvalidValue, backend->origin, "\"" + backend->value + "\" is not one of `backends`");
        return;
      }
      fault.backend = backend->value;
      fault.action = f.enumeration("action", std::vector<std::pair<std::string_view, Action>>{
                                                 {"fail", Action::kFail}, {"status", Action::kStatus},
                                                 {"delay", Action::kDelay}, {"recover", Action::kRecover}},
                                   true)
                         .value_or(Action::kFail);
      if (auto d = f.duration("delay")) fault.delay = *d;
      using Failure = HttpEchoOptions::Failure;
      fault.failure = f.enumeration("mode", std::vector<std::pair<std::string_view, Failure>>{
                                                {"reset", Failure::kReset}, {"close", Failure::kClose},
                                                {"stall", Failure::kStall}})
                          .value_or(Failure::kReset);
      fault.status = static_cast<int>(f.integer("status", 100, 599).value_or(503));
      scenario.faults.push_back(fault);
      return;
    }
    const auto link = f.strings("link", true);
    if (link.size() != 2 || !known_node(link[0]) || !known_node(link[1])) {
      if (link.size() != 2) context.report(Code::kInvalidValue, f.origin("link"), "a fault names a link by its two nodes");
      return;
    }
    bool exists = false;
    for (const LinkSpec& l : scenario.links) {
      exists = exists || (l.a == link[0].value && l.b == link[1].value) || (l.a == link[1].value && l.b == link[0].value);
    }
    if (!exists) {
      context.report(Code::kInvalidValue, f.origin("link"), "no link between " + link[0].value + " and " + link[1].value);
      return;
    }
    fault.a = link[0].value;
    fault.b = link[1].value;
    fault.action = f.enumeration("action", std::vector<std::pair<std::string_view, Action>>{
                                               {"down", Action::kDown}, {"up", Action::kUp}, {"loss", Action::kLoss},
                                               {"delay", Action::kDelay}, {"rate", Action::kRate}},
                                 true)
                       .value_or(Action::kDown);
    fault.loss = f.number("loss", 0.0, 1.0).value_or(0.0);
    if (auto d = f.duration("delay")) fault.delay = *d;
    fault.rate = f.string("rate").value_or("");
    if (fault.action == Action::kRate && fault.rate.empty()) {
      context.report(Code::kMissingField, f.origin(), "action rate needs `rate` (e.g. 10Mbps)");
    }
    scenario.faults.push_back(fault);
  });
  root.finish();
  return scenario;
}

}  // namespace

Scenario load_scenario(const std::string& path, config::Diagnostics& diagnostics) {
  std::vector<config::YamlDocument> documents;
  config::YamlDocumentLoader loader(diagnostics);
  if (!loader.load_path(path, [&](const config::YamlDocument& d) { documents.push_back(d); })) {
    Scenario scenario;
    scenario.file = path;
    return scenario;
  }
  return parse_scenario(documents, path, std::filesystem::path(path).parent_path(), diagnostics);
}

Scenario load_scenario_text(const std::string& text, const std::string& name, const std::string& base_dir,
                            config::Diagnostics& diagnostics) {
  std::vector<config::YamlDocument> documents;
  config::YamlDocumentLoader loader(diagnostics);
  loader.load_text(text, name, [&](const config::YamlDocument& d) { documents.push_back(d); });
  return parse_scenario(documents, name, base_dir, diagnostics);
}

std::string_view to_string(GatewayCpu::Balance balance) {
  return balance == GatewayCpu::Balance::kExact ? "exact" : "kernel-hash";
}

std::vector<std::string> find_scenario_files(const std::string& dir, std::string* error) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == "costs") {
      it.disable_recursion_pending();
    } else if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().string());
    }
  }
  if (ec) *error = "cannot read " + dir + ": " + ec.message();
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace gatesim::sim
