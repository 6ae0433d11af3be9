// Bundled scenarios end to end in ns-3: the behaviour users see, and byte-identical traces
// for one seed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "sim/scenario/scenario_runner.h"
#include "tests/sim/scenario_fixtures.h"

using namespace gatesim;

using testing::load;
using testing::run;
using testing::run_loaded;

TEST_CASE("scenario: one wildcard server serves both hosts over one coalesced connection", "[sim][scenario]") {
  const sim::RunResult r = run("sni-coalescing/two-hosts-one-connection", 1);
  REQUIRE(r.requests.size() == 3);
  for (const auto& o : r.requests) {
    CHECK(o.status == 200);
    CHECK(o.connection == 1);
    CHECK(o.protocol == "HTTP/2");
  }
  REQUIRE(r.tls.size() == 1);
  CHECK(r.tls[0].alpn == "h2");
  CHECK(r.tls[0].certificate_subject == "*.example.com");
  // 25 ms links: TCP handshake (1 RTT) + TLS 1.3 (1 RTT) before the first request, which then
  // takes one more round trip plus the 2 ms gateway<->backend connect and exchange.
  CHECK(r.tls[0].at >= std::chrono::milliseconds(100));
  CHECK(r.tls[0].at < std::chrono::milliseconds(102));
  CHECK(r.requests[0].end - r.requests[0].start >= std::chrono::milliseconds(54));
  CHECK(r.requests[0].end - r.requests[0].start < std::chrono::milliseconds(55));
}

TEST_CASE("scenario: two servers sharing a certificate give the coalesced host 404 NR", "[sim][scenario]") {
  const sim::RunResult r = run("sni-coalescing/coalescing-404", 1);
  REQUIRE(r.requests.size() == 3);
  int not_found = 0;
  for (const auto& o : r.requests) {
    CHECK(o.connection == 1);  // the browser reused its connection
    if (o.authority == "cart.example.com") {
      CHECK(o.status == 404);
      ++not_found;
    } else {
      CHECK(o.status == 200);
    }
  }
  CHECK(not_found == 1);
  bool logged = false;
  for (const auto& e : r.access_log) {
    if (e.authority == "cart.example.com") {
      logged = true;
      CHECK(e.response_flags == "NR");
      CHECK(e.requested_server_name == "shop.example.com");
    }
  }
  CHECK(logged);
}

TEST_CASE("scenario: in strict mode the coalesced host gets 421 and the browser retries on a new connection",
          "[sim][scenario]") {
  const sim::RunResult r = run("sni-coalescing/coalescing-421-strict", 1);
  std::vector<const sim::RequestOutcome*> cart;
  for (const auto& o : r.requests) {
    if (o.authority == "cart.example.com") cart.push_back(&o);
    else CHECK(o.status == 200);
  }
  REQUIRE(cart.size() == 2);
  CHECK(cart[0]->status == 421);
  CHECK(cart[0]->connection == 1);
  CHECK(cart[1]->status == 200);
  CHECK(cart[1]->connection == 2);
  CHECK(cart[1]->retry_after_421);
  // The retry pays a new TCP + TLS 1.3 handshake and the request: three 50 ms round trips.
  CHECK(cart[1]->end - cart[0]->end >= std::chrono::milliseconds(150));
  CHECK(cart[1]->end - cart[0]->end < std::chrono::milliseconds(155));
  std::vector<std::pair<int, std::string>> gateway_cart;
  for (const auto& e : r.access_log) {
    if (e.authority == "cart.example.com") gateway_cart.push_back({e.response_code, e.requested_server_name});
  }
  CHECK(gateway_cart == std::vector<std::pair<int, std::string>>{{421, "shop.example.com"}, {200, "cart.example.com"}});
}

