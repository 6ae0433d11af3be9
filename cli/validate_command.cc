#include "cli/validate_command.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/snapshot_printer.h"
#include "gateway/config/config_pipeline.h"

namespace gatesim::cli {

int run_validate(const ValidateOptions& options) {
  config::LoadOptions load;
  load.default_namespace = options.default_namespace;
  const config::PipelineResult result = config::run_config_pipeline(options.paths, load);

  std::size_t shown_info = 0;
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const config::Diagnostic& d : result.diagnostics.items()) {
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
    for (const config::Diagnostic& d : result.diagnostics.items()) {
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
