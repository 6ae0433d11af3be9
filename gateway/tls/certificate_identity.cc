#include "gateway/tls/certificate_identity.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cctype>

namespace gatesim::tls {
namespace {

std::string hex(const unsigned char* data, unsigned length) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

}  // namespace

std::vector<std::string> subject_alt_names(X509* certificate) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS || name->type == GEN_URI || name->type == GEN_EMAIL) {
      const ASN1_IA5STRING* s = name->d.ia5;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {0};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof(text)) != nullptr) out.emplace_back(text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string certificate_sha256_hex(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  X509_digest(certificate, EVP_sha256(), digest, &length);
  return hex(digest, length);
}

std::string spki_sha256_base64(X509* certificate) {
  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(X509_get0_pubkey(certificate), &der);
  if (der_length <= 0) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(der, static_cast<std::size_t>(der_length), digest, &length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(n));
}

std::string normalize_hex(const std::string& pin) {
  std::string out;
  for (char c : pin) {
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string subject_common_name(X509* certificate) {
  char buffer[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, buffer, sizeof(buffer));
  return buffer;
}

}  // namespace gatesim::tls
