// Broken scenarios: every mistake is reported at its exact position with a precise message,
// and nothing is silently defaulted.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

using namespace gatesim;

namespace {

const char* kHeader =
    "name: broken\n"
    "nodes: [client, gateway, backend]\n"
    "links:\n"
    "- {between: [client, gateway], rate: 100Mbps, delay: 5ms}\n"
    "- {between: [gateway, backend], rate: 1Gbps, delay: 1ms}\n"
    "gateway: {node: gateway, config: \"\"}\n";

// The formatted error lines of loading kHeader + `tail`.
std::vector<std::string> errors_of(const std::string& tail) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "gatesim-broken-scenario.yaml";
  std::ofstream(path) << kHeader << tail;
  config::Diagnostics diagnostics;
  sim::load_scenario(path.string(), diagnostics);
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    if (d.severity == config::Severity::kError) {
      std::string line = d.format();
      out.push_back(line.substr(line.find(".yaml:") + 6));  // drop the temporary directory
    }
  }
  return out;
}

}  // namespace

TEST_CASE("scenario load: DNS answers name known nodes, or NODE/PEER over an existing link", "[sim][scenario]") {
  CHECK(errors_of("dns: {a.example.com: gateway/client, b.example.com: [gateway, gateway/backend]}\n").empty());
  CHECK(errors_of("dns: {a.example.com: gateway/nowhere}\n") ==
        std::vector<std::string>{"7:22: error[GS013]: Scenario: dns.a.example.com: \"nowhere\" is not one of `nodes`"});
  CHECK(errors_of("dns: {a.example.com: client/backend}\n") ==
        std::vector<std::string>{"7:22: error[GS013]: Scenario: dns.a.example.com: no link between client and backend"});
  CHECK(errors_of("dns: [gateway]\n") ==
        std::vector<std::string>{"7:6: error[GS010]: Scenario: dns: dns maps host names to a node or a list of nodes"});
}

TEST_CASE("scenario load: gateway faults name a known action and real durations", "[sim][scenario]") {
  CHECK(errors_of("faults: [{at: 1s, gateway: restart, down_for: 500ms}, {at: 2s, gateway: drain}]\n").empty());
  CHECK(errors_of("faults: [{at: 1s, gateway: reboot}]\n") ==
        std::vector<std::string>{
            "7:28: error[GS013]: Scenario: faults[0].gateway: gateway faults are `apply`, `drain` or `restart`"});
  CHECK(errors_of("faults: [{at: 1s, gateway: restart, down_for: soon}]\n") ==
        std::vector<std::string>{"7:47: error[GS211]: Scenario: faults[0].down_for: \"soon\" is not a duration "
                                 "(examples: 500ms, 1.5s, 2m)"});
}

TEST_CASE("scenario load: clients need a resolvable host and a known node", "[sim][scenario]") {
  const std::string requests = ", requests: [{at: 0s, path: /}]";
  CHECK(errors_of("clients: [{name: c, node: client, url: 'http://x.example.com/'" + requests + "}]\n") ==
        std::vector<std::string>{
            "7:40: error[GS013]: Scenario: clients[0].url: host x.example.com has no `dns` entry"});
  CHECK(errors_of("dns: {x.example.com: gateway}\nclients: [{name: c, node: laptop, url: 'http://x.example.com/'" +
                  requests + "}]\n") ==
        std::vector<std::string>{"8:27: error[GS013]: Scenario: clients[0].node: \"laptop\" is not one of `nodes`"});
}
