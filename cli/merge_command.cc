#include "cli/merge_command.h"

#include <iostream>

#include "cli/plan_command.h"
#include "sim/plan/shard_file.h"

namespace gatesim::cli {

int run_merge(const MergeOptions& options) {
  std::vector<plan::ShardFile> shards(options.shard_files.size());
  std::string error;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (!plan::read_shard_file(options.shard_files[i], &shards[i], &error)) {
      std::cerr << "gatesim merge: " << error << "\n";
      return 2;
    }
  }
  plan::SweepDefinition sweep;
  std::vector<plan::PointResult> points;
  if (!plan::merge_shards(shards, &sweep, &points, &error)) {
    std::cerr << "gatesim merge: " << error << "\n";
    return 2;
  }
  return publish_plan(sweep, std::move(points), options.out_dir, options.format, "merge");
}

}  // namespace gatesim::cli
