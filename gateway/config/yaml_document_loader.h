#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gateway/config/diagnostic.h"

namespace gatesim::config {

// One YAML document of a kubectl-style multi-document file.
struct YamlDocument {
  std::string file;
  int index = 0;  // 0-based position of the document in its file
  YAML::Node root;
};

struct LoadLimits {
  std::size_t max_file_bytes = 8u << 20;  // larger inputs are not configuration
  int max_depth = 64;                     // real Istio YAML nests < 20 levels
  std::size_t max_nodes = 200000;         // per document, counting alias expansions
};

// Reads files, or directories recursively (*.yaml, *.yml, *.json in name order), and
// splits them into documents. Every problem is a diagnostic; nothing throws.
class YamlDocumentLoader {
 public:
  explicit YamlDocumentLoader(Diagnostics& diagnostics, LoadLimits limits = {})
      : diagnostics_(diagnostics), limits_(limits) {}

  // Returns false when a path cannot be read at all (missing, permission, not a file).
  bool load_path(const std::string& path, std::vector<YamlDocument>& out);
  void load_text(const std::string& text, const std::string& name, std::vector<YamlDocument>& out);

 private:
  bool load_file(const std::string& path, std::vector<YamlDocument>& out);
  bool check_shape(const YAML::Node& root, const std::string& file);

  Diagnostics& diagnostics_;
  LoadLimits limits_;
};

}  // namespace gatesim::config
