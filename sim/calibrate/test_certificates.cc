#include "sim/calibrate/test_certificates.h"

#include <cstdio>
#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace gatesim::calibrate {
namespace {

std::string openssl_error(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  return what + ": " + text;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

bool write_self_signed_certificate(KeyType type, const std::string& host, const std::string& dir,
                                   const std::string& stem, CertificateFiles* files, std::string* error) {
  EVP_PKEY* raw_key = nullptr;
  switch (type) {
    case KeyType::kEcdsaP256:
      raw_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kRsa2048:
      raw_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyType::kEd25519:
      raw_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw_key, EVP_PKEY_free);
  if (!key) {
    *error = openssl_error("key generation for " + stem);
    return false;
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  const std::string san = "DNS:" + host;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  if (ext == nullptr || !X509_add_ext(cert.get(), ext, -1)) {
    X509_EXTENSION_free(ext);
    *error = openssl_error("subjectAltName for " + stem);
    return false;
  }
  X509_EXTENSION_free(ext);
  // Ed25519 signs without a separate digest.
  const EVP_MD* md = type == KeyType::kEd25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), key.get(), md) == 0) {
    *error = openssl_error("self-signing " + stem);
    return false;
  }
  files->certificate = dir + "/" + stem + ".pem";
  files->private_key = dir + "/" + stem + "-key.pem";
  std::unique_ptr<std::FILE, FileCloser> cert_file(std::fopen(files->certificate.c_str(), "w"));
  std::unique_ptr<std::FILE, FileCloser> key_file(std::fopen(files->private_key.c_str(), "w"));
  if (!cert_file || !key_file || !PEM_write_X509(cert_file.get(), cert.get()) ||
      !PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    *error = "cannot write " + files->certificate + " or " + files->private_key;
    return false;
  }
  return true;
}

}  // namespace gatesim::calibrate
