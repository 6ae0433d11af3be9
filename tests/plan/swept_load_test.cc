// Which clients a sweep drives and how a point's offered load reaches them: one named client,
// or every open-loop client keeping its share, with the gateway's workers set per point.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/plan/swept_load.h"

using namespace gatesim;

namespace {

sim::ScenarioClient load_client(const std::string& name, sim::LoadSpec::Mode mode, double rate) {
  sim::ScenarioClient c;
  c.name = name;
  sim::LoadSpec spec;
  spec.mode = mode;
  spec.rate = rate;
  spec.start = std::chrono::milliseconds(100);
  spec.duration = std::chrono::seconds(1);
  c.load = spec;
  return c;
}

sim::Scenario two_open_one_closed() {
  sim::Scenario s;
  s.file = "s.yaml";
  s.duration = std::chrono::seconds(2);
  s.clients.push_back(load_client("light", sim::LoadSpec::Mode::kOpen, 100));
  s.clients.push_back(load_client("closed", sim::LoadSpec::Mode::kClosed, 100));
  s.clients.push_back(load_client("heavy", sim::LoadSpec::Mode::kOpen, 300));
  sim::ScenarioClient browser;
  browser.name = "browser";
  s.clients.push_back(browser);
  return s;
}

std::string selection_error(const sim::Scenario& s, const std::string& client) {
  std::string error;
  const plan::SweptLoad load = plan::select_swept_load(s, client, std::chrono::milliseconds(0), &error);
  CHECK(load.clients.empty());
  return error;
}

}  // namespace

TEST_CASE("plan load: every open-loop client keeps its share of the offered rate", "[plan]") {
  const sim::Scenario base = two_open_one_closed();
  std::string error;
  const plan::SweptLoad load = plan::select_swept_load(base, "", std::chrono::milliseconds(200), &error);
  REQUIRE(error.empty());
  CHECK(load.names == std::vector<std::string>{"light", "heavy"});
  const sim::Scenario point = plan::scenario_for_point(base, load, 4, 2000);
  CHECK(point.clients[0].load->rate == 500);
  CHECK(point.clients[1].load->rate == 100);  // closed loop: background, untouched
  CHECK(point.clients[2].load->rate == 1500);
  REQUIRE(point.cpu.has_value());  // created with its defaults
  CHECK(point.cpu->workers == 4);
  CHECK(point.cpu->balance == sim::GatewayCpu::Balance::kKernelHash);
  CHECK(load.window_start == std::chrono::milliseconds(100));
  CHECK(load.window_end == std::chrono::milliseconds(1100));
  CHECK(load.measured_start == std::chrono::milliseconds(300));  // after the warm-up

  const plan::SweptLoad one = plan::select_swept_load(base, "heavy", std::chrono::milliseconds(0), &error);
  CHECK(one.names == std::vector<std::string>{"heavy"});
  const sim::Scenario only = plan::scenario_for_point(base, one, 2, 50);
  CHECK(only.clients[0].load->rate == 100);
  CHECK(only.clients[2].load->rate == 50);
}

TEST_CASE("plan load: clients plan cannot drive are precise errors", "[plan]") {
  sim::Scenario s = two_open_one_closed();
  CHECK(selection_error(s, "nobody") == "s.yaml: --client nobody: no such client (clients: light, closed, heavy, browser)");
  CHECK(selection_error(s, "closed") ==
        "s.yaml: --client closed is a closed-loop load client (concurrency); plan sets an open-loop rate (mode: open)");
  CHECK(selection_error(s, "browser") ==
        "s.yaml: --client browser is a scripted client, not a load generator (kind: load, mode: open)");
  s.clients.erase(s.clients.begin() + 2);
  s.clients.erase(s.clients.begin());
  CHECK(selection_error(s, "") ==
        "s.yaml: no open-loop load client (kind: load, mode: open, rate: N) whose rate plan could set");
  s = two_open_one_closed();
  s.duration = std::chrono::milliseconds(50);  // the run ends before the load starts
  CHECK(selection_error(s, "") ==
        "s.yaml: the load window of the swept client(s) ends before it starts (start at or after the scenario's "
        "duration, or a zero duration): no rate could be offered");
  s = two_open_one_closed();
  std::string error;
  CHECK(plan::select_swept_load(s, "", std::chrono::seconds(1), &error).clients.empty());
  CHECK(error == "s.yaml: --warmup 1s covers the whole load window (100ms to 1100ms): nothing would be measured");
}