TEST_CASE("scenario: chrome opens a new connection where firefox coalesces on any overlapping address",
          "[sim][scenario]") {
  const sim::RunResult r = run("sni-coalescing/coalescing-chrome-vs-firefox", 1);
  std::map<std::string, const sim::RequestOutcome*> logo;
  for (const auto& o : r.requests) {
    CHECK(o.status == 200);
    if (o.path == "/logo.png") logo[o.client] = &o;
  }
  REQUIRE(logo.size() == 2);
  CHECK(logo["chrome"]->connection == 2);   // cdn's first address is not the connection's
  CHECK(logo["firefox"]->connection == 1);  // cdn's second address is
  int logo_over_shop_sni = 0;
  for (const auto& e : r.access_log) {
    if (e.path == "/logo.png" && e.requested_server_name == "shop.example.com") ++logo_over_shop_sni;
  }
  CHECK(logo_over_shop_sni == 1);  // firefox's coalesced request rides the shop handshake
  REQUIRE(r.tls.size() == 3);      // chrome twice, firefox once
}

TEST_CASE("scenario runs are deterministic: same seed, same trace and TLS secrets", "[sim][scenario]") {
  const sim::RunResult a = run("sni-coalescing/two-hosts-one-connection", 7);
  const sim::RunResult b = run("sni-coalescing/two-hosts-one-connection", 7);
  const sim::RunResult c = run("sni-coalescing/two-hosts-one-connection", 8);
  CHECK(a.trace_sha256 == b.trace_sha256);
  CHECK(a.key_log_sha256 == b.key_log_sha256);
  CHECK(a.trace == b.trace);
  CHECK_FALSE(a.key_log.empty());
  CHECK(a.key_log_sha256 != c.key_log_sha256);  // TLS randomness follows the seed
}

TEST_CASE("scenario: 25 ms more one-way delay costs three more round trips before the first response", "[sim][scenario]") {
  sim::Scenario scenario = load("sni-coalescing/two-hosts-one-connection");
  const auto first_response = [&](io::Duration delay) {
    scenario.links[0].delay = delay;
    const sim::RunResult r = run_loaded(scenario, 1);
    return r.requests.at(0).end;
  };
  const io::Duration near = first_response(std::chrono::milliseconds(25));
  const io::Duration far = first_response(std::chrono::milliseconds(50));
  // TCP handshake, TLS 1.3 handshake, request/response: 3 round trips of 2 x 25 ms more.
  CHECK(far - near >= std::chrono::milliseconds(149));
  CHECK(far - near <= std::chrono::milliseconds(151));
}

TEST_CASE("scenario: a partition times requests out, after the heal a new connection serves", "[sim][scenario]") {
  const sim::RunResult r = run("resilience/partition-and-heal", 1);
  REQUIRE(r.requests.size() == 7);
  std::map<std::string, std::pair<int, std::string>> by_path;
  std::map<std::string, std::uint64_t> connection;
  for (const auto& o : r.requests) {
    by_path[o.path] = {o.status, o.error};
    connection[o.path] = o.connection;
  }
  for (const char* before : {"/0", "/1", "/2"}) CHECK(by_path[before] == std::pair<int, std::string>{200, ""});
  for (const char* during : {"/3", "/4"}) CHECK(by_path[during] == std::pair<int, std::string>{0, "timeout"});
  for (const char* after : {"/5", "/6"}) {
    CHECK(by_path[after] == std::pair<int, std::string>{200, ""});
    CHECK(connection[after] == 2);  // the first connection was abandoned with the timed-out request
  }
}

TEST_CASE("scenario: 1% loss slows a 2 MB download but does not fail it", "[sim][scenario]") {
  sim::Scenario scenario = load("latency-faults/lossy-download");
  const sim::RunResult lossy = run_loaded(scenario, 1);
  scenario.links[0].loss = 0;
  const sim::RunResult clean = run_loaded(scenario, 1);
  REQUIRE(lossy.requests.size() == 1);
  REQUIRE(clean.requests.size() == 1);
  CHECK(lossy.requests[0].status == 200);
  CHECK(lossy.requests[0].body_bytes == clean.requests[0].body_bytes);
  CHECK(lossy.requests[0].body_bytes > 2000000);
  const auto took = [](const sim::RunResult& r) { return r.requests[0].end - r.requests[0].start; };
  CHECK(took(lossy) > took(clean) + std::chrono::milliseconds(200));
}

