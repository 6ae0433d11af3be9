#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "gateway/tls/tls_context.h"

typedef struct ssl_st SSL;
typedef struct x509_st X509;

namespace gatesim::tls {

class TlsSessionCallbacks {
 public:
  virtual ~TlsSessionCallbacks() = default;
  virtual void on_handshake_complete() = 0;
  virtual void on_plaintext(std::string_view bytes) = 0;
  // The peer sent close_notify: no more plaintext will come.
  virtual void on_tls_closed() = 0;
  // Handshake or record failure. An alert may be waiting in take_output(): flush it, then close.
  virtual void on_tls_error(const std::string& reason) = 0;
};

// One TLS connection in OpenSSL over a pair of memory BIOs (DESIGN.md: never a socket fd):
// ciphertext in through receive(), ciphertext out through take_output(), plaintext in both
// directions through write() and on_plaintext(). No socket, no clock of its own.
class TlsSession {
 public:
  static std::unique_ptr<TlsSession> server(const ServerTlsContext& context, TlsSessionCallbacks& callbacks);
  // `sni` is sent as server_name and, when the context verifies, checked against the certificate.
  static std::unique_ptr<TlsSession> client(const ClientTlsContext& context, const std::string& sni,
                                             TlsSessionCallbacks& callbacks);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  void receive(std::string_view ciphertext);
  // Plaintext to send; held until the handshake completes.
  void write(std::string_view plaintext);
  // Sends close_notify.
  void shutdown();
  std::string take_output();
  bool has_output() const;

  bool established() const { return established_; }
  bool failed() const { return failed_; }
  std::string alpn() const;         // "" when none was negotiated
  std::string server_name() const;  // the SNI the client sent (server side)
  std::string protocol_version() const;  // "TLSv1.3"
  std::string cipher() const;
  X509* peer_certificate() const;   // owned by the session; nullptr when none

 private:
  TlsSession(SSL* ssl, TlsSessionCallbacks& callbacks);
  void drive();
  void read_plaintext();
  void fail(const std::string& reason);

  SSL* ssl_;
  TlsSessionCallbacks& callbacks_;
  std::string pending_plaintext_;
  bool established_ = false;
  bool failed_ = false;
  bool closed_ = false;
  mutable X509* peer_ = nullptr;
};

}  // namespace gatesim::tls
