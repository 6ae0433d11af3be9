#include "sim/scenario/scenario_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <ns3/simulator.h>

#include "gateway/config/config_pipeline.h"
#include "sim/scenario/simulated_gateway.h"
#include "sim/scenario/real_world.h"
#include "sim/scenario/serve_process.h"
#include "sim/scenario/trace_events.h"
#include "sim/core/deterministic_tls_random.h"
#include "sim/core/sha256.h"
#include "sim/peers/tcp_peers.h"
#include "sim/peers/tls_probe.h"

namespace gatesim::sim {
namespace {

std::int64_t ns(io::Duration d) { return d.count(); }

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

// Where a run-time problem of the scenario is reported: its file and the section at fault.
// Built field by field: GCC 12 at -O3 mistakes the nested aggregate for uninitialised.
config::Origin scenario_origin(const Scenario& scenario, const std::string& path) {
  config::Origin origin;
  origin.location.file = scenario.file;
  origin.path = path;
  return origin;
}

// The address a node is reached at: its side of the link towards the gateway, else of its
// first link.
template <class World>
std::string ip_of(const Scenario& s, const World& world, const std::string& node) {
  for (const LinkSpec& l : s.links) {
    if ((l.a == node && l.b == s.gateway_node) || (l.b == node && l.a == s.gateway_node)) {
      return world.address_of(node, node == l.a ? l.b : l.a);
    }
  }
  for (const LinkSpec& l : s.links) {
    if (l.a == node || l.b == node) return world.address_of(node, node == l.a ? l.b : l.a);
  }
  return "";
}

}  // namespace

namespace {

// Everything that needs the simulated world; the world (and its capture files) is closed
// when this returns.
// Makes the scenario's gateway process: the engine in the simulator, or `gatesim serve`.
using GatewayFactory =
    std::function<std::unique_ptr<GatewayProcess>(engine::EngineOptions options, const std::string& gateway_yaml)>;

template <class World>
RunResult run_in(World& world, const Scenario& scenario, const std::string& out_dir, config::Diagnostics& diagnostics,
                 bool pcap, const GatewayFactory& make_gateway) {
  RunResult result;

  // {{ip:NODE}} in gateway configurations (initial and applied later) becomes NODE's address.
  auto substitute = [&](std::string yaml) {
    for (const std::string& n : scenario.nodes) {
      const std::string placeholder = "{{ip:" + n + "}}";
      for (std::size_t at = yaml.find(placeholder); at != std::string::npos; at = yaml.find(placeholder)) {
        yaml.replace(at, placeholder.size(), ip_of(scenario, world, n));
      }
    }
    return yaml;
  };
  const std::string gateway_yaml = substitute(scenario.gateway_config);
  config::CompileOptions compile;
  compile.inbound = scenario.inbound;
  compile.strict_authority_by_default = scenario.strict_mode;
  compile.test_break_misdirected_421 = scenario.test_break_misdirected_421;
  const config::PipelineResult config =
      config::run_config_pipeline_on_text(gateway_yaml, scenario.gateway_config_name, {}, compile);
  for (const config::Diagnostic& d : config.diagnostics.items()) diagnostics.add(d);
  if (config.diagnostics.has_errors()) return result;

  std::vector<std::string> trace;
  auto event = [&](nlohmann::json e) {
    e["t_ns"] = ns(world.now());
    trace.push_back(e.dump());
  };
  for (const std::string& node : scenario.nodes) {
    world.observe_connections(node, [&event, node](const ConnectionEvent& c) { event(trace_event(node, c)); });
  }

  engine::EngineOptions options;
  options.access_log = [&](const engine::AccessLogEntry& e) {
    result.access_log.push_back(e);
    event(trace_event(e));
  };
  options.key_log = [&](const std::string& line) { result.key_log += line + "\n"; };
  options.listen_ip = world.listen_ip(scenario.gateway_node);
  const std::unique_ptr<GatewayProcess> gateway = make_gateway(options, gateway_yaml);
  gateway->trace_cpu(event);
  std::string problems;
  if (!gateway->start(config.snapshot, &problems)) {
    diagnostics.add(config::Code::kInvalidValue, scenario_origin(scenario, "gateway"), "Scenario",
                    "the gateway could not start: " + problems);
    return result;
  }

  std::vector<std::unique_ptr<HttpEchoBackend>> backends;
  std::vector<std::unique_ptr<TcpBackend>> tcp_backends;
  for (const ScenarioBackend& b : scenario.backends) {
    std::string why;
    bool listening = false;
    if (b.kind == ScenarioBackend::Kind::kHttpEcho) {
      backends.push_back(std::make_unique<HttpEchoBackend>(world.runtime(b.node), b.name, b.options));
      backends.back()->set_observer([&, name = b.name](const http::RequestHead& head) {
        BackendRequest seen{name, head.method, head.authority, head.path, std::string(http::to_string(head.version)),
                            world.now()};
        event(trace_event(seen));
        result.backend_requests.push_back(std::move(seen));
      });
      listening = backends.back()->listen({world.listen_ip(b.node), b.port}, &why);
    } else {
      const std::string greeting = b.kind == ScenarioBackend::Kind::kServerFirst ? b.greeting : "";
      tcp_backends.push_back(std::make_unique<TcpBackend>(world.runtime(b.node), greeting));
      listening = tcp_backends.back()->listen({world.listen_ip(b.node), b.port}, &why);
    }
    if (!listening) {
      diagnostics.add(config::Code::kInvalidValue, scenario_origin(scenario, "backends"), "Scenario",
                      "backend " + b.name + ": " + why);
      return result;
    }
  }

  std::vector<std::unique_ptr<HttpClient>> clients;
  std::vector<std::unique_ptr<LoadGenerator>> loads;
  for (const ScenarioClient& c : scenario.clients) {
    HttpTarget target;
    target.scheme = c.scheme;
    target.host = c.host;
    target.port = c.port;
    target.alpn = c.alpn;
    target.ca_pem = c.ca_pem;
    target.h2c = c.h2c;
    target.reuse = c.reuse;
    target.follow_redirects = c.follow_redirects;
    target.resolve = [&scenario, &world](const std::string& host, std::uint16_t port) {
      std::vector<io::Address> out;
      auto it = scenario.dns.find(host);
      if (it == scenario.dns.end()) return out;
      for (const std::string& answer : it->second) {
        const std::size_t slash = answer.find('/');
        out.push_back({slash == std::string::npos
                           ? ip_of(scenario, world, answer)
                           : world.address_of(answer.substr(0, slash), answer.substr(slash + 1)),
                       port});
      }
      return out;
    };
    auto on_outcome = [&](const RequestOutcome& o) {
      result.requests.push_back(o);
      event(trace_event(o));
    };
    auto on_tls = [&](const TlsOutcome& t) {
      result.tls.push_back(t);
      event(trace_event(t));
    };
    if (c.load) {
      loads.push_back(std::make_unique<LoadGenerator>(world.runtime(c.node), c.name, target, *c.load));
      loads.back()->on_outcome = on_outcome;
      loads.back()->on_tls = on_tls;
      loads.back()->start();
    } else {
      clients.push_back(std::make_unique<HttpClient>(world.runtime(c.node), c.name, target, c.requests));
      clients.back()->on_outcome = on_outcome;
      clients.back()->on_tls = on_tls;
      clients.back()->start();
    }
  }

  std::vector<std::unique_ptr<TlsProbe>> tls_probes;
  for (const ScenarioTlsProbe& t : scenario.tls_probes) {
    tls_probes.push_back(std::make_unique<TlsProbe>(world.runtime(t.node), t.name,
                                                    io::Address{ip_of(scenario, world, t.target_node), t.port}, t.sni,
                                                    t.alpn, t.at, t.timeout));
    tls_probes.back()->on_outcome = [&](const TlsOutcome& o) {
      result.tls.push_back(o);
      event(trace_event(o));
    };
    tls_probes.back()->start();
  }
  std::vector<std::unique_ptr<TcpProbe>> probes;
  for (const ScenarioTcpClient& t : scenario.tcp_clients) {
    probes.push_back(std::make_unique<TcpProbe>(world.runtime(t.node), t.name,
                                                io::Address{ip_of(scenario, world, t.target_node), t.port}, t.send,
                                                t.expect, t.at, t.timeout));
    probes.back()->on_outcome = [&](const TcpProbeOutcome& o) {
      result.tcp.push_back(o);
      event(trace_event(o));
    };
    probes.back()->start();
  }
  std::map<std::string, std::pair<HttpEchoBackend*, HttpEchoOptions>> backend_by_name;
  for (std::size_t i = 0, http = 0; i < scenario.backends.size(); ++i) {
    if (scenario.backends[i].kind != ScenarioBackend::Kind::kHttpEcho) continue;
    backend_by_name[scenario.backends[i].name] = {backends[http++].get(), scenario.backends[i].options};
  }
  for (const ScenarioFault& f : scenario.faults) {
    world.runtime(scenario.gateway_node).schedule(f.at, [&, f] {
      using Action = ScenarioFault::Action;
      nlohmann::json e = {{"type", "fault"}, {"action", std::string(to_string(f.action))}};
      if (f.gateway) {
        e["target"] = "gateway";
        if (f.action == Action::kDrain) {
          gateway->drain();
        } else if (f.action == Action::kRestart) {
          e["down_for_ns"] = ns(f.down_for);
          event(e);  // before the closes it causes
          return gateway->restart(f.down_for, [&event](const std::string& why) {
            event({{"type", "gateway_started"}, {"problems", why}});
          });
        } else {
          const config::PipelineResult next = config::run_config_pipeline_on_text(
              substitute(f.config), scenario.file + "#faults", {}, compile);
          e["errors"] = next.diagnostics.count(config::Severity::kError);
          if (!next.diagnostics.has_errors()) {
            std::string why;
            gateway->apply(next.snapshot, &why);
            e["problems"] = why;
          }
        }
      } else if (!f.node.empty()) {
        for (const LinkSpec& l : scenario.links) {
          if (l.a == f.node || l.b == f.node) world.set_link_down(l.a, l.b, f.action == Action::kDown);
        }
        e["node"] = f.node;
      } else if (!f.backend.empty()) {
        auto& [backend, original] = backend_by_name.at(f.backend);
        HttpEchoOptions changed = original;
        if (f.action == Action::kFail) changed.failure = f.failure;
        if (f.action == Action::kStatus) changed.status = f.status;
        if (f.action == Action::kDelay) changed.delay = f.delay;
        backend->set_options(changed);
        e["backend"] = f.backend;
      } else {
        switch (f.action) {
          case Action::kLoss: world.set_link_loss(f.a, f.b, f.loss); break;
          case Action::kDelay: world.set_link_delay(f.a, f.b, f.delay); break;
          case Action::kRate: world.set_link_rate(f.a, f.b, f.rate); break;
          default: world.set_link_down(f.a, f.b, f.action == Action::kDown); break;
        }
        e["link"] = f.a + "-" + f.b;
      }
      event(e);
    });
  }
  if (pcap && !out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    world.enable_pcap(out_dir);
  }
  world.run_until(scenario.duration);
  gateway->finish();
  if (const observability::IstioMetrics* metrics = gateway->metrics()) result.metrics = *metrics;
  result.cpu = gateway->cpu_usage();
  // What the teardown below closes is not part of the run.
  for (const std::string& node : scenario.nodes) world.observe_connections(node, nullptr);
  result.simulator_events = world.event_count();
  clients.clear();
  loads.clear();
  probes.clear();
  tls_probes.clear();
  backends.clear();
  tcp_backends.clear();

  for (const std::string& line : trace) result.trace += line + "\n";
  result.trace_sha256 = sha256_hex(result.trace);
  result.key_log_sha256 = sha256_hex(result.key_log);
  for (const ScenarioClient& c : scenario.clients) {
    ClientSummary summary;
    summary.name = c.name;
    std::vector<double> latencies;
    std::uint64_t max_connection = 0;
    for (const RequestOutcome& o : result.requests) {
      if (o.client != c.name) continue;
      ++summary.requests;
      ++summary.statuses[o.status];
      if (o.status == 0) ++summary.errors[o.error];
      if (o.grpc_status >= 0) ++summary.grpc_statuses[o.grpc_status];
      max_connection = std::max(max_connection, o.connection);
      if (o.status != 0) latencies.push_back(static_cast<double>(ns(o.end - o.start)) / 1e6);
    }
    summary.connections = max_connection;
    summary.p50_ms = percentile(latencies, 0.50);
    summary.p90_ms = percentile(latencies, 0.90);
    summary.p99_ms = percentile(latencies, 0.99);
    result.clients.push_back(summary);
  }
  result.ok = true;
  return result;
}

RunResult simulate(const Scenario& scenario, std::uint64_t seed, const std::string& out_dir,
                   config::Diagnostics& diagnostics, bool pcap) {
  install_deterministic_tls_random(seed);
  Ns3World world(seed);
  for (const std::string& n : scenario.nodes) world.add_node(n);
  for (const LinkSpec& l : scenario.links) world.add_link(l);
  world.finalize();
  std::optional<SimulatedCpu::Options> cpu;
  if (scenario.cpu) {
    std::string why;
    auto profile = load_cost_profile(scenario.cpu->cost_profile, &why);
    if (!profile) {
      const config::Origin where = scenario.cpu->cost_profile_origin.value.empty()
                                               ? scenario_origin(scenario, "gateway.cpu")
                                               : scenario.cpu->cost_profile_origin.origin;
      diagnostics.add(config::Code::kInvalidValue, where, "Scenario", "gateway.cpu.cost_profile: " + why);
      return {};
    }
    cpu = SimulatedCpu::Options{scenario.cpu->workers,
                                scenario.cpu->balance == GatewayCpu::Balance::kExact ? ListenerHub::Balance::kExact
                                                                                     : ListenerHub::Balance::kKernelHash,
                                std::move(*profile), scenario.cpu->sample, seed};
  }
  return run_in(world, scenario, out_dir, diagnostics, pcap,
                [&world, &scenario, &cpu](engine::EngineOptions options, const std::string&) -> std::unique_ptr<GatewayProcess> {
                  return std::make_unique<SimulatedGateway>(world.runtime(scenario.gateway_node), std::move(options), cpu);
                });
}

}  // namespace

std::string real_ineligibility(const Scenario& scenario) {
  for (const LinkSpec& l : scenario.links) {
    if (l.loss > 0) return "link " + l.a + "-" + l.b + " loses packets";
    if (l.jitter.count() > 0) return "link " + l.a + "-" + l.b + " has jitter";
  }
  for (const ScenarioFault& f : scenario.faults) {
    const std::string at = std::to_string(f.at.count() / 1000000) + " ms";
    if (!f.gateway && f.backend.empty()) return "a fault on a link or node at " + at;
    if (f.gateway && f.action == ScenarioFault::Action::kApply) return "a live configuration apply at " + at + " (serve has no apply API)";
  }
  return "";
}

RunResult run_scenario_real(const Scenario& scenario, std::uint64_t seed, config::Diagnostics& diagnostics) {
  RealWorld world(seed);
  for (const std::string& n : scenario.nodes) world.add_node(n);
  std::vector<std::string> inbound;
  for (const config::InboundService& in : scenario.inbound) {
    inbound.push_back(in.host + ":" + std::to_string(in.port) + "=" + std::to_string(in.listen_port) + "/" +
                      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(in.detection_timeout).count()) +
                      "ms");
  }
  return run_in(world, scenario, "", diagnostics, false,
                [&](engine::EngineOptions options, const std::string& yaml) -> std::unique_ptr<GatewayProcess> {
                  ServeProcess::Config config;
                  config.executable = own_executable();
                  config.config_yaml = yaml;
                  // Relative certificate paths are relative to where the configuration was written.
                  const bool inline_config = scenario.gateway_config_name.find('#') != std::string::npos;
                  config.config_dir =
                      std::filesystem::path(inline_config ? scenario.file : scenario.gateway_config_name).parent_path().string();
                  config.listen_ip = world.listen_ip(scenario.gateway_node);
                  config.seed = seed;
                  config.strict_mode = scenario.strict_mode;
                  if (scenario.cpu) {
                    config.workers = scenario.cpu->workers;
                    config.exact_balance = scenario.cpu->balance == GatewayCpu::Balance::kExact;
                  }
                  config.inbound = inbound;
                  return std::make_unique<ServeProcess>(world.runtime(scenario.gateway_node), std::move(options),
                                                        std::move(config));
                });
}

RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const std::string& out_dir,
                       config::Diagnostics& diagnostics, bool pcap) {
  RunResult result = simulate(scenario, seed, out_dir, diagnostics, pcap);
  if (!result.ok || out_dir.empty()) return result;
  if (pcap) {
    for (const auto& entry : std::filesystem::directory_iterator(out_dir)) {
      if (entry.path().extension() != ".pcap") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      result.pcap_sha256[entry.path().filename().string()] = sha256_hex(bytes.str());
    }
  }
  std::filesystem::create_directories(out_dir);
  std::ofstream(std::filesystem::path(out_dir) / "trace.jsonl") << result.trace;
  std::ofstream(std::filesystem::path(out_dir) / "keylog.txt") << result.key_log;
  std::ofstream(std::filesystem::path(out_dir) / "summary.json") << summary_json(scenario, seed, result);
  std::ofstream(std::filesystem::path(out_dir) / "metrics.prom") << result.metrics.prometheus_text();
  return result;
}

std::string summary_json(const Scenario& scenario, std::uint64_t seed, const RunResult& result) {
  nlohmann::json j;
  j["scenario"] = scenario.name;
  j["seed"] = seed;
  j["duration_ns"] = ns(scenario.duration);
  j["trace_sha256"] = result.trace_sha256;
  j["keylog_sha256"] = result.key_log_sha256;
  j["simulator_events"] = result.simulator_events;
  for (const auto& [file, hash] : result.pcap_sha256) j["pcap_sha256"][file] = hash;
  for (const ClientSummary& c : result.clients) {
    nlohmann::json statuses;
    for (const auto& [code, count] : c.statuses) statuses[std::to_string(code)] = count;
    nlohmann::json grpc = nlohmann::json::object();
    for (const auto& [code, count] : c.grpc_statuses) grpc[std::to_string(code)] = count;
    j["clients"].push_back({{"name", c.name}, {"requests", c.requests}, {"connections", c.connections},
                            {"statuses", statuses}, {"errors", c.errors}, {"grpc_statuses", grpc}, {"p50_ms", c.p50_ms}, {"p90_ms", c.p90_ms}, {"p99_ms", c.p99_ms}});
  }
  if (scenario.cpu) {
    nlohmann::json& cpu = j["cpu"];
    cpu["workers"] = scenario.cpu->workers;
    cpu["balance"] = to_string(scenario.cpu->balance);
    cpu["cost_profile"] = scenario.cpu->cost_profile;
    for (const WorkerUsage& w : result.cpu) {
      cpu["per_worker"].push_back({{"worker", w.worker}, {"busy_ns", w.busy_ns},
                                   {"utilisation", std::round(w.utilisation * 1e4) / 1e4}, {"tasks", w.tasks},
                                   {"connections", w.connections}, {"max_queue", w.max_queue},
                                   {"queue_wait_ns", w.queue_wait_ns}});
    }
  }
  j["metrics"] = result.metrics.to_json();
  return j.dump(2) + "\n";
}

}  // namespace gatesim::sim
