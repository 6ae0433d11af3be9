#include "gateway/config/config_pipeline.h"

#include "gateway/config/reference_analysis.h"
#include "gateway/config/resource_validation.h"

namespace gatesim::config {
namespace {

void finish(ConfigLoader& loader, PipelineResult& result, const CompileOptions& compile) {
  ConfigSet config = loader.take();
  result.resources = config.resource_count();
  validate_resources(config, result.diagnostics);
  analyze_references(config, result.diagnostics);
  result.snapshot = compile_snapshot(std::move(config), result.diagnostics, compile);
}

}  // namespace

PipelineResult run_config_pipeline(const std::vector<std::string>& paths, const LoadOptions& options,
                                   const CompileOptions& compile) {
  PipelineResult result;
  ConfigLoader loader(result.diagnostics, options);
  for (const std::string& path : paths) result.unreadable = !loader.add_path(path) || result.unreadable;
  finish(loader, result, compile);
  return result;
}

PipelineResult run_config_pipeline_on_text(const std::string& text, const std::string& name,
                                           const LoadOptions& options, const CompileOptions& compile) {
  PipelineResult result;
  ConfigLoader loader(result.diagnostics, options);
  loader.add_text(text, name);
  finish(loader, result, compile);
  return result;
}

}  // namespace gatesim::config
