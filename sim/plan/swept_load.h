#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace gatesim::plan {

// The open-loop load clients a sweep drives, and how the offered rate is shared among them.
struct SweptLoad {
  std::vector<std::size_t> clients;  // indexes into Scenario::clients
  std::vector<std::string> names;    // of those clients: their outcomes are the point's measurements
  std::vector<double> shares;        // of the offered rate, from the scenario's own rates; sum 1
  io::Duration window_start{0}, window_end{0};  // union of their load windows, cut at the run's end
  io::Duration measured_start{0};  // window_start + warm-up: requests started before it are not measured
};

// `client` names one open-loop load client; "" takes all of them, each keeping its share of
// the scenario's total open-loop rate (a scenario with a heavy and a light client stays so).
// Closed-loop clients and scripted clients are left as they are: background traffic.
// Precise error (and an empty result) when the name is unknown or not open-loop, when there is
// no open-loop client, or when the load window lies outside the run.
// `warmup` is left out at the start of the window (connections and TLS handshakes of the
// first requests, not the steady state being planned for); it must leave some window.
SweptLoad select_swept_load(const sim::Scenario& scenario, const std::string& client, io::Duration warmup,
                            std::string* error);

// The scenario one point runs: `cores` gateway workers (gateway.cpu created with its defaults
// when the scenario has none) and `rps` offered by the swept clients.
sim::Scenario scenario_for_point(const sim::Scenario& base, const SweptLoad& load, int cores, double rps);

}  // namespace gatesim::plan
