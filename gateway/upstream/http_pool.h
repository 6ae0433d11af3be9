#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http/codec.h"
#include "gateway/io/runtime.h"
#include "gateway/tls/tls_context.h"
#include "gateway/upstream/upstream_settings.h"

namespace gatesim::upstream {

// What an upstream request reports to its owner (the downstream stream being proxied).
class UpstreamResponseCallbacks {
 public:
  virtual ~UpstreamResponseCallbacks() = default;
  virtual void on_upstream_head(http::ResponseHead head, bool end_stream) = 0;
  virtual void on_upstream_data(std::string_view data, bool end_stream) = 0;
  virtual void on_upstream_trailers(http::HeaderList trailers) = 0;
  // kOverflow: a circuit breaker refused the request (503 UO); kRefusedStream: h2 REFUSED_STREAM.
  enum class Failure { kConnectFailure, kReset, kRefusedStream, kProtocolError, kOverflow };
  // No response (or no more of it) will come. `before_head` tells whether any part of the
  // response was delivered: Envoy answers 503 (UF/UC) only in that case.
  virtual void on_upstream_failure(Failure failure, const std::string& detail, bool before_head) = 0;
};

// One request in flight on a pooled connection, or waiting for one.
class UpstreamRequest {
 public:
  virtual ~UpstreamRequest() = default;
  virtual void send_data(std::string_view data, bool end_stream) = 0;
  virtual void send_trailers(const http::HeaderList& trailers) = 0;
  // Abandon the request: a pending one leaves the queue, an HTTP/2 stream is reset, an
  // HTTP/1.1 connection is closed (its state is unknown).
  virtual void cancel() = 0;
  // "ip:port" of the connection's local end once attached ("" before).
  virtual std::string local_address() const = 0;
};

// The circuit breakers of one cluster and what currently counts against them; shared by the
// cluster's per-host pools (Envoy counts them per cluster, not per host).
struct ClusterResources {
  CircuitBreakers limits;
  std::uint64_t connections = 0;
  std::uint64_t pending = 0;
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  // counters, as Envoy's upstream_cx_overflow / upstream_rq_pending_overflow / ...
  std::uint64_t connection_overflows = 0;
  std::uint64_t pending_overflows = 0;
  std::uint64_t request_overflows = 0;
  std::uint64_t retry_overflows = 0;
  std::uint64_t connect_failures = 0;  // per failed connection attempt (upstream_cx_connect_fail)
  std::function<void()> on_connect_failure;  // the engine's counter
};

struct HttpPoolOptions {
  http::Version version = http::Version::kHttp11;
  io::Duration connect_timeout = std::chrono::seconds(10);
  io::Duration idle_timeout = std::chrono::hours(1);
  std::uint64_t max_requests_per_connection = 0;      // 0: unlimited
  std::uint32_t max_concurrent_streams = 2147483647;  // h2, per connection
  std::shared_ptr<tls::ClientTlsContext> tls;         // TLS origination when set
  std::string sni;
  http::CodecLimits limits;
};

// The connections to one endpoint for one protocol (Envoy's per-host connection pool).
// HTTP/1.1: one request per connection at a time, idle connections reused most recent first.
// HTTP/2: streams multiplexed on as few connections as the peer's SETTINGS and
// max_concurrent_streams allow. A request that finds no ready capacity waits in the pending
// queue (counted against max_pending_requests) while connections open, within
// max_connections; every pending request fails when a connection attempt fails, as Envoy
// purges them.
class HttpPool {
 public:
  HttpPool(io::Runtime& runtime, io::Address endpoint, HttpPoolOptions options, ClusterResources& resources);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  // Never nullptr; on overflow the callbacks hear kOverflow from a deferred call.
  std::unique_ptr<UpstreamRequest> start(const http::RequestHead& head, bool end_stream,
                                         UpstreamResponseCallbacks& callbacks);
  const io::Address& endpoint() const { return endpoint_; }
  std::size_t total_connections() const { return connections_.size(); }
  std::size_t pending_requests() const { return pending_.size(); }
  std::uint64_t connections_opened() const { return opened_; }
  std::size_t busy_streams() const;

 private:
  class Connection;
  class Request;
  void dispatch_pending();
  Connection* find_ready();
  void make_idle(Connection* connection);
  void open_connections_for_pending();
  void on_connection_ready(Connection* connection);
  void on_connect_failed(Connection* connection, const std::string& detail);
  void retire(Connection* connection);
  void remove_pending(Request* request);
  void fail_later(Request* request, const std::string& detail);
  void notify_failed(const std::vector<std::pair<std::weak_ptr<bool>, Request*>>& failed,
                     UpstreamResponseCallbacks::Failure failure, const std::string& detail);

  io::Runtime& runtime_;
  io::Address endpoint_;
  HttpPoolOptions options_;
  ClusterResources& resources_;
  std::list<std::unique_ptr<Connection>> connections_;  // in opening order: deterministic reuse
  std::deque<Request*> pending_;
  std::vector<Connection*> idle_;  // HTTP/1.1 connections with no request, most recent last
  std::uint64_t opened_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::upstream
