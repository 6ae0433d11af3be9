#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/plan/slo.h"

namespace gatesim::plan {

// What a sweep is, independent of how it is run (one process, -j children, shards, MPI
// ranks): everything that decides its results, and nothing else (no paths, no times), so
// that shards of one sweep can be recognised and their merge written byte for byte as a
// single run would write it.
struct SweepDefinition {
  std::string scenario_name;
  std::string scenario_sha256;  // of the scenario file's bytes
  std::uint64_t seed = 1;
  std::string client;           // --client; "" sweeps every open-loop load client
  std::int64_t warmup_ns = 0;   // --warmup: the start of the load window left out of every measurement
  std::vector<int> cores;
  std::vector<double> rps;
  Slo slo;
};

// One (cores, rps) point. Points are ordered cores-major: index = core_i * rps.size() + rps_i.
struct SweepPoint {
  std::size_t index = 0;
  int cores = 1;
  double rps = 0;
};
std::vector<SweepPoint> sweep_points(const SweepDefinition& sweep);

// --shard K/N: shard K (0-based, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count) of N
// runs the points whose index is K mod N. Round-robin rather than blocks, so every shard
// gets light and heavy loads alike and shards take about the same wall time.
struct Shard {
  int index = 0, count = 1;
  bool holds(std::size_t point_index) const { return point_index % static_cast<std::size_t>(count) == static_cast<std::size_t>(index); }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
Shard parse_shard(const std::string& text, std::string* error);
std::vector<SweepPoint> shard_points(const std::vector<SweepPoint>& points, const Shard& shard);

// The first difference between two definitions ("seed 1 vs 2"), "" when they are the same sweep.
std::string sweep_difference(const SweepDefinition& a, const SweepDefinition& b);

}  // namespace gatesim::plan
