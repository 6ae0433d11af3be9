#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "gateway/io/runtime.h"
#include "sim/cpu/worker_cpu.h"

namespace gatesim::sim {

// A connection of one simulated worker: what arrives on it becomes a task of the worker's
// core (queued while the core is busy), and what the engine writes, closes or resets during a
// task leaves when the task's CPU time is over. Order is kept: output of later tasks never
// overtakes output of earlier ones. If the engine drops the connection while output is still
// held, the output still leaves at its time and the connection then closes, as a kernel
// flushes a socket that a process closed.
class WorkerConnection : public io::Connection, private io::ConnectionCallbacks {
 public:
  WorkerConnection(std::unique_ptr<io::Connection> inner, WorkerCpu& cpu, io::Runtime& base,
                   std::function<void()> on_gone = nullptr);
  ~WorkerConnection() override;

  std::uint64_t id() const override { return inner_->id(); }
  void set_callbacks(io::ConnectionCallbacks* callbacks) override { callbacks_ = callbacks; }
  void write(std::string_view bytes) override;
  std::size_t pending_bytes() const override;
  void set_reading(bool enabled) override { inner_->set_reading(enabled); }
  void shutdown_write() override;
  void close() override;
  void reset() override;
  const io::Address& peer() const override { return inner_->peer(); }
  const io::Address& local() const override { return inner_->local(); }

 private:
  struct Outbox;
  void on_data(io::Connection&, std::string_view bytes) override;
  void on_end_of_input(io::Connection&) override;
  void on_drained(io::Connection&) override;
  void on_closed(io::Connection&, io::CloseReason reason) override;
  void deliver(std::function<void(io::ConnectionCallbacks&)> fn);
  void gone();

  WorkerCpu& cpu_;
  std::shared_ptr<Outbox> outbox_;
  io::Connection* inner_;  // owned by the outbox
  io::ConnectionCallbacks* callbacks_ = nullptr;
  std::function<void()> on_gone_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
