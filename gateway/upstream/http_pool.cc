#include "gateway/upstream/http_pool.h"

#include <algorithm>

#include "gateway/http/codec_factory.h"

namespace gatesim::upstream {

// A request handle; it survives the connection, which it reaches only while attached.
class HttpPool::Request : public UpstreamRequest {
 public:
  Request(UpstreamResponseCallbacks& owner, http::RequestHead request_head, bool end_stream)
      : callbacks(owner), head(std::move(request_head)), head_end_stream(end_stream) {}
  ~Request() override;
  void send_data(std::string_view data, bool end_stream) override;
  void send_trailers(const http::HeaderList& trailers) override;
  void cancel() override;
  const std::string& local_address() const override { return local; }

  UpstreamResponseCallbacks& callbacks;
  http::RequestHead head;
  bool head_end_stream;
  std::string queued_body;  // body sent before the connection was ready
  bool queued_end = false;
  std::optional<http::HeaderList> queued_trailers;
  PooledConnection* connection = nullptr;
  http::StreamId stream = 0;
  bool response_started = false;
  bool done = false;
  std::string local;  // of the connection the head went out on
};

class HttpPool::PooledConnection : public io::ConnectionCallbacks, public http::ClientCodecCallbacks {
 public:
  PooledConnection(HttpPool& pool) : pool_(pool) {}
  ~PooledConnection() override {
    if (connection_ != nullptr && !closed_) {
      connection_->set_callbacks(nullptr);  // reset() reports synchronously; we are going away
      connection_->reset();
    }
  }

  void connect() {
    ++pool_.opened_;
    pool_.runtime_.charge(io::Work::kUpstreamConnect);
    std::weak_ptr<bool> alive = pool_.alive_;
    pool_.runtime_.connect(pool_.endpoint_, pool_.options_.connect_timeout,
                           [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
                             if (alive.expired()) {
                               if (c) c->reset();
                               return;
                             }
                             connected(std::move(c), error);
                           });
  }

  bool idle() const { return ready_ && request_ == nullptr && !broken_; }
  bool busy() const { return request_ != nullptr; }

  void attach(Request* request) {
    request_ = request;
    request->connection = this;
    if (ready_) send_head();
  }

  void detach_cancelled(Request* request) {
    if (request_ != request) return;
    request_ = nullptr;
    broken_ = true;  // mid-exchange: the stream's state on the wire is unknown
    pool_.retire(this);
  }

  void send_data(std::string_view data, bool end_stream) {
    codec_->send_request_data(request_->stream, data, end_stream);
    flush();
  }
  void send_trailers(const http::HeaderList& trailers) {
    codec_->send_request_trailers(request_->stream, trailers);
    flush();
  }
  bool ready() const { return ready_; }

  // io::ConnectionCallbacks
  void on_data(io::Connection&, std::string_view bytes) override {
    codec_->receive(bytes);
    flush();
  }
  void on_end_of_input(io::Connection&) override {
    codec_->receive_eof();
    if (request_ != nullptr) fail(UpstreamResponseCallbacks::Failure::kReset, "upstream closed the connection");
    broken_ = true;
    if (!closed_) connection_->close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;  // the object lives on until the pool retires us; it is not used again
    broken_ = true;
    if (request_ != nullptr) {
      fail(UpstreamResponseCallbacks::Failure::kReset, "connection " + std::string(io::to_string(reason)));
    }
    pool_.retire(this);
  }

  // http::ClientCodecCallbacks
  void on_response_head(http::StreamId, http::ResponseHead head, bool end_stream) override {
    if (request_ == nullptr) return;
    request_->response_started = true;
    Request* r = request_;
    if (end_stream) complete();
    r->callbacks.on_upstream_head(std::move(head), end_stream);
  }
  void on_response_data(http::StreamId, std::string_view data, bool end_stream) override {
    if (request_ == nullptr) return;
    Request* r = request_;
    if (end_stream) complete();
    r->callbacks.on_upstream_data(data, end_stream);
  }
  void on_response_trailers(http::StreamId, http::HeaderList trailers) override {
    if (request_ == nullptr) return;
    Request* r = request_;
    complete();
    r->callbacks.on_upstream_trailers(std::move(trailers));
  }
  void on_stream_reset(http::StreamId, http::ResetReason reason) override {
    fail(UpstreamResponseCallbacks::Failure::kReset, std::string(http::to_string(reason)));
  }
  void on_codec_error(http::CodecError error, std::string_view detail) override {
    broken_ = true;
    fail(UpstreamResponseCallbacks::Failure::kProtocolError,
         std::string(http::to_string(error)) + ": " + std::string(detail));
    if (connection_ != nullptr && !closed_) connection_->close();
  }

