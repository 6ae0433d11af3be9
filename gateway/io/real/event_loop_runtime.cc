#include "gateway/io/real/event_loop_runtime.h"

#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "gateway/io/real/exact_balancer.h"
#include "gateway/io/real/socket_address.h"
#include "gateway/io/real/socket_connection.h"

namespace gatesim::io::real {
namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

timeval to_timeval(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

class SocketListener : public Listener {
 public:
  SocketListener(EventLoopRuntime& runtime, int fd, AcceptHandler on_accept)
      : runtime_(runtime), fd_(fd), address_(local_address_of(fd)), on_accept_(std::move(on_accept)) {
    event_ = event_new(runtime_.base(), fd_, EV_READ | EV_PERSIST, &SocketListener::on_readable, this);
    event_add(event_, nullptr);
  }
  ~SocketListener() override {
    event_free(event_);
    ::close(fd_);
  }
  const Address& address() const override { return address_; }

 private:
  static void on_readable(int, short, void* arg) { static_cast<SocketListener*>(arg)->accept_all(); }
  void accept_all() {
    // Bounded per wakeup so one busy listener cannot starve the loop.
    for (int i = 0; i < 64; ++i) {
      sockaddr_storage peer{};
      socklen_t length = sizeof(peer);
      const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a transient error (EMFILE...): try at the next wakeup
      on_accept_(runtime_.adopt_accepted(fd, reinterpret_cast<sockaddr*>(&peer)));
    }
  }

  EventLoopRuntime& runtime_;
  int fd_;
  Address address_;
  AcceptHandler on_accept_;
  event* event_ = nullptr;
};

struct PendingConnect {
  EventLoopRuntime* runtime;
  int fd;
  Address peer;
  ConnectHandler handler;
  event* ev;
};

void on_connect_event(int fd, short what, void* arg) {
  std::unique_ptr<PendingConnect> pending(static_cast<PendingConnect*>(arg));
  event_free(pending->ev);
  std::string error;
  if ((what & EV_TIMEOUT) != 0) {
    error = "connect timeout";
  } else {
    int so_error = 0;
    socklen_t length = sizeof(so_error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
    if (so_error != 0) error = std::strerror(so_error);
  }
  if (!error.empty()) {
    pending->runtime->report({ConnectionEvent::Kind::kConnectFailed, 0, local_address_of(fd), pending->peer, error});
    ::close(fd);
    pending->handler(nullptr, error);
    return;
  }
  set_nodelay(fd);
  auto connection = std::make_unique<SocketConnection>(*pending->runtime, fd, local_address_of(fd), pending->peer);
  if (pending->runtime->observing()) pending->runtime->report({ConnectionEvent::Kind::kConnected, connection->id(), connection->local(), pending->peer, ""});
  pending->handler(std::move(connection), "");
}

}  // namespace

struct EventLoopRuntime::Timer {
  EventLoopRuntime* runtime;
  TimerId id;
  std::function<void()> fn;
  event* ev;
};

struct EventLoopRuntime::Signal {
  std::function<void()> fn;
  event* ev = nullptr;
  ~Signal() {
    if (ev != nullptr) event_free(ev);
  }
};

void EventLoopRuntime::on_signal(int signal_number, std::function<void()> fn) {
  auto signal = std::make_unique<Signal>();
  signal->fn = std::move(fn);
  signal->ev = evsignal_new(base_, signal_number, [](int, short, void* arg) { static_cast<Signal*>(arg)->fn(); },
                            signal.get());
  event_add(signal->ev, nullptr);
  signals_.push_back(std::move(signal));
}

namespace {

// libevent's default clock on Linux is CLOCK_MONOTONIC_COARSE (one tick, ~4 ms): timers then
// fire up to a tick early, and a 300 ms route timeout answers after 297 ms. Ask for the
// precise clock, as Envoy's timers are.
event_base* new_precise_base() {
  event_config* config = event_config_new();
  event_config_set_flag(config, EVENT_BASE_FLAG_PRECISE_TIMER);
  event_base* base = event_base_new_with_config(config);
  event_config_free(config);
  return base != nullptr ? base : event_base_new();
}

}  // namespace

EventLoopRuntime::EventLoopRuntime(std::uint64_t seed) : base_(new_precise_base()), rng_(seed), epoch_ns_(monotonic_ns()) {
  deferred_event_ = event_new(base_, -1, 0, &EventLoopRuntime::on_deferred, this);
}

EventLoopRuntime::~EventLoopRuntime() {
  if (post_event_ != nullptr) event_free(post_event_);
  if (post_fd_ >= 0) ::close(post_fd_);
  signals_.clear();
  for (auto& [id, timer] : timers_) event_free(timer->ev);
  timers_.clear();
  event_free(deferred_event_);
  event_base_free(base_);
}

TimePoint EventLoopRuntime::now() const { return TimePoint(monotonic_ns() - epoch_ns_); }

TimerId EventLoopRuntime::schedule(Duration delay, std::function<void()> fn) {
  const TimerId id = ++next_timer_;
  auto timer = std::make_unique<Timer>(Timer{this, id, std::move(fn), nullptr});
  timer->ev = event_new(base_, -1, 0, &EventLoopRuntime::on_timer, timer.get());
  const timeval tv = to_timeval(delay);
  event_add(timer->ev, &tv);
  timers_.emplace(id, std::move(timer));
  return id;
}

void EventLoopRuntime::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  event_free(it->second->ev);
  timers_.erase(it);
}

void EventLoopRuntime::on_timer(int, short, void* arg) {
  auto* timer = static_cast<Timer*>(arg);
  EventLoopRuntime* self = timer->runtime;
  auto it = self->timers_.find(timer->id);
  std::function<void()> fn = std::move(timer->fn);
  event_free(timer->ev);
  self->timers_.erase(it);  // before running: fn may schedule or cancel
  fn();
}

void EventLoopRuntime::defer(std::function<void()> fn) {
  deferred_.push_back(std::move(fn));
  event_active(deferred_event_, 0, 0);
}

void EventLoopRuntime::on_deferred(int, short, void* arg) { static_cast<EventLoopRuntime*>(arg)->run_deferred(); }

void EventLoopRuntime::run_deferred() {
  while (!deferred_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(deferred_);
    for (auto& fn : batch) fn();
  }
}

int EventLoopRuntime::open_listening_socket(const Address& address, std::string* error) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (!to_sockaddr(address, &storage, &length)) {
    *error = "invalid address " + address.to_string();
    return -1;
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  // Several workers bind the same port; the kernel spreads connections (Envoy's default).
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, 1024) != 0) {
    *error = "cannot listen on " + address.to_string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

std::unique_ptr<Listener> EventLoopRuntime::listen(const Address& address, AcceptHandler on_accept, std::string* error) {
  if (balancer_ != nullptr) return balancer_->listen(balancer_index_, address, std::move(on_accept), error);
  const int fd = open_listening_socket(address, error);
  if (fd < 0) return nullptr;
  return std::make_unique<SocketListener>(*this, fd, std::move(on_accept));
}

std::unique_ptr<SocketConnection> EventLoopRuntime::adopt_accepted(int fd, const sockaddr* peer) {
  set_nodelay(fd);
  auto connection = std::make_unique<SocketConnection>(*this, fd, local_address_of(fd), from_sockaddr(peer));
  if (observing()) report({ConnectionEvent::Kind::kAccepted, connection->id(), connection->local(), connection->peer(), ""});
  return connection;
}

void EventLoopRuntime::enable_posts() {
  if (post_event_ != nullptr) return;
  post_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  post_event_ = event_new(base_, post_fd_, EV_READ | EV_PERSIST, &EventLoopRuntime::on_posted, this);
  event_add(post_event_, nullptr);
}

bool EventLoopRuntime::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(post_mutex_);
    if (posts_closed_ || post_fd_ < 0) return false;
    posted_.push_back(std::move(fn));
  }
  // Under no lock: the eventfd is a counter, and wakes the loop however many posts it sums.
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(post_fd_, &one, sizeof(one));
  return true;
}

