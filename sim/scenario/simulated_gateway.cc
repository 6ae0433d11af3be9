#include "sim/scenario/simulated_gateway.h"

namespace gatesim::sim {

SimulatedGateway::SimulatedGateway(io::Runtime& runtime, engine::EngineOptions options)
    : runtime_(runtime), options_(std::move(options)) {}

bool SimulatedGateway::start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) {
  applied_ = std::move(snapshot);
  engine_ = std::make_unique<engine::Engine>(runtime_, options_);
  return engine_->apply(applied_, problems);
}

bool SimulatedGateway::apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) {
  applied_ = std::move(snapshot);
  if (engine_ == nullptr) return true;  // down: the restart takes it
  return engine_->apply(applied_, problems);
}

void SimulatedGateway::drain() {
  if (engine_ != nullptr) engine_->start_drain();
}

void SimulatedGateway::restart(io::Duration down_for, std::function<void(const std::string&)> on_started) {
  engine_.reset();
  runtime_.schedule(down_for, [this, alive = std::weak_ptr<bool>(alive_), on_started = std::move(on_started)] {
    if (alive.expired()) return;
    std::string problems;
    start(applied_, &problems);
    on_started(problems);
  });
}

}  // namespace gatesim::sim
