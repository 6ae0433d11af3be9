#include "gateway/upstream/http_pool.h"

#include <algorithm>
#include <map>

#include "gateway/http/codec_factory.h"
#include "gateway/tls/tls_session.h"

namespace gatesim::upstream {

// A request handle; it survives the connection, which it reaches only while attached.
class HttpPool::Request : public UpstreamRequest {
 public:
  Request(HttpPool& owner, UpstreamResponseCallbacks& cb, http::RequestHead request_head, bool end_stream)
      : pool(owner), callbacks(cb), head(std::move(request_head)), head_end_stream(end_stream) {}
  ~Request() override {
    *alive = false;
    cancel();
  }
  void send_data(std::string_view data, bool end_stream) override;
  void send_trailers(const http::HeaderList& trailers) override;
  void cancel() override;
  std::string local_address() const override { return local; }

  // The request leaves the pool's books (it completed, failed or was cancelled).
  void settle() {
    if (state == State::kPending) {
      pool.remove_pending(this);
    } else if (state == State::kAttached) {
      --pool.resources_.requests;
    }
    state = State::kDone;
    connection = nullptr;
  }

  enum class State { kPending, kAttached, kDone };
  HttpPool& pool;
  UpstreamResponseCallbacks& callbacks;
  http::RequestHead head;
  bool head_end_stream;
  std::string queued_body;  // body sent while pending
  bool queued_end = false;
  std::optional<http::HeaderList> queued_trailers;
  State state = State::kPending;
  Connection* connection = nullptr;
  http::StreamId stream = 0;
  bool response_started = false;
  bool request_ended = false;  // the whole request went (or is queued to go) on the wire
  std::string local;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

// One upstream connection: transport (TCP, optionally TLS) under a client codec, carrying one
// (HTTP/1.1) or many (HTTP/2) streams.
class HttpPool::Connection : public io::ConnectionCallbacks,
                             public http::ClientCodecCallbacks,
                             public tls::TlsSessionCallbacks {
 public:
  explicit Connection(HttpPool& pool) : pool_(pool) {}
  ~Connection() override {
    if (idle_timer_) pool_.runtime_.cancel(*idle_timer_);
    if (transport_ != nullptr && !closed_) {
      transport_->set_callbacks(nullptr);  // reset() reports synchronously; we are going away
      transport_->reset();
    }
  }

  void connect() {
    ++pool_.opened_;
    ++pool_.resources_.connections;
    counted_ = true;
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

  bool ready() const { return ready_ && !closing_; }
  bool connecting() const { return !ready_ && !closing_; }
  // Streams this connection could still take (while connecting: what it is expected to take).
  std::uint64_t capacity() const {
    if (closing_ || draining_) return 0;
    const std::uint64_t per_connection =
        pool_.options_.version == http::Version::kHttp2 ? pool_.options_.max_concurrent_streams : 1;
    std::uint64_t room = per_connection > streams_.size() ? per_connection - streams_.size() : 0;
    if (const std::uint64_t max = pool_.options_.max_requests_per_connection; max > 0) {
      room = std::min<std::uint64_t>(room, max > started_ ? max - started_ : 0);
    }
    if (ready_ && !codec_->can_start_stream()) return 0;
    return room;
  }
  std::size_t streams() const { return streams_.size(); }

  void attach(Request* r) {
    if (idle_timer_) {
      pool_.runtime_.cancel(*idle_timer_);
      idle_timer_.reset();
    }
    ++started_;
    r->connection = this;
    r->local = transport_->local().to_string();
    http::RequestHead head = r->head;
    if (pool_.options_.version == http::Version::kHttp2) head.scheme = tls_ ? "https" : "http";
    head.version = pool_.options_.version;
    r->stream = codec_->send_request_head(head, r->head_end_stream);
    r->request_ended = r->head_end_stream || r->queued_end;
    streams_[r->stream] = r;
    if (!r->queued_body.empty() || (r->queued_end && !r->head_end_stream && !r->queued_trailers)) {
      codec_->send_request_data(r->stream, r->queued_body, r->queued_end && !r->queued_trailers);
      r->queued_body.clear();
    }
    if (r->queued_trailers) codec_->send_request_trailers(r->stream, *r->queued_trailers);
    flush();
  }

  void send_data(Request* r, std::string_view data, bool end_stream) {
    r->request_ended = r->request_ended || end_stream;
    codec_->send_request_data(r->stream, data, end_stream);
    flush();
  }
  void send_trailers(Request* r, const http::HeaderList& trailers) {
    r->request_ended = true;
    codec_->send_request_trailers(r->stream, trailers);
    flush();
  }

  void cancel(Request* r) {
    streams_.erase(r->stream);
    if (pool_.options_.version == http::Version::kHttp2 && !closing_) {
      codec_->reset_stream(r->stream, http::ResetReason::kCancel);
      flush();
      after_stream_end();
    } else {
      close();  // HTTP/1.1 mid-exchange: the connection's state is unknown
    }
  }

  // io::ConnectionCallbacks
  void on_data(io::Connection&, std::string_view bytes) override {
    if (tls_ != nullptr) {
      tls_->receive(bytes);
      flush_tls();
    } else {
      deliver(bytes);
    }
  }
  void on_end_of_input(io::Connection&) override {
    if (codec_ != nullptr) codec_->receive_eof();
    fail_all(UpstreamResponseCallbacks::Failure::kReset, "upstream closed the connection");
    close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;
    if (!ready_ && !closing_) {
      closing_ = true;
      return pool_.on_connect_failed(this, std::string(io::to_string(reason)));
    }
    closing_ = true;
    fail_all(UpstreamResponseCallbacks::Failure::kReset, "connection " + std::string(io::to_string(reason)));
    pool_.retire(this);
  }

  // tls::TlsSessionCallbacks
  void on_handshake_complete() override { became_ready(); }
  void on_plaintext(std::string_view bytes) override { deliver(bytes); }
  void on_tls_closed() override { on_end_of_input(*transport_); }
  void on_tls_error(const std::string& reason) override {
    flush_tls();
    if (!ready_) {
      closing_ = true;
      transport_->close();
      return pool_.on_connect_failed(this, "TLS error: " + reason);
    }
    fail_all(UpstreamResponseCallbacks::Failure::kReset, "TLS error: " + reason);
    close();
  }

  // http::ClientCodecCallbacks
  void on_response_head(http::StreamId id, http::ResponseHead head, bool end_stream) override {
    Request* r = find(id);
    if (r == nullptr) return;
    r->response_started = true;
    if (end_stream) complete(r);
    r->callbacks.on_upstream_head(std::move(head), end_stream);
  }
  void on_response_data(http::StreamId id, std::string_view data, bool end_stream) override {
    Request* r = find(id);
    if (r == nullptr) return;
    // Read on at once: the downstream side buffers (bounded by issue 9's limits).
    if (pool_.options_.version == http::Version::kHttp2) codec_->consume(id, data.size());
    if (end_stream) complete(r);
    r->callbacks.on_upstream_data(data, end_stream);
  }
  void on_response_trailers(http::StreamId id, http::HeaderList trailers) override {
    Request* r = find(id);
    if (r == nullptr) return;
    complete(r);
    r->callbacks.on_upstream_trailers(std::move(trailers));
  }
  void on_stream_reset(http::StreamId id, http::ResetReason reason) override {
    Request* r = find(id);
    if (r == nullptr) return;
    streams_.erase(id);
    const bool before = !r->response_started;
    r->settle();
    r->callbacks.on_upstream_failure(reason == http::ResetReason::kRefused
                                         ? UpstreamResponseCallbacks::Failure::kRefusedStream
                                         : UpstreamResponseCallbacks::Failure::kReset,
                                     std::string(http::to_string(reason)), before);
    if (pool_.options_.version != http::Version::kHttp2) return close();
    after_stream_end();
  }
  void on_codec_error(http::CodecError error, std::string_view detail) override {
    fail_all(UpstreamResponseCallbacks::Failure::kProtocolError,
             std::string(http::to_string(error)) + ": " + std::string(detail));
    close();
  }
  void on_goaway() override { draining_ = true; }

  void close() {
    if (closing_ && closed_) return;
    closing_ = true;
    if (transport_ != nullptr && !closed_) transport_->close();  // on_closed retires us
  }

 private:
  void connected(std::unique_ptr<io::Connection> connection, const std::string& error) {
    if (connection == nullptr) {
      closing_ = true;
      closed_ = true;
      return pool_.on_connect_failed(this, error);
    }
    transport_ = std::move(connection);
    transport_->set_callbacks(this);
    if (pool_.options_.tls == nullptr) return became_ready();
    tls_ = tls::TlsSession::client(*pool_.options_.tls, pool_.options_.sni, *this);
    flush_tls();
  }

  void became_ready() {
    codec_ = http::make_client_codec(pool_.options_.version, *this, pool_.options_.limits);
    ready_ = true;
    flush();  // the h2 preface and SETTINGS
    pool_.on_connection_ready(this);
  }

  void deliver(std::string_view bytes) {
    if (codec_ == nullptr) return;
    codec_->receive(bytes);
    flush();
  }

  Request* find(http::StreamId id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second;
  }

  // The response is complete: the stream leaves; the connection may serve the next request.
  void complete(Request* r) {
    streams_.erase(r->stream);
    // An HTTP/1.1 response that beat the end of its request (an early 413, say) leaves the
    // request mid-message on the wire: the connection cannot carry another one (Envoy closes it).
    // HTTP/2 resets the stream instead, which frees its slot on the connection.
    if (!r->request_ended && pool_.options_.version == http::Version::kHttp2) {
      codec_->reset_stream(r->stream, http::ResetReason::kCancel);
      flush();
    } else if (codec_->wants_close() || !r->request_ended) {
      closing_ = true;
    }
    r->settle();
    after_stream_end();
  }

  void after_stream_end() {
    if (closing_) return close();
    const std::uint64_t max = pool_.options_.max_requests_per_connection;
    if ((max > 0 && started_ >= max) || draining_) {
      if (streams_.empty()) close();
      return;
    }
    if (streams_.empty()) arm_idle_timer();
    pool_.make_idle(this);  // first, so that a waiting request takes this connection
    pool_.dispatch_pending();
  }

  void arm_idle_timer() {
    if (idle_timer_) pool_.runtime_.cancel(*idle_timer_);
    std::weak_ptr<bool> alive = pool_.alive_;
    idle_timer_ = pool_.runtime_.schedule(pool_.options_.idle_timeout, [this, alive] {
      if (alive.expired()) return;
      idle_timer_.reset();
      if (streams_.empty()) close();
    });
  }

  void fail_all(UpstreamResponseCallbacks::Failure failure, const std::string& detail) {
    std::vector<std::pair<std::weak_ptr<bool>, Request*>> failed;
    for (auto& [id, r] : streams_) {
      r->settle();
      failed.emplace_back(r->alive, r);
    }
    streams_.clear();
    pool_.notify_failed(failed, failure, detail);
  }

  void flush_tls() {
    if (transport_ != nullptr && !closed_ && tls_ != nullptr && tls_->has_output()) transport_->write(tls_->take_output());
  }

  void flush() {
    if (transport_ == nullptr || closed_ || codec_ == nullptr || !codec_->has_output()) return;
    if (tls_ != nullptr) {
      tls_->write(codec_->take_output());
      flush_tls();
    } else {
      transport_->write(codec_->take_output());
    }
  }

  friend class HttpPool;
  HttpPool& pool_;
  std::unique_ptr<io::Connection> transport_;
  std::unique_ptr<tls::TlsSession> tls_;
  std::unique_ptr<http::ClientCodec> codec_;
  std::map<http::StreamId, Request*> streams_;
  std::optional<io::TimerId> idle_timer_;
  std::uint64_t started_ = 0;
  bool ready_ = false;
  bool closing_ = false;
  bool draining_ = false;
  bool closed_ = false;
  bool counted_ = false;  // holds one of the cluster's max_connections
};

void HttpPool::Request::send_data(std::string_view data, bool end_stream) {
  if (state == State::kAttached && connection != nullptr) return connection->send_data(this, data, end_stream);
  if (state != State::kPending) return;
  queued_body.append(data);
  queued_end = end_stream;
}

void HttpPool::Request::send_trailers(const http::HeaderList& trailers) {
  if (state == State::kAttached && connection != nullptr) return connection->send_trailers(this, trailers);
  if (state != State::kPending) return;
  queued_trailers = trailers;
  queued_end = true;
}

void HttpPool::Request::cancel() {
  if (state == State::kDone) return;
  Connection* c = connection;
  settle();
  if (c != nullptr) c->cancel(this);
}

HttpPool::HttpPool(io::Runtime& runtime, io::Address endpoint, HttpPoolOptions options, ClusterResources& resources)
    : runtime_(runtime), endpoint_(std::move(endpoint)), options_(std::move(options)), resources_(resources) {}

HttpPool::~HttpPool() {
  *alive_ = false;
  for (auto& c : connections_) {
    if (c->counted_) --resources_.connections;
    for (auto& [id, r] : c->streams_) {
      r->state = Request::State::kDone;
      r->connection = nullptr;
      --resources_.requests;
    }
  }
  for (Request* r : pending_) {
    r->state = Request::State::kDone;
    --resources_.pending;
  }
}

std::size_t HttpPool::busy_streams() const {
  std::size_t n = 0;
  for (const auto& c : connections_) n += c->streams();
  return n;
}

std::unique_ptr<UpstreamRequest> HttpPool::start(const http::RequestHead& head, bool end_stream,
                                                 UpstreamResponseCallbacks& callbacks) {
  auto request = std::make_unique<Request>(*this, callbacks, head, end_stream);
  Request* r = request.get();
  if (resources_.requests + resources_.pending >= resources_.limits.max_requests) {
    ++resources_.request_overflows;
    r->state = Request::State::kDone;
    fail_later(r, "overflow");
    return request;
  }
  if (Connection* ready = find_ready()) {
    r->state = Request::State::kAttached;
    ++resources_.requests;
    ready->attach(r);
    return request;
  }
  if (resources_.pending >= resources_.limits.max_pending_requests) {
    ++resources_.pending_overflows;
    r->state = Request::State::kDone;
    fail_later(r, "overflow");
    return request;
  }
  pending_.push_back(r);
  ++resources_.pending;
  open_connections_for_pending();
  return request;
}

void HttpPool::fail_later(Request* r, const std::string& detail) {
  std::weak_ptr<bool> alive = r->alive;
  runtime_.defer([alive, r, detail] {
    if (!alive.expired()) r->callbacks.on_upstream_failure(UpstreamResponseCallbacks::Failure::kOverflow, detail, true);
  });
}

void HttpPool::open_connections_for_pending() {
  for (;;) {
    std::uint64_t connecting_capacity = 0;
    bool any = false;
    for (const auto& c : connections_) {
      any = any || !c->closing_;
      if (c->connecting()) connecting_capacity += c->capacity();
    }
    if (pending_.size() <= connecting_capacity) return;
    // Within max_connections, except that a host with no connection at all always gets one,
    // so its pending requests cannot be stranded by other hosts' connections (Envoy).
    if (resources_.connections >= resources_.limits.max_connections && any) {
      ++resources_.connection_overflows;
      return;
    }
    connections_.push_back(std::make_unique<Connection>(*this));
    connections_.back()->connect();
  }
}

HttpPool::Connection* HttpPool::find_ready() {
  if (options_.version == http::Version::kHttp2) {
    // Few connections, each with many streams: the newest with room.
    for (auto it = connections_.rbegin(); it != connections_.rend(); ++it) {
      if ((*it)->ready() && (*it)->capacity() > 0) return it->get();
    }
    return nullptr;
  }
  // HTTP/1.1: the most recently idled connection (hot connections stay hot), in O(1) however
  // many are busy. Entries are checked as they are taken: one may have closed while idle.
  while (!idle_.empty()) {
    Connection* c = idle_.back();
    idle_.pop_back();
    if (c->ready() && c->capacity() > 0) return c;
  }
  return nullptr;
}

void HttpPool::make_idle(Connection* connection) {
  if (options_.version != http::Version::kHttp2 && connection->streams() == 0 && connection->ready()) {
    idle_.push_back(connection);
  }
}

void HttpPool::on_connection_ready(Connection* connection) {
  make_idle(connection);
  dispatch_pending();
}

void HttpPool::dispatch_pending() {
  while (!pending_.empty()) {
    Connection* target = find_ready();
    if (target == nullptr) return open_connections_for_pending();
    Request* r = pending_.front();
    pending_.pop_front();
    --resources_.pending;
    ++resources_.requests;
    r->state = Request::State::kAttached;
    target->attach(r);
  }
}

void HttpPool::on_connect_failed(Connection* connection, const std::string& detail) {
  // Envoy purges every pending request when a connection attempt fails: the caller decides
  // (retry elsewhere, or 503 UF). Moved out first so that a retry starting inline queues anew.
  ++resources_.connect_failures;
  if (resources_.on_connect_failure) resources_.on_connect_failure();
  std::deque<Request*> failed;
  failed.swap(pending_);
  for (Request* r : failed) {
    --resources_.pending;
    r->state = Request::State::kDone;
  }
  retire(connection);
  std::vector<std::pair<std::weak_ptr<bool>, Request*>> notify;
  for (Request* r : failed) notify.emplace_back(r->alive, r);
  notify_failed(notify, UpstreamResponseCallbacks::Failure::kConnectFailure, detail);
}

void HttpPool::notify_failed(const std::vector<std::pair<std::weak_ptr<bool>, Request*>>& failed,
                             UpstreamResponseCallbacks::Failure failure, const std::string& detail) {
  // One failure callback may destroy other requests of the list (their downstream went away).
  for (const auto& [alive, r] : failed) {
    if (!alive.expired()) r->callbacks.on_upstream_failure(failure, detail, !r->response_started);
  }
}

void HttpPool::remove_pending(Request* request) {
  auto it = std::find(pending_.begin(), pending_.end(), request);
  if (it == pending_.end()) return;
  pending_.erase(it);
  --resources_.pending;
}

void HttpPool::retire(Connection* connection) {
  idle_.erase(std::remove(idle_.begin(), idle_.end(), connection), idle_.end());
  if (connection->counted_) {
    connection->counted_ = false;
    --resources_.connections;
  }
  // Deferred: the connection's own callback is on the stack.
  std::weak_ptr<bool> alive = alive_;
  runtime_.defer([this, alive, connection] {
    if (alive.expired()) return;
    connections_.remove_if([connection](const std::unique_ptr<Connection>& c) { return c.get() == connection; });
    dispatch_pending();
  });
}

}  // namespace gatesim::upstream
