#include "sim/peers/http_echo_backend.h"

#include "gateway/http/codec_factory.h"
#include "gateway/sniff/protocol_sniffer.h"

namespace gatesim::sim {

class HttpEchoBackend::Session : public io::ConnectionCallbacks, public http::ServerCodecCallbacks {
 public:
  Session(HttpEchoBackend& backend, std::unique_ptr<io::Connection> connection)
      : backend_(backend), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
  }

  void on_data(io::Connection&, std::string_view bytes) override {
    if (codec_ == nullptr) {
      held_.append(bytes);
      const std::string_view p = sniff::kHttp2Preface;
      const std::size_t n = std::min(held_.size(), p.size());
      if (held_.compare(0, n, p.substr(0, n)) == 0 && held_.size() < p.size()) return;
      const bool h2 = held_.size() >= p.size() && held_.compare(0, p.size(), p) == 0;
      codec_ = http::make_server_codec(h2 ? http::Version::kHttp2 : http::Version::kHttp11, *this, {}, false);
      std::string all;
      all.swap(held_);
      codec_->receive(all);
    } else {
      codec_->receive(bytes);
    }
    flush();
  }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {
    closed_ = true;
    backend_.runtime_.defer([backend = &backend_, self = this, alive = std::weak_ptr<bool>(backend_alive())] {
      if (!alive.expired()) backend->sessions_.erase(self);
    });
  }

  void on_request_head(http::StreamId id, http::RequestHead head, bool end_stream) override {
    ++backend_.requests_;
    if (backend_.observer_) backend_.observer_(head);
    Pending& p = pending_[id];
    p.echo = backend_.name_ + " " + head.method + " " + head.authority + head.path + "\n";
    const std::string* type = http::find_header(head.headers, "content-type");
    p.grpc = type != nullptr && type->rfind("application/grpc", 0) == 0;
    if (end_stream) answer_later(id);
  }
  void on_request_data(http::StreamId id, std::string_view data, bool end_stream) override {
    codec_->consume(id, data.size());
    if (end_stream) answer_later(id);
  }
  void on_request_trailers(http::StreamId id, http::HeaderList) override { answer_later(id); }
  void on_stream_reset(http::StreamId id, http::ResetReason) override { pending_.erase(id); }
  void on_codec_error(http::CodecError, std::string_view) override {
    flush();
    if (!closed_) connection_->close();
  }

 private:
  struct Pending {
    std::string echo;
    bool grpc = false;
  };

  std::shared_ptr<bool> backend_alive() { return alive_; }

  void answer_later(http::StreamId id) {
    if (backend_.options_.delay.count() == 0) return answer(id);
    std::weak_ptr<bool> alive = alive_;
    backend_.runtime_.schedule(backend_.options_.delay, [this, id, alive] {
      if (!alive.expired() && !closed_) answer(id);
    });
  }

  void answer(http::StreamId id) {
    auto it = pending_.find(id);
    if (it == pending_.end() || closed_) return;
    using Failure = HttpEchoOptions::Failure;
    switch (backend_.options_.failure) {
      case Failure::kReset: return connection_->reset();
      case Failure::kClose: return connection_->close();
      case Failure::kStall: return;
      case Failure::kNone: break;
    }
    std::string body = it->second.echo + std::string(backend_.options_.body_bytes, 'x');
    const bool grpc = it->second.grpc;
    pending_.erase(it);
    if (grpc) return answer_grpc(id, body);
    http::ResponseHead head;
    head.status = backend_.options_.status;
    head.content_length = body.size();
    head.headers.push_back({"content-type", "text/plain"});
    codec_->send_response_head(id, head, body.empty());
    if (!body.empty()) codec_->send_response_data(id, body, true);
    flush();
  }

  void answer_grpc(http::StreamId id, const std::string& message) {
    http::ResponseHead head;
    head.status = 200;
    head.headers.push_back({"content-type", "application/grpc"});
    codec_->send_response_head(id, head, false);
    const std::uint32_t n = static_cast<std::uint32_t>(message.size());
    const std::string framed = std::string{'\0', static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                           static_cast<char>(n >> 8), static_cast<char>(n)} + message;
    codec_->send_response_data(id, framed, false);
    http::HeaderList trailers{{"grpc-status", std::to_string(backend_.options_.grpc_status)}};
    if (backend_.options_.grpc_status != 0) trailers.push_back({"grpc-message", "gatesim backend failure"});
    codec_->send_response_trailers(id, trailers);
    flush();
  }

  void flush() {
    if (closed_ || codec_ == nullptr) return;
    if (codec_->has_output()) connection_->write(codec_->take_output());
    if (codec_->wants_close() && codec_->open_streams() == 0) connection_->close();
  }

  HttpEchoBackend& backend_;
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<http::ServerCodec> codec_;
  std::string held_;
  std::map<http::StreamId, Pending> pending_;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

HttpEchoBackend::HttpEchoBackend(io::Runtime& runtime, std::string name, HttpEchoOptions options)
    : runtime_(runtime), name_(std::move(name)), options_(options) {}

HttpEchoBackend::~HttpEchoBackend() {
  listener_.reset();
  sessions_.clear();
}

bool HttpEchoBackend::listen(const io::Address& address, std::string* error) {
  listener_ = runtime_.listen(address, [this](std::unique_ptr<io::Connection> c) {
    auto session = std::make_unique<Session>(*this, std::move(c));
    sessions_.add(std::move(session));
  }, error);
  return listener_ != nullptr;
}

}  // namespace gatesim::sim
