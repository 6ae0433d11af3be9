#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/io/rng.h"
#include "gateway/upstream/upstream_settings.h"

namespace gatesim::upstream {

// What the balancer sees of one host: a stable identity for the hash ring and its load.
struct LbHost {
  std::string address;                 // "10.0.0.5:8080"
  std::uint64_t active_requests = 0;
};

// Envoy's load balancers over the hosts currently eligible (healthy, not ejected), each
// drawing only from the engine's seeded RNG so a simulation replays:
//   ROUND_ROBIN   cycles from a random start (Envoy seeds the start so gateways restarted
//                 together do not all hit the first host);
//   LEAST_REQUEST power of two choices: two uniform samples, the one with fewer active
//                 requests wins, ties keep the first (Envoy's choice_count 2);
//   RANDOM        uniform;
//   RING_HASH     each host owns ring_size/hosts points hashed from its address; a request's
//                 key hash takes the first point at or after it. A request with no key falls
//                 back to a random host, as Envoy does.
class LoadBalancer {
 public:
  LoadBalancer(LbPolicy policy, std::uint64_t ring_size, io::Rng& rng);

  // Index into `hosts`, or nullopt when it is empty. `hash` is the request's key hash.
  std::optional<std::size_t> choose(const std::vector<const LbHost*>& hosts, std::optional<std::uint64_t> hash,
                                    io::Rng& rng);

 private:
  void rebuild_ring(const std::vector<const LbHost*>& hosts);

  LbPolicy policy_;
  std::uint64_t ring_size_;
  std::uint64_t rr_next_;
  struct RingPoint {
    std::uint64_t hash;
    std::string address;
  };
  std::vector<RingPoint> ring_;
  std::vector<std::string> ring_hosts_;  // the host set the ring was built for
};

// 64-bit hash of a key (FNV-1a then a murmur finaliser): stable across runs and platforms.
std::uint64_t stable_hash(std::string_view key);

}  // namespace gatesim::upstream
