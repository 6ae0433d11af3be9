#include "gateway/config/object_meta.h"

namespace gatesim::config {

bool is_dns1123_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(c == '-' && i > 0 && i + 1 < s.size())) return false;
  }
  return true;
}

bool is_dns1123_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!is_dns1123_label(label)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

ObjectMeta parse_object_meta(FieldReader& document, const std::string& default_namespace) {
  ObjectMeta meta;
  meta.origin = document.origin();
  meta.locations = document.context().locations();
  meta.file = document.context().file();
  meta.namespace_name = default_namespace;
  auto metadata = document.object("metadata", true);
  if (!metadata) return meta;
  if (auto name = metadata->located_string("name", true)) {
    meta.name = name->value;
    if (!is_dns1123_subdomain(name->value)) {
      document.context().report(Code::kInvalidName, name->origin,
                                "\"" + name->value + "\" is not a lowercase RFC 1123 subdomain");
    }
  }
  if (auto ns = metadata->located_string("namespace")) {
    meta.namespace_name = ns->value;
    if (!is_dns1123_label(ns->value)) {
      document.context().report(Code::kInvalidName, ns->origin,
                                "namespace \"" + ns->value + "\" is not a lowercase RFC 1123 label");
    }
  }
  meta.labels = metadata->string_map("labels");
  meta.annotations = metadata->string_map("annotations");
  if (auto ts = metadata->string("creationTimestamp")) meta.creation_timestamp = *ts;
  // Fields the API server owns: read and ignored without a warning, since exported objects carry them.
  for (const char* server_owned : {"uid", "resourceVersion", "generation", "managedFields", "selfLink",
                                   "ownerReferences", "finalizers", "generateName", "deletionTimestamp",
                                   "deletionGracePeriodSeconds"}) {
    metadata->take(server_owned);
  }
  metadata->finish();
  return meta;
}

std::string resource_label(const std::string& kind, const ObjectMeta& meta) {
  return kind + " " + meta.namespace_name + "/" + (meta.name.empty() ? "<unnamed>" : meta.name);
}

}  // namespace gatesim::config
