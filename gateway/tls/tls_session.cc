#include "gateway/tls/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace gatesim::tls {
namespace {

std::string describe_error(SSL* ssl, int ret) {
  const int kind = SSL_get_error(ssl, ret);
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string reason;
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    reason = buffer;
  } else {
    reason = "ssl error " + std::to_string(kind);
  }
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) reason += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
  return reason;
}

}  // namespace

TlsSession::TlsSession(SSL* ssl, TlsSessionCallbacks& callbacks) : ssl_(ssl), callbacks_(callbacks) {
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
}

TlsSession::~TlsSession() {
  X509_free(peer_);
  SSL_free(ssl_);
}

std::unique_ptr<TlsSession> TlsSession::server(const ServerTlsContext& context, TlsSessionCallbacks& callbacks) {
  std::unique_ptr<TlsSession> session(new TlsSession(SSL_new(context.get()), callbacks));
  SSL_set_accept_state(session->ssl_);
  return session;
}

std::unique_ptr<TlsSession> TlsSession::client(const ClientTlsContext& context, const std::string& sni,
                                                TlsSessionCallbacks& callbacks) {
  std::unique_ptr<TlsSession> session(new TlsSession(SSL_new(context.get()), callbacks));
  SSL* ssl = session->ssl_;
  SSL_set_connect_state(ssl);
  if (!sni.empty()) {
    SSL_set_tlsext_host_name(ssl, sni.c_str());
  }
  if (!context.options().ca_pem.empty()) {
    const std::vector<std::string>& names = context.options().verify_names;
    if (names.empty() && !sni.empty()) SSL_set1_host(ssl, sni.c_str());
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i == 0) SSL_set1_host(ssl, names[i].c_str());
      else SSL_add1_host(ssl, names[i].c_str());
    }
  }
  session->drive();  // the ClientHello is ready in take_output() at once
  return session;
}

void TlsSession::receive(std::string_view ciphertext) {
  if (failed_ || ciphertext.empty()) return;
  BIO_write(SSL_get_rbio(ssl_), ciphertext.data(), static_cast<int>(ciphertext.size()));
  drive();
}

void TlsSession::drive() {
  if (!established_) {
    const int ret = SSL_do_handshake(ssl_);
    if (ret != 1) {
      const int kind = SSL_get_error(ssl_, ret);
      if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE) return;
      return fail(describe_error(ssl_, ret));
    }
    established_ = true;
    callbacks_.on_handshake_complete();
    if (failed_) return;
    if (!pending_plaintext_.empty()) {
      std::string queued;
      queued.swap(pending_plaintext_);
      write(queued);
    }
  }
  read_plaintext();
}

void TlsSession::read_plaintext() {
  char buffer[16 * 1024];
  while (!failed_ && !closed_) {
    const int n = SSL_read(ssl_, buffer, sizeof(buffer));
    if (n > 0) {
      callbacks_.on_plaintext(std::string_view(buffer, static_cast<std::size_t>(n)));
      continue;
    }
    const int kind = SSL_get_error(ssl_, n);
    if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE) return;
    if (kind == SSL_ERROR_ZERO_RETURN) {
      closed_ = true;
      callbacks_.on_tls_closed();
      return;
    }
    return fail(describe_error(ssl_, n));
  }
}

void TlsSession::fail(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  callbacks_.on_tls_error(reason);
}

void TlsSession::write(std::string_view plaintext) {
  if (failed_ || plaintext.empty()) return;
  if (!established_) {
    pending_plaintext_.append(plaintext);
    return;
  }
  // A memory BIO never pushes back, so SSL_write takes everything at once.
  if (SSL_write(ssl_, plaintext.data(), static_cast<int>(plaintext.size())) <= 0) fail(describe_error(ssl_, 0));
}

void TlsSession::shutdown() {
  if (!failed_ && established_) SSL_shutdown(ssl_);
}

std::string TlsSession::take_output() {
  BIO* out = SSL_get_wbio(ssl_);
  std::string bytes;
  const std::size_t pending = BIO_ctrl_pending(out);
  if (pending == 0) return bytes;
  bytes.resize(pending);
  const int n = BIO_read(out, bytes.data(), static_cast<int>(pending));
  bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return bytes;
}

bool TlsSession::has_output() const { return BIO_ctrl_pending(SSL_get_wbio(ssl_)) > 0; }

std::string TlsSession::alpn() const {
  const unsigned char* data = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(ssl_, &data, &length);
  return std::string(reinterpret_cast<const char*>(data), length);
}

std::string TlsSession::server_name() const {
  const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
  return name == nullptr ? "" : name;
}

std::string TlsSession::protocol_version() const { return SSL_get_version(ssl_); }

std::string TlsSession::cipher() const {
  const char* name = SSL_get_cipher_name(ssl_);
  return name == nullptr ? "" : name;
}

X509* TlsSession::peer_certificate() const {
  if (peer_ == nullptr) peer_ = SSL_get1_peer_certificate(ssl_);
  return peer_;
}

}  // namespace gatesim::tls
