#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"

namespace gatesim::plan {

// The JSON a sweep's definition and raw point results travel in: from a forked worker over
// its pipe, in shard files, and between MPI ranks. Doubles are written by nlohmann's
// round-trip formatting, so a value read back is the same double.
nlohmann::json sweep_to_json(const SweepDefinition& sweep);
nlohmann::json point_to_json(const PointResult& point);

// Readers check every field's presence and type and say which one is wrong, with `where`
// (a file name, "worker", "rank 3") in front: "a.json: points[2].latency_ns.p99: missing".
bool sweep_from_json(const nlohmann::json& j, const std::string& where, SweepDefinition* sweep, std::string* error);
bool point_from_json(const nlohmann::json& j, const std::string& where, PointResult* point, std::string* error);

}  // namespace gatesim::plan
