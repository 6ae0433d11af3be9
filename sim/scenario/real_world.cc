#include "sim/scenario/real_world.h"

#include <unistd.h>

namespace gatesim::sim {

RealWorld::RealWorld(std::uint64_t seed) : runtime_(seed), start_(runtime_.now()) {
  const auto pid = static_cast<unsigned>(::getpid());
  prefix_ = "127." + std::to_string(1 + pid % 250) + "." + std::to_string(pid / 250 % 250) + ".";
}

void RealWorld::add_node(const std::string& name) {
  addresses_[name] = prefix_ + std::to_string(addresses_.size() + 2);
}

std::string RealWorld::address_of(const std::string& node, const std::string&) const {
  auto it = addresses_.find(node);
  return it == addresses_.end() ? "" : it->second;
}

void RealWorld::run_until(io::TimePoint until) {
  const io::Duration left = until - now();
  if (left.count() > 0) runtime_.run_for(left);
}

}  // namespace gatesim::sim
