// Cross-thread pieces of `gatesim serve --workers N`: EventLoopRuntime::post, and the exact
// connection balance handing accepted sockets to the least-loaded worker's loop.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gateway/io/real/event_loop_runtime.h"
#include "gateway/io/real/exact_balancer.h"

using namespace gatesim::io;
using gatesim::io::real::EventLoopRuntime;
using gatesim::io::real::ExactBalancer;
using namespace std::chrono_literals;

namespace {

struct Closer : ConnectionCallbacks {
  std::atomic<int> closed{0};
  void on_data(Connection&, std::string_view) override {}
  void on_end_of_input(Connection& c) override { c.close(); }
  void on_closed(Connection&, CloseReason) override { ++closed; }
};

std::uint16_t free_port(EventLoopRuntime& rt) {
  std::string error;
  auto probe = rt.listen(*parse_address("127.0.0.1:0"), [](std::unique_ptr<Connection>) {}, &error);
  REQUIRE(probe != nullptr);
  return probe->address().port;
}

}  // namespace

TEST_CASE("post runs work from other threads on the loop, in order, until posts close", "[io]") {
  EventLoopRuntime rt(1);
  rt.enable_posts();
  std::vector<int> seen;  // touched on the loop's thread only
  std::atomic<int> refused{0};  // Catch2's CHECK is not for other threads
  std::thread poster([&] {
    for (int i = 0; i < 1000; ++i) refused += rt.post([&seen, i] { seen.push_back(i); }) ? 0 : 1;
    refused += rt.post([&rt] { rt.stop(); }) ? 0 : 1;
  });
  rt.run();  // returns on the posted stop(), and not before: posts keep the loop alive
  poster.join();
  CHECK(refused == 0);
  REQUIRE(seen.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i);
  CHECK(rt.post([&seen] { seen.push_back(-1); }));  // queued after the loop ended...
  rt.close_posts();                                // ...runs here
  CHECK(seen.back() == -1);
  CHECK_FALSE(rt.post([&seen] { seen.push_back(-2); }));
  CHECK(seen.back() == -1);
}

TEST_CASE("exact balance hands each connection to the worker with the fewest active ones", "[io]") {
  EventLoopRuntime acceptor(1);
  acceptor.enable_posts();
  std::vector<std::unique_ptr<EventLoopRuntime>> workers;
  for (std::uint64_t seed : {2, 3}) {
    workers.push_back(std::make_unique<EventLoopRuntime>(seed));
    workers.back()->enable_posts();
  }
  ExactBalancer balancer(acceptor, {workers[0].get(), workers[1].get()});
  for (std::size_t i = 0; i < workers.size(); ++i) workers[i]->use_balancer(&balancer, i);

  // Each worker listens on the same address, as each worker's engine does; what it accepts
  // stays on its own thread until it is joined.
  const Address address{"127.0.0.1", free_port(acceptor)};
  std::vector<std::unique_ptr<Listener>> listeners(2);
  std::vector<std::vector<std::unique_ptr<Connection>>> accepted(2);
  Closer closers[2];
  std::atomic<int> accepted_total{0};
  for (std::size_t i = 0; i < 2; ++i) {
    std::string error;
    listeners[i] = workers[i]->listen(address, [&, i](std::unique_ptr<Connection> c) {
      c->set_callbacks(&closers[i]);
      accepted[i].push_back(std::move(c));
      ++accepted_total;
    }, &error);
    REQUIRE(listeners[i] != nullptr);
    CHECK(listeners[i]->address() == address);
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([w = w.get()] {
      w->run();
      w->close_posts();
    });
  }

  // Six clients that stay connected: 3 and 3, whatever order the acceptor sees them in.
  std::vector<std::unique_ptr<Connection>> clients;
  for (int i = 0; i < 6; ++i) {
    acceptor.connect(address, 1s, [&](std::unique_ptr<Connection> c, const std::string& why) {
      CHECK(why.empty());
      if (c != nullptr) clients.push_back(std::move(c));
    });
  }
  while ((clients.size() < 6 || accepted_total < 6) && acceptor.now() < 3s) acceptor.run_for(10ms);
  CHECK(accepted_total == 6);
  CHECK(balancer.handed(0) == 3);
  CHECK(balancer.handed(1) == 3);
  CHECK(balancer.active(0) == 3);
  CHECK(balancer.active(1) == 3);

  // Worker 0's connections close: it is now the least loaded and takes the next two.
  workers[0]->post([&] {
    for (auto& c : accepted[0]) c->close();
  });
  while (balancer.active(0) > 0 && acceptor.now() < 5s) acceptor.run_for(10ms);
  CHECK(balancer.active(0) == 0);
  for (int i = 0; i < 2; ++i) {
    acceptor.connect(address, 1s, [&](std::unique_ptr<Connection> c, const std::string&) {
      if (c != nullptr) clients.push_back(std::move(c));
    });
  }
  while (accepted_total < 8 && acceptor.now() < 5s) acceptor.run_for(10ms);
  CHECK(balancer.handed(0) == 5);
  CHECK(balancer.handed(1) == 3);

  // Every worker stops listening (a drain): the acceptor closes the socket.
  for (std::size_t i = 0; i < 2; ++i) workers[i]->post([&listeners, i] { listeners[i].reset(); });
  bool refused = false;
  while (!refused && acceptor.now() < 8s) {
    bool done = false;
    acceptor.connect(address, 1s, [&](std::unique_ptr<Connection> c, const std::string&) {
      refused = c == nullptr;
      done = true;
    });
    while (!done) acceptor.run_for(10ms);
  }
  CHECK(refused);

  for (auto& w : workers) w->post([w = w.get()] { w->stop(); });
  for (auto& t : threads) t.join();
  clients.clear();
  accepted.clear();  // after the join: the workers' loops are quiet
}