 private:
  void connected(std::unique_ptr<io::Connection> connection, const std::string& error) {
    if (connection == nullptr) {
      broken_ = true;
      fail(UpstreamResponseCallbacks::Failure::kConnectFailure, error);
      pool_.retire(this);
      return;
    }
    connection_ = std::move(connection);
    connection_->set_callbacks(this);
    codec_ = http::make_client_codec(pool_.options_.version, *this, pool_.options_.limits);
    ready_ = true;
    if (request_ != nullptr) send_head();
  }

  void send_head() {
    Request* r = request_;
    r->local = connection_->local().to_string();
    r->stream = codec_->send_request_head(r->head, r->head_end_stream);
    if (!r->queued_body.empty() || (r->queued_end && !r->head_end_stream)) {
      codec_->send_request_data(r->stream, r->queued_body, r->queued_end && !r->queued_trailers);
      r->queued_body.clear();
    }
    if (r->queued_trailers) codec_->send_request_trailers(r->stream, *r->queued_trailers);
    flush();
  }

  void flush() {
    if (connection_ != nullptr && !closed_ && codec_ != nullptr && codec_->has_output()) {
      connection_->write(codec_->take_output());
    }
  }

  // The response is complete: the connection may serve the next request.
  void complete() {
    if (request_ != nullptr) {
      request_->done = true;
      request_->connection = nullptr;
    }
    request_ = nullptr;
    if (codec_->wants_close()) broken_ = true;
    if (broken_) {
      if (connection_ != nullptr && !closed_) connection_->close();
    } else if (pool_.idle_.size() >= pool_.options_.max_idle_connections) {
      broken_ = true;
      connection_->close();
    } else {
      pool_.make_idle(this);
    }
  }

  void fail(UpstreamResponseCallbacks::Failure failure, const std::string& detail) {
    Request* r = request_;
    if (r == nullptr) return;
    request_ = nullptr;
    r->connection = nullptr;
    r->done = true;
    r->callbacks.on_upstream_failure(failure, detail, !r->response_started);
  }

  friend class HttpPool;
  HttpPool& pool_;
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<http::ClientCodec> codec_;
  Request* request_ = nullptr;
  bool ready_ = false;
  bool broken_ = false;
  bool closed_ = false;
};

HttpPool::Request::~Request() {
  if (connection != nullptr && !done) connection->detach_cancelled(this);
}

void HttpPool::Request::send_data(std::string_view data, bool end_stream) {
  if (done) return;
  if (connection != nullptr && connection->ready()) return connection->send_data(data, end_stream);
  queued_body.append(data);
  queued_end = end_stream;
}

void HttpPool::Request::send_trailers(const http::HeaderList& trailers) {
  if (done) return;
  if (connection != nullptr && connection->ready()) return connection->send_trailers(trailers);
  queued_trailers = trailers;
  queued_end = true;
}

void HttpPool::Request::cancel() {
  if (done) return;
  done = true;
  if (connection != nullptr) connection->detach_cancelled(this);
  connection = nullptr;
}

HttpPool::HttpPool(io::Runtime& runtime, io::Address endpoint, HttpPoolOptions options)
    : runtime_(runtime), endpoint_(std::move(endpoint)), options_(std::move(options)) {}

HttpPool::~HttpPool() { *alive_ = false; }

std::unique_ptr<UpstreamRequest> HttpPool::start(const http::RequestHead& head, bool end_stream,
                                                 UpstreamResponseCallbacks& callbacks) {
  auto request = std::make_unique<Request>(callbacks, head, end_stream);
  PooledConnection* chosen = nullptr;
  while (chosen == nullptr && !idle_.empty()) {
    PooledConnection* candidate = idle_.back();
    idle_.pop_back();
    if (candidate->idle()) chosen = candidate;  // it may have been closed while idle
  }
  if (chosen == nullptr) {
    connections_.push_back(std::make_unique<PooledConnection>(*this));
    chosen = connections_.back().get();
    chosen->connect();
  }
  chosen->attach(request.get());
  return request;
}

std::size_t HttpPool::idle_connections() const {
  std::size_t n = 0;
  for (const PooledConnection* c : idle_) n += c->idle() ? 1 : 0;
  return n;
}

void HttpPool::make_idle(PooledConnection* connection) { idle_.push_back(connection); }

void HttpPool::retire(PooledConnection* connection) {
  idle_.erase(std::remove(idle_.begin(), idle_.end(), connection), idle_.end());
  // Deferred: the connection's own callback is on the stack.
  std::weak_ptr<bool> alive = alive_;
  runtime_.defer([this, alive, connection] {
    if (alive.expired()) return;
    connections_.remove_if([connection](const std::unique_ptr<PooledConnection>& c) { return c.get() == connection; });
  });
}

}  // namespace gatesim::upstream
