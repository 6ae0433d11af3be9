#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gateway/engine/engine_options.h"
#include "sim/ns3/ns3_runtime.h"
#include "sim/scenario/scenario_runner.h"
#include "sim/peers/http_client.h"
#include "sim/peers/tcp_peers.h"

namespace gatesim::sim {

// One trace.jsonl record per thing that happened (the runner adds `t_ns`). The field names
// are the trace format documented in scenario_runner.h; keep them stable.
nlohmann::json trace_event(const RequestOutcome& o);
nlohmann::json trace_event(const TlsOutcome& t);
nlohmann::json trace_event(const engine::AccessLogEntry& e);
nlohmann::json trace_event(const TcpProbeOutcome& o);
nlohmann::json trace_event(const std::string& node, const ConnectionEvent& c);
nlohmann::json trace_event(const BackendRequest& b);

}  // namespace gatesim::sim
