#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gateway/io/real/event_loop_runtime.h"

namespace gatesim::io::real {

// Envoy's exact connection balance (`connection_balance_config: exact_balance`) for
// `gatesim serve --workers N --balance exact`: one loop, the acceptor, accepts every
// connection and hands it to the worker with the fewest active connections (ties: the lowest
// index), which adopts the socket on its own loop. The kernel's SO_REUSEPORT hash, the
// default, needs none of this; exact balance trades one hop through the acceptor's thread per
// connection for an even spread when connections are few and long.
//
// Workers' runtimes listen through it (EventLoopRuntime::use_balancer), so the engine opens
// its listeners as it always does. Threads: listen() and the listeners it returns belong to
// the worker's thread; accepting runs on the acceptor's; every runtime involved has
// enable_posts(), and the balancer outlives the worker threads and their connections.
class ExactBalancer {
 public:
  ExactBalancer(EventLoopRuntime& acceptor, std::vector<EventLoopRuntime*> workers);
  ~ExactBalancer();  // on the acceptor's thread, its loop stopped
  ExactBalancer(const ExactBalancer&) = delete;
  ExactBalancer& operator=(const ExactBalancer&) = delete;

  // One listening socket per address, shared by the workers that listen on it.
  std::unique_ptr<Listener> listen(std::size_t worker, const Address& address, AcceptHandler on_accept,
                                   std::string* error);

  // Any thread. Connections handed to `worker` and not closed yet / handed in all.
  std::int64_t active(std::size_t worker) const { return counts_[worker].active.load(); }
  std::uint64_t handed(std::size_t worker) const { return counts_[worker].handed.load(); }

 private:
  struct Socket;
  class HandedListener;
  struct Counts {
    std::atomic<std::int64_t> active{0};
    std::atomic<std::uint64_t> handed{0};
  };
  void start_accepting(Socket* socket);                            // acceptor's thread
  void stop_accepting(Socket* socket);                             // acceptor's thread
  void accept_all(Socket* socket);                                 // acceptor's thread
  void adopt(std::size_t worker, Socket* socket, int fd, const sockaddr_storage& peer);  // worker's thread
  void unlisten(std::size_t worker, Socket* socket);               // worker's thread

  EventLoopRuntime& acceptor_;
  std::vector<EventLoopRuntime*> workers_;
  std::unique_ptr<Counts[]> counts_;
  std::mutex mutex_;  // sockets_ and every field of each Socket
  std::vector<std::unique_ptr<Socket>> sockets_;  // never shrinks: posted work holds pointers
};

}  // namespace gatesim::io::real
