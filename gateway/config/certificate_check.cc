#include "gateway/config/certificate_check.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace gatesim::config {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> memory_bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::unique_ptr<X509, X509Free> first_certificate(const std::string& pem) {
  auto bio = memory_bio(pem);
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

std::optional<std::string> certificate_chain_error(const std::string& pem) {
  if (pem.size() > (1u << 20)) return "certificate data is larger than 1 MiB";
  auto bio = memory_bio(pem);
  int count = 0;
  while (true) {
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    ++count;
  }
  ERR_clear_error();  // reaching the end of the PEM data also queues an error
  if (count == 0) return "no PEM certificate found";
  return std::nullopt;
}

std::optional<std::string> key_pair_error(const std::string& certificate_pem, const std::string& private_key_pem) {
  if (auto error = certificate_chain_error(certificate_pem)) return error;
  auto cert = first_certificate(certificate_pem);
  auto key_bio = memory_bio(private_key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) return "no PEM private key found (encrypted keys are not supported)";
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return "the private key does not match the certificate";
  }
  return std::nullopt;
}

std::optional<std::string> read_pem_file(const std::string& path, const std::string& relative_to_file,
                                         std::string* error) {
  namespace fs = std::filesystem;
  fs::path resolved(path);
  if (resolved.is_relative()) resolved = fs::path(relative_to_file).parent_path() / resolved;
  std::error_code ec;
  const auto size = fs::file_size(resolved, ec);
  if (ec) {
    *error = resolved.string() + ": " + ec.message();
    return std::nullopt;
  }
  if (size > (1u << 20)) {
    *error = resolved.string() + ": larger than 1 MiB";
    return std::nullopt;
  }
  std::ifstream in(resolved, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    *error = resolved.string() + ": cannot be read";
    return std::nullopt;
  }
  return text.str();
}

}  // namespace gatesim::config
