#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"
#include "gateway/engine/engine.h"
#include "sim/cpu/simulated_cpu.h"
#include "sim/scenario/gateway_process.h"

namespace gatesim::sim {

// The gateway process on its node: the unchanged engine, plus what a process has that the
// engine does not: the configuration last applied (a restarted process comes back with it)
// and a life that a `restart` fault ends and begins again. With a CPU model (gateway.cpu) the
// process has one engine per worker, share-nothing as `gatesim serve --workers N` runs them,
// each on its own simulated core; without one, a single engine on an infinitely fast CPU.
class SimulatedGateway : public GatewayProcess {
 public:
  SimulatedGateway(io::Runtime& runtime, engine::EngineOptions options,
                   std::optional<SimulatedCpu::Options> cpu = std::nullopt);

  // Starts the process with `snapshot`; false with the reasons when a listener or TLS
  // context could not be built.
  bool start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) override;
  // Live reconfiguration; while the process is down, the configuration it comes back with.
  bool apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) override;
  void drain() override;
  // The process exits now (every socket closes with it) and a new one starts with the last
  // applied configuration after `down_for`; `on_started` reports its problems ("" if none).
  void restart(io::Duration down_for, std::function<void(const std::string& problems)> on_started) override;
  void stop();
  // The running process's Istio metrics, summed over its workers (a restart starts them from
  // zero, as a real proxy's counters do); nullptr while the process is down.
  const observability::IstioMetrics* metrics() const override;
  std::vector<WorkerUsage> cpu_usage() const override { return cpu_ ? cpu_->usage() : std::vector<WorkerUsage>{}; }
  void trace_cpu(std::function<void(nlohmann::json)> sink) override {
    if (cpu_) cpu_->trace_to(std::move(sink));
  }

 private:
  io::Runtime& runtime_;
  engine::EngineOptions options_;
  std::unique_ptr<SimulatedCpu> cpu_;
  std::shared_ptr<const config::Snapshot> applied_;
  // Engines before their runtimes in destruction order: engines go first.
  std::vector<std::unique_ptr<WorkerRuntime>> worker_runtimes_;
  std::vector<std::unique_ptr<engine::Engine>> engines_;
  mutable observability::IstioMetrics merged_metrics_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a pending restart outliving us
};

}  // namespace gatesim::sim
