#include "sim/cpu/worker_runtime.h"

#include <algorithm>

#include "gateway/upstream/load_balancer.h"
#include "sim/cpu/worker_connection.h"

namespace gatesim::sim {

WorkerRuntime::WorkerRuntime(io::Runtime& base, WorkerCpu& cpu, ListenerHub& hub, std::uint64_t seed)
    : base_(base), cpu_(cpu), hub_(hub), rng_(seed) {}

WorkerRuntime::~WorkerRuntime() {
  *alive_ = false;
  for (auto& [id, timer] : timers_) base_.cancel(timer.base_id);
}

io::TimerId WorkerRuntime::schedule(io::Duration delay, std::function<void()> fn) {
  const io::TimerId id = ++next_timer_;
  // A timer that fires while the core is busy waits for it; cancelling it while it waits
  // still means it never runs.
  const io::TimerId base_id = base_.schedule(delay, [this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    cpu_.submit([this, id, alive] {
      if (alive.expired()) return;
      auto it = timers_.find(id);
      if (it == timers_.end()) return;
      std::function<void()> due = std::move(it->second.fn);
      timers_.erase(it);
      due();
    });
  });
  timers_[id] = Timer{base_id, std::move(fn)};
  return id;
}

void WorkerRuntime::cancel(io::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  base_.cancel(it->second.base_id);
  timers_.erase(it);
}

void WorkerRuntime::defer(std::function<void()> fn) {
  base_.defer([this, alive = std::weak_ptr<bool>(alive_), fn = std::move(fn)]() mutable {
    if (!alive.expired()) cpu_.submit(std::move(fn));
  });
}

std::unique_ptr<io::Listener> WorkerRuntime::listen(const io::Address& address, io::AcceptHandler on_accept,
                                                    std::string* error) {
  return hub_.join(address, ListenerHub::Member{&cpu_, std::move(on_accept)}, error);
}

void WorkerRuntime::connect(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) {
  if (cpu_.in_task()) {
    // The SYN is output too: it leaves when the task's CPU time is over.
    cpu_.at_task_end([this, alive = std::weak_ptr<bool>(alive_), address, timeout,
                      on_connected = std::move(on_connected)](io::TimePoint done) mutable {
      auto start = [this, alive, address, timeout, on_connected]() {
        if (!alive.expired()) connect_now(address, timeout, on_connected);
      };
      if (done <= base_.now()) return start();
      base_.schedule(done - base_.now(), start);
    });
    return;
  }
  connect_now(address, timeout, std::move(on_connected));
}

void WorkerRuntime::connect_now(const io::Address& address, io::Duration timeout, io::ConnectHandler on_connected) {
  base_.connect(address, timeout,
                [this, alive = std::weak_ptr<bool>(alive_), on_connected = std::move(on_connected)](
                    std::unique_ptr<io::Connection> connection, const std::string& error) {
                  if (alive.expired()) return;
                  // Wrapped at once: data may arrive before the task that hands it over runs.
                  auto wrapped = std::make_shared<std::unique_ptr<io::Connection>>(
                      connection ? std::make_unique<WorkerConnection>(std::move(connection), cpu_, base_) : nullptr);
                  cpu_.submit([alive, wrapped, error, on_connected] {
                    if (!alive.expired()) on_connected(std::move(*wrapped), error);
                  });
                });
}

struct ListenerHub::Group {
  std::string key;
  std::unique_ptr<io::Listener> socket;
  std::vector<Member> members;  // by worker index: the order never depends on join order
};

class ListenerHub::Membership : public io::Listener {
 public:
  Membership(ListenerHub& hub, std::string key, WorkerCpu* cpu, io::Address address, std::weak_ptr<bool> alive,
             std::shared_ptr<bool> listening)
      : hub_(hub), key_(std::move(key)), cpu_(cpu), address_(std::move(address)), alive_(std::move(alive)),
        listening_(std::move(listening)) {}
  ~Membership() override {
    if (!alive_.expired()) hub_.leave(key_, cpu_);
  }
  const io::Address& address() const override { return address_; }

