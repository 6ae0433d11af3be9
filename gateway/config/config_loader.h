#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/config/config_set.h"
#include "gateway/config/diagnostic.h"
#include "gateway/config/yaml_document_loader.h"

namespace gatesim::config {

struct LoadOptions {
  std::string default_namespace = "default";  // what kubectl's context would supply
  LoadLimits limits;
};

// Turns kubectl-style YAML (files, directories, text) into a typed ConfigSet. Istio
// networking kinds in v1alpha3, v1beta1 and v1; core Service, Endpoints and Secret;
// discovery.k8s.io EndpointSlice; `kind: List`. Other kinds are skipped with a note.
class ConfigLoader {
 public:
  explicit ConfigLoader(Diagnostics& diagnostics, LoadOptions options = {});

  // False when the path could not be read at all.
  bool add_path(const std::string& path);
  void add_text(const std::string& text, const std::string& name);

  const ConfigSet& config() const { return config_; }
  ConfigSet take() { return std::move(config_); }

 private:
  void add_document(const YamlDocument& document);
  void add_resource(FieldReader& document, const std::string& api_version, const std::string& kind, int index);
  template <class T>
  void keep(std::vector<T>& list, T resource, const std::string& kind);

  Diagnostics& diagnostics_;
  LoadOptions options_;
  ConfigSet config_;
  std::size_t next_load_order_ = 0;
  std::unordered_map<std::string, std::size_t> positions_;  // "Kind ns/name" -> index in its list
};

}  // namespace gatesim::config
