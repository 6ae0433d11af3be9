#include "sim/scenario/real_world.h"

#include <unistd.h>

namespace gatesim::sim {

// One node's view of the shared loop: its connects leave from the node's address.
class RealWorld::NodeRuntime : public io::Runtime {
 public:
  NodeRuntime(io::real::EventLoopRuntime& loop, std::string ip) : loop_(loop), ip_(std::move(ip)) {}
  io::TimePoint now() const override { return loop_.now(); }
  io::TimerId schedule(io::Duration delay, std::function<void()> fn) override { return loop_.schedule(delay, std::move(fn)); }
  void cancel(io::TimerId id) override { loop_.cancel(id); }
  void defer(std::function<void()> fn) override { loop_.defer(std::move(fn)); }
  std::unique_ptr<io::Listener> listen(const io::Address& address, io::AcceptHandler on_accept,
                                       std::string* error) override {
    return loop_.listen(address, std::move(on_accept), error);
  }
  void connect(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) override {
    loop_.connect_from(ip_, address, timeout, std::move(on_connected));
  }
  io::Rng& rng() override { return loop_.rng(); }
  void charge(io::Work, std::uint64_t) override {}

 private:
  io::real::EventLoopRuntime& loop_;
  std::string ip_;
};

RealWorld::RealWorld(std::uint64_t seed) : loop_(seed), start_(loop_.now()) {
  const auto pid = static_cast<unsigned>(::getpid());
  prefix_ = "127." + std::to_string(1 + pid % 250) + "." + std::to_string(pid / 250 % 250) + ".";
  loop_.set_connection_observer([this](const io::ConnectionEvent& e) {
    auto it = observers_.find(e.local.ip);
    if (it != observers_.end() && it->second) it->second(e);
  });
}

RealWorld::~RealWorld() { loop_.set_connection_observer(nullptr); }

void RealWorld::add_node(const std::string& name) {
  const std::string ip = prefix_ + std::to_string(addresses_.size() + 2);
  addresses_[name] = ip;
  runtimes_[name] = std::make_unique<NodeRuntime>(loop_, ip);
}

std::string RealWorld::address_of(const std::string& node, const std::string&) const {
  auto it = addresses_.find(node);
  return it == addresses_.end() ? "" : it->second;
}

io::Runtime& RealWorld::runtime(const std::string& node) { return *runtimes_.at(node); }

void RealWorld::observe_connections(const std::string& node, std::function<void(const io::ConnectionEvent&)> observer) {
  observers_[address_of(node, "")] = std::move(observer);
}

void RealWorld::run_until(io::TimePoint until) {
  const io::Duration left = until - now();
  if (left.count() > 0) loop_.run_for(left);
}

}  // namespace gatesim::sim
