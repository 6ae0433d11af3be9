#include "sim/scenario/simulated_gateway.h"

namespace gatesim::sim {

SimulatedGateway::SimulatedGateway(io::Runtime& runtime, engine::EngineOptions options,
                                   std::optional<SimulatedCpu::Options> cpu)
    : runtime_(runtime), options_(std::move(options)) {
  if (cpu) cpu_ = std::make_unique<SimulatedCpu>(runtime_, std::move(*cpu));
}

bool SimulatedGateway::start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) {
  applied_ = std::move(snapshot);
  stop();
  if (cpu_ == nullptr) {
    engines_.push_back(std::make_unique<engine::Engine>(runtime_, options_));
  } else {
    worker_runtimes_ = cpu_->make_runtimes();
    for (auto& r : worker_runtimes_) engines_.push_back(std::make_unique<engine::Engine>(*r, options_));
  }
  return apply(applied_, problems);
}

bool SimulatedGateway::apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) {
  applied_ = std::move(snapshot);
  bool ok = true;
  // Every worker builds the same listeners and contexts; report the problems once.
  for (std::size_t i = 0; i < engines_.size(); ++i) {
    std::string why;
    ok = engines_[i]->apply(applied_, &why) && ok;
    if (i == 0 && problems != nullptr) *problems = why;
  }
  return ok;
}

void SimulatedGateway::drain() {
  for (auto& e : engines_) e->start_drain();
}

void SimulatedGateway::stop() {
  engines_.clear();
  worker_runtimes_.clear();
}

const observability::IstioMetrics* SimulatedGateway::metrics() const {
  if (engines_.empty()) return nullptr;
  if (engines_.size() == 1) return &engines_.front()->metrics();
  merged_metrics_ = observability::IstioMetrics();
  for (const auto& e : engines_) merged_metrics_.merge_from(e->metrics());
  return &merged_metrics_;
}

void SimulatedGateway::restart(io::Duration down_for, std::function<void(const std::string&)> on_started) {
  stop();
  runtime_.schedule(down_for, [this, alive = std::weak_ptr<bool>(alive_), on_started = std::move(on_started)] {
    if (alive.expired()) return;
    std::string problems;
    start(applied_, &problems);
    on_started(problems);
  });
}

}  // namespace gatesim::sim
