#include "sim/cpu/worker_cpu.h"

#include <algorithm>

namespace gatesim::sim {

WorkerCpu::WorkerCpu(io::Runtime& base, const CostProfile& profile, int index)
    : base_(base), profile_(profile), index_(index) {}

WorkerCpu::~WorkerCpu() { *alive_ = false; }

void WorkerCpu::submit(std::function<void()> task) {
  if (running_) {
    task();  // re-entered from the running task (a synchronous callback): the same work
    return;
  }
  if (queue_.empty() && base_.now() >= busy_until_) {
    run(task);
    return;
  }
  queue_.push_back({base_.now(), std::move(task)});
  usage_.max_queue = std::max<std::uint64_t>(usage_.max_queue, queue_.size());
  if (!drain_scheduled_) {
    drain_scheduled_ = true;
    base_.schedule(std::max(io::Duration(0), busy_until_ - base_.now()), [this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.expired()) run_next();
    });
  }
}

void WorkerCpu::run_next() {
  drain_scheduled_ = false;
  if (queue_.empty()) return;
  Queued next = std::move(queue_.front());
  queue_.pop_front();
  usage_.queue_wait_ns += static_cast<std::uint64_t>((base_.now() - next.since).count());
  run(next.task);
  if (!queue_.empty() && !drain_scheduled_) {
    drain_scheduled_ = true;
    base_.schedule(busy_until_ - base_.now(), [this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.expired()) run_next();
    });
  }
}

void WorkerCpu::run(std::function<void()>& task) {
  std::weak_ptr<bool> alive = alive_;
  running_ = true;
  task_picoseconds_ = 0;
  task();
  if (alive.expired()) return;  // the task ended the gateway (a restart)
  running_ = false;
  // Whole nanoseconds, rounded up: a task that did any work takes time.
  const std::uint64_t cost_ns = (task_picoseconds_ + 999) / 1000;
  const io::TimePoint start = base_.now();
  busy_until_ = start + io::Duration(static_cast<std::int64_t>(cost_ns));
  usage_.busy_ns += cost_ns;
  ++usage_.tasks;
  std::vector<std::function<void(io::TimePoint)>> ends;
  ends.swap(task_end_);
  for (auto& fn : ends) fn(busy_until_);
}

void WorkerCpu::charge(io::Work work, std::uint64_t amount) {
  if (running_) task_picoseconds_ += profile_.picoseconds_for(work, amount);
}

void WorkerCpu::at_task_end(std::function<void(io::TimePoint)> fn) { task_end_.push_back(std::move(fn)); }

}  // namespace gatesim::sim
