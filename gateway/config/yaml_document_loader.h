#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gateway/config/diagnostic.h"

namespace gatesim::config {

// One YAML document of a kubectl-style multi-document file.
struct YamlDocument {
  std::string file;
  int index = 0;        // 0-based position of the document in its file
  int line_offset = 0;  // lines of the file before the document's text: node marks are relative to it
  YAML::Node root;
};

using DocumentSink = std::function<void(const YamlDocument&)>;

struct LoadLimits {
  std::size_t max_file_bytes = 8u << 20;  // larger inputs are not configuration
  int max_depth = 64;                     // real Istio YAML nests < 20 levels
  std::size_t max_nodes = 200000;         // per document, counting alias expansions
};

// Reads files, or directories recursively (*.yaml, *.yml, *.json in name order), and
// splits them into documents at `---`/`...` lines (a marker at column 0 always ends a YAML
// document), handing each to the sink as soon as it is parsed: memory holds one document's
// nodes at a time, and a syntax error costs only its own document. Every problem is a
// diagnostic; nothing throws.
class YamlDocumentLoader {
 public:
  explicit YamlDocumentLoader(Diagnostics& diagnostics, LoadLimits limits = {})
      : diagnostics_(diagnostics), limits_(limits) {}

  // Returns false when a path cannot be read at all (missing, permission, not a file).
  bool load_path(const std::string& path, const DocumentSink& sink);
  void load_text(const std::string& text, const std::string& name, const DocumentSink& sink);

 private:
  bool load_file(const std::string& path, const DocumentSink& sink);
  void load_document(const std::string& text, const std::string& name, int index, int line_offset,
                     const DocumentSink& sink);
  bool check_shape(const YAML::Node& root, const std::string& file, int line_offset);

  Diagnostics& diagnostics_;
  LoadLimits limits_;
};

}  // namespace gatesim::config
