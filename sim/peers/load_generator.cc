#include "sim/peers/load_generator.h"

#include <cmath>

namespace gatesim::sim {

LoadGenerator::LoadGenerator(io::Runtime& runtime, std::string name, HttpTarget target, LoadSpec spec)
    : runtime_(runtime), spec_(spec), client_(runtime, std::move(name), std::move(target), {}) {
  client_.on_outcome = [this](const RequestOutcome& o) {
    if (on_outcome) on_outcome(o);
    if (spec_.mode == LoadSpec::Mode::kClosed) closed_loop_done();
  };
  client_.on_tls = [this](const TlsOutcome& t) {
    if (on_tls) on_tls(t);
  };
}

void LoadGenerator::start() {
  std::weak_ptr<bool> alive = alive_;
  runtime_.schedule(spec_.start, [this, alive] {
    if (alive.expired()) return;
    if (spec_.mode == LoadSpec::Mode::kOpen) return next_arrival();
    for (std::size_t i = 0; i < spec_.concurrency; ++i) {
      ++issued_;
      client_.submit(spec_.request);
    }
  });
}

void LoadGenerator::next_arrival() {
  if (runtime_.now() >= spec_.start + spec_.duration || spec_.rate <= 0) return;
  ++issued_;
  client_.submit(spec_.request);
  double gap_seconds = 1.0 / spec_.rate;
  if (spec_.poisson) gap_seconds = -std::log(1.0 - runtime_.rng().unit()) / spec_.rate;
  std::weak_ptr<bool> alive = alive_;
  runtime_.schedule(io::Duration(static_cast<std::int64_t>(gap_seconds * 1e9)), [this, alive] {
    if (!alive.expired()) next_arrival();
  });
}

void LoadGenerator::closed_loop_done() {
  if (runtime_.now() >= spec_.start + spec_.duration) return;
  ++issued_;
  client_.submit(spec_.request);
}

}  // namespace gatesim::sim
