#pragma once

#include <functional>
#include <string>

#include "gateway/io/real/event_loop_runtime.h"

struct event;

namespace gatesim::io::real {

// A non-blocking TCP socket driven by two libevent events. Writes are queued in our own
// buffer and flushed as the kernel accepts them; on_drained fires when the queue empties.
class SocketConnection : public Connection {
 public:
  SocketConnection(EventLoopRuntime& runtime, int fd, Address local, Address peer);
  ~SocketConnection() override;

  std::uint64_t id() const override { return id_; }
  void set_callbacks(ConnectionCallbacks* callbacks) override { callbacks_ = callbacks; }
  void write(std::string_view bytes) override;
  std::size_t pending_bytes() const override { return out_.size() - out_offset_; }
  void set_reading(bool enabled) override;
  void shutdown_write() override;
  void close() override;
  void reset() override;
  const Address& peer() const override { return peer_; }
  const Address& local() const override { return local_; }
  // Runs once, when the socket closes (or the connection is destroyed open): the exact
  // balancer counts a worker's active connections with it. Runs on this runtime's thread.
  void set_release_hook(std::function<void()> hook) { release_hook_ = std::move(hook); }

 private:
  static void on_readable(int fd, short what, void* arg);
  static void on_writable(int fd, short what, void* arg);
  void handle_read();
  void handle_write();
  void finish(CloseReason reason);
  void update_write_interest();
  void run_release_hook();

  EventLoopRuntime& runtime_;
  int fd_;
  std::uint64_t id_;
  Address local_, peer_;
  ConnectionCallbacks* callbacks_ = nullptr;
  bool peer_fin_ = false;
  event* read_event_ = nullptr;
  event* write_event_ = nullptr;
  std::string out_;
  std::size_t out_offset_ = 0;
  bool reading_ = true;
  bool input_ended_ = false;
  bool shutdown_pending_ = false;  // FIN after the queue drains
  bool write_shut_ = false;
  bool close_pending_ = false;     // release after the queue drains
  bool closed_ = false;
  std::function<void()> release_hook_;
};

}  // namespace gatesim::io::real
