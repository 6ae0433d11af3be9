#pragma once

#include <string>
#include <vector>

namespace gatesim::cli {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::string default_namespace = "default";
  std::string format = "text";  // text | json
  bool quiet_info = false;
  bool show_snapshot = false;
};

// Loads, validates, analyses and compiles the configuration; prints diagnostics.
// Exit: 0 clean or warnings only, 1 errors, 2 some input could not be read.
int run_validate(const ValidateOptions& options);

}  // namespace gatesim::cli
