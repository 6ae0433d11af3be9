#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/engine/engine.h"
#include "gateway/engine/stats_snapshot.h"
#include "gateway/io/owned_in_order.h"
#include "gateway/io/runtime.h"

namespace gatesim::engine {

// Gathers one StatsSnapshot per worker and hands them, in worker order, to `done` on the
// admin's loop (at once, or later when the workers run on other threads).
using StatsCollector = std::function<void(std::function<void(std::vector<StatsSnapshot>)> done)>;

// The admin endpoint of `gatesim serve` (Envoy's admin port in miniature):
//   GET /ready  -> 200 "LIVE", or 503 "DRAINING" once draining started
//   GET /stats  -> counters as "name: value" lines, summed over the workers, then per worker;
//                  /stats?format=json as JSON
//   GET /stats/prometheus -> Istio's standard metrics in Prometheus' text format (Envoy's path)
class AdminServer {
 public:
  AdminServer(io::Runtime& runtime, StatsCollector collect);
  AdminServer(io::Runtime& runtime, const Engine& engine);  // one engine on the admin's loop
  ~AdminServer();
  bool listen(const io::Address& address, std::string* error);
  const io::Address& address() const;

 private:
  class Session;
  io::Runtime& runtime_;
  StatsCollector collect_;
  std::unique_ptr<io::Listener> listener_;
  io::OwnedInOrder<Session> sessions_;
};

}  // namespace gatesim::engine
