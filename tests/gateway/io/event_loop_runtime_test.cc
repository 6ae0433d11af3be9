// The real runtime on loopback: what `gatesim serve` relies on.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "gateway/io/real/event_loop_runtime.h"

using namespace gatesim::io;
using gatesim::io::real::EventLoopRuntime;
using namespace std::chrono_literals;

namespace {

struct Recorder : ConnectionCallbacks {
  std::string received;
  bool ended = false;
  bool drained = false;
  std::optional<CloseReason> closed;
  std::function<void(Connection&, std::string_view)> on_bytes;
  void on_data(Connection& c, std::string_view bytes) override {
    received.append(bytes);
    if (on_bytes) on_bytes(c, bytes);
  }
  void on_end_of_input(Connection& c) override {
    ended = true;
    c.close();
  }
  void on_drained(Connection&) override { drained = true; }
  void on_closed(Connection&, CloseReason reason) override { closed = reason; }
};

}  // namespace

TEST_CASE("timers fire in deadline order, cancel and defer work", "[io]") {
  EventLoopRuntime rt(1);
  std::vector<int> order;
  rt.schedule(20ms, [&] { order.push_back(2); });
  rt.schedule(5ms, [&] { order.push_back(1); });
  const TimerId cancelled = rt.schedule(10ms, [&] { order.push_back(99); });
  rt.cancel(cancelled);
  rt.defer([&] { order.push_back(0); });
  rt.schedule(30ms, [&] { rt.stop(); });
  rt.run_for(2s);
  CHECK(order == std::vector<int>{0, 1, 2});
  CHECK(rt.now() >= 30ms);
}

TEST_CASE("echo over loopback: bytes, half close, orderly close", "[io]") {
  EventLoopRuntime rt(1);
  std::vector<std::unique_ptr<Connection>> accepted;
  Recorder server_side;
  server_side.on_bytes = [](Connection& c, std::string_view bytes) { c.write(bytes); };
  std::string error;
  auto listener = rt.listen(*parse_address("127.0.0.1:0"), [&](std::unique_ptr<Connection> c) {
    c->set_callbacks(&server_side);
    accepted.push_back(std::move(c));
  }, &error);
  REQUIRE(listener != nullptr);
  CHECK(listener->address().port != 0);

  Recorder client_side;
  std::unique_ptr<Connection> client;
  rt.connect(listener->address(), 1s, [&](std::unique_ptr<Connection> c, const std::string& why) {
    REQUIRE(c != nullptr);
    CHECK(why.empty());
    client = std::move(c);
    client->set_callbacks(&client_side);
    client->write("hello ");
    client->write("world");
    client->shutdown_write();
  });
  rt.schedule(1500ms, [&] { rt.stop(); });
  while (!client_side.closed && rt.now() < 1400ms) rt.run_for(20ms);
  CHECK(client_side.received == "hello world");
  CHECK(server_side.ended);
  REQUIRE(client_side.closed);
  CHECK(*client_side.closed == CloseReason::kPeer);
}

TEST_CASE("connect to a closed port fails with a reason", "[io]") {
  EventLoopRuntime rt(1);
  std::string error;
  Address closed_port;
  {
    auto probe = rt.listen(*parse_address("127.0.0.1:0"), [](std::unique_ptr<Connection>) {}, &error);
    closed_port = probe->address();
  }
  std::string why;
  bool done = false;
  rt.connect(closed_port, 1s, [&](std::unique_ptr<Connection> c, const std::string& reason) {
    CHECK(c == nullptr);
    why = reason;
    done = true;
  });
  while (!done && rt.now() < 2s) rt.run_for(20ms);
  CHECK(done);
  CHECK(why == "Connection refused");
}

TEST_CASE("backpressure: a paused reader fills the sender's queue, drained fires after resume", "[io]") {
  EventLoopRuntime rt(1);
  std::unique_ptr<Connection> server;
  Recorder server_side;
  std::string error;
  auto listener = rt.listen(*parse_address("127.0.0.1:0"), [&](std::unique_ptr<Connection> c) {
    server = std::move(c);
    server->set_callbacks(&server_side);
    server->set_reading(false);
  }, &error);
  Recorder client_side;
  std::unique_ptr<Connection> client;
  const std::string block(8 << 20, 'x');
  rt.connect(listener->address(), 1s, [&](std::unique_ptr<Connection> c, const std::string&) {
    client = std::move(c);
    client->set_callbacks(&client_side);
    client->write(block);
  });
  while ((client == nullptr || server == nullptr) && rt.now() < 2s) rt.run_for(10ms);
  rt.run_for(50ms);
  REQUIRE(client != nullptr);
  CHECK(client->pending_bytes() > 0);  // 8 MiB cannot all fit in the kernel buffers
  CHECK_FALSE(client_side.drained);
  server->set_reading(true);
  while (server_side.received.size() < block.size() && rt.now() < 10s) rt.run_for(10ms);
  CHECK(server_side.received.size() == block.size());
  CHECK(client_side.drained);
  CHECK(client->pending_bytes() == 0);
}

TEST_CASE("reset is seen by the peer as a reset", "[io]") {
  EventLoopRuntime rt(1);
  std::unique_ptr<Connection> server;
  Recorder server_side;
  std::string error;
  auto listener = rt.listen(*parse_address("127.0.0.1:0"), [&](std::unique_ptr<Connection> c) {
    server = std::move(c);
    server->set_callbacks(&server_side);
  }, &error);
  Recorder client_side;
  std::unique_ptr<Connection> client;
  rt.connect(listener->address(), 1s, [&](std::unique_ptr<Connection> c, const std::string&) {
    client = std::move(c);
    client->set_callbacks(&client_side);
  });
  while ((client == nullptr || server == nullptr) && rt.now() < 2s) rt.run_for(10ms);
  REQUIRE(server != nullptr);
  server->reset();
  while (!client_side.closed && rt.now() < 2s) rt.run_for(10ms);
  REQUIRE(client_side.closed);
  CHECK(*client_side.closed == CloseReason::kReset);
}
