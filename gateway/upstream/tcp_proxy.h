#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/io/runtime.h"
#include "gateway/upstream/byte_stream.h"

namespace gatesim::upstream {

struct TcpProxyStats {
  std::uint64_t bytes_from_downstream = 0;
  std::uint64_t bytes_from_upstream = 0;
};

// Envoy's tcp_proxy in miniature: connect upstream, then move bytes both ways with
// backpressure (a side whose peer has more than `high_watermark` queued stops reading until
// the queue drains) and half-close propagation (FIN travels to the other side).
class TcpProxy : public ByteStreamEvents {
 public:
  struct Options {
    io::Duration connect_timeout = std::chrono::seconds(10);  // Istio's default connectTimeout
    std::size_t high_watermark = 1 << 20;
  };
  // `done(error)` fires once, when both sides are closed; error is "" or the first reason it
  // ended badly ("connect failure: ...", "upstream reset"). It reports; it does not own.
  TcpProxy(io::Runtime& runtime, ByteStream& downstream, io::Address upstream, Options options,
           std::function<void(const std::string& error)> done);
  ~TcpProxy() override;

  // Bytes the downstream already sent before the proxy existed (e.g. a peeked ClientHello).
  void start(std::string early_bytes);

  // ByteStreamEvents: what the downstream side reports.
  void on_bytes(std::string_view bytes) override;
  void on_end_of_input() override;
  void on_drained() override;
  void on_closed(bool abortive) override;

  const TcpProxyStats& stats() const { return stats_; }
  // Our address on the upstream connection; "" until it connected.
  const std::string& upstream_local_address() const { return upstream_local_; }

 private:
  class UpstreamSide;
  void upstream_connected(std::unique_ptr<io::Connection> connection, const std::string& error);
  void finish(const std::string& error);

  io::Runtime& runtime_;
  ByteStream& downstream_;
  io::Address upstream_address_;
  Options options_;
  std::function<void(const std::string&)> done_;
  std::unique_ptr<UpstreamSide> upstream_;
  std::string early_;  // downstream bytes waiting for the upstream connection
  bool downstream_ended_ = false;
  bool downstream_closed_ = false;
  bool upstream_closed_ = false;
  bool finished_ = false;
  std::string error_;
  std::string upstream_local_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  TcpProxyStats stats_;
};

}  // namespace gatesim::upstream
