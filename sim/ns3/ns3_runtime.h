#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <ns3/event-id.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include "gateway/io/runtime.h"

namespace gatesim::sim {

// Connection ids are per node here.
using ConnectionEvent = io::ConnectionEvent;
using io::to_string;

// io::Runtime on ns-3 (DESIGN.md, "The I/O boundary"): one instance per simulated node,
// all sharing the one deterministic simulator clock. Timers are simulator events, sockets
// are ns-3 TCP sockets on the node, randomness comes from the scenario seed.
class Ns3Runtime : public io::Runtime {
 public:
  Ns3Runtime(ns3::Ptr<ns3::Node> node, std::uint64_t seed);
  ~Ns3Runtime() override;

  io::TimePoint now() const override;
  io::TimerId schedule(io::Duration delay, std::function<void()> fn) override;
  void cancel(io::TimerId id) override;
  void defer(std::function<void()> fn) override;
  std::unique_ptr<io::Listener> listen(const io::Address& address, io::AcceptHandler on_accept,
                                       std::string* error) override;
  void connect(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) override;
  io::Rng& rng() override { return rng_; }
  void charge(io::Work, std::uint64_t) override {}  // the many-core CPU model arrives with issue 7

  ns3::Ptr<ns3::Node> node() const { return node_; }
  std::uint64_t next_connection_id() { return ++connection_ids_; }
  // Every connection of this node reports here (accepted, connected, failed, closed).
  void set_connection_observer(std::function<void(const ConnectionEvent&)> observer) {
    observer_ = std::move(observer);
  }
  void report(const ConnectionEvent& event) const {
    if (observer_) observer_(event);
  }

 private:
  ns3::Ptr<ns3::Node> node_;
  io::Rng rng_;
  io::TimerId next_timer_ = 0;
  std::map<io::TimerId, ns3::EventId> timers_;
  std::uint64_t connection_ids_ = 0;
  std::function<void(const ConnectionEvent&)> observer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // events outliving the runtime
};

}  // namespace gatesim::sim
