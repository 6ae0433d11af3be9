#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/http/message.h"
#include "gateway/io/owned_in_order.h"
#include "gateway/io/runtime.h"

namespace gatesim::sim {

struct HttpEchoOptions {
  enum class Failure { kNone, kReset, kClose, kStall };
  int status = 200;
  std::size_t body_bytes = 0;  // extra filler after the echo line
  io::Duration delay{0};       // before answering, per request
  // Instead of answering: reset the connection, close it (FIN) without a response, or never
  // answer at all.
  Failure failure = Failure::kNone;
  int grpc_status = 0;  // for gRPC requests (content-type application/grpc): trailer grpc-status
};

// A scripted HTTP backend on any io::Runtime: HTTP/1.1 and h2c prior knowledge on one port;
// answers each request with `status` and a body echoing what it received
// ("<name> <METHOD> <authority><path>") plus `body_bytes` of filler, after `delay`. gRPC
// requests get a gRPC-framed echo and trailers with `grpc_status` (the gRPC echo server).
class HttpEchoBackend {
 public:
  HttpEchoBackend(io::Runtime& runtime, std::string name, HttpEchoOptions options);
  ~HttpEchoBackend();
  bool listen(const io::Address& address, std::string* error);
  std::uint64_t requests() const { return requests_; }
  // Sees every request head as it arrives (the simulator traces what each backend received).
  void set_observer(std::function<void(const http::RequestHead&)> observer) { observer_ = std::move(observer); }
  // Timed faults change how the backend answers from now on.
  void set_options(HttpEchoOptions options) { options_ = options; }

 private:
  class Session;
  io::Runtime& runtime_;
  std::string name_;
  HttpEchoOptions options_;
  std::unique_ptr<io::Listener> listener_;
  io::OwnedInOrder<Session> sessions_;
  std::uint64_t requests_ = 0;
  std::function<void(const http::RequestHead&)> observer_;
};

}  // namespace gatesim::sim
