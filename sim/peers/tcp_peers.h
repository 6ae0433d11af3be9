#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/io/owned_in_order.h"
#include "gateway/io/runtime.h"

namespace gatesim::sim {

// A TCP backend: `echo` returns every byte; `server-first` greets each connection at once
// (like a MySQL or SMTP server) and then echoes.
class TcpBackend {
 public:
  TcpBackend(io::Runtime& runtime, std::string greeting);  // empty greeting: plain echo
  ~TcpBackend();
  bool listen(const io::Address& address, std::string* error);

 private:
  class Session;
  io::Runtime& runtime_;
  std::string greeting_;
  std::unique_ptr<io::Listener> listener_;
  io::OwnedInOrder<Session> sessions_;
};

struct TcpProbeOutcome {
  std::string client;
  io::TimePoint connected{}, first_byte{}, done{};
  std::string received;  // what the server sent
  std::string error;     // "" or "timeout" / a connect error
};

// A scripted TCP client. Client-first: sends `send` on connect and expects `expect` back.
// Server-first (send empty): waits for the server's greeting, like a MySQL client; reports
// when `expect` arrived or `timeout` passed.
class TcpProbe {
 public:
  TcpProbe(io::Runtime& runtime, std::string name, io::Address target, std::string send, std::string expect,
           io::Duration start_at, io::Duration timeout);
  ~TcpProbe();
  void start();
  std::function<void(const TcpProbeOutcome&)> on_outcome;

 private:
  class Session;
  void finish(const std::string& error);

  io::Runtime& runtime_;
  std::string name_;
  io::Address target_;
  std::string send_, expect_;
  io::Duration start_at_, timeout_;
  std::unique_ptr<Session> session_;
  TcpProbeOutcome outcome_;
  bool finished_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
