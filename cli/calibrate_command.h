#pragma once

#include <string>

namespace gatesim::cli {

struct CalibrateOptions {
  std::string out_path;   // "" = print the profile on standard output after the tables
  double seconds = 1.5;   // wall time aimed at per repetition of each workload
  int repetitions = 5;
  bool quick = false;     // one short repetition each, a few seconds in all (a smoke test, not a measurement)
};

// Times the real engine on this machine for each unit of work (sim/calibrate/calibration.h),
// prints the prices (unit, price, the workloads that determined it) and each workload's
// measured vs predicted CPU, and writes the cost profile. Exit 0; 1 when the measurement or
// the fit fails; 2 for bad arguments, an unwritable --out or a missing tool (named with the
// Debian package that provides it).
int run_calibrate(const CalibrateOptions& options, const std::string& command_line);

}  // namespace gatesim::cli
