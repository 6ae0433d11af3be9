#include "gateway/io/real/socket_connection.h"

#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gatesim::io::real {
namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

SocketConnection::SocketConnection(EventLoopRuntime& runtime, int fd, Address local, Address peer)
    : runtime_(runtime), fd_(fd), id_(runtime.next_connection_id()), local_(std::move(local)), peer_(std::move(peer)) {
  read_event_ = event_new(runtime_.base(), fd_, EV_READ | EV_PERSIST, &SocketConnection::on_readable, this);
  write_event_ = event_new(runtime_.base(), fd_, EV_WRITE | EV_PERSIST, &SocketConnection::on_writable, this);
  event_add(read_event_, nullptr);
}

SocketConnection::~SocketConnection() {
  // Destroyed open (its owner went away, e.g. a gateway restart): closed now, as the simulator says.
  if (!closed_ && runtime_.observing()) runtime_.report({ConnectionEvent::Kind::kClosed, id_, local_, peer_, "destroyed"});
  run_release_hook();
  if (read_event_ != nullptr) event_free(read_event_);
  if (write_event_ != nullptr) event_free(write_event_);
  if (fd_ >= 0) ::close(fd_);
}

void SocketConnection::on_readable(int, short, void* arg) { static_cast<SocketConnection*>(arg)->handle_read(); }
void SocketConnection::on_writable(int, short, void* arg) { static_cast<SocketConnection*>(arg)->handle_write(); }

void SocketConnection::handle_read() {
  char buffer[kReadChunk];
  while (!closed_ && reading_ && !input_ended_) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      if (callbacks_ != nullptr) callbacks_->on_data(*this, std::string_view(buffer, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) < sizeof(buffer)) return;
      continue;
    }
    if (n == 0) {
      peer_fin_ = true;
      input_ended_ = true;
      event_del(read_event_);
      if (write_shut_) return finish(CloseReason::kPeer);
      if (callbacks_ != nullptr) callbacks_->on_end_of_input(*this);
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (errno == EINTR) continue;
    return finish(errno == ECONNRESET ? CloseReason::kReset : CloseReason::kError);
  }
}

void SocketConnection::handle_write() {
  while (out_offset_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_offset_, out_.size() - out_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      out_offset_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    return finish(errno == ECONNRESET || errno == EPIPE ? CloseReason::kReset : CloseReason::kError);
  }
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
    if (close_pending_) return finish(CloseReason::kLocal);
    if (shutdown_pending_ && !write_shut_) {
      ::shutdown(fd_, SHUT_WR);
      write_shut_ = true;
      if (input_ended_) return finish(CloseReason::kPeer);
    }
    if (callbacks_ != nullptr) callbacks_->on_drained(*this);
  }
  if (!closed_) update_write_interest();
}

void SocketConnection::update_write_interest() {
  if (out_offset_ < out_.size()) {
    event_add(write_event_, nullptr);
  } else {
    event_del(write_event_);
  }
}

void SocketConnection::write(std::string_view bytes) {
  if (closed_ || close_pending_ || shutdown_pending_ || bytes.empty()) return;
  if (out_offset_ > 0 && out_offset_ * 2 > out_.size()) {
    out_.erase(0, out_offset_);
    out_offset_ = 0;
  }
  const bool was_empty = out_offset_ == out_.size();
  out_.append(bytes);
  // Coalesce: everything written during this loop turn leaves in one send() when the loop
  // gets back to the write event, instead of one system call per codec frame.
  if (was_empty) event_active(write_event_, EV_WRITE, 0);
}

void SocketConnection::set_reading(bool enabled) {
  if (closed_ || reading_ == enabled) return;
  reading_ = enabled;
  if (input_ended_) return;
  if (enabled) {
    event_add(read_event_, nullptr);
    event_active(read_event_, EV_READ, 0);  // data may already be waiting in the kernel
  } else {
    event_del(read_event_);
  }
}

void SocketConnection::shutdown_write() {
  if (closed_ || shutdown_pending_) return;
  shutdown_pending_ = true;
  handle_write();
}

void SocketConnection::close() {
  if (closed_ || close_pending_) return;
  close_pending_ = true;
  event_del(read_event_);
  handle_write();
}

void SocketConnection::reset() {
  if (closed_) return;
  linger option{1, 0};  // close() then sends RST instead of FIN
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  out_.clear();
  out_offset_ = 0;
  finish(CloseReason::kLocal);
}

void SocketConnection::finish(CloseReason reason) {
  if (closed_) return;
  closed_ = true;
  if (runtime_.observing()) {
    runtime_.report({ConnectionEvent::Kind::kClosed, id_, local_, peer_,
                     std::string(to_string(reason)) + (peer_fin_ ? " after the peer's FIN" : "")});
  }
  event_del(read_event_);
  event_del(write_event_);
  ::close(fd_);
  fd_ = -1;
  run_release_hook();
  if (callbacks_ != nullptr) callbacks_->on_closed(*this, reason);
}

void SocketConnection::run_release_hook() {
  if (!release_hook_) return;
  std::function<void()> hook = std::move(release_hook_);
  release_hook_ = nullptr;
  hook();
}

}  // namespace gatesim::io::real