TEST_CASE("scenario: captures are byte-identical for one seed and differ for another", "[sim][scenario]") {
  const sim::Scenario scenario = load("resilience/partition-and-heal");
  const std::string base = std::filesystem::temp_directory_path() / "gatesim-pcap-test";
  std::filesystem::remove_all(base);
  const sim::RunResult a = run_loaded(scenario, 3, base + "/a", true);
  const sim::RunResult b = run_loaded(scenario, 3, base + "/b", true);
  const sim::RunResult c = run_loaded(scenario, 4, base + "/c", true);
  REQUIRE(a.pcap_sha256.size() == 4);  // two links, two ends each
  CHECK(a.pcap_sha256 == b.pcap_sha256);
  CHECK(a.trace_sha256 == b.trace_sha256);
  CHECK(a.pcap_sha256 != c.pcap_sha256);  // x-request-id comes from the seeded RNG
  std::filesystem::remove_all(base);
}

TEST_CASE("scenario: a server-first client hangs behind a sniffing listener until the detection timeout",
          "[sim][scenario]") {
  const sim::Scenario scenario = load("protocol-sniffing/server-first-behind-sniffing");
  const sim::RunResult r = run_loaded(scenario, 1);
  REQUIRE(r.tcp.size() == 2);
  for (const auto& t : r.tcp) {
    if (t.client == "mysql-no-timeout") {
      CHECK(t.error == "timeout");  // Istio's default: no detection timeout, the client waits forever
      CHECK(t.received.empty());
    } else {
      CHECK(t.error.empty());
      CHECK(t.received.rfind("220 ", 0) == 0);
      // connected at ~10 ms; detection gives up 200 ms later; then upstream connect and greeting.
      CHECK(t.first_byte - t.connected >= std::chrono::milliseconds(200));
      CHECK(t.first_byte - t.connected < std::chrono::milliseconds(220));
    }
  }
}

TEST_CASE("scenario: backend faults and a slowed link on a timeline", "[sim][scenario]") {
  const sim::Scenario scenario = load("resilience/backend-faults-and-slow-link");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, const sim::RequestOutcome*> client;
  for (const auto& o : r.requests) client[o.path] = &o;
  std::map<std::string, const engine::AccessLogEntry*> gateway;
  for (const auto& e : r.access_log) gateway[e.path] = &e;
  REQUIRE(client.size() == 6);
  CHECK(client["/healthy"]->status == 200);
  CHECK(client["/reset"]->status == 503);  // the backend reset: the gateway's own 503
  CHECK(gateway["/reset"]->response_flags == "UC");
  CHECK(client["/recovered"]->status == 200);
  CHECK(client["/error"]->status == 503);  // the backend's 503, passed through
  CHECK(gateway["/error"]->response_flags == "-");
  CHECK(gateway["/error"]->details == "via_upstream");
  const auto took = [&](const char* path) { return client[path]->end - client[path]->start; };
  CHECK(took("/fast") < std::chrono::milliseconds(30));
  // One request/response round trip on the slowed link: 2 x 100 ms.
  CHECK(took("/slow") >= std::chrono::milliseconds(200));
  CHECK(took("/slow") < std::chrono::milliseconds(210));
}

TEST_CASE("scenario: curl -L follows the gateway's httpsRedirect to TLS + h2", "[sim][scenario]") {
  const sim::Scenario scenario = load("redirects/https-redirect-followed");
  const sim::RunResult r = run_loaded(scenario, 1);
  REQUIRE(r.requests.size() == 2);
  CHECK(r.requests[0].status == 301);
  CHECK(r.requests[0].location == "https://shop.example.com/cart");
  CHECK(r.requests[0].protocol == "HTTP/1.1");
  CHECK(r.requests[1].status == 200);
  CHECK(r.requests[1].redirect_hop == 1);
  CHECK(r.requests[1].protocol == "HTTP/2");
  CHECK(r.requests[1].connection == 2);
}

