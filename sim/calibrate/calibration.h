#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/calibrate/unit_fit.h"

namespace gatesim::calibrate {

// `gatesim calibrate`: times the real engine on this machine, one unit of work at a time.
//
// A gateway process (calibration_worker.h: one `serve` worker whose runtime counts the units
// the engine charges) runs on loopback in front of an nginx backend; h2load, and a Python
// client for what h2load cannot do (uploads in small HTTP/2 DATA frames, bulk TCP), drive
// workloads that each stress one unit: handshakes with each key type, small and large
// HTTP/1.1 and HTTP/2 responses, small DATA frames, a backend that closes after every
// response, TCP bytes up and down. For each workload the gateway's CPU time (on-CPU
// nanoseconds of every thread, /proc/PID/task/*/schedstat, so neither the load generators nor
// the backends count, nor time spent waiting for a core) and its exact unit counts are taken
// before and after; repetitions give a median. The prices are then fitted jointly by least
// squares (unit_fit.h): every workload carries several units (a request also moves TLS bytes).
struct CalibrationOptions {
  double seconds = 1.5;  // wall time aimed at for each repetition of each workload
  int repetitions = 5;   // of each workload; the median counts
  bool quick = false;    // one short repetition of each, no sizing probe: a few seconds in all
  std::function<void(const std::string&)> progress;  // one line per finished step
};

struct WorkloadResult {
  std::string name;
  std::string description;
  WorkloadMeasurement median;          // the fit's row: median CPU and median unit counts
  std::vector<double> repetition_ns;   // CPU time of each repetition (all of the same size)
  double wall_seconds = 0;             // of the median repetition
  double runqueue_wait_ns = 0;         // time the gateway was ready but waited for a core (median)
};

struct CalibrationResult {
  std::vector<WorkloadResult> workloads;
  UnitFit fit;
  std::map<std::string, std::string> machine;
  double wall_seconds = 0;
};

// The external programs calibrate needs, each with the Debian package that provides it.
// Empty when all are present; otherwise one line per missing one.
std::string missing_tools();

// False with `error` when the backend, the gateway or a load generator fails, or the fit
// cannot separate the units. Check missing_tools() first.
bool run_calibration(const CalibrationOptions& options, CalibrationResult* result, std::string* error);

}  // namespace gatesim::calibrate
