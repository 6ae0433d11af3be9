#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "gateway/io/runtime.h"

struct event_base;
struct event;

namespace gatesim::io::real {

// The runtime of `gatesim serve`: one libevent loop on the calling thread, real sockets,
// the monotonic clock. One instance per worker thread; instances share nothing.
// libevent was chosen over raw epoll for its portable, well-tested timer heap, deferred
// callbacks and listener/connect plumbing; its bufferevents are not used, so every byte
// still goes through our own Connection with explicit backpressure.
class EventLoopRuntime : public Runtime {
 public:
  explicit EventLoopRuntime(std::uint64_t seed);
  ~EventLoopRuntime() override;
  EventLoopRuntime(const EventLoopRuntime&) = delete;
  EventLoopRuntime& operator=(const EventLoopRuntime&) = delete;

  TimePoint now() const override;
  TimerId schedule(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void defer(std::function<void()> fn) override;
  std::unique_ptr<Listener> listen(const Address& address, AcceptHandler on_accept, std::string* error) override;
  void connect(const Address& address, Duration timeout, ConnectHandler on_connected) override;
  Rng& rng() override { return rng_; }
  void charge(Work, std::uint64_t) override {}  // real CPUs charge themselves

  // Runs until stop() is called (from a callback or a signal handler's deferred event).
  void run();
  // Runs until no event is pending or `limit` has elapsed (tests).
  void run_for(Duration limit);
  void stop();
  // Runs fn on the loop when the process receives `signal_number` (SIGTERM drains `serve`).
  void on_signal(int signal_number, std::function<void()> fn);

  // connect() from a chosen local address (the loopback address of a scenario node in
  // `gatesim conform --real`); "" lets the kernel choose.
  void connect_from(const std::string& source_ip, const Address& address, Duration timeout, ConnectHandler on_connected);
  // Every connection reports here (accepted, connected, failed, closed), as the simulator's do.
  void set_connection_observer(std::function<void(const ConnectionEvent&)> observer) { observer_ = std::move(observer); }
  void report(const ConnectionEvent& event) const {
    if (observer_) observer_(event);
  }
  bool observing() const { return static_cast<bool>(observer_); }  // skip building events nobody reads

  event_base* base() const { return base_; }
  std::uint64_t next_connection_id() { return ++connection_ids_; }

 private:
  struct Timer;
  static void on_timer(int fd, short what, void* arg);
  static void on_deferred(int fd, short what, void* arg);
  void run_deferred();

  event_base* base_;
  Rng rng_;
  std::int64_t epoch_ns_;
  TimerId next_timer_ = 0;
  std::map<TimerId, std::unique_ptr<Timer>> timers_;
  std::vector<std::function<void()>> deferred_;
  event* deferred_event_ = nullptr;
  std::uint64_t connection_ids_ = 0;
  std::function<void(const ConnectionEvent&)> observer_;
  struct Signal;
  std::vector<std::unique_ptr<Signal>> signals_;
};

}  // namespace gatesim::io::real
