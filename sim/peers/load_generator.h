#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sim/peers/http_client.h"

namespace gatesim::sim {

struct LoadSpec {
  enum class Mode { kOpen, kClosed };
  Mode mode = Mode::kOpen;
  double rate = 100;            // open loop: requests per second
  bool poisson = false;         // open loop: exponential inter-arrival times (seeded) instead of fixed
  std::size_t concurrency = 10; // closed loop: requests in flight
  io::Duration start{0}, duration = std::chrono::seconds(5);
  ScriptedRequest request;      // what each request is (its `at` is ignored)
};

// A load generator over one HttpClient (its connection reuse and protocol rules apply):
// open loop issues requests at `rate` whatever the responses do (so queues build up under
// overload, as real traffic does); closed loop keeps `concurrency` requests in flight.
class LoadGenerator {
 public:
  LoadGenerator(io::Runtime& runtime, std::string name, HttpTarget target, LoadSpec spec);
  void start();
  std::function<void(const RequestOutcome&)> on_outcome;
  std::function<void(const TlsOutcome&)> on_tls;

 private:
  void next_arrival();
  void closed_loop_done();

  io::Runtime& runtime_;
  LoadSpec spec_;
  HttpClient client_;
  std::uint64_t issued_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