TEST_CASE("scenario: open-loop and closed-loop load generators", "[sim][scenario]") {
  const sim::Scenario scenario = load("many-core-load/open-and-closed-loop");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, const sim::ClientSummary*> by_name;
  for (const auto& c : r.clients) by_name[c.name] = &c;
  // Open loop: ~200/s Poisson arrivals for 5 s.
  const auto& open = *by_name.at("open-200rps");
  CHECK(open.requests > 900);
  CHECK(open.requests < 1100);
  CHECK(open.statuses.at(200) == open.requests);
  // Closed loop: 20 in flight, each taking one 10 ms round trip + 20 ms at the backend + 1 ms
  // upstream: about 20 / 31 ms = 645 per second, 3,225 in 5 s.
  const auto& closed = *by_name.at("closed-20");
  CHECK(closed.requests > 3100);
  CHECK(closed.requests < 3300);
  CHECK(closed.p50_ms > 30.9);
  CHECK(closed.p50_ms < 31.5);
  CHECK(closed.connections == 1);  // h2 multiplexes them all
  const sim::RunResult again = run_loaded(scenario, 1);
  CHECK(again.trace_sha256 == r.trace_sha256);
}

TEST_CASE("scenario: a slow backend turns gRPC calls into client-side DEADLINE_EXCEEDED", "[sim][scenario]") {
  const sim::Scenario scenario = load("latency-faults/grpc-deadline-storm");
  const sim::RunResult r = run_loaded(scenario, 1);
  REQUIRE(r.requests.size() == 10);
  int ok = 0, exceeded = 0;
  for (const auto& o : r.requests) {
    if (o.grpc_status == 0) {
      ++ok;
      CHECK(o.status == 200);
      CHECK(o.end - o.start < std::chrono::milliseconds(30));
    } else {
      ++exceeded;
      CHECK(o.grpc_status == 4);
      CHECK(o.end - o.start == std::chrono::milliseconds(300));  // the client's own deadline
      CHECK(o.start >= std::chrono::milliseconds(1000));
      CHECK(o.start < std::chrono::milliseconds(2500));
    }
  }
  CHECK(ok == 6);
  CHECK(exceeded == 4);
  // The gateway honours grpc-timeout (Istio's max_grpc_timeout 0 = no cap) from when it got the
  // request, 10 ms after the client's clock started: its own 300 ms expire just as the client's
  // cancel arrives. Whichever comes first, the stream ended after 300 ms at the gateway too.
  int cancelled = 0, timed_out = 0;
  for (const auto& e : r.access_log) {
    if (e.response_flags == "-") continue;
    cancelled += e.response_flags == "DC" ? 1 : 0;
    timed_out += e.response_flags == "UT" ? 1 : 0;
    CHECK(e.duration >= std::chrono::microseconds(299990));
    CHECK(e.duration <= std::chrono::milliseconds(300));
  }
  CHECK(cancelled + timed_out == 4);
  CHECK(r.tls.size() == 1);  // one h2 connection throughout: cancelling a stream keeps the channel
}

TEST_CASE("scenario: Istio fault injection on gRPC: delays become client deadlines, aborts grpc-status 14",
          "[sim][scenario]") {
  const sim::Scenario scenario = load("latency-faults/grpc-fault-injection");
  const sim::RunResult r = run_loaded(scenario, 1);
  REQUIRE(r.requests.size() == 20);
  int ok = 0, exceeded = 0, unavailable = 0;
  for (const auto& o : r.requests) {
    if (o.grpc_status == 4) {
      ++exceeded;
      // The client's 300 ms deadline, not the 400 ms delay; it runs from the scripted time, so
      // the first call (sent after the TCP and TLS handshakes, 40 ms in) ends sooner after `start`.
      CHECK(o.end - o.start <= std::chrono::milliseconds(300));
      CHECK(o.end - o.start >= std::chrono::milliseconds(255));
    } else if (o.grpc_status == 14) {
      ++unavailable;
      CHECK(o.status == 200);  // gRPC-shaped local reply
      CHECK(o.end - o.start < std::chrono::milliseconds(25));  // answered by the gateway: one round trip
    } else {
      CHECK(o.grpc_status == 0);
      ++ok;
    }
  }
  std::map<std::string, int> flags;
  for (const auto& e : r.access_log) ++flags[e.response_flags];
  CHECK(flags["DI,DC"] == exceeded);  // delayed, then cancelled by the client
  CHECK(flags["FI"] == unavailable);
  CHECK(flags["-"] == ok);
  // Seed 1 draws 10 delays and 3 aborts (of undelayed calls) among 20 calls (40% and 20%
  // configured); the counts move whenever the engine draws its random numbers differently.
  CHECK(exceeded == 10);
  CHECK(unavailable == 3);
  const sim::RunResult other = run_loaded(scenario, 2);
  std::vector<int> a, b;
  for (const auto& o : r.requests) a.push_back(o.grpc_status);
  for (const auto& o : other.requests) b.push_back(o.grpc_status);
  CHECK(a != b);  // which calls are hit follows the seed
}

