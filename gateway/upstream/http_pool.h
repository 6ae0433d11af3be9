#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "gateway/http/codec.h"
#include "gateway/io/runtime.h"

namespace gatesim::upstream {

// What an upstream request reports to its owner (the downstream stream being proxied).
class UpstreamResponseCallbacks {
 public:
  virtual ~UpstreamResponseCallbacks() = default;
  virtual void on_upstream_head(http::ResponseHead head, bool end_stream) = 0;
  virtual void on_upstream_data(std::string_view data, bool end_stream) = 0;
  virtual void on_upstream_trailers(http::HeaderList trailers) = 0;
  enum class Failure { kConnectFailure, kReset, kProtocolError };
  // No response (or no more of it) will come. `before_head` tells whether any part of the
  // response was delivered: Envoy answers 503 (UF/UC) only in that case.
  virtual void on_upstream_failure(Failure failure, const std::string& detail, bool before_head) = 0;
};

class HttpPool;

// One request in flight on a pooled connection.
class UpstreamRequest {
 public:
  virtual ~UpstreamRequest() = default;
  virtual void send_data(std::string_view data, bool end_stream) = 0;
  virtual void send_trailers(const http::HeaderList& trailers) = 0;
  // Abandon the request; the connection is not reused (its state is unknown).
  virtual void cancel() = 0;
  // Our address on the upstream connection that carried the request; "" before one did.
  virtual const std::string& local_address() const = 0;
};

struct HttpPoolOptions {
  http::Version version = http::Version::kHttp11;
  io::Duration connect_timeout = std::chrono::seconds(10);
  // Envoy keeps idle upstream connections until their idle timeout; its default circuit
  // breaker allows 1024 connections per cluster. A lower cap churns connections under load.
  std::size_t max_idle_connections = 1024;
  http::CodecLimits limits;
};

// Keep-alive connections to one endpoint (Envoy's per-host connection pool): a request takes
// an idle connection or opens a new one; a connection whose response completed cleanly
// returns to the idle list.
class HttpPool {
 public:
  HttpPool(io::Runtime& runtime, io::Address endpoint, HttpPoolOptions options);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  std::unique_ptr<UpstreamRequest> start(const http::RequestHead& head, bool end_stream,
                                         UpstreamResponseCallbacks& callbacks);
  const io::Address& endpoint() const { return endpoint_; }
  std::size_t idle_connections() const;
  std::size_t total_connections() const { return connections_.size(); }
  std::uint64_t connections_opened() const { return opened_; }

 private:
  class PooledConnection;
  class Request;
  void retire(PooledConnection* connection);
  void make_idle(PooledConnection* connection);

  io::Runtime& runtime_;
  io::Address endpoint_;
  HttpPoolOptions options_;
  std::list<std::unique_ptr<PooledConnection>> connections_;
  std::vector<PooledConnection*> idle_;  // most recently used last: O(1) reuse under load
  std::uint64_t opened_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::upstream
