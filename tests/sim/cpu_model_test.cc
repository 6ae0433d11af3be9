// The simulator's CPU model (sim/cpu/): queueing on a hand-computed case, balancing, the cost
// profile format, and the worker's rules (held output, cancelled timers) on a manual clock.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "scenario_fixtures.h"
#include "sim/cpu/cost_profile.h"
#include "sim/cpu/worker_connection.h"
#include "sim/cpu/worker_cpu.h"
#include "sim/cpu/worker_runtime.h"

namespace gatesim {
namespace {

std::vector<double> latencies_ms(const sim::RunResult& result) {
  std::vector<double> out;
  for (const auto& r : result.requests) out.push_back(static_cast<double>((r.end - r.start).count()) / 1e6);
  std::sort(out.begin(), out.end());
  return out;
}

void require_near(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("request " << i << ": " << got[i] << " ms, hand-computed " << want[i] << " ms");
    CHECK(std::abs(got[i] - want[i]) < 0.010);
  }
}

TEST_CASE("cpu model: five 10 ms requests on one core leave 10 ms apart", "[sim][cpu]") {
  const sim::RunResult result = testing::run("many-core-load/cpu-queueing", 1);
  require_near(latencies_ms(result), {12, 22, 32, 42, 52});
  REQUIRE(result.cpu.size() == 1);
  CHECK(result.cpu[0].busy_ns == 50'000'000);
  CHECK(result.cpu[0].connections == 5);
  CHECK(result.cpu[0].max_queue >= 4);
}

TEST_CASE("cpu model: two cores with exact balancing serve two at a time", "[sim][cpu]") {
  sim::Scenario scenario = testing::load("many-core-load/cpu-queueing");
  scenario.cpu->workers = 2;
  scenario.cpu->balance = sim::GatewayCpu::Balance::kExact;
  const sim::RunResult result = testing::run_loaded(scenario, 1);
  require_near(latencies_ms(result), {12, 12, 22, 22, 32});
  REQUIRE(result.cpu.size() == 2);
  CHECK(result.cpu[0].connections == 3);
  CHECK(result.cpu[1].connections == 2);
  CHECK(result.cpu[0].busy_ns == 30'000'000);
  CHECK(result.cpu[1].busy_ns == 20'000'000);
}

TEST_CASE("cpu model: with the kernel's hash the busiest core sets the last latency", "[sim][cpu]") {
  sim::Scenario scenario = testing::load("many-core-load/cpu-queueing");
  scenario.cpu->workers = 4;
  const sim::RunResult result = testing::run_loaded(scenario, 1);
  std::uint64_t most = 0, total = 0;
  for (const auto& w : result.cpu) {
    most = std::max(most, w.connections);
    total += w.connections;
    CHECK(w.busy_ns == w.connections * 10'000'000);
  }
  CHECK(total == 5);
  const auto latencies = latencies_ms(result);
  CHECK(std::abs(latencies.back() - (12 + 10 * static_cast<double>(most - 1))) < 0.010);
}

TEST_CASE("cpu model: without gateway.cpu the CPU is free", "[sim][cpu]") {
  sim::Scenario scenario = testing::load("many-core-load/cpu-queueing");
  scenario.cpu.reset();
  const sim::RunResult result = testing::run_loaded(scenario, 1);
  for (double l : latencies_ms(result)) CHECK(l < 2.1);
  CHECK(result.cpu.empty());
}

TEST_CASE("cost profile: the shipped default prices every unit", "[sim][cpu]") {
  std::string error;
  const auto profile = sim::load_cost_profile("default", &error);
  INFO(error);
  REQUIRE(profile);
  for (int w = 0; w < io::kWorkKinds; ++w) CHECK(profile->picoseconds[static_cast<std::size_t>(w)] > 0);
  // What the writer writes, the reader reads back to the picosecond.
  const auto again = sim::parse_cost_profile(sim::format_cost_profile(*profile, "round trip"), "again", &error);
  REQUIRE(again);
  CHECK(again->picoseconds == profile->picoseconds);
  CHECK(again->machine == profile->machine);
}

TEST_CASE("cost profile: bad profiles are precise errors", "[sim][cpu]") {
  const std::string units =
      "  tls_handshake_ecdsa: 1\n  tls_handshake_rsa: 1\n  tls_handshake_ed25519: 1\n  tls_byte: 1\n"
      "  http1_request: 1\n  http2_frame: 1\n  http2_stream: 1\n  upstream_connect: 1\n";
  std::string error;
  CHECK_FALSE(sim::parse_cost_profile("kind: gatesim-cost-profile\ncosts_ns:\n" + units, "p.yaml", &error));
  CHECK(error == "p.yaml:3:3: costs_ns has no price for tcp_byte");
  CHECK_FALSE(sim::parse_cost_profile("kind: gatesim-cost-profile\ncosts_ns:\n" + units + "  tcp_byte: -2\n", "p.yaml", &error));
  CHECK(error == "p.yaml:11:13: costs_ns.tcp_byte must be a number of nanoseconds >= 0");
  CHECK_FALSE(sim::parse_cost_profile("kind: gatesim-cost-profile\ncosts_ns:\n" + units + "  tcp_byte: 1\n  tls_bytes: 3\n",
                                      "p.yaml", &error));
  CHECK(error.rfind("p.yaml:12:3: unknown unit of work \"tls_bytes\"", 0) == 0);
  CHECK_FALSE(sim::parse_cost_profile("kind: other\n", "p.yaml", &error));
  CHECK(error == "p.yaml:1:7: kind must be gatesim-cost-profile");
  CHECK_FALSE(sim::parse_cost_profile("costs_ns: [1, 2\n", "p.yaml", &error));
  CHECK(error.rfind("p.yaml:", 0) == 0);
  CHECK_FALSE(sim::load_cost_profile("/nonexistent/profile.yaml", &error));
  CHECK(error == "/nonexistent/profile.yaml: cannot read the cost profile");
}

// A manual clock: timers run when the test advances time, in time then scheduling order.
class ManualRuntime : public io::Runtime {
 public:
  io::TimePoint now() const override { return now_; }
  io::TimerId schedule(io::Duration delay, std::function<void()> fn) override {
    timers_.emplace(std::make_pair(now_ + delay, ++next_), std::move(fn));
    return next_;
  }
  void cancel(io::TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) return void(timers_.erase(it));
    }
  }
  void defer(std::function<void()> fn) override { schedule(io::Duration(0), std::move(fn)); }
  std::unique_ptr<io::Listener> listen(const io::Address&, io::AcceptHandler, std::string*) override { return nullptr; }
  void connect(const io::Address&, io::Duration, io::ConnectHandler) override {}
  io::Rng& rng() override { return rng_; }
  void charge(io::Work, std::uint64_t) override {}
  void advance_to(io::TimePoint until) {
    while (!timers_.empty() && timers_.begin()->first.first <= until) {
      auto it = timers_.begin();
      now_ = it->first.first;
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
    }
    now_ = until;
  }

 private:
  io::TimePoint now_{0};
  io::TimerId next_ = 0;
  std::map<std::pair<io::TimePoint, io::TimerId>, std::function<void()>> timers_;
  io::Rng rng_{1};
};

