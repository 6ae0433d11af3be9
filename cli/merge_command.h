#pragma once

#include <string>
#include <vector>

namespace gatesim::cli {

struct MergeOptions {
  std::vector<std::string> shard_files;
  std::string out_dir;
  std::string format = "table";
};

// gatesim merge: checks that shard files are the N shards of one `gatesim plan` sweep and
// writes plan.csv, plan.json and plan.svg exactly as the unsharded run would. Exit 0, or 2
// with the first inconsistency.
int run_merge(const MergeOptions& options);

}  // namespace gatesim::cli
