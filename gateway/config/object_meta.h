#pragma once

#include <map>
#include <string>

#include "gateway/config/field_reader.h"

namespace gatesim::config {

// The parts of Kubernetes ObjectMeta that change behaviour, plus where the object came from.
struct ObjectMeta {
  std::string api_version;
  std::string name;
  std::string namespace_name;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string creation_timestamp;  // RFC 3339; orders VirtualService merging like Istio
  std::string file;
  int document = 0;
  std::size_t load_order = 0;  // position among all loaded resources; tie-breaker for merging
  Origin origin;               // the document's root mapping
  std::shared_ptr<const FieldLocations> locations;  // every field of the resource, by path

  // The Origin of a field path of this resource, e.g. "spec.http[0].timeout".
  Origin at(std::string path) const { return locate(locations, origin, std::move(path)); }
};

// Reads `metadata` of a resource document; the namespace defaults to `default_namespace`
// as kubectl's current context would. Reports a missing or malformed name.
ObjectMeta parse_object_meta(FieldReader& document, const std::string& default_namespace);

std::string resource_label(const std::string& kind, const ObjectMeta& meta);

// RFC 1123 label (namespaces, port names) and subdomain (most object names).
bool is_dns1123_label(const std::string& s);
bool is_dns1123_subdomain(const std::string& s);

}  // namespace gatesim::config