// Records what reaches the wire, with the time it got there.
class WireConnection : public io::Connection {
 public:
  explicit WireConnection(ManualRuntime& rt) : rt_(rt) {}
  std::uint64_t id() const override { return 1; }
  void set_callbacks(io::ConnectionCallbacks* callbacks) override { callbacks_ = callbacks; }
  void write(std::string_view bytes) override { wire.emplace_back(rt_.now().count(), std::string(bytes)); }
  std::size_t pending_bytes() const override { return 0; }
  void set_reading(bool) override {}
  void shutdown_write() override {}
  void close() override { wire.emplace_back(rt_.now().count(), "<close>"); }
  void reset() override {}
  const io::Address& peer() const override { return address_; }
  const io::Address& local() const override { return address_; }
  io::ConnectionCallbacks* callbacks_ = nullptr;
  std::vector<std::pair<std::int64_t, std::string>> wire;

 private:
  ManualRuntime& rt_;
  io::Address address_{"10.0.0.1", 1};
};

// Answers each input with one write charged one HTTP/1.1 request (1 ms in this profile).
class Echo : public io::ConnectionCallbacks {
 public:
  Echo(sim::WorkerCpu& cpu) : cpu_(cpu) {}
  void on_data(io::Connection& c, std::string_view bytes) override {
    cpu_.charge(io::Work::kHttp1Request, 1);
    c.write(std::string("re:") + std::string(bytes));
  }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {}

