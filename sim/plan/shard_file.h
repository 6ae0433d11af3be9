#pragma once

#include <string>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"

namespace gatesim::plan {

// A shard's results (`gatesim plan --shard K/N`, or one MPI rank's): the full sweep
// definition, which shard it is, and the raw results of its points. JSON:
//   {"format": "gatesim-plan-shard/1", "sweep": {...}, "shard": {"index": K, "count": N},
//    "points": [{...}, ...]}
struct ShardFile {
  std::string origin;  // file name or "rank 3", for errors
  SweepDefinition sweep;
  Shard shard;
  std::vector<PointResult> points;
};

std::string shard_json(const SweepDefinition& sweep, const Shard& shard, const std::vector<PointResult>& points);
std::string shard_file_name(const Shard& shard);  // plan-shard-K-of-N.json

// Parses shard JSON (from a file or an MPI rank); a precise error names `origin` and the field.
bool parse_shard_json(const std::string& text, const std::string& origin, ShardFile* shard, std::string* error);
bool read_shard_file(const std::string& path, ShardFile* shard, std::string* error);

// Checks that the shards are the N distinct shards of one sweep and hold each of its points
// exactly once (the point a shard should hold, at the cores and rate the sweep says), then
// returns the sweep and all its points. The first inconsistency is the error.
bool merge_shards(const std::vector<ShardFile>& shards, SweepDefinition* sweep, std::vector<PointResult>* points,
                  std::string* error);

}  // namespace gatesim::plan
