#include "sim/peers/tcp_peers.h"

namespace gatesim::sim {

class TcpBackend::Session : public io::ConnectionCallbacks {
 public:
  Session(TcpBackend& backend, std::unique_ptr<io::Connection> connection)
      : backend_(backend), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
    if (!backend_.greeting_.empty()) connection_->write(backend_.greeting_);
  }
  void on_data(io::Connection& c, std::string_view bytes) override { c.write(bytes); }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {
    backend_.runtime_.defer([backend = &backend_, self = this] { backend->sessions_.erase(self); });
  }

 private:
  TcpBackend& backend_;
  std::unique_ptr<io::Connection> connection_;
};

TcpBackend::TcpBackend(io::Runtime& runtime, std::string greeting) : runtime_(runtime), greeting_(std::move(greeting)) {}

TcpBackend::~TcpBackend() {
  listener_.reset();
  sessions_.clear();
}

bool TcpBackend::listen(const io::Address& address, std::string* error) {
  listener_ = runtime_.listen(address, [this](std::unique_ptr<io::Connection> c) {
    auto session = std::make_unique<Session>(*this, std::move(c));
    sessions_.add(std::move(session));
  }, error);
  return listener_ != nullptr;
}

class TcpProbe::Session : public io::ConnectionCallbacks {
 public:
  Session(TcpProbe& probe, std::unique_ptr<io::Connection> connection)
      : probe_(probe), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
  }
  void on_data(io::Connection&, std::string_view bytes) override {
    if (probe_.outcome_.received.empty()) probe_.outcome_.first_byte = probe_.runtime_.now();
    probe_.outcome_.received.append(bytes);
    if (probe_.outcome_.received.find(probe_.expect_) != std::string::npos) probe_.finish("");
  }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;
    probe_.finish("connection " + std::string(io::to_string(reason)));
  }
  io::Connection& connection() { return *connection_; }
  bool closed_ = false;

 private:
  TcpProbe& probe_;
  std::unique_ptr<io::Connection> connection_;
};

TcpProbe::TcpProbe(io::Runtime& runtime, std::string name, io::Address target, std::string send, std::string expect,
                   io::Duration start_at, io::Duration timeout)
    : runtime_(runtime), name_(std::move(name)), target_(std::move(target)), send_(std::move(send)),
      expect_(std::move(expect)), start_at_(start_at), timeout_(timeout) {
  outcome_.client = name_;
}

TcpProbe::~TcpProbe() { *alive_ = false; }

void TcpProbe::start() {
  std::weak_ptr<bool> alive = alive_;
  runtime_.schedule(start_at_, [this, alive] {
    if (alive.expired()) return;
    runtime_.schedule(timeout_, [this, alive] {
      if (!alive.expired()) finish("timeout");
    });
    runtime_.connect(target_, timeout_, [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
      if (alive.expired() || finished_) return;
      if (c == nullptr) return finish("connect: " + error);
      outcome_.connected = runtime_.now();
      session_ = std::make_unique<Session>(*this, std::move(c));
      if (!send_.empty()) session_->connection().write(send_);
    });
  });
}

void TcpProbe::finish(const std::string& error) {
  if (finished_) return;
  finished_ = true;
  outcome_.error = error;
  outcome_.done = runtime_.now();
  if (on_outcome) on_outcome(outcome_);
  if (session_ != nullptr && !session_->closed_) session_->connection().close();
}

}  // namespace gatesim::sim