 private:
  ListenerHub& hub_;
  std::string key_;
  WorkerCpu* cpu_;
  io::Address address_;
  std::weak_ptr<bool> alive_;
  std::shared_ptr<bool> listening_;  // the hub's members see it expire when we go
};

ListenerHub::ListenerHub(io::Runtime& base, Balance balance, std::uint64_t seed)
    : base_(base), balance_(balance), seed_(seed) {}

ListenerHub::~ListenerHub() { *alive_ = false; }

std::unique_ptr<io::Listener> ListenerHub::join(const io::Address& address, Member member, std::string* error) {
  const std::string key = address.to_string();
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    auto group = std::make_unique<Group>();
    group->key = key;
    Group* raw = group.get();
    group->socket = base_.listen(
        address,
        [this, raw, alive = std::weak_ptr<bool>(alive_)](std::unique_ptr<io::Connection> c) {
          if (!alive.expired()) dispatch(*raw, std::move(c));
        },
        error);
    if (group->socket == nullptr) return nullptr;
    it = groups_.emplace(key, std::move(group)).first;
  }
  Group& group = *it->second;
  WorkerCpu* cpu = member.cpu;
  auto listening = std::make_shared<bool>(true);
  member.listening = listening;
  const auto at = std::lower_bound(group.members.begin(), group.members.end(), cpu->index(),
                                   [](const Member& m, int index) { return m.cpu->index() < index; });
  group.members.insert(at, std::move(member));
  return std::make_unique<Membership>(*this, key, cpu, group.socket->address(), alive_, std::move(listening));
}

void ListenerHub::leave(const std::string& key, WorkerCpu* cpu) {
  auto it = groups_.find(key);
  if (it == groups_.end()) return;
  auto& members = it->second->members;
  members.erase(std::remove_if(members.begin(), members.end(), [cpu](const Member& m) { return m.cpu == cpu; }),
                members.end());
  if (members.empty()) groups_.erase(it);
}

void ListenerHub::dispatch(Group& group, std::unique_ptr<io::Connection> connection) {
  if (group.members.empty()) return;  // closes it
  std::size_t pick = 0;
  if (balance_ == Balance::kKernelHash) {
    // Linux's reuseport group picks by a keyed hash of the 4-tuple, blind to load.
    const std::string tuple = std::to_string(seed_) + "|" + connection->peer().to_string() + "|" +
                              connection->local().to_string();
    pick = upstream::stable_hash(tuple) % group.members.size();
  } else {
    // Envoy's exact balance: the worker holding the fewest connections (lowest index on ties).
    for (std::size_t i = 1; i < group.members.size(); ++i) {
      if (active(group.members[i].cpu->index()) < active(group.members[pick].cpu->index())) pick = i;
    }
  }
  Member& member = group.members[pick];
  const int worker = member.cpu->index();
  ++active_[worker];
  ++accepted_[worker];
  if (on_assign) on_assign(connection->id(), worker);
  auto wrapped = std::make_shared<std::unique_ptr<io::Connection>>(std::make_unique<WorkerConnection>(
      std::move(connection), *member.cpu, base_, [this, worker, alive = std::weak_ptr<bool>(alive_)] {
        if (!alive.expired()) --active_[worker];
      }));
  // Accepted connections waiting for a busy worker are dropped if it stops listening first.
  member.cpu->submit([wrapped, on_accept = member.on_accept, listening = member.listening] {
    if (!listening.expired()) on_accept(std::move(*wrapped));
  });
}

std::uint64_t ListenerHub::active(int worker) const {
  auto it = active_.find(worker);
  return it == active_.end() ? 0 : it->second;
}
std::uint64_t ListenerHub::accepted(int worker) const {
  auto it = accepted_.find(worker);
  return it == accepted_.end() ? 0 : it->second;
}

}  // namespace gatesim::sim
