#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config_loader.h"
#include "gateway/config/snapshot.h"
#include "gateway/config/snapshot_compiler.h"

namespace gatesim::config {

struct PipelineResult {
  Diagnostics diagnostics;
  std::shared_ptr<const Snapshot> snapshot;  // null when nothing could be loaded
  std::size_t resources = 0;
  bool unreadable = false;  // some path could not be read at all
};

// load -> per-resource validation -> cross-resource analysis -> compile, in that order,
// every stage adding to one list of diagnostics. A Snapshot is compiled even when there
// are errors: like istiod, invalid pieces are dropped and the rest still serves.
PipelineResult run_config_pipeline(const std::vector<std::string>& paths, const LoadOptions& options = {},
                                   const CompileOptions& compile = {});
PipelineResult run_config_pipeline_on_text(const std::string& text, const std::string& name,
                                           const LoadOptions& options = {}, const CompileOptions& compile = {});

}  // namespace gatesim::config
