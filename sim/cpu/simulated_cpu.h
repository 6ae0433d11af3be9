#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/cpu/cost_profile.h"
#include "sim/cpu/worker_cpu.h"
#include "sim/cpu/worker_runtime.h"
#include "sim/cpu/worker_usage.h"

namespace gatesim::sim {

// The gateway node's cores (DESIGN.md, "Many-core model"): N WorkerCpus, the ListenerHub that
// balances connections among them, and one WorkerRuntime per worker for that worker's engine.
// The cores outlive gateway restarts (a restarted process runs on the same machine), so usage
// covers the whole run. Every `sample` it traces each core's utilisation over the interval.
class SimulatedCpu {
 public:
  struct Options {
    int workers = 1;
    ListenerHub::Balance balance = ListenerHub::Balance::kKernelHash;
    CostProfile profile;
    io::Duration sample = std::chrono::milliseconds(100);
    std::uint64_t seed = 1;  // keys the kernel-hash balancer
  };
  SimulatedCpu(io::Runtime& base, Options options);
  ~SimulatedCpu();

  int workers() const { return static_cast<int>(cpus_.size()); }
  // Fresh runtimes for a new process (the old ones' timers die with them).
  std::vector<std::unique_ptr<WorkerRuntime>> make_runtimes();
  std::vector<WorkerUsage> usage() const;
  // Starts the trace: `cpu` records (event assign: a connection given to a worker; event
  // sample: each worker's busy time and utilisation over the last interval, queue, connections).
  void trace_to(std::function<void(nlohmann::json)> sink);

 private:
  void sample();

  io::Runtime& base_;
  Options options_;
  ListenerHub hub_;
  std::vector<std::unique_ptr<WorkerCpu>> cpus_;
  std::function<void(nlohmann::json)> sink_;
  struct Last {
    std::uint64_t busy_ns = 0;
    std::int64_t overhang_ns = 0;  // busy time of the last interval's final task past its end
  };
  std::vector<Last> last_;
  io::TimePoint last_sample_{0};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
