#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "gateway/io/runtime.h"
#include "sim/cpu/cost_profile.h"

namespace gatesim::sim {

// One simulated worker core (DESIGN.md, "Many-core model"). Everything the worker's engine
// does runs as a task: an accept, the data of a connection, a timer, a connect result. A task
// runs at once when the core is idle, else waits in FIFO order until the tasks before it are
// done. While it runs, the engine charges units of work; their price from the cost profile is
// the task's CPU time, and the core stays busy for that long after the task's start. What the
// task wrote leaves when its CPU time is over (WorkerConnection holds it until then), so a
// response costs its queueing plus its own processing in simulated time.
//
// The engine itself runs instantly in simulated time: `now()` inside a task is its start.
class WorkerCpu {
 public:
  WorkerCpu(io::Runtime& base, const CostProfile& profile, int index);
  ~WorkerCpu();
  WorkerCpu(const WorkerCpu&) = delete;
  WorkerCpu& operator=(const WorkerCpu&) = delete;

  int index() const { return index_; }
  // Runs `task` as this core's work (inline when called from within a task of this core).
  void submit(std::function<void()> task);
  void charge(io::Work work, std::uint64_t amount);
  bool in_task() const { return running_; }
  // Called once at the end of the current task, with the simulated time its output may leave.
  void at_task_end(std::function<void(io::TimePoint done)> fn);
  io::TimePoint busy_until() const { return busy_until_; }
  std::size_t queued() const { return queue_.size(); }

  struct Usage {
    std::uint64_t busy_ns = 0, tasks = 0, max_queue = 0, queue_wait_ns = 0;
  };
  const Usage& usage() const { return usage_; }

 private:
  struct Queued {
    io::TimePoint since;
    std::function<void()> task;
  };
  void run(std::function<void()>& task);
  void run_next();

  io::Runtime& base_;
  const CostProfile& profile_;
  int index_;
  bool running_ = false;
  bool drain_scheduled_ = false;
  std::uint64_t task_picoseconds_ = 0;
  io::TimePoint busy_until_{0};
  std::deque<Queued> queue_;
  std::vector<std::function<void(io::TimePoint)>> task_end_;
  Usage usage_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
