#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/engine/engine_options.h"
#include "sim/peers/http_client.h"
#include "sim/peers/tcp_peers.h"
#include "sim/scenario/scenario.h"

namespace gatesim::sim {

struct ClientSummary {
  std::string name;
  std::uint64_t requests = 0;
  std::map<int, std::uint64_t> statuses;  // 0: no response
  std::map<std::string, std::uint64_t> errors;  // no response, by error ("timeout", ...)
  std::map<int, std::uint64_t> grpc_statuses;   // gRPC calls that got a grpc-status
  std::uint64_t connections = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;  // simulated latency of answered requests
};

// A request as a scripted backend received it (retries, mirrors and rewrites show here).
struct BackendRequest {
  std::string backend;
  std::string method, authority, path, protocol;
  io::TimePoint at{};
};

struct RunResult {
  bool ok = false;  // false: the scenario could not run (see diagnostics)
  std::vector<RequestOutcome> requests;
  std::vector<TlsOutcome> tls;
  std::vector<engine::AccessLogEntry> access_log;
  std::vector<TcpProbeOutcome> tcp;
  std::vector<BackendRequest> backend_requests;
  std::vector<ClientSummary> clients;
  std::string trace;         // trace.jsonl content
  std::string key_log;       // NSS key log of every TLS session
  std::string trace_sha256;  // of `trace`
  std::string key_log_sha256;
  std::map<std::string, std::string> pcap_sha256;  // file name -> hash, when captured
  std::uint64_t simulator_events = 0;
};

// trace.jsonl holds one JSON object per line, in simulated-time order (`t_ns`), by `type`:
//   connection  every TCP connection of every node: accepted / connected / connect_failed /
//               closed (`detail`: why), with node, per-node id, local and peer addresses
//   tls         a client's or probe's handshake: SNI, ALPN, version, certificate subject, error
//   gateway     the engine's access log entry (code, response flags, upstream, SNI, duration)
//   response    a client request's outcome: client connection number, start/end, status, error
//   tcp         a raw TCP probe's outcome
//   backend     a request head as a scripted backend received it: backend, method, authority,
//               path, protocol
//   fault       a timed fault as it fires; gateway_started after a restart
// Runs a scenario to its duration in ns-3 with the real engine on the gateway node, from
// `seed`: same scenario and seed, same trace, byte for byte. Writes trace.jsonl, keylog.txt
// and summary.json into `out_dir` when it is not empty.
RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const std::string& out_dir,
                       config::Diagnostics& diagnostics, bool pcap = false);

std::string summary_json(const Scenario& scenario, std::uint64_t seed, const RunResult& result);

}  // namespace gatesim::sim