TEST_CASE("scenario: a route timeout answers 504 UT 200 ms after forwarding", "[sim][scenario]") {
  const sim::Scenario scenario = load("latency-faults/route-timeout");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, const sim::RequestOutcome*> client;
  for (const auto& o : r.requests) client[o.path] = &o;
  REQUIRE(client.size() == 3);
  CHECK(client["/a"]->status == 200);  // 50 ms backend, inside the timeout
  for (const char* path : {"/b", "/c"}) {
    INFO(path);
    CHECK(client[path]->status == 504);
    CHECK(client[path]->connection == 1);  // the downstream connection stays up
    // 200 ms at the gateway plus one 10 ms round trip to the client.
    CHECK(client[path]->end - client[path]->start >= std::chrono::milliseconds(210));
    CHECK(client[path]->end - client[path]->start < std::chrono::milliseconds(211));
  }
  int timed_out = 0;
  for (const auto& e : r.access_log) {
    if (e.response_flags != "UT") continue;
    ++timed_out;
    CHECK(e.response_code == 504);
    CHECK(e.details == "upstream_response_timeout");
    CHECK(e.duration == std::chrono::milliseconds(200));
  }
  CHECK(timed_out == 2);
}

TEST_CASE("scenario: retryOn 5xx replays a 503 on another host, the default policy does not", "[sim][scenario]") {
  const sim::Scenario scenario = load("resilience/retries");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, std::map<int, int>> statuses;
  for (const auto& o : r.requests) ++statuses[o.client][o.status];
  CHECK(statuses["retried"] == std::map<int, int>{{200, 8}});
  CHECK(statuses["plain"][503] > 0);  // b1's answers pass through
  CHECK(statuses["plain"][503] + statuses["plain"][200] == 8);
  std::set<std::string> retried_upstreams;
  int replayed = 0;
  for (const auto& e : r.access_log) {
    if (e.authority != "api.example.com") continue;
    retried_upstreams.insert(e.upstream_host);
    // A first attempt on b2 takes 2-4 ms; a replay adds b1's round trip and a 0-25 ms back-off.
    if (e.duration > std::chrono::milliseconds(5)) ++replayed;
    CHECK(e.duration < std::chrono::milliseconds(35));
  }
  CHECK(retried_upstreams.size() == 1);  // every final answer came from b2
  CHECK(replayed > 0);
}

TEST_CASE("scenario: live reconfiguration reroutes an open connection, drain refuses new ones", "[sim][scenario]") {
  const sim::Scenario scenario = load("resilience/live-reconfiguration-and-drain");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, std::string> upstream;
  for (const auto& e : r.access_log) upstream[e.path] = e.upstream_host;
  REQUIRE(upstream.count("/a") == 1);
  REQUIRE(upstream.count("/c") == 1);
  CHECK(upstream["/a"] == upstream["/b"]);
  CHECK(upstream["/c"] == upstream["/d"]);
  CHECK(upstream["/a"] != upstream["/c"]);  // v1 before the new configuration, v2 after
  std::map<std::string, const sim::RequestOutcome*> client;
  for (const auto& o : r.requests) client[o.path] = &o;
  CHECK(client["/c"]->connection == 1);  // same downstream connection, new route table
  CHECK(client["/e"]->status == 0);
  CHECK(client["/e"]->error == "connect: Connection refused");  // drained: no listener
}

