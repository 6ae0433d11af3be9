#pragma once

#include <string>
#include <vector>

#include "gateway/config/diagnostic_codes.h"
#include "gateway/config/source_location.h"

namespace gatesim::config {

// One message about the configuration, printed as
//   file:line:col: severity[GS103]: Kind namespace/name: field.path: message
struct Diagnostic {
  Code code;
  Severity severity;
  SourceLocation location;
  std::string resource;  // "Gateway istio-system/ingress", empty for file-level problems
  std::string path;      // "spec.servers[0].port.protocol", empty when not inside a resource
  std::string message;

  std::string id() const { return std::string(code_info(code).id); }
  std::string format() const;
};

// Collects diagnostics in the order they were found; that order is deterministic because
// every pass walks files, documents and fields in input order.
class Diagnostics {
 public:
  void add(Code code, const Origin& origin, std::string resource, std::string message);
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }

  const std::vector<Diagnostic>& items() const { return items_; }
  bool has_errors() const;
  std::size_t count(Severity severity) const;
  std::size_t size() const { return items_.size(); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace gatesim::config
