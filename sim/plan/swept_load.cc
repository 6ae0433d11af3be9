#include "sim/plan/swept_load.h"

#include <algorithm>

#include "gateway/config/field_reader.h"

namespace gatesim::plan {
namespace {

bool open_loop(const sim::ScenarioClient& c) { return c.load && c.load->mode == sim::LoadSpec::Mode::kOpen; }

}  // namespace

SweptLoad select_swept_load(const sim::Scenario& scenario, const std::string& client, io::Duration warmup,
                            std::string* error) {
  error->clear();
  SweptLoad load;
  const std::string where = scenario.file + ": ";
  if (!client.empty()) {
    std::string names;
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
      const sim::ScenarioClient& c = scenario.clients[i];
      names += (names.empty() ? "" : ", ") + c.name;
      if (c.name != client) continue;
      if (!c.load) {
        *error = where + "--client " + client + " is a scripted client, not a load generator (kind: load, mode: open)";
        return {};
      }
      if (!open_loop(c)) {
        *error = where + "--client " + client +
                 " is a closed-loop load client (concurrency); plan sets an open-loop rate (mode: open)";
        return {};
      }
      load.clients.push_back(i);
    }
    if (load.clients.empty()) {
      *error = where + "--client " + client + ": no such client (clients: " + (names.empty() ? "none" : names) + ")";
      return {};
    }
  } else {
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
      if (open_loop(scenario.clients[i])) load.clients.push_back(i);
    }
    if (load.clients.empty()) {
      *error = where + "no open-loop load client (kind: load, mode: open, rate: N) whose rate plan could set";
      return {};
    }
  }
  double total = 0;
  for (std::size_t i : load.clients) total += scenario.clients[i].load->rate;
  bool first = true;
  for (std::size_t i : load.clients) {
    const sim::LoadSpec& spec = *scenario.clients[i].load;
    load.shares.push_back(spec.rate / total);
    load.names.push_back(scenario.clients[i].name);
    const io::Duration end = std::min(spec.start + spec.duration, scenario.duration);
    load.window_start = first ? spec.start : std::min(load.window_start, spec.start);
    load.window_end = first ? end : std::max(load.window_end, end);
    first = false;
  }
  if (load.window_end <= load.window_start) {
    *error = where + "the load window of the swept client(s) ends before it starts (start at or after the " +
             "scenario's duration, or a zero duration): no rate could be offered";
    return {};
  }
  load.measured_start = load.window_start + warmup;
  if (load.measured_start >= load.window_end) {
    *error = where + "--warmup " + config::format_duration(warmup) + " covers the whole load window (" +
             config::format_duration(load.window_start) + " to " + config::format_duration(load.window_end) +
             "): nothing would be measured";
    return {};
  }
  return load;
}

sim::Scenario scenario_for_point(const sim::Scenario& base, const SweptLoad& load, int cores, double rps) {
  sim::Scenario scenario = base;
  if (!scenario.cpu) scenario.cpu = sim::GatewayCpu{};
  scenario.cpu->workers = cores;
  for (std::size_t k = 0; k < load.clients.size(); ++k) {
    scenario.clients[load.clients[k]].load->rate = rps * load.shares[k];
  }
  return scenario;
}

}  // namespace gatesim::plan
