#include "gateway/config/diagnostic.h"

namespace gatesim::config {

std::string Diagnostic::format() const {
  std::string out = location.file.empty() ? std::string("<input>") : location.file;
  if (location.line > 0) {
    out += ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
  }
  out += ": ";
  out += severity_name(severity);
  out += "[" + id() + "]: ";
  if (!resource.empty()) out += resource + ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

void Diagnostics::add(Code code, const Origin& origin, std::string resource, std::string message) {
  items_.push_back(Diagnostic{code, code_info(code).severity, origin.location, std::move(resource),
                              origin.path, std::move(message)});
}

bool Diagnostics::has_errors() const { return count(Severity::kError) > 0; }

std::size_t Diagnostics::count(Severity severity) const {
  std::size_t n = 0;
  for (const Diagnostic& d : items_) n += d.severity == severity ? 1 : 0;
  return n;
}

}  // namespace gatesim::config
