#pragma once

#include <optional>
#include <string>

#include "gateway/config/object_meta.h"

namespace gatesim::config {

// A Secret that a Gateway `credentialName` can name. Istio reads either the
// kubernetes.io/tls keys (tls.crt, tls.key, ca.crt) or the generic ones (cert, key, cacert).
struct TlsSecret {
  ObjectMeta meta;
  std::string type;
  std::string certificate_pem;
  std::string private_key_pem;
  std::string ca_pem;
  std::string crl_pem;
  Origin origin;

  bool has_key_pair() const { return !certificate_pem.empty() && !private_key_pem.empty(); }
};

// Returns nullopt for Secret types that cannot hold TLS material (reported as skipped).
std::optional<TlsSecret> parse_tls_secret(FieldReader& document, ObjectMeta meta);

}  // namespace gatesim::config
