#pragma once

#include <string>

namespace gatesim::calibrate {

// A self-signed server certificate made at run time, so the calibration measures handshakes
// signed with each key type the cost profile prices (P-256 ECDSA, RSA-2048, Ed25519).
enum class KeyType { kEcdsaP256, kRsa2048, kEd25519 };

struct CertificateFiles {
  std::string certificate;  // PEM paths
  std::string private_key;
};

// Writes <dir>/<stem>.pem and <dir>/<stem>-key.pem for `host` (CN and subjectAltName).
// False with `error` set when OpenSSL refuses.
bool write_self_signed_certificate(KeyType type, const std::string& host, const std::string& dir,
                                   const std::string& stem, CertificateFiles* files, std::string* error);

}  // namespace gatesim::calibrate
