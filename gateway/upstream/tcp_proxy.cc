#include "gateway/upstream/tcp_proxy.h"

namespace gatesim::upstream {

// The upstream connection seen as a ByteStream, reporting back into the proxy.
class TcpProxy::UpstreamSide : public io::ConnectionCallbacks {
 public:
  UpstreamSide(TcpProxy& proxy, std::unique_ptr<io::Connection> connection)
      : proxy_(proxy), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
  }
  io::Connection& connection() { return *connection_; }

  void on_data(io::Connection&, std::string_view bytes) override {
    proxy_.stats_.bytes_from_upstream += bytes.size();
    proxy_.runtime_.charge(io::Work::kTcpBytes, bytes.size());
    proxy_.downstream_.write(bytes);
    if (proxy_.downstream_.pending_bytes() > proxy_.options_.high_watermark) connection_->set_reading(false);
  }
  void on_end_of_input(io::Connection&) override { proxy_.downstream_.shutdown_write(); }
  void on_drained(io::Connection&) override { proxy_.downstream_.set_reading(true); }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    proxy_.upstream_closed_ = true;
    if (!proxy_.downstream_closed_) {
      if (reason == io::CloseReason::kReset || reason == io::CloseReason::kError) {
        proxy_.downstream_.reset();
      } else {
        proxy_.downstream_.close();
      }
    }
    proxy_.finish(reason == io::CloseReason::kReset ? "upstream reset" : "");
  }

 private:
  TcpProxy& proxy_;
  std::unique_ptr<io::Connection> connection_;
};

TcpProxy::TcpProxy(io::Runtime& runtime, ByteStream& downstream, io::Address upstream, Options options,
                   std::function<void(const std::string&)> done)
    : runtime_(runtime), downstream_(downstream), upstream_address_(std::move(upstream)), options_(options),
      done_(std::move(done)) {}

TcpProxy::~TcpProxy() {
  *alive_ = false;
  if (upstream_ && !upstream_closed_) {
    upstream_->connection().set_callbacks(nullptr);  // reset() reports synchronously
    upstream_->connection().reset();
  }
}

void TcpProxy::start(std::string early_bytes) {
  early_ = std::move(early_bytes);
  stats_.bytes_from_downstream += early_.size();
  runtime_.charge(io::Work::kUpstreamConnect);
  std::weak_ptr<bool> alive = alive_;
  runtime_.connect(upstream_address_, options_.connect_timeout,
                   [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
                     if (alive.expired() || !*alive.lock()) return;
                     upstream_connected(std::move(c), error);
                   });
}

void TcpProxy::upstream_connected(std::unique_ptr<io::Connection> connection, const std::string& error) {
  if (connection == nullptr) {
    // Envoy closes the downstream without a byte when the upstream cannot be reached (UF).
    upstream_closed_ = true;
    finish("connect failure: " + error);
    if (!downstream_closed_) downstream_.close();
    return;
  }
  if (downstream_closed_) {
    connection->close();
    upstream_closed_ = true;
    return finish("downstream closed before the upstream connected");
  }
  upstream_local_ = connection->local().to_string();
  upstream_ = std::make_unique<UpstreamSide>(*this, std::move(connection));
  if (!early_.empty()) {
    upstream_->connection().write(early_);
    early_.clear();
  }
  if (downstream_ended_) upstream_->connection().shutdown_write();
}

void TcpProxy::on_bytes(std::string_view bytes) {
  stats_.bytes_from_downstream += bytes.size();
  runtime_.charge(io::Work::kTcpBytes, bytes.size());
  if (!upstream_) {
    early_.append(bytes);
    if (early_.size() > options_.high_watermark) downstream_.set_reading(false);
    return;
  }
  upstream_->connection().write(bytes);
  if (upstream_->connection().pending_bytes() > options_.high_watermark) downstream_.set_reading(false);
}

void TcpProxy::on_end_of_input() {
  downstream_ended_ = true;
  if (upstream_) upstream_->connection().shutdown_write();
}

void TcpProxy::on_drained() {
  if (upstream_) upstream_->connection().set_reading(true);
}

void TcpProxy::on_closed(bool abortive) {
  downstream_closed_ = true;
  if (upstream_ && !upstream_closed_) {
    if (abortive) {
      upstream_->connection().reset();
    } else {
      upstream_->connection().close();
    }
    return;  // finish() when the upstream reports closed
  }
  finish("");
}

void TcpProxy::finish(const std::string& error) {
  if (!error.empty() && error_.empty()) error_ = error;
  if (finished_ || !downstream_closed_ || !upstream_closed_) return;
  finished_ = true;
  if (done_) done_(error_);
}

}  // namespace gatesim::upstream
