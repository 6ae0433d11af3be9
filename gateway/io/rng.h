#pragma once

#include <cstdint>

namespace gatesim::io {

// The only randomness the engine may use: seeded, so a simulation replays exactly
// (xoshiro256** seeded through splitmix64; small, fast, and identical on every platform,
// unlike the distributions of <random>, whose output is implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, bound) without modulo bias; bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [0, 1).
  double unit();
  // An independent stream for a sub-component, derived deterministically from this one.
  Rng fork();

 private:
  std::uint64_t s_[4];
};

}  // namespace gatesim::io
