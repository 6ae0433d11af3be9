#include "sim/peers/tls_probe.h"

#include <openssl/x509.h>

#include "gateway/tls/certificate_identity.h"
#include "gateway/tls/tls_session.h"

namespace gatesim::sim {

class TlsProbe::Session : public io::ConnectionCallbacks, public tls::TlsSessionCallbacks {
 public:
  Session(TlsProbe& probe, std::unique_ptr<io::Connection> connection) : probe_(probe), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
    tls::ClientTlsOptions options;
    options.alpn = probe_.alpn_;
    std::string error;
    context_ = tls::ClientTlsContext::create(options, &error);
    tls_ = tls::TlsSession::client(*context_, probe_.sni_, *this);
    flush();
  }
  void on_data(io::Connection&, std::string_view bytes) override {
    tls_->receive(bytes);
    flush();
  }
  void on_end_of_input(io::Connection& c) override {
    fail("closed by the server before the handshake completed");
    c.close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;
    fail("connection " + std::string(io::to_string(reason)));
  }
  void on_handshake_complete() override {
    TlsOutcome t = base();
    t.alpn = tls_->alpn();
    t.version = tls_->protocol_version();
    if (X509* cert = tls_->peer_certificate()) {
      t.certificate_subject = tls::subject_common_name(cert);
      t.certificate_names = tls::subject_alt_names(cert);
    }
    probe_.finish(t);
    tls_->shutdown();
    flush();
    if (!closed_) connection_->close();
  }
  void on_plaintext(std::string_view) override {}
  void on_tls_closed() override {}
  void on_tls_error(const std::string& reason) override {
    // As a TLS client does: the alert, then the connection closes (the server then logs it).
    fail(reason);
    flush();
    if (!closed_) connection_->close();
  }
  bool closed_ = false;

 private:
  TlsOutcome base() const {
    TlsOutcome t;
    t.client = probe_.name_;
    t.connection = 1;
    t.sni = probe_.sni_;
    t.at = probe_.runtime_.now();
    return t;
  }
  void fail(const std::string& reason) {
    TlsOutcome t = base();
    t.error = reason;
    probe_.finish(t);
  }
  void flush() {
    if (!closed_ && tls_->has_output()) connection_->write(tls_->take_output());
  }

  TlsProbe& probe_;
  std::unique_ptr<io::Connection> connection_;
  std::shared_ptr<tls::ClientTlsContext> context_;
  std::unique_ptr<tls::TlsSession> tls_;
};

TlsProbe::TlsProbe(io::Runtime& runtime, std::string name, io::Address target, std::string sni,
                   std::vector<std::string> alpn, io::Duration at, io::Duration timeout)
    : runtime_(runtime), name_(std::move(name)), sni_(std::move(sni)), target_(std::move(target)),
      alpn_(std::move(alpn)), at_(at), timeout_(timeout) {}

TlsProbe::~TlsProbe() { *alive_ = false; }

void TlsProbe::start() {
  std::weak_ptr<bool> alive = alive_;
  runtime_.schedule(at_, [this, alive] {
    if (alive.expired()) return;
    runtime_.schedule(timeout_, [this, alive] {
      if (alive.expired()) return;
      TlsOutcome t;
      t.client = name_;
      t.sni = sni_;
      t.error = "timeout";
      t.at = runtime_.now();
      finish(t);
    });
    runtime_.connect(target_, timeout_, [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
      if (alive.expired() || finished_) return;
      if (c == nullptr) {
        TlsOutcome t;
        t.client = name_;
        t.sni = sni_;
        t.error = "connect: " + error;
        t.at = runtime_.now();
        return finish(t);
      }
      session_ = std::make_unique<Session>(*this, std::move(c));
    });
  });
}

void TlsProbe::finish(TlsOutcome outcome) {
  if (finished_) return;
  finished_ = true;
  if (on_outcome) on_outcome(outcome);
}

}  // namespace gatesim::sim
