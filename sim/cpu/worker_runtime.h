#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/io/runtime.h"
#include "sim/cpu/worker_cpu.h"

namespace gatesim::sim {

class ListenerHub;

// The io::Runtime one simulated worker's engine runs on: the node's runtime, with every
// callback turned into a task of the worker's core (WorkerCpu) and every connection wrapped
// in a WorkerConnection. Listening goes through the gateway's ListenerHub, which plays the
// kernel's part of SO_REUSEPORT (or Envoy's exact balancer) among the workers.
class WorkerRuntime : public io::Runtime {
 public:
  WorkerRuntime(io::Runtime& base, WorkerCpu& cpu, ListenerHub& hub, std::uint64_t seed);
  ~WorkerRuntime() override;

  io::TimePoint now() const override { return base_.now(); }
  io::TimerId schedule(io::Duration delay, std::function<void()> fn) override;
  void cancel(io::TimerId id) override;
  void defer(std::function<void()> fn) override;
  std::unique_ptr<io::Listener> listen(const io::Address& address, io::AcceptHandler on_accept,
                                       std::string* error) override;
  void connect(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) override;
  io::Rng& rng() override { return rng_; }
  void charge(io::Work work, std::uint64_t amount) override { cpu_.charge(work, amount); }

 private:
  void connect_now(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected);
  struct Timer {
    io::TimerId base_id = 0;
    std::function<void()> fn;
  };
  io::Runtime& base_;
  WorkerCpu& cpu_;
  ListenerHub& hub_;
  io::Rng rng_;
  io::TimerId next_timer_ = 0;
  std::map<io::TimerId, Timer> timers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Where the workers' listening sockets meet (one group per address): the first worker to
// listen opens the node's socket, each accepted connection goes to one member by the
// balancing policy, and the socket closes when the last member stops listening.
class ListenerHub {
 public:
  enum class Balance { kKernelHash, kExact };
  // `seed` keys the 4-tuple hash, as the kernel keys it with a boot-time secret.
  ListenerHub(io::Runtime& base, Balance balance, std::uint64_t seed);
  ~ListenerHub();

  struct Member {
    WorkerCpu* cpu;
    io::AcceptHandler on_accept;
    std::weak_ptr<bool> listening = {};  // expires when the member stops listening
  };
  std::unique_ptr<io::Listener> join(const io::Address& address, Member member, std::string* error);

  // Downstream connections each worker holds now (the exact balancer's measure) and got in all.
  std::uint64_t active(int worker) const;
  std::uint64_t accepted(int worker) const;
  // Told of every assignment: the node's connection id and the worker that got it.
  std::function<void(std::uint64_t connection_id, int worker)> on_assign;

 private:
  struct Group;
  class Membership;
  void dispatch(Group& group, std::unique_ptr<io::Connection> connection);
  void leave(const std::string& key, WorkerCpu* cpu);

  io::Runtime& base_;
  Balance balance_;
  std::uint64_t seed_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  std::map<int, std::uint64_t> active_, accepted_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
