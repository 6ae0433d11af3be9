#include "sim/peers/http_client.h"

#include <algorithm>

#include <openssl/x509.h>

#include "gateway/http/codec_factory.h"
#include "gateway/tls/certificate_identity.h"
#include "gateway/tls/tls_session.h"

namespace gatesim::sim {

class HttpClient::Connection : public io::ConnectionCallbacks,
                               public tls::TlsSessionCallbacks,
                               public http::ClientCodecCallbacks {
 public:
  Connection(HttpClient& client, std::uint64_t number) : client_(client), number_(number) {}

  void open() {
    std::weak_ptr<bool> alive = client_.alive_;
    client_.runtime_.connect(client_.target_.address, std::chrono::seconds(10),
                             [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
                               if (alive.expired()) return;
                               connected(std::move(c), error);
                             });
  }

  bool ready() const { return codec_ != nullptr && !closed_; }
  bool can_send() const { return ready() && codec_->can_start_stream(); }
  bool closed() const { return closed_; }

  void send(std::size_t index) {
    const ScriptedRequest& r = client_.script_[index];
    http::RequestHead head;
    head.method = r.method;
    head.path = r.path;
    head.authority = r.authority.empty() ? client_.target_.host : r.authority;
    head.scheme = client_.target_.tls ? "https" : "http";
    head.headers.push_back({"user-agent", "gatesim-client/" + client_.name_});
    const http::StreamId id = codec_->send_request_head(head, true);
    index_[id] = index;
    RequestOutcome& o = in_flight_[id];
    o.client = client_.name_;
    o.connection = number_;
    o.method = head.method;
    o.path = head.path;
    o.authority = head.authority;
    o.protocol = std::string(http::to_string(codec_->version()));
    o.start = client_.runtime_.now();
    flush();
  }

  // io
  void on_data(io::Connection&, std::string_view bytes) override {
    if (tls_) {
      tls_->receive(bytes);
      flush();
    } else if (codec_) {
      codec_->receive(bytes);
      flush();
    }
  }
  void on_end_of_input(io::Connection& c) override {
    if (codec_) codec_->receive_eof();
    c.close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;
    fail_all("connection " + std::string(io::to_string(reason)));
    client_.connection_closed(this);
  }

  // tls
  void on_handshake_complete() override {
    TlsOutcome t;
    t.client = client_.name_;
    t.connection = number_;
    t.sni = client_.target_.host;
    t.alpn = tls_->alpn();
    t.version = tls_->protocol_version();
    if (X509* cert = tls_->peer_certificate()) t.certificate_subject = tls::subject_common_name(cert);
    t.at = client_.runtime_.now();
    if (client_.on_tls) client_.on_tls(t);
    start_codec(tls_->alpn() == "h2" ? http::Version::kHttp2 : http::Version::kHttp11);
  }
  void on_plaintext(std::string_view bytes) override {
    if (codec_) codec_->receive(bytes);
  }
  void on_tls_closed() override {
    if (codec_) codec_->receive_eof();
  }
  void on_tls_error(const std::string& reason) override {
    TlsOutcome t;
    t.client = client_.name_;
    t.connection = number_;
    t.sni = client_.target_.host;
    t.error = reason;
    t.at = client_.runtime_.now();
    if (client_.on_tls) client_.on_tls(t);
    fail_all("tls: " + reason);
    if (connection_) connection_->close();
  }

  // http
  void on_response_head(http::StreamId id, http::ResponseHead head, bool end_stream) override {
    in_flight_[id].status = head.status;
    if (end_stream) complete(id, "");
  }
  void on_response_data(http::StreamId id, std::string_view data, bool end_stream) override {
    in_flight_[id].body_bytes += data.size();
    if (end_stream) complete(id, "");
  }
  void on_response_trailers(http::StreamId id, http::HeaderList) override { complete(id, ""); }
  void on_stream_reset(http::StreamId id, http::ResetReason reason) override {
    complete(id, "stream reset: " + std::string(http::to_string(reason)));
  }
  void on_codec_error(http::CodecError error, std::string_view detail) override {
    fail_all(std::string(http::to_string(error)) + ": " + std::string(detail));
    if (connection_) connection_->close();
  }

 private:
  void connected(std::unique_ptr<io::Connection> c, const std::string& error) {
    if (c == nullptr) {
      closed_ = true;
      connect_error_ = "connect: " + error;
      client_.connection_closed(this);
      return;
    }
    connection_ = std::move(c);
    connection_->set_callbacks(this);
    if (client_.target_.tls) {
      tls_ = tls::TlsSession::client(*client_.tls_context_, client_.target_.host, *this);
      flush();
    } else {
      start_codec(client_.target_.h2c ? http::Version::kHttp2 : http::Version::kHttp11);
    }
  }

  void start_codec(http::Version version) {
    codec_ = http::make_client_codec(version, *this, {});
    flush();
    client_.pump();
  }

  void flush() {
    if (closed_ || connection_ == nullptr) return;
    if (codec_ && codec_->has_output()) {
      const std::string bytes = codec_->take_output();
      if (tls_) tls_->write(bytes);
      else connection_->write(bytes);
    }
    if (tls_ && tls_->has_output()) connection_->write(tls_->take_output());
  }

  void complete(http::StreamId id, const std::string& error) {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    RequestOutcome o = it->second;
    in_flight_.erase(it);
    o.error = error;
    o.end = client_.runtime_.now();
    client_.report(o, index_[id]);
    client_.pump();
  }

  void fail_all(const std::string& error) {
    auto open = std::move(in_flight_);
    for (auto& [id, o] : open) {
      o.error = error;
      o.end = client_.runtime_.now();
      client_.report(o, index_[id]);
    }
  }

  friend class HttpClient;
  HttpClient& client_;
  std::uint64_t number_;
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<tls::TlsSession> tls_;
  std::unique_ptr<http::ClientCodec> codec_;
  std::map<http::StreamId, RequestOutcome> in_flight_;
  std::map<http::StreamId, std::size_t> index_;  // stream -> script entry
  std::string connect_error_;
  bool closed_ = false;
};

HttpClient::HttpClient(io::Runtime& runtime, std::string name, HttpTarget target, std::vector<ScriptedRequest> script)
    : runtime_(runtime), name_(std::move(name)), target_(std::move(target)), script_(std::move(script)) {
  if (target_.tls) {
    tls::ClientTlsOptions options;
    options.alpn = target_.alpn;
    options.ca_pem = target_.ca_pem;
    std::string error;
    tls_context_ = tls::ClientTlsContext::create(options, &error);
  }
}

HttpClient::~HttpClient() {
  *alive_ = false;
  connection_.reset();
  retired_.clear();
}

void HttpClient::start() {
  done_.assign(script_.size(), false);
  for (std::size_t i = 0; i < script_.size(); ++i) {
    std::weak_ptr<bool> alive = alive_;
    runtime_.schedule(script_[i].at, [this, i, alive] {
      if (!alive.expired()) issue(i);
    });
    if (script_[i].timeout.count() > 0) {
      runtime_.schedule(script_[i].at + script_[i].timeout, [this, i, alive] {
        if (!alive.expired()) time_out(i);
      });
    }
  }
}

void HttpClient::report(RequestOutcome outcome, std::size_t index) {
  if (index < done_.size()) {
    if (done_[index]) return;  // already timed out
    done_[index] = true;
  }
  if (on_outcome) on_outcome(outcome);
}

void HttpClient::time_out(std::size_t index) {
  if (done_[index]) return;
  RequestOutcome o;
  o.client = name_;
  o.method = script_[index].method;
  o.path = script_[index].path;
  o.authority = script_[index].authority.empty() ? target_.host : script_[index].authority;
  o.start = script_[index].at;
  o.end = runtime_.now();
  o.error = "timeout";
  const auto waiting = std::find(waiting_.begin(), waiting_.end(), index);
  const bool in_flight = waiting == waiting_.end() && connection_ != nullptr;
  if (!in_flight && waiting != waiting_.end()) waiting_.erase(waiting);
  if (in_flight) o.connection = connection_->number_;
  report(o, index);
  // A request abandoned mid-exchange leaves the connection in an unknown state: drop it.
  if (in_flight && connection_->connection_ && !connection_->closed_) connection_->connection_->close();
}

void HttpClient::issue(std::size_t index) {
  waiting_.push_back(index);
  pump();
}

void HttpClient::pump() {
  if (waiting_.empty()) return;
  if (connection_ == nullptr || connection_->closed()) {
    if (connection_ != nullptr) retired_.push_back(std::move(connection_));
    connection_ = std::make_unique<Connection>(*this, ++connections_);
    connection_->open();
    return;
  }
  while (!waiting_.empty() && connection_->can_send()) {
    const std::size_t index = waiting_.front();
    waiting_.pop_front();
    connection_->send(index);
  }
}

void HttpClient::connection_closed(Connection* connection) {
  if (connection != connection_.get()) return;
  if (!connection->connect_error_.empty()) {
    // The requests that were waiting for this connection fail with the connect error.
    auto waiting = std::move(waiting_);
    for (std::size_t index : waiting) {
      RequestOutcome o;
      o.client = name_;
      o.connection = connection->number_;
      o.method = script_[index].method;
      o.path = script_[index].path;
      o.authority = script_[index].authority.empty() ? target_.host : script_[index].authority;
      o.start = o.end = runtime_.now();
      o.error = connection->connect_error_;
      report(o, index);
    }
  }
  std::weak_ptr<bool> alive = alive_;
  runtime_.defer([this, alive] {
    if (!alive.expired()) pump();
  });
}

}  // namespace gatesim::sim
