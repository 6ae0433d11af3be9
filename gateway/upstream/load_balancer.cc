#include "gateway/upstream/load_balancer.h"

#include <algorithm>

namespace gatesim::upstream {

std::uint64_t stable_hash(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

LoadBalancer::LoadBalancer(LbPolicy policy, std::uint64_t ring_size, io::Rng& rng)
    : policy_(policy), ring_size_(std::max<std::uint64_t>(ring_size, 1)), rr_next_(rng.next()) {}

void LoadBalancer::rebuild_ring(const std::vector<const LbHost*>& hosts) {
  ring_hosts_.clear();
  for (const LbHost* h : hosts) ring_hosts_.push_back(h->address);
  ring_.clear();
  // Envoy gives each host ceil(min_ring_size / hosts) points (equal weights).
  const std::uint64_t per_host = (ring_size_ + hosts.size() - 1) / hosts.size();
  for (const LbHost* h : hosts) {
    for (std::uint64_t i = 0; i < per_host; ++i) {
      ring_.push_back({stable_hash(h->address + "_" + std::to_string(i)), h->address});
    }
  }
  std::sort(ring_.begin(), ring_.end(), [](const RingPoint& a, const RingPoint& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.address < b.address;
  });
}

std::optional<std::size_t> LoadBalancer::choose(const std::vector<const LbHost*>& hosts,
                                                std::optional<std::uint64_t> hash, io::Rng& rng) {
  if (hosts.empty()) return std::nullopt;
  switch (policy_) {
    case LbPolicy::kRoundRobin:
      return rr_next_++ % hosts.size();
    case LbPolicy::kRandom:
      return rng.below(hosts.size());
    case LbPolicy::kLeastRequest: {
      std::size_t best = rng.below(hosts.size());
      const std::size_t other = rng.below(hosts.size());
      if (hosts[other]->active_requests < hosts[best]->active_requests) best = other;
      return best;
    }
    case LbPolicy::kRingHash: {
      if (!hash) return rng.below(hosts.size());
      bool same = ring_hosts_.size() == hosts.size();
      for (std::size_t i = 0; same && i < hosts.size(); ++i) same = ring_hosts_[i] == hosts[i]->address;
      if (!same) rebuild_ring(hosts);
      auto it = std::lower_bound(ring_.begin(), ring_.end(), *hash,
                                 [](const RingPoint& p, std::uint64_t h) { return p.hash < h; });
      if (it == ring_.end()) it = ring_.begin();
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (hosts[i]->address == it->address) return i;
      }
      return std::nullopt;  // unreachable: the ring was built from `hosts`
    }
  }
  return std::nullopt;
}

}  // namespace gatesim::upstream