TEST_CASE("scenario: a gateway restart cuts the request in flight, refuses while down, then serves again",
          "[sim][scenario]") {
  const sim::Scenario scenario = load("resilience/gateway-restart");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, const sim::RequestOutcome*> client;
  for (const auto& o : r.requests) client[o.path] = &o;
  REQUIRE(client.size() == 6);
  CHECK(client["/b"]->status == 200);
  CHECK(client["/report"]->status == 0);  // in flight on the slow backend at 2 s
  // Cut when the gateway's FIN arrives: the restart time plus one 5 ms link.
  const auto cut = client["/report"]->end;
  CHECK(cut >= std::chrono::milliseconds(2005));
  CHECK(cut < std::chrono::milliseconds(2006));
  CHECK(client["/c"]->error == "connect: Connection refused");
  CHECK(client["/d"]->status == 200);
  CHECK(client["/d"]->connection == 3);  // a new connection to the new process
  CHECK(client["/e"]->connection == 3);
  // The trace shows every connection: the gateway's two client connections die with the
  // process at 2 s, the refused connect, and the accepts after the restart.
  const auto count = [&r](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = r.trace.find(needle); at != std::string::npos; at = r.trace.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count(R"("detail":"destroyed","event":"closed")") == 2);
  CHECK(count(R"("detail":"Connection refused","event":"connect_failed")") == 1);
  CHECK(count(R"("event":"accepted","id":5,"local":"10.0.1.2:80","node":"gateway")") == 1);
  CHECK(r.trace.find(R"("action":"restart")") < r.trace.find(R"("detail":"destroyed")"));
}

TEST_CASE("scenario: TLS probes see the certificate each SNI selects, or a closed connection", "[sim][scenario]") {
  const sim::Scenario scenario = load("tls/sni-selection");
  const sim::RunResult r = run_loaded(scenario, 1);
  std::map<std::string, const sim::TlsOutcome*> probe;
  for (const auto& t : r.tls) probe[t.client] = &t;
  REQUIRE(probe.size() == 5);  // four probes and the `lost` browser's last handshake
  CHECK(probe["shop"]->certificate_subject == "*.example.com");
  CHECK(probe["shop"]->alpn == "h2");
  CHECK(probe["partners"]->certificate_subject == "partners.example.com");  // exact beats wildcard
  CHECK(probe["unknown"]->certificate_subject.empty());
  CHECK_FALSE(probe["unknown"]->error.empty());
  CHECK_FALSE(probe["no-sni"]->error.empty());
  int not_found = 0;
  for (const auto& e : r.access_log) not_found += e.details == "filter_chain_not_found" ? 1 : 0;
  CHECK(not_found == 4);
  // The browser for the unknown name: one error outcome per request, no reconnect storm.
  int lost = 0;
  for (const auto& o : r.requests) {
    if (o.client != "lost") continue;
    ++lost;
    CHECK(o.status == 0);
    CHECK(o.error == "tls: closed by the server before the handshake completed");
  }
  CHECK(lost == 2);
}

TEST_CASE("scenario: jitter spreads latencies, reproducibly from the seed", "[sim][scenario]") {
  sim::Scenario scenario = load("resilience/partition-and-heal");
  scenario.faults.clear();
  scenario.links[0].jitter = std::chrono::milliseconds(4);
  scenario.links[0].jitter_correlation = 0.3;
  const auto latencies = [&](std::uint64_t seed) {
    std::vector<std::int64_t> out;
    for (const auto& o : run_loaded(scenario, seed).requests) {
      CHECK(o.status == 200);
      out.push_back((o.end - o.start).count());
    }
    return out;
  };
  const auto a = latencies(1), b = latencies(1), c = latencies(2);
  CHECK(a == b);
  CHECK(a != c);
  const auto [lo, hi] = std::minmax_element(a.begin(), a.end());
  CHECK(*hi - *lo > 2000000);  // more than 2 ms apart: without jitter they differ by < 3 us
}
