#include "sim/cpu/simulated_cpu.h"

#include <algorithm>
#include <cmath>

namespace gatesim::sim {

SimulatedCpu::SimulatedCpu(io::Runtime& base, Options options)
    : base_(base), options_(std::move(options)), hub_(base, options_.balance, options_.seed) {
  for (int i = 0; i < options_.workers; ++i) cpus_.push_back(std::make_unique<WorkerCpu>(base_, options_.profile, i));
  last_.resize(cpus_.size());
}

SimulatedCpu::~SimulatedCpu() { *alive_ = false; }

std::vector<std::unique_ptr<WorkerRuntime>> SimulatedCpu::make_runtimes() {
  std::vector<std::unique_ptr<WorkerRuntime>> runtimes;
  // Each worker's engine draws from its own stream, forked from the node's seeded one.
  for (auto& cpu : cpus_) runtimes.push_back(std::make_unique<WorkerRuntime>(base_, *cpu, hub_, base_.rng().next()));
  return runtimes;
}

std::vector<WorkerUsage> SimulatedCpu::usage() const {
  std::vector<WorkerUsage> out;
  const double elapsed = static_cast<double>(base_.now().count());
  for (const auto& cpu : cpus_) {
    WorkerUsage u;
    u.worker = cpu->index();
    u.busy_ns = cpu->usage().busy_ns;
    u.utilisation = elapsed > 0 ? static_cast<double>(u.busy_ns) / elapsed : 0;
    u.tasks = cpu->usage().tasks;
    u.connections = hub_.accepted(cpu->index());
    u.max_queue = cpu->usage().max_queue;
    u.queue_wait_ns = cpu->usage().queue_wait_ns;
    out.push_back(u);
  }
  return out;
}

void SimulatedCpu::trace_to(std::function<void(nlohmann::json)> sink) {
  sink_ = std::move(sink);
  hub_.on_assign = [this](std::uint64_t connection, int worker) {
    if (sink_) sink_({{"type", "cpu"}, {"event", "assign"}, {"connection", connection}, {"worker", worker}});
  };
  last_sample_ = base_.now();
  base_.schedule(options_.sample, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) sample();
  });
}

void SimulatedCpu::sample() {
  const io::TimePoint now = base_.now();
  const std::int64_t interval = (now - last_sample_).count();
  for (std::size_t i = 0; i < cpus_.size(); ++i) {
    const WorkerCpu& cpu = *cpus_[i];
    // A task's whole cost is charged at its start; the part past `now` belongs to the next interval.
    const std::int64_t overhang = std::max<std::int64_t>(0, (cpu.busy_until() - now).count());
    const std::int64_t busy = static_cast<std::int64_t>(cpu.usage().busy_ns - last_[i].busy_ns) - overhang +
                              last_[i].overhang_ns;
    last_[i] = {cpu.usage().busy_ns, overhang};
    sink_({{"type", "cpu"},
           {"event", "sample"},
           {"worker", cpu.index()},
           {"busy_ns", busy},
           {"utilisation", interval > 0 ? std::round(1e4 * static_cast<double>(busy) / static_cast<double>(interval)) / 1e4 : 0.0},
           {"queue", cpu.queued()},
           {"connections", hub_.active(cpu.index())}});
  }
  last_sample_ = now;
  base_.schedule(options_.sample, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) sample();
  });
}

}  // namespace gatesim::sim
