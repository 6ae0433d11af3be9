#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/engine/engine.h"
#include "gateway/io/owned_in_order.h"
#include "gateway/io/runtime.h"

namespace gatesim::engine {

// The admin endpoint of `gatesim serve` (Envoy's admin port in miniature):
//   GET /ready  -> 200 "LIVE", or 503 "DRAINING" once draining started
//   GET /stats  -> counters as "name: value" lines; /stats?format=json as JSON
//   GET /stats/prometheus -> Istio's standard metrics in Prometheus' text format (Envoy's path)
class AdminServer {
 public:
  AdminServer(io::Runtime& runtime, const Engine& engine);
  ~AdminServer();
  bool listen(const io::Address& address, std::string* error);
  const io::Address& address() const;
  std::string stats_text() const;
  std::string stats_json() const;
  // Every counter and gauge, engine-wide then per cluster (Envoy's names), in a stable order.
  std::vector<std::pair<std::string, std::uint64_t>> stats() const;

 private:
  class Session;
  io::Runtime& runtime_;
  const Engine& engine_;
  std::unique_ptr<io::Listener> listener_;
  io::OwnedInOrder<Session> sessions_;
};

}  // namespace gatesim::engine
