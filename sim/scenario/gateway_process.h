#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/config/snapshot.h"
#include "gateway/io/runtime.h"
#include "gateway/observability/istio_metrics.h"
#include "sim/cpu/worker_usage.h"

namespace gatesim::sim {

// The gateway process of a scenario run, whatever runs it: the engine inside the simulator
// (SimulatedGateway) or a real `gatesim serve` on loopback (ServeProcess, for --real).
class GatewayProcess {
 public:
  virtual ~GatewayProcess() = default;
  // Starts the process; false with the reasons when it could not serve.
  virtual bool start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) = 0;
  // Live reconfiguration (the simulator only: `gatesim serve` has no apply API).
  virtual bool apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) = 0;
  virtual void drain() = 0;
  // The process exits now and a new one starts after `down_for`.
  virtual void restart(io::Duration down_for, std::function<void(const std::string& problems)> on_started) = 0;
  // Ends the process and hands over what it logged (ServeProcess reads serve's log here).
  virtual void finish() {}
  virtual const observability::IstioMetrics* metrics() const { return nullptr; }
  // The simulator's CPU model (gateway.cpu): per-worker usage so far (empty without it), and
  // where its `cpu` trace records go.
  virtual std::vector<WorkerUsage> cpu_usage() const { return {}; }
  virtual void trace_cpu(std::function<void(nlohmann::json)> sink) { (void)sink; }
};

}  // namespace gatesim::sim
