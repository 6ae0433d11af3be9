#pragma once

#include <string>
#include <vector>

typedef struct x509_st X509;

namespace gatesim::tls {

// What identifies a peer certificate for Istio's client-certificate checks.
std::vector<std::string> subject_alt_names(X509* certificate);  // DNS, URI, email and IP entries
std::string certificate_sha256_hex(X509* certificate);         // lowercase hex of SHA-256(DER)
std::string spki_sha256_base64(X509* certificate);             // base64 of SHA-256(SubjectPublicKeyInfo)
std::string normalize_hex(const std::string& pin);            // "AB:cd:..." -> "abcd..."
std::string subject_common_name(X509* certificate);

}  // namespace gatesim::tls