 private:
  sim::WorkerCpu& cpu_;
};

sim::CostProfile one_ms_requests() {
  sim::CostProfile profile;
  profile.picoseconds[static_cast<std::size_t>(io::Work::kHttp1Request)] = 1'000'000'000;
  return profile;
}

TEST_CASE("worker cpu: input waits for a busy core and output leaves when its CPU time is over", "[sim][cpu]") {
  ManualRuntime rt;
  const sim::CostProfile profile = one_ms_requests();
  sim::WorkerCpu cpu(rt, profile, 0);
  auto inner = std::make_unique<WireConnection>(rt);
  WireConnection* wire = inner.get();
  sim::WorkerConnection connection(std::move(inner), cpu, rt);
  Echo echo(cpu);
  connection.set_callbacks(&echo);
  // Three inputs at t=0 (busy 0-1, 1-2, 2-3 ms), then the peer's FIN.
  wire->callbacks_->on_data(*wire, "a");
  wire->callbacks_->on_data(*wire, "b");
  wire->callbacks_->on_data(*wire, "c");
  wire->callbacks_->on_end_of_input(*wire);
  CHECK(wire->wire.empty());
  CHECK(cpu.queued() == 3);
  rt.advance_to(io::Duration(10'000'000));
  const std::vector<std::pair<std::int64_t, std::string>> want = {
      {1'000'000, "re:a"}, {2'000'000, "re:b"}, {3'000'000, "re:c"}, {3'000'000, "<close>"}};
  CHECK(wire->wire == want);
  CHECK(cpu.usage().busy_ns == 3'000'000);
  CHECK(cpu.usage().queue_wait_ns == 1'000'000 + 2'000'000 + 3'000'000);
}

TEST_CASE("worker cpu: a timer cancelled while it waits for the core never runs", "[sim][cpu]") {
  ManualRuntime rt;
  const sim::CostProfile profile = one_ms_requests();
  sim::WorkerCpu cpu(rt, profile, 0);
  sim::ListenerHub hub(rt, sim::ListenerHub::Balance::kExact, 1);
  sim::WorkerRuntime worker(rt, cpu, hub, 7);
  int fired = 0;
  io::TimerId late = 0;
  // A 5 ms task at t=0; the timer falls due at 1 ms while the core is busy, and the task's
  // successor cancels it before the core is free.
  cpu.submit([&] {
    cpu.charge(io::Work::kHttp1Request, 5);
    late = worker.schedule(io::Duration(1'000'000), [&] { ++fired; });
  });
  rt.schedule(io::Duration(2'000'000), [&] { worker.cancel(late); });
  const io::TimerId kept = worker.schedule(io::Duration(1'500'000), [&] { fired += 10; });
  (void)kept;
  rt.advance_to(io::Duration(4'000'000));
  CHECK(fired == 0);  // still waiting for the core
  rt.advance_to(io::Duration(6'000'000));
  CHECK(fired == 10);  // the kept one ran at 5 ms, the cancelled one never
}

}  // namespace
}  // namespace gatesim
