#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "gateway/io/runtime.h"

struct event_base;
struct event;
struct sockaddr;

namespace gatesim::io::real {

class ExactBalancer;
class SocketConnection;

// The runtime of `gatesim serve`: one libevent loop on the calling thread, real sockets,
// the monotonic clock. One instance per worker thread; instances share nothing.
// libevent was chosen over raw epoll for its portable, well-tested timer heap, deferred
// callbacks and listener/connect plumbing; its bufferevents are not used, so every byte
// still goes through our own Connection with explicit backpressure.
// Threads: one thread at a time uses a runtime (the one running its loop, or the one setting it
// up before that thread starts); post() alone may be called from any thread, once
// enable_posts() has run. libevent is used without its locks.
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

  // Cross-thread work (`serve --workers`). enable_posts() is called before any other thread
  // may post; from then on the loop runs until stop(), even with nothing else
  // pending. post() may be called from any thread: fn runs on this loop, in posting order. It
  // returns false, and drops fn, once close_posts() has run.
  void enable_posts();
  bool post(std::function<void()> fn);
  // The loop's thread, after run() returned: runs what is still queued, then refuses posts;
  // from then on this thread no longer touches anything a post could have reached.
  void close_posts();

  // listen() hands out listeners of `balancer` (Envoy's exact connection balance): this
  // runtime is worker `index`, and adopts the sockets the balancer's acceptor gives it.
  void use_balancer(ExactBalancer* balancer, std::size_t index) {
    balancer_ = balancer;
    balancer_index_ = index;
  }
  // A socket accepted for this runtime (by its own listener or by an acceptor on another
  // loop) becomes a connection of this loop.
  std::unique_ptr<SocketConnection> adopt_accepted(int fd, const sockaddr* peer);
  // A non-blocking listening socket with SO_REUSEPORT, or -1 and the reason.
  static int open_listening_socket(const Address& address, std::string* error);

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
  static void on_posted(int fd, short what, void* arg);
  void run_posted();

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
  // Cross-thread queue: posted_ and posts_closed_ under post_mutex_; an eventfd wakes the loop.
  std::mutex post_mutex_;
  std::vector<std::function<void()>> posted_;
  bool posts_closed_ = false;
  int post_fd_ = -1;
  event* post_event_ = nullptr;
  ExactBalancer* balancer_ = nullptr;
  std::size_t balancer_index_ = 0;
};

}  // namespace gatesim::io::real
