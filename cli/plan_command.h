#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/plan/point_result.h"
#include "sim/plan/sweep.h"

namespace gatesim::cli {

struct PlanOptions {
  std::string scenario;
  std::string cores;               // --cores 1,2,4
  std::string rps;                 // --rps 1000:20000:1000 or 500,1000,2000
  std::optional<std::string> slo;  // default: errors<1%
  std::string out_dir;             // plan.csv, plan.json, plan.svg (or the shard file)
  std::optional<std::uint64_t> seed;  // default: the scenario's
  std::string client;              // default: every open-loop load client
  std::string warmup = "0s";       // start of the load window left out of the measurements
  int jobs = 0;                    // 0: one per core (1 per rank under mpirun)
  std::string shard;               // K/N
  std::string format = "table";    // standard output: table, csv or json
  bool progress = false;           // force the progress bar when stderr is not a terminal
};

// gatesim plan: sweeps gateway worker counts x offered loads in the simulator and reports the
// capacity per core count under an SLO. Under mpirun each rank runs one shard and rank 0
// writes the outputs. Exit 0 when the sweep ran (whatever the SLO verdicts), 2 on bad input
// or when a point could not run.
int run_plan(const PlanOptions& options);

// A finished sweep's outputs, the same for plan, its MPI rank 0 and merge: the report on
// standard output in `format`, and plan.csv, plan.json, plan.svg in `out_dir` when given.
// 2 when a point did not run (each distinct reason printed once) or a file cannot be written.
int publish_plan(const plan::SweepDefinition& sweep, std::vector<plan::PointResult> points, const std::string& out_dir,
                 const std::string& format, const char* command);

}  // namespace gatesim::cli
