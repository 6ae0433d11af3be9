#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/config/diagnostic.h"
#include "gateway/config/snapshot_compiler.h"
#include "sim/ns3/ns3_world.h"
#include "sim/peers/http_client.h"
#include "sim/peers/http_echo_backend.h"
#include "sim/peers/load_generator.h"
#include "sim/scenario/expectation.h"

namespace gatesim::sim {

// The minimal scenario format of the simulator issue (the scenarios issue completes it):
//
//   name: two-hosts-one-connection
//   seed: 1
//   duration: 10s
//   nodes: [client, gateway, backend]
//   links:
//   - {between: [client, gateway], rate: 100Mbps, delay: 10ms, queue: 1000, loss: 0.01,
//      jitter: 5ms, jitter_correlation: 0.5, jitter_interval: 10ms}
//   faults: [{at: 1s, link: [client, gateway], action: down}, {at: 3s, link: [...], action: up},
//            {at: 2s, link: [...], action: delay, delay: 80ms}, {at: 2s, link: [...], action: rate, rate: 1Mbps},
//            {at: 4s, backend: web, action: fail, mode: reset}, {at: 5s, backend: web, action: recover}]
//   backends: [..., {name: web, node: backend, port: 8080, fail: stall, grpc_status: 0}]
//   backend faults also take `action: delay, delay: 500ms`
//   gateway faults: {at: 3s, gateway: apply, config: "<Istio YAML>"} (live reconfiguration), {at: 4s, gateway: drain},
//                   {at: 5s, gateway: restart, down_for: 500ms} (process exit: every socket closes, connects are
//                   refused while down, then a new engine starts with the last applied configuration)
//   node faults: {at: 2s, node: backend, action: down}, {at: 3s, node: backend, action: up}
//   gateway: {node: gateway, config: "<Istio YAML>"}   # or config_file: path
//   dns: {shop.example.com: gateway, cdn.example.com: [edge1, edge2], alt.example.com: gateway/backend}
//        (NODE/PEER: NODE's address on its link to PEER)
//   backends:
//   - {name: web, node: backend, port: 8080, status: 200, body_bytes: 0, delay: 0ms}
//   clients:
//   - name: c1
//     node: client
//     url: https://shop.example.com/      # http, https; port optional
//     alpn: [h2, http/1.1]                # https only
//     h2c: false                          # http only
//     reuse: chrome                       # chrome | firefox | never: connection coalescing policy
//     follow_redirects: false             # curl -L
//     ca_file: ../examples/istio/certs/ca.pem
//     requests: [{at: 0s, path: /a, timeout: 2s}, {at: 100ms, path: /b, method: POST, authority: x.example.com,
//                 headers: {x-user: alice}}]
//   - {name: rpc, kind: grpc, node: client, url: https://api.example.com/, call: /echo.Echo/Say, deadline: 300ms,
//      requests: [{at: 0s, message: hi}]}                                # grpc-timeout + local deadline
//   - {name: load, kind: load, node: client, url: https://shop.example.com/, mode: open, rate: 200,
//      poisson: true, start: 1s, duration: 5s, path: /, timeout: 2s}   # or mode: closed, concurrency: 20
//
// In the gateway configuration, {{ip:NODE}} stands for NODE's address.
// Conformance keys (scenarios/README.md): mode: istio|strict, requirements: [ID...], expect: [...].
struct ScenarioBackend {
  enum class Kind { kHttpEcho, kTcpEcho, kServerFirst };
  std::string name, node;
  Kind kind = Kind::kHttpEcho;
  std::uint16_t port = 8080;
  HttpEchoOptions options;
  std::string greeting = "220 gatesim server-first greeting\r\n";  // server-first only
};

// A raw TLS probe (kind: tls): ClientHello with `sni` (may be empty) and `alpn` to
// target_node:port, recording the certificate presented or the failure.
struct ScenarioTlsProbe {
  std::string name, node, target_node, sni;
  std::uint16_t port = 443;
  std::vector<std::string> alpn;
  io::Duration at{0}, timeout = std::chrono::seconds(5);
};

// A raw TCP client (kind: tcp): client-first when `send` is set, server-first otherwise.
struct ScenarioTcpClient {
  std::string name, node;
  std::string target_node;
  std::uint16_t port = 0;
  std::string send, expect;
  io::Duration at{0}, timeout = std::chrono::seconds(5);
};

struct ScenarioClient {
  std::string name, node;
  std::string scheme, host;
  std::uint16_t port = 0;
  std::vector<std::string> alpn{"h2", "http/1.1"};
  bool h2c = false;
  std::string ca_pem;
  ReusePolicy reuse = ReusePolicy::kChrome;
  bool follow_redirects = false;
  std::vector<ScriptedRequest> requests;
  std::optional<LoadSpec> load;  // kind: load
};

// A timed change. On a link (`link: [a, b]`): `down` partitions it, `up` heals it, `loss`,
// `delay` and `rate` change it. On a backend (`backend: NAME`): `fail` makes it reset, close
// or stall (`mode`), `status` makes it answer `status`, `recover` restores its first options.
struct ScenarioFault {
  enum class Action { kDown, kUp, kLoss, kDelay, kRate, kFail, kStatus, kRecover, kApply, kDrain, kRestart };
  io::Duration at{0};
  std::string a, b;   // link faults
  std::string backend;  // backend faults
  bool gateway = false;  // gateway faults: apply a new configuration, or drain
  std::string config;    // kApply: Istio YAML ({{ip:NODE}} placeholders allowed)
  io::Duration down_for{0};  // kRestart: how long the gateway process is gone
  std::string node;      // node faults (down/up every link of the node)
  Action action = Action::kDown;
  double loss = 0;
  io::Duration delay{0};
  std::string rate;
  HttpEchoOptions::Failure failure = HttpEchoOptions::Failure::kReset;
  int status = 503;
};
std::string_view to_string(ScenarioFault::Action action);

// The gateway's CPU (DESIGN.md, "Many-core model"; gateway.cpu in YAML). Without it the
// gateway's CPU is infinitely fast and one worker does everything.
struct GatewayCpu {
  enum class Balance { kKernelHash, kExact };  // SO_REUSEPORT's 4-tuple hash, or fewest connections
  int workers = 1;
  Balance balance = Balance::kKernelHash;
  std::string cost_profile = "default";  // "default" (shipped) or a profile file
  config::LocatedString cost_profile_origin;  // where the scenario named it, for errors
  io::Duration sample = std::chrono::milliseconds(100);  // cpu trace records every `sample`
};
std::string_view to_string(GatewayCpu::Balance balance);

struct Scenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 1;
  io::Duration duration = std::chrono::seconds(10);
  std::vector<std::string> nodes;
  std::vector<LinkSpec> links;
  std::string gateway_node;
  std::string gateway_config;  // Istio YAML with {{ip:NODE}} placeholders
  std::string gateway_config_name;
  std::map<std::string, std::vector<std::string>> dns;  // host -> nodes (every address, in order)
  std::vector<ScenarioBackend> backends;
  std::vector<ScenarioClient> clients;
  std::vector<ScenarioTcpClient> tcp_clients;
  std::vector<ScenarioTlsProbe> tls_probes;
  std::vector<ScenarioFault> faults;
  std::vector<config::InboundService> inbound;  // sidecar-style listeners on the gateway node
  std::optional<GatewayCpu> cpu;
  // Conformance (scenarios/README.md): the default coalescing mode of Gateways without the
  // annotation, the requirement ids the scenario evidences, and its expectations.
  bool strict_mode = false;
  bool test_break_misdirected_421 = false;  // set by `gatesim conform --test-break`, never from YAML
  std::vector<std::string> requirements;
  std::vector<Expectation> expectations;
};

// Every scenario file under `dir` (*.yaml), in name order. Folders named `costs` hold the
// cost profiles scenarios refer to (gateway.cpu.cost_profile) and are skipped.
std::vector<std::string> find_scenario_files(const std::string& dir, std::string* error);

// Reads a scenario; problems are diagnostics with file:line:col and field path.
Scenario load_scenario(const std::string& path, config::Diagnostics& diagnostics);
// The same from YAML text: `name` stands for the file in diagnostics, `base_dir` is where the
// files it refers to (certificates, configs, cost profiles) are found.
Scenario load_scenario_text(const std::string& text, const std::string& name, const std::string& base_dir,
                            config::Diagnostics& diagnostics);

}  // namespace gatesim::sim