void EventLoopRuntime::on_posted(int fd, short, void* arg) {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(fd, &count, sizeof(count));
  static_cast<EventLoopRuntime*>(arg)->run_posted();
}

void EventLoopRuntime::run_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(post_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void EventLoopRuntime::close_posts() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(post_mutex_);
      if (posted_.empty()) {
        posts_closed_ = true;
        return;
      }
    }
    run_posted();
  }
}

void EventLoopRuntime::connect(const Address& address, Duration timeout, ConnectHandler on_connected) {
  connect_from("", address, timeout, std::move(on_connected));
}

void EventLoopRuntime::connect_from(const std::string& source_ip, const Address& address, Duration timeout,
                                    ConnectHandler on_connected) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (!to_sockaddr(address, &storage, &length)) {
    defer([on_connected, address] { on_connected(nullptr, "invalid address " + address.to_string()); });
    return;
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    defer([on_connected, reason] { on_connected(nullptr, reason); });
    return;
  }
  if (!source_ip.empty()) {
    sockaddr_storage source{};
    socklen_t source_length = 0;
    if (!to_sockaddr(Address{source_ip, 0}, &source, &source_length) ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&source), source_length) != 0) {
      const std::string reason = "cannot bind " + source_ip + ": " + std::strerror(errno);
      ::close(fd);
      defer([on_connected, reason] { on_connected(nullptr, reason); });
      return;
    }
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 && errno != EINPROGRESS) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    defer([on_connected, reason] { on_connected(nullptr, reason); });
    return;
  }
  // Always complete asynchronously, even on an immediate success: callers never re-enter.
  auto* pending = new PendingConnect{this, fd, address, std::move(on_connected), nullptr};
  pending->ev = event_new(base_, fd, EV_WRITE, &on_connect_event, pending);
  const timeval tv = to_timeval(timeout);
  event_add(pending->ev, timeout.count() > 0 ? &tv : nullptr);
}

void EventLoopRuntime::run() { event_base_dispatch(base_); }

void EventLoopRuntime::run_for(Duration limit) {
  const timeval tv = to_timeval(limit);
  event_base_loopexit(base_, &tv);
  event_base_dispatch(base_);
}

void EventLoopRuntime::stop() { event_base_loopbreak(base_); }

}  // namespace gatesim::io::real
