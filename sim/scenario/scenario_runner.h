#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/engine/engine_options.h"
#include "gateway/observability/istio_metrics.h"
#include "sim/peers/http_client.h"
#include "sim/peers/tcp_peers.h"
#include "sim/cpu/worker_usage.h"
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
  // Istio's standard metrics of the gateway process alive at the end of the run (empty if it
  // is down then; a restart starts them from zero, as a real proxy's counters do).
  observability::IstioMetrics metrics;
  std::vector<WorkerUsage> cpu;  // per worker; empty when the scenario has no gateway.cpu
};

// trace.jsonl holds one JSON object per line, in simulated-time order (`t_ns`), by `type`:
//   connection  every TCP connection of every node: accepted / connected / connect_failed /
//               closed (`detail`: why), with node, per-node id, local and peer addresses
//   tls         a client's or probe's handshake: SNI, ALPN, version, certificate subject, error
//   gateway     the engine's access log entry (code, response flags, upstream, SNI, duration;
//               start_ns, request_protocol, bytes_received/sent, downstream_local,
//               x_forwarded_for, user_agent, request_id, upstream_service_time_ms, route,
//               upstream_local, upstream_transport_failure, termination_details, grpc_status,
//               destination_service[_name|_namespace], request/response_messages, and `log`:
//               Istio's default access-log line with simulated time as START_TIME)
//   response    a client request's outcome: client connection number, start/end, status, error
//   tcp         a raw TCP probe's outcome
//   backend     a request head as a scripted backend received it: backend, method, authority,
//               path, protocol
//   fault       a timed fault as it fires; gateway_started after a restart
// Runs a scenario to its duration in ns-3 with the real engine on the gateway node, from
// `seed`: same scenario and seed, same trace, byte for byte. Writes trace.jsonl, keylog.txt,
// summary.json (with `metrics`: the final Istio metrics as JSON) and metrics.prom (the same in
// Prometheus' text format) into `out_dir` when it is not empty.
RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const std::string& out_dir,
                       config::Diagnostics& diagnostics, bool pcap = false);

// Why a scenario cannot run on this machine's loopback (`gatesim conform --real`): it needs
// link emulation (loss, jitter, link or node faults) or a live configuration apply (serve has
// no API for it). "" when it can.
std::string real_ineligibility(const Scenario& scenario);
// The same clients and backends on real sockets and wall time (RealWorld) against a real
// `gatesim serve` started for the run (ServeProcess; its access log is read back into the
// trace when the run ends). Link delays and rates are not applied.
RunResult run_scenario_real(const Scenario& scenario, std::uint64_t seed, config::Diagnostics& diagnostics);

std::string summary_json(const Scenario& scenario, std::uint64_t seed, const RunResult& result);

}  // namespace gatesim::sim
