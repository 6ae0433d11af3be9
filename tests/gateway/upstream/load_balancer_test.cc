// Envoy's load balancers as DestinationRule loadBalancer selects them (reference section 5;
// Envoy load balancing docs). Each case names the rule it checks.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "gateway/upstream/load_balancer.h"

using namespace gatesim;
using upstream::LbHost;
using upstream::LbPolicy;
using upstream::LoadBalancer;

namespace {

std::vector<LbHost> hosts(int n) {
  std::vector<LbHost> out;
  for (int i = 0; i < n; ++i) out.push_back({"10.0.0." + std::to_string(i + 1) + ":8080", 0});
  return out;
}

std::vector<const LbHost*> view(const std::vector<LbHost>& h) {
  std::vector<const LbHost*> out;
  for (const LbHost& x : h) out.push_back(&x);
  return out;
}

}  // namespace

TEST_CASE("load balancer: ROUND_ROBIN visits every host once per rotation, from a seeded start", "[upstream][lb]") {
  const auto h = hosts(3);
  io::Rng rng(7);
  LoadBalancer lb(LbPolicy::kRoundRobin, 1024, rng);
  std::vector<std::size_t> picks;
  for (int i = 0; i < 9; ++i) picks.push_back(*lb.choose(view(h), std::nullopt, rng));
  for (int i = 0; i < 9; ++i) CHECK(picks[i] == (picks[0] + i) % 3);
  // Another seed may start elsewhere: gateways restarted together do not all hit host 0.
  std::set<std::size_t> starts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    io::Rng r(seed);
    LoadBalancer other(LbPolicy::kRoundRobin, 1024, r);
    starts.insert(*other.choose(view(h), std::nullopt, r));
  }
  CHECK(starts.size() == 3);
}

TEST_CASE("load balancer: LEAST_REQUEST never picks the busier of its two samples", "[upstream][lb]") {
  // Envoy's default choice_count 2 (power of two choices). With one idle host among busy ones
  // the idle host wins whenever it is sampled: P = 1 - (2/3)^2 = 5/9 for three hosts.
  auto h = hosts(3);
  h[0].active_requests = 5;
  h[1].active_requests = 5;
  h[2].active_requests = 0;
  io::Rng rng(3);
  LoadBalancer lb(LbPolicy::kLeastRequest, 1024, rng);
  int idle = 0;
  const int n = 9000;
  for (int i = 0; i < n; ++i) idle += *lb.choose(view(h), std::nullopt, rng) == 2 ? 1 : 0;
  // 5/9 of 9000 = 5000; exact binomial sd = 47, so +-300 is over 6 sd.
  CHECK(idle > 4700);
  CHECK(idle < 5300);
  // Two hosts, one idle: the busy one wins only when both samples pick it (1/4).
  std::vector<LbHost> two = {{"a:1", 9}, {"b:1", 0}};
  int busy = 0;
  for (int i = 0; i < 4000; ++i) busy += *lb.choose(view(two), std::nullopt, rng) == 0 ? 1 : 0;
  CHECK(busy > 850);
  CHECK(busy < 1150);
}

TEST_CASE("load balancer: RANDOM spreads uniformly", "[upstream][lb]") {
  const auto h = hosts(4);
  io::Rng rng(11);
  LoadBalancer lb(LbPolicy::kRandom, 1024, rng);
  std::map<std::size_t, int> count;
  for (int i = 0; i < 8000; ++i) ++count[*lb.choose(view(h), std::nullopt, rng)];
  for (const auto& [host, c] : count) CHECK(std::abs(c - 2000) < 250);  // sd = 39
  CHECK(count.size() == 4);
}

TEST_CASE("load balancer: RING_HASH keeps a key on one host and moves only the removed host's keys",
          "[upstream][lb]") {
  const auto h = hosts(5);
  io::Rng rng(1);
  LoadBalancer lb(LbPolicy::kRingHash, 1024, rng);
  std::map<std::string, std::string> owner;
  std::map<std::string, int> load;
  for (int k = 0; k < 2000; ++k) {
    const std::string key = "user-" + std::to_string(k);
    const std::size_t i = *lb.choose(view(h), upstream::stable_hash(key), rng);
    owner[key] = h[i].address;
    ++load[h[i].address];
    CHECK(*lb.choose(view(h), upstream::stable_hash(key), rng) == i);  // same key, same host
  }
  CHECK(load.size() == 5);
  for (const auto& [host, n] : load) CHECK(n > 200);  // 1024 points: no host starves
  // Remove host 2: its keys move. Like Envoy, each host gets ceil(1024 / hosts) points, so
  // the four left gain 51 points each (205 -> 256) and may take some keys from one another;
  // their first 205 points are unchanged, so most keys stay put.
  std::vector<LbHost> fewer = {h[0], h[1], h[3], h[4]};
  int stayed = 0, others = 0;
  for (const auto& [key, was] : owner) {
    const std::string now = fewer[*lb.choose(view(fewer), upstream::stable_hash(key), rng)].address;
    CHECK(now != h[2].address);
    if (was == h[2].address) continue;
    ++others;
    stayed += now == was ? 1 : 0;
  }
  CHECK(stayed * 100 >= others * 75);  // a modulo hash would keep only ~1/4 of them
}

TEST_CASE("load balancer: RING_HASH without a key falls back to a random host", "[upstream][lb]") {
  const auto h = hosts(3);
  io::Rng rng(5);
  LoadBalancer lb(LbPolicy::kRingHash, 1024, rng);
  std::set<std::size_t> seen;
  for (int i = 0; i < 60; ++i) seen.insert(*lb.choose(view(h), std::nullopt, rng));
  CHECK(seen.size() == 3);
}

TEST_CASE("load balancer: no eligible host gives no choice (503 UH upstream)", "[upstream][lb]") {
  io::Rng rng(1);
  for (LbPolicy p : {LbPolicy::kRoundRobin, LbPolicy::kLeastRequest, LbPolicy::kRandom, LbPolicy::kRingHash}) {
    LoadBalancer lb(p, 16, rng);
    CHECK_FALSE(lb.choose({}, 42, rng).has_value());
  }
}
