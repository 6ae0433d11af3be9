#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway.h"
#include "gateway/config/snapshot.h"
#include "gateway/io/runtime.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace gatesim::tls {

// NSS key log lines ("CLIENT_RANDOM ..."/TLS 1.3 secrets) so Wireshark can decrypt captures.
using KeyLogSink = std::function<void(const std::string& line)>;

// What OpenSSL callbacks need to find again: reached through SSL_CTX_get_app_data.
struct ContextState {
  KeyLogSink key_log;
  const config::ServerTlsSettings* server_settings = nullptr;  // client-certificate policy
};

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const;
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The OpenSSL context of one terminating server (filter chain): its certificate, TLS
// versions and ciphers, ALPN "h2,http/1.1", and client-certificate policy per mode.
// Built once per Snapshot; shared by every connection the chain terminates.
class ServerTlsContext {
 public:
  // nullptr and a reason when the material or settings cannot make a context.
  static std::shared_ptr<ServerTlsContext> create(const config::ServerTlsSettings& settings,
                                                  const config::TlsMaterial& material, std::string* error);
  SSL_CTX* get() const { return ctx_.get(); }
  const config::ServerTlsSettings& settings() const { return settings_; }
  // The handshake's unit of work, by the certificate's key type (RSA signs far slower).
  io::Work handshake_work() const { return handshake_work_; }
  void set_key_log(KeyLogSink sink) { state_.key_log = std::move(sink); }

 private:
  SslCtxPtr ctx_;
  config::ServerTlsSettings settings_;
  io::Work handshake_work_ = io::Work::kTlsHandshakeEcdsa;
  ContextState state_;
};

// The OpenSSL context of a TLS client (scripted clients, upstream TLS origination, tests).
struct ClientTlsOptions {
  std::string ca_pem;                  // trust anchors; empty: do not verify the server
  std::string certificate_pem, key_pem;  // client certificate for mTLS
  std::vector<std::string> alpn;       // offered, in order
  // Names the server certificate must carry (any of them); empty: the SNI. Only with ca_pem.
  std::vector<std::string> verify_names;
  config::TlsProtocolVersion min_version = config::TlsProtocolVersion::kAuto;
  config::TlsProtocolVersion max_version = config::TlsProtocolVersion::kAuto;
};

class ClientTlsContext {
 public:
  static std::shared_ptr<ClientTlsContext> create(const ClientTlsOptions& options, std::string* error);
  SSL_CTX* get() const { return ctx_.get(); }
  const ClientTlsOptions& options() const { return options_; }
  void set_key_log(KeyLogSink sink) { state_.key_log = std::move(sink); }

 private:
  SslCtxPtr ctx_;
  ClientTlsOptions options_;
  ContextState state_;
};

}  // namespace gatesim::tls
