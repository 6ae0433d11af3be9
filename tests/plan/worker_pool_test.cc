// Forked point workers: every item comes back to the parent whatever the order they finish
// in, outputs larger than a pipe's buffer arrive whole, and a worker that dies is reported as
// an error for its item rather than bringing the sweep down.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <map>

#include "sim/plan/worker_pool.h"

using namespace gatesim::plan;

TEST_CASE("plan workers: outputs come back whole, and a dead worker is an error for its item", "[plan]") {
  for (int jobs : {1, 3}) {
    std::map<std::size_t, std::pair<std::string, std::string>> got;
    run_in_children(
        5, jobs,
        [](std::size_t i) -> std::string {
          if (i == 2) std::_Exit(7);
          if (i == 3) std::raise(SIGKILL);
          return i == 1 ? std::string(300000, 'x') : "item " + std::to_string(i);  // 300 KB: several pipe buffers
        },
        [&](std::size_t i, const std::string& output, const std::string& error) { got[i] = {output, error}; });
    REQUIRE(got.size() == 5);
    CHECK(got[0] == std::make_pair(std::string("item 0"), std::string()));
    CHECK(got[1].first == std::string(300000, 'x'));
    CHECK(got[2] == std::make_pair(std::string(), std::string("the worker process exited with status 7")));
    CHECK(got[3] == std::make_pair(std::string(), std::string("the worker process died (Killed)")));
    CHECK(got[4].first == "item 4");
  }
}
