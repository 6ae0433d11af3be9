#include "gateway/io/real/exact_balancer.h"

#include <event2/event.h>
#include <unistd.h>

#include "gateway/io/real/socket_address.h"
#include "gateway/io/real/socket_connection.h"

namespace gatesim::io::real {

struct ExactBalancer::Socket {
  ExactBalancer* owner = nullptr;
  Address asked;        // the address the engine asked for (the other workers ask the same)
  Address bound;        // with the real port
  int fd = -1;          // -1 once every worker stopped listening and the acceptor closed it
  event* ev = nullptr;  // the acceptor's read event
  std::vector<AcceptHandler> handlers;  // per worker; empty: that worker is not listening
  std::size_t listening = 0;            // non-empty handlers
};

class ExactBalancer::HandedListener : public Listener {
 public:
  HandedListener(ExactBalancer& balancer, std::size_t worker, Socket* socket)
      : balancer_(balancer), worker_(worker), socket_(socket), address_(socket->bound) {}
  ~HandedListener() override { balancer_.unlisten(worker_, socket_); }
  const Address& address() const override { return address_; }

 private:
  ExactBalancer& balancer_;
  std::size_t worker_;
  Socket* socket_;
  Address address_;
};

ExactBalancer::ExactBalancer(EventLoopRuntime& acceptor, std::vector<EventLoopRuntime*> workers)
    : acceptor_(acceptor), workers_(std::move(workers)), counts_(new Counts[workers_.size()]) {}

ExactBalancer::~ExactBalancer() {
  for (auto& socket : sockets_) {
    if (socket->ev != nullptr) event_free(socket->ev);
    if (socket->fd >= 0) ::close(socket->fd);
  }
}

std::unique_ptr<Listener> ExactBalancer::listen(std::size_t worker, const Address& address, AcceptHandler on_accept,
                                                std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  Socket* socket = nullptr;
  for (auto& s : sockets_) {
    if (s->fd >= 0 && address.port != 0 && s->asked == address) socket = s.get();
  }
  if (socket == nullptr) {
    const int fd = EventLoopRuntime::open_listening_socket(address, error);
    if (fd < 0) return nullptr;
    auto fresh = std::make_unique<Socket>();
    fresh->owner = this;
    fresh->asked = address;
    fresh->bound = local_address_of(fd);
    fresh->fd = fd;
    fresh->handlers.resize(workers_.size());
    socket = fresh.get();
    sockets_.push_back(std::move(fresh));
    acceptor_.post([this, socket] { start_accepting(socket); });
  }
  if (!socket->handlers[worker]) ++socket->listening;
  socket->handlers[worker] = std::move(on_accept);
  return std::make_unique<HandedListener>(*this, worker, socket);
}

void ExactBalancer::unlisten(std::size_t worker, Socket* socket) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!socket->handlers[worker]) return;
  socket->handlers[worker] = nullptr;
  // The last worker gone: the acceptor closes the socket, so nothing waits in its backlog.
  if (--socket->listening == 0) acceptor_.post([this, socket] { stop_accepting(socket); });
}

void ExactBalancer::start_accepting(Socket* socket) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (socket->fd < 0 || socket->ev != nullptr) return;
  socket->ev = event_new(acceptor_.base(), socket->fd, EV_READ | EV_PERSIST,
                         [](int, short, void* arg) {
                           auto* s = static_cast<Socket*>(arg);
                           s->owner->accept_all(s);
                         },
                         socket);
  event_add(socket->ev, nullptr);
}

void ExactBalancer::stop_accepting(Socket* socket) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (socket->listening > 0 || socket->fd < 0) return;  // a worker listened again meanwhile
  if (socket->ev != nullptr) event_free(socket->ev);
  socket->ev = nullptr;
  ::close(socket->fd);
  socket->fd = -1;
}

void ExactBalancer::accept_all(Socket* socket) {
  // Bounded per wakeup, as a worker's own listener is.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    const int fd = ::accept4(socket->fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error (EMFILE...): try at the next wakeup
    std::size_t chosen = workers_.size();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t w = 0; w < workers_.size(); ++w) {
        if (!socket->handlers[w]) continue;
        if (chosen == workers_.size() || counts_[w].active.load() < counts_[chosen].active.load()) chosen = w;
      }
    }
    if (chosen == workers_.size()) {  // every worker stopped listening (draining)
      ::close(fd);
      continue;
    }
    // Counted now, not when the worker gets to it: the next accept must see this one.
    ++counts_[chosen].active;
    ++counts_[chosen].handed;
    if (!workers_[chosen]->post([this, chosen, socket, fd, peer] { adopt(chosen, socket, fd, peer); })) {
      --counts_[chosen].active;
      ::close(fd);
    }
  }
}

void ExactBalancer::adopt(std::size_t worker, Socket* socket, int fd, const sockaddr_storage& peer) {
  AcceptHandler handler;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    handler = socket->handlers[worker];
  }
  if (!handler) {  // this worker stopped listening while the connection was on its way
    --counts_[worker].active;
    ::close(fd);
    return;
  }
  std::unique_ptr<SocketConnection> connection =
      workers_[worker]->adopt_accepted(fd, reinterpret_cast<const sockaddr*>(&peer));
  connection->set_release_hook([this, worker] { --counts_[worker].active; });
  handler(std::move(connection));
}

}  // namespace gatesim::io::real
