#include "gateway/config/tls_secret.h"

#include "gateway/config/base64.h"

namespace gatesim::config {

std::optional<TlsSecret> parse_tls_secret(FieldReader& document, ObjectMeta meta) {
  TlsSecret secret;
  secret.meta = std::move(meta);
  secret.origin = document.origin();
  secret.type = document.string("type").value_or("Opaque");
  if (secret.type != "kubernetes.io/tls" && secret.type != "Opaque") {
    document.context().report(Code::kKindSkipped, document.origin("type"),
                              "Secret of type " + secret.type + " cannot hold gateway certificates; skipped");
    for (const char* key : {"data", "stringData", "immutable"}) document.take(key);
    return std::nullopt;
  }
  std::map<std::string, std::string> values;
  const YAML::Node data = document.take("data");
  if (data && !data.IsNull()) {
    FieldReader entries(document.context(), data, "data");
    for (const auto& [key, encoded] : entries.string_map_view()) {
      if (auto decoded = decode_base64(encoded.value)) {
        values[key] = *decoded;
      } else {
        document.context().report(Code::kSecretInvalidBase64, encoded.origin,
                                  "data." + key + " is not valid base64");
      }
    }
  }
  for (const auto& [key, value] : document.string_map("stringData")) values[key] = value;  // wins, as in the API
  document.boolean("immutable");

  auto pick = [&](std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      auto it = values.find(key);
      if (it != values.end()) return it->second;
    }
    return std::string();
  };
  secret.certificate_pem = pick({"tls.crt", "cert"});
  secret.private_key_pem = pick({"tls.key", "key"});
  secret.ca_pem = pick({"ca.crt", "cacert"});
  secret.crl_pem = pick({"ca.crl", "crl"});
  if (secret.type == "kubernetes.io/tls") {
    for (const char* required : {"tls.crt", "tls.key"}) {
      if (values.count(required) == 0) {
        document.context().report(Code::kSecretMissingData, document.origin("data"),
                                  std::string("a kubernetes.io/tls Secret must have data.") + required);
      }
    }
  }
  return secret;
}

}  // namespace gatesim::config
