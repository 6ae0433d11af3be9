#include "cli/validate_command.h"

#include <algorithm>
#include <iostream>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "cli/snapshot_printer.h"
#include "gateway/config/config_pipeline.h"

namespace gatesim::cli {

int run_validate(const ValidateOptions& options) {
  config::LoadOptions load;
  load.default_namespace = options.default_namespace;
  config::PipelineResult result;
  if (options.paths.size() == 1 && options.paths[0] == "-") {
    // `helm template ... | gatesim validate -`
    std::ostringstream text;
    text << std::cin.rdbuf();
    result = config::run_config_pipeline_on_text(text.str(), "<stdin>", load);
  } else {
    result = config::run_config_pipeline(options.paths, load);
  }
  // Passes find problems in their own order; a reader wants them in file order.
  std::vector<config::Diagnostic> sorted = result.diagnostics.items();
  std::stable_sort(sorted.begin(), sorted.end(), [](const config::Diagnostic& a, const config::Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });

  std::size_t shown_info = 0;
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const config::Diagnostic& d : sorted) {
      if (options.quiet_info && d.severity == config::Severity::kInfo) continue;
      out.push_back({{"code", d.id()},
                     {"severity", config::severity_name(d.severity)},
                     {"file", d.location.file},
                     {"line", d.location.line},
                     {"column", d.location.column},
                     {"resource", d.resource},
                     {"path", d.path},
                     {"message", d.message}});
    }
    std::cout << out.dump(2) << "\n";
  } else {
    for (const config::Diagnostic& d : sorted) {
      if (d.severity == config::Severity::kInfo) {
        if (options.quiet_info) continue;
        ++shown_info;
      }
      std::cout << d.format() << "\n";
    }
    const auto errors = result.diagnostics.count(config::Severity::kError);
    const auto warnings = result.diagnostics.count(config::Severity::kWarning);
    std::cout << result.resources << " resources, " << errors << " errors, " << warnings << " warnings";
    if (!options.quiet_info) std::cout << ", " << shown_info << " notes";
    std::cout << "\n";
    if (result.snapshot && options.show_snapshot) print_snapshot(*result.snapshot, std::cout);
    if (result.snapshot) {
      std::cout << result.snapshot->listeners.size() << " listeners, " << result.snapshot->route_tables.size()
                << " route tables, " << result.snapshot->clusters.size() << " clusters compiled\n";
    }
  }
  if (result.unreadable) return 2;
  return result.diagnostics.has_errors() ? 1 : 0;
}

}  // namespace gatesim::cli
