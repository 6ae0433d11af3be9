#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gateway/config/snapshot.h"
#include "gateway/engine/engine.h"
#include "gateway/io/runtime.h"
#include "gateway/tls/tls_session.h"
#include "gateway/upstream/byte_stream.h"
#include "gateway/upstream/tcp_proxy.h"

namespace gatesim::engine {

class HttpConnectionManager;

// One accepted connection: inspects its first bytes (ClientHello on TLS listeners), picks
// the filter chain by SNI, then terminates TLS or not, and hands the plaintext to HTTP or
// to a TCP proxy. It presents its plaintext side as a ByteStream to whichever consumes it.
class DownstreamConnection : public io::ConnectionCallbacks,
                             public tls::TlsSessionCallbacks,
                             public upstream::ByteStream {
 public:
  DownstreamConnection(Engine& engine, std::shared_ptr<const config::Snapshot> snapshot,
                       const config::Listener& listener, std::unique_ptr<io::Connection> connection);
  ~DownstreamConnection() override;

  void start();
  void start_drain();

  // io::ConnectionCallbacks
  void on_data(io::Connection& connection, std::string_view bytes) override;
  void on_end_of_input(io::Connection& connection) override;
  void on_drained(io::Connection& connection) override;
  void on_closed(io::Connection& connection, io::CloseReason reason) override;

  // tls::TlsSessionCallbacks
  void on_handshake_complete() override;
  void on_plaintext(std::string_view bytes) override;
  void on_tls_closed() override;
  void on_tls_error(const std::string& reason) override;

  // upstream::ByteStream: the plaintext side
  void write(std::string_view bytes) override;
  std::size_t pending_bytes() const override { return connection_->pending_bytes(); }
  void set_reading(bool enabled) override { connection_->set_reading(enabled); }
  void shutdown_write() override;
  void close() override;
  void reset() override;

  const io::Connection& connection() const { return *connection_; }
  const std::string& server_name() const { return server_name_; }
  bool tls() const { return tls_ != nullptr; }
  std::string alpn() const { return tls_ ? tls_->alpn() : ""; }
  const config::FilterChain* chain() const { return chain_; }

  const config::Listener& listener() const { return listener_; }

 private:
  enum class State { kInspecting, kTls, kPlaintext, kClosed };
  void inspect();
  void choose_chain(const std::string& sni);
  void detected(bool http);
  void start_application();
  void start_tcp_proxy(const std::string& cluster, std::string early_bytes);
  void start_tcp_proxy_to(const std::vector<config::RouteTarget>& targets, std::string early_bytes);
  void flush_tls();
  void refuse(const std::string& flags, const std::string& details);
  AccessLogEntry connection_log() const;

  Engine& engine_;
  std::shared_ptr<const config::Snapshot> snapshot_;  // keeps listener_ and chain_ alive across reconfiguration
  const config::Listener& listener_;
  std::shared_ptr<tls::ServerTlsContext> tls_context_;  // outlives a reconfiguration too
  std::unique_ptr<io::Connection> connection_;
  State state_ = State::kInspecting;
  std::string inspected_;  // bytes read while choosing a chain
  std::string server_name_;
  const config::FilterChain* chain_ = nullptr;
  std::unique_ptr<tls::TlsSession> tls_;
  std::unique_ptr<upstream::TcpProxy> proxy_;
  upstream::HostLease tcp_host_;  // the proxied connection counts as the host's active request
  std::unique_ptr<HttpConnectionManager> http_;
  upstream::ByteStreamEvents* consumer_ = nullptr;
  std::string upstream_host_, upstream_cluster_;
  io::TimePoint started_{};
  io::TimerId inspect_timer_ = 0;
};

}  // namespace gatesim::engine
