#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/io/runtime.h"
#include "sim/peers/http_client.h"

namespace gatesim::sim {

// A raw TLS probe (openssl s_client in miniature): connects, sends a ClientHello with the
// chosen SNI (or none) and ALPN, records what the server presented (certificate names, ALPN,
// version) or how the handshake failed, and closes.
class TlsProbe {
 public:
  TlsProbe(io::Runtime& runtime, std::string name, io::Address target, std::string sni,
           std::vector<std::string> alpn, io::Duration at, io::Duration timeout);
  ~TlsProbe();
  void start();
  std::function<void(const TlsOutcome&)> on_outcome;

 private:
  class Session;
  void finish(TlsOutcome outcome);

  io::Runtime& runtime_;
  std::string name_, sni_;
  io::Address target_;
  std::vector<std::string> alpn_;
  io::Duration at_, timeout_;
  std::unique_ptr<Session> session_;
  bool finished_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
