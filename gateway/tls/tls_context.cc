#include "gateway/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "gateway/tls/certificate_identity.h"

namespace gatesim::tls {
namespace {

// Envoy's default server cipher list for TLS 1.0-1.2, without BoringSSL's equal-preference
// groups that OpenSSL does not parse. TLS 1.3 suites are not configurable in Istio.
constexpr const char* kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

constexpr unsigned char kServerAlpn[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

std::string openssl_error(const std::string& what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return what + ": " + buffer;
}

int to_openssl_version(config::TlsProtocolVersion v, int fallback) {
  switch (v) {
    case config::TlsProtocolVersion::kTls10: return TLS1_VERSION;
    case config::TlsProtocolVersion::kTls11: return TLS1_1_VERSION;
    case config::TlsProtocolVersion::kTls12: return TLS1_2_VERSION;
    case config::TlsProtocolVersion::kTls13: return TLS1_3_VERSION;
    case config::TlsProtocolVersion::kAuto: return fallback;
  }
  return fallback;
}

ContextState* state_of(const SSL* ssl) {
  return static_cast<ContextState*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

void key_log_callback(const SSL* ssl, const char* line) {
  ContextState* state = state_of(ssl);
  if (state != nullptr && state->key_log) state->key_log(line);
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                unsigned int in_length, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kServerAlpn, sizeof(kServerAlpn), in, in_length) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;  // no overlap: carry on without ALPN (HTTP/1.1), as Envoy does
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// The client-certificate checks of MUTUAL/OPTIONAL_MUTUAL beyond chain validation:
// subjectAltNames (exact), then certificate-hash or SPKI pins (either may match).
int verify_client(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok != 1 || X509_STORE_CTX_get_error_depth(store) != 0) return preverify_ok;
  const SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const ContextState* state = ssl ? state_of(ssl) : nullptr;
  if (state == nullptr || state->server_settings == nullptr) return 1;
  const config::ServerTlsSettings& s = *state->server_settings;
  X509* leaf = X509_STORE_CTX_get_current_cert(store);
  if (!s.subject_alt_names.empty()) {
    bool matched = false;
    for (const std::string& san : subject_alt_names(leaf)) {
      for (const config::LocatedString& wanted : s.subject_alt_names) matched = matched || san == wanted.value;
    }
    if (!matched) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
      return 0;
    }
  }
  if (!s.verify_certificate_hash.empty() || !s.verify_certificate_spki.empty()) {
    bool pinned = false;
    const std::string hash = certificate_sha256_hex(leaf);
    for (const config::LocatedString& h : s.verify_certificate_hash) pinned = pinned || normalize_hex(h.value) == hash;
    const std::string spki = spki_sha256_base64(leaf);
    for (const config::LocatedString& p : s.verify_certificate_spki) pinned = pinned || p.value == spki;
    if (!pinned) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
      return 0;
    }
  }
  return 1;
}

bool load_chain_and_key(SSL_CTX* ctx, const std::string& chain_pem, const std::string& key_pem, std::string* error) {
  BIO* bio = BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size()));
  X509* leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
    X509_free(leaf);
    BIO_free(bio);
    *error = openssl_error("certificate");
    return false;
  }
  X509_free(leaf);
  while (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    SSL_CTX_add0_chain_cert(ctx, extra);  // takes ownership
  }
  ERR_clear_error();
  BIO_free(bio);
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  const bool ok = key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!ok) *error = openssl_error("private key");
  return ok;
}

bool load_trust(SSL_CTX* ctx, const std::string& ca_pem, std::string* error) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  int count = 0;
  while (X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, ca);
    X509_free(ca);
    ++count;
  }
  ERR_clear_error();
  BIO_free(bio);
  if (count == 0) *error = "no CA certificate in the trust bundle";
  return count > 0;
}

// Determinism and hygiene common to both ends: no compression, no session tickets (their
// contents embed wall-clock time, DESIGN.md "Determinism"), no session cache.
void common_setup(SSL_CTX* ctx, ContextState* state) {
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_app_data(ctx, state);
  SSL_CTX_set_keylog_callback(ctx, &key_log_callback);
}

io::Work handshake_work_of(SSL_CTX* ctx) {
  const X509* certificate = SSL_CTX_get0_certificate(ctx);
  const EVP_PKEY* key = certificate != nullptr ? X509_get0_pubkey(certificate) : nullptr;
  switch (key != nullptr ? EVP_PKEY_get_base_id(key) : EVP_PKEY_EC) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: return io::Work::kTlsHandshakeRsa;
    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448: return io::Work::kTlsHandshakeEd25519;
    default: return io::Work::kTlsHandshakeEcdsa;
  }
}

}  // namespace

void SslCtxFree::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

std::shared_ptr<ServerTlsContext> ServerTlsContext::create(const config::ServerTlsSettings& settings,
                                                           const config::TlsMaterial& material, std::string* error) {
  auto context = std::shared_ptr<ServerTlsContext>(new ServerTlsContext());
  context->settings_ = settings;
  context->ctx_.reset(SSL_CTX_new(TLS_server_method()));
  SSL_CTX* ctx = context->ctx_.get();
  context->state_.server_settings = &context->settings_;
  common_setup(ctx, &context->state_);
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_min_proto_version(ctx, to_openssl_version(settings.min_protocol_version, TLS1_2_VERSION));
  SSL_CTX_set_max_proto_version(ctx, to_openssl_version(settings.max_protocol_version, TLS1_3_VERSION));
  std::string ciphers;
  for (const config::LocatedString& c : settings.cipher_suites) ciphers += (ciphers.empty() ? "" : ":") + c.value;
  if (SSL_CTX_set_cipher_list(ctx, ciphers.empty() ? kDefaultCiphers : ciphers.c_str()) != 1) {
    *error = openssl_error("cipherSuites");
    return nullptr;
  }
  if (!load_chain_and_key(ctx, material.certificate_pem, material.private_key_pem, error)) return nullptr;
  context->handshake_work_ = handshake_work_of(ctx);
  SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, nullptr);
  const bool mutual = settings.mode == config::ServerTlsMode::kMutual;
  const bool optional = settings.mode == config::ServerTlsMode::kOptionalMutual;
  if (mutual || optional) {
    if (material.ca_pem.empty()) {
      *error = "MUTUAL/OPTIONAL_MUTUAL needs a CA bundle";
      return nullptr;
    }
    if (!load_trust(ctx, material.ca_pem, error)) return nullptr;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (mutual ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), &verify_client);
  }
  return context;
}

std::shared_ptr<ClientTlsContext> ClientTlsContext::create(const ClientTlsOptions& options, std::string* error) {
  auto context = std::shared_ptr<ClientTlsContext>(new ClientTlsContext());
  context->options_ = options;
  context->ctx_.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX* ctx = context->ctx_.get();
  common_setup(ctx, &context->state_);
  SSL_CTX_set_min_proto_version(ctx, to_openssl_version(options.min_version, TLS1_2_VERSION));
  SSL_CTX_set_max_proto_version(ctx, to_openssl_version(options.max_version, TLS1_3_VERSION));
  if (!options.ca_pem.empty()) {
    if (!load_trust(ctx, options.ca_pem, error)) return nullptr;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!options.certificate_pem.empty() &&
      !load_chain_and_key(ctx, options.certificate_pem, options.key_pem, error)) {
    return nullptr;
  }
  if (!options.alpn.empty()) {
    std::string wire;
    for (const std::string& p : options.alpn) wire += static_cast<char>(p.size()) + p;
    SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()), static_cast<unsigned>(wire.size()));
  }
  return context;
}

}  // namespace gatesim::tls
