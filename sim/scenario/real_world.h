#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/io/real/event_loop_runtime.h"
#include "gateway/io/runtime.h"

namespace gatesim::sim {

// The scenario's nodes on this machine's loopback for `gatesim conform --real`: every node is
// one 127.x.y.N address (x.y from the process id, so parallel runs do not collide), all of
// them served by one real event loop; time is wall time. A node's runtime listens and
// connects from its own address, so connection events are told apart by address. Links have
// no emulation: their delay, rate, loss and jitter are not applied, and link faults cannot
// happen (scenarios that need them are not run for real; see real_ineligibility()).
class RealWorld {
 public:
  explicit RealWorld(std::uint64_t seed);
  ~RealWorld();

  void add_node(const std::string& name);
  std::string address_of(const std::string& node, const std::string& peer) const;
  io::Runtime& runtime(const std::string& node);
  std::string listen_ip(const std::string& node) const { return address_of(node, ""); }
  void observe_connections(const std::string& node, std::function<void(const io::ConnectionEvent&)> observer);
  std::uint64_t event_count() const { return 0; }
  io::TimePoint now() const { return loop_.now() - start_; }
  void run_until(io::TimePoint until);
  // Link faults are never scheduled on a real run (see real_ineligibility()).
  void set_link_down(const std::string&, const std::string&, bool) {}
  void set_link_loss(const std::string&, const std::string&, double) {}
  void set_link_delay(const std::string&, const std::string&, io::Duration) {}
  void set_link_rate(const std::string&, const std::string&, const std::string&) {}
  void enable_pcap(const std::string&) {}

 private:
  class NodeRuntime;
  io::real::EventLoopRuntime loop_;
  io::TimePoint start_;
  std::string prefix_;  // "127.x.y."
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::unique_ptr<NodeRuntime>> runtimes_;
  std::map<std::string, std::function<void(const io::ConnectionEvent&)>> observers_;  // by node address
};

}  // namespace gatesim::sim
