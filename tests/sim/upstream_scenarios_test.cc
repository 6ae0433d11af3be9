// Upstream behaviour from DestinationRule trafficPolicy and VirtualService mirror/retries, end
// to end in ns-3: what the backends received, when, and over how many connections.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/sim/scenario_fixtures.h"

using namespace gatesim;
using testing::run;

namespace {

double seconds(io::TimePoint t) { return std::chrono::duration<double>(t).count(); }

// TCP connections each node accepted, from the trace's connection records.
std::map<std::string, int> accepted_by_node(const sim::RunResult& r) {
  std::map<std::string, int> out;
  std::istringstream lines(r.trace);
  for (std::string line; std::getline(lines, line);) {
    const auto e = nlohmann::json::parse(line);
    if (e["type"] == "connection" && e["event"] == "accepted") ++out[e["node"].get<std::string>()];
  }
  return out;
}

}  // namespace

TEST_CASE("scenario: outlier detection ejects a failing host after 3 consecutive 500s and returns it on the interval grid",
          "[sim][scenario][upstream]") {
  const sim::RunResult r = run("resilience/outlier-ejection", 1);
  std::vector<double> bad;
  int good = 0;
  for (const auto& b : r.backend_requests) {
    if (b.backend == "bad") bad.push_back(seconds(b.at));
    else ++good;
  }
  // Round robin alternates: bad gets requests 2, 4, 6 (0.2 s, 0.4 s, 0.6 s), is ejected at the
  // third for 2 s, comes back at the 3 s tick, fails three more times by 3.4 s and is ejected
  // for 4 s, past the run's end.
  REQUIRE(bad.size() == 6);
  for (int i = 0; i < 3; ++i) CHECK(bad[i] < 0.7);
  for (int i = 3; i < 6; ++i) {
    CHECK(bad[i] >= 3.0);
    CHECK(bad[i] < 3.5);
  }
  CHECK(good == 52);
  int errors = 0;
  for (const auto& o : r.requests) errors += o.status == 500 ? 1 : 0;
  CHECK(errors == 6);
}

TEST_CASE("scenario: circuit breakers answer 503 UO beyond one connection and one pending request",
          "[sim][scenario][upstream]") {
  const sim::RunResult r = run("resilience/circuit-breaker", 1);
  std::map<std::string, std::pair<int, std::string>> by_path;
  std::map<std::string, io::Duration> duration;
  for (const auto& e : r.access_log) {
    by_path[e.path] = {e.response_code, e.response_flags};
    duration[e.path] = e.duration;
  }
  CHECK(by_path["/1"] == std::make_pair(200, std::string("-")));
  CHECK(by_path["/2"] == std::make_pair(200, std::string("-")));  // waited in the pending queue
  for (const char* p : {"/3", "/4", "/5"}) CHECK(by_path[p] == std::make_pair(503, std::string("UO")));
  // /2 waits for /1's 200 ms, then a new connection (maxRequestsPerConnection 1) and its own 200 ms.
  CHECK(duration["/2"] >= std::chrono::milliseconds(390));
  CHECK(duration["/3"] < std::chrono::milliseconds(1));  // refused without touching the backend
  CHECK(r.backend_requests.size() == 2);
  CHECK(accepted_by_node(r)["backend"] == 2);  // never more than one connection at a time
}

TEST_CASE("scenario: GRPC ports and h2UpgradePolicy get multiplexed HTTP/2 upstreams, HTTP ports HTTP/1.1",
          "[sim][scenario][upstream]") {
  const sim::RunResult r = run("grpc/upstream-protocols", 1);
  std::map<std::string, std::map<std::string, int>> protocol;
  for (const auto& b : r.backend_requests) ++protocol[b.backend][b.protocol];
  CHECK(protocol["rpc"] == std::map<std::string, int>{{"HTTP/2", 10}});
  CHECK(protocol["web"] == std::map<std::string, int>{{"HTTP/1.1", 10}});
  CHECK(protocol["upgraded"] == std::map<std::string, int>{{"HTTP/2", 10}});
  const auto accepted = accepted_by_node(r);
  CHECK(accepted.at("rpc") == 1);       // ten concurrent calls, one connection
  CHECK(accepted.at("web") == 10);      // one request per connection at a time
  CHECK(accepted.at("upgraded") == 1);
  for (const auto& o : r.requests) {
    CHECK(o.status == 200);
    if (o.client == "rpc") CHECK(o.grpc_status == 0);  // trailers came through
  }
}

TEST_CASE("scenario: ROUND_ROBIN rotates, consistentHash pins each user to one backend",
          "[sim][scenario][upstream]") {
  const sim::RunResult r = run("routing/load-balancing", 1);
  std::vector<std::string> rotation;
  std::map<std::string, std::set<std::string>> user_backends;
  for (const auto& b : r.backend_requests) {
    if (b.authority == "rr.example.com") rotation.push_back(b.backend);
    else user_backends[b.path].insert(b.backend);
  }
  REQUIRE(rotation.size() == 9);
  for (std::size_t i = 3; i < 9; ++i) CHECK(rotation[i] == rotation[i - 3]);
  CHECK(std::set<std::string>(rotation.begin(), rotation.begin() + 3).size() == 3);
  REQUIRE(user_backends.size() == 4);
  for (const auto& [user, backends] : user_backends) CHECK(backends.size() == 1);
}

TEST_CASE("scenario: perTryTimeout cuts each try, retries, then answers 504 UT,URX", "[sim][scenario][upstream]") {
  const sim::RunResult r = run("resilience/per-try-timeout", 1);
  std::map<std::string, const engine::AccessLogEntry*> log;
  for (const auto& e : r.access_log) log[e.path] = &e;
  REQUIRE(log.count("/retried"));
  CHECK(log["/retried"]->response_code == 504);
  CHECK(log["/retried"]->response_flags == "UT,URX");
  // Three 100 ms tries and two back-offs of at most 25 ms and 50 ms.
  CHECK(log["/retried"]->duration >= std::chrono::milliseconds(300));
  CHECK(log["/retried"]->duration < std::chrono::milliseconds(380));
  REQUIRE(log.count("/plain"));
  CHECK(log["/plain"]->response_code == 504);
  CHECK(log["/plain"]->response_flags == "UT");
  std::map<std::string, int> tries;
  for (const auto& b : r.backend_requests) ++tries[b.path];
  CHECK(tries["/retried"] == 3);
  CHECK(tries["/plain"] == 1);
}

TEST_CASE("scenario: mirrors get a -shadow copy of each sampled request without slowing the client",
          "[sim][scenario][upstream]") {
  const sim::RunResult r = run("routing/mirror", 1);
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const auto& b : r.backend_requests) ++seen[{b.backend, b.authority}];
  CHECK(seen[{"primary", "api.example.com"}] == 4);
  CHECK(seen[{"shadow", "api.example.com-shadow"}] == 4);
  CHECK(seen[{"primary", "half.example.com"}] == 100);
  // mirrorPercentage 50 over 100 requests: exact binomial P(|X-50| > 15) < 0.003.
  const int half = seen[{"shadow", "half.example.com-shadow"}];
  CHECK(half >= 35);
  CHECK(half <= 65);
  for (const auto& o : r.requests) {
    CHECK(o.status == 200);
    CHECK(o.end - o.start < std::chrono::milliseconds(20));  // the 500 ms shadow is not waited for
  }
}
