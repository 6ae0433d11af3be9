#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include "gateway/io/runtime.h"
#include "sim/ns3/ns3_runtime.h"

namespace gatesim::sim {

struct LinkSpec {
  std::string a, b;             // node names
  std::string rate = "1Gbps";   // ns-3 DataRate syntax
  io::Duration delay = std::chrono::milliseconds(1);  // one way
  std::uint32_t queue_packets = 1000;
  double loss = 0;  // packet loss probability on each direction (seeded, per packet)
  // Jitter: every `jitter_interval` the one-way delay is redrawn as delay + jitter * z, z a
  // standard normal correlated with the previous draw by `jitter_correlation` (0..1), never
  // below zero. Packets sent under a smaller delay can overtake earlier ones: like netem with
  // large jitter, this may reorder.
  io::Duration jitter{0};
  double jitter_correlation = 0;
  io::Duration jitter_interval = std::chrono::milliseconds(10);
};

// The simulated network: named nodes, point-to-point links, IPv4 addressing (one /24 per
// link, 10.0.<link>.1 and .2), static global routes, and TCP configured like Linux rather
// than ns-3's defaults (MSS 1448, minimum RTO 200 ms, initial window 10, SACK, delayed ACK
// after 2 segments or 40 ms, SYN retransmitted after 1 s), without which latencies would be
// off by whole round trips.
// One world per process at a time: ns-3's simulator is global.
class Ns3World {
 public:
  explicit Ns3World(std::uint64_t seed);
  ~Ns3World();
  Ns3World(const Ns3World&) = delete;
  Ns3World& operator=(const Ns3World&) = delete;

  void add_node(const std::string& name);
  void add_link(const LinkSpec& link);
  // Call once after all links: computes routes.
  void finalize();

  // A capture per link end ("<dir>/<a>-<b>-<node>.pcap"), in simulated time; call before running.
  void enable_pcap(const std::string& directory);
  // Partition or heal a link at once (both directions drop every packet while down).
  void set_link_down(const std::string& a, const std::string& b, bool down);
  void set_link_loss(const std::string& a, const std::string& b, double loss);
  void set_link_delay(const std::string& a, const std::string& b, io::Duration delay);
  void set_link_rate(const std::string& a, const std::string& b, const std::string& rate);

  // The address of `node` on its link towards `peer`.
  std::string address_of(const std::string& node, const std::string& peer) const;
  Ns3Runtime& runtime(const std::string& node);

  // Runs the simulation until `until` (simulated) or no event remains.
  void run_until(io::TimePoint until);
  io::TimePoint now() const;

  // What the scenario runner asks of any world (see sim/scenario/real_world.h for the other):
  // every node listens on all of its own addresses; connection events are observable.
  std::string listen_ip(const std::string&) const { return "0.0.0.0"; }
  void observe_connections(const std::string& node, std::function<void(const ConnectionEvent&)> observer) {
    runtime(node).set_connection_observer(std::move(observer));
  }
  std::uint64_t event_count() const;

 private:
  struct Node {
    ns3::Ptr<ns3::Node> node;
    std::unique_ptr<Ns3Runtime> runtime;
  };
  std::uint64_t seed_;
  std::map<std::string, Node> nodes_;
  std::map<std::pair<std::string, std::string>, std::string> addresses_;
  // Devices first, then the Internet stack, then addresses: ns-3's traffic-control layer
  // only knows the devices present when the stack is installed.
  std::vector<std::pair<LinkSpec, ns3::NetDeviceContainer>> links_;
  std::pair<LinkSpec, ns3::NetDeviceContainer>& link_between(const std::string& a, const std::string& b);
  void apply_loss(ns3::NetDeviceContainer& devices, double rate);
  void redraw_jitter(std::size_t link, double previous);
  io::Rng jitter_rng_{0};
  std::uint64_t next_stream_ = 0;  // ns-3 random streams handed out by this world, in order
  bool finalized_ = false;
};

}  // namespace gatesim::sim
