// The io::Runtime on ns-3: real bytes over simulated TCP, simulated time, and the gateway
// engine running unchanged on a simulated node.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"
#include "gateway/engine/engine.h"
#include "gateway/http/codec_factory.h"
#include "sim/ns3/ns3_world.h"

using namespace gatesim;
using namespace std::chrono_literals;

namespace {

struct Recorder : io::ConnectionCallbacks {
  std::string received;
  std::vector<std::pair<io::TimePoint, std::size_t>> arrivals;
  io::Runtime* runtime = nullptr;
  bool ended = false;
  std::optional<io::CloseReason> closed;
  std::function<void(io::Connection&, std::string_view)> on_bytes;
  void on_data(io::Connection& c, std::string_view bytes) override {
    received.append(bytes);
    if (runtime) arrivals.emplace_back(runtime->now(), bytes.size());
    if (on_bytes) on_bytes(c, bytes);
  }
  void on_end_of_input(io::Connection& c) override {
    ended = true;
    c.close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override { closed = reason; }
};

}  // namespace

TEST_CASE("ns-3: echo with simulated round trips, half close, orderly close", "[sim]") {
  sim::Ns3World world(1);
  world.add_node("client");
  world.add_node("server");
  world.add_link({"client", "server", "100Mbps", 10ms});
  world.finalize();
  const std::string server_ip = world.address_of("server", "client");

  Recorder server_side;
  server_side.on_bytes = [](io::Connection& c, std::string_view b) { c.write(b); };
  std::vector<std::unique_ptr<io::Connection>> accepted;
  std::string error;
  auto listener = world.runtime("server").listen({server_ip, 7}, [&](std::unique_ptr<io::Connection> c) {
    c->set_callbacks(&server_side);
    accepted.push_back(std::move(c));
  }, &error);
  REQUIRE(listener != nullptr);

  Recorder client_side;
  client_side.runtime = &world.runtime("client");
  std::unique_ptr<io::Connection> client;
  io::TimePoint connected_at{};
  world.runtime("client").connect({server_ip, 7}, 1s, [&](std::unique_ptr<io::Connection> c, const std::string& why) {
    REQUIRE(c != nullptr);
    CHECK(why.empty());
    connected_at = world.now();
    client = std::move(c);
    client->set_callbacks(&client_side);
    client->write(std::string(100000, 'e'));  // ~70 segments: slow start over several round trips
    client->shutdown_write();
  });
  world.run_until(5s);
  CHECK(connected_at >= 20ms);
  CHECK(connected_at < 21ms);  // SYN and SYN-ACK: one round trip of 2 x 10 ms
  CHECK(client_side.received == std::string(100000, 'e'));
  REQUIRE_FALSE(client_side.arrivals.empty());
  CHECK(client_side.arrivals.front().first >= 40ms);  // data to the server and back: one more round trip
  CHECK(server_side.ended);
  REQUIRE(client_side.closed);
  CHECK(*client_side.closed == io::CloseReason::kPeer);
}

TEST_CASE("ns-3: connecting to a port nobody listens on is refused", "[sim]") {
  sim::Ns3World world(1);
  world.add_node("a");
  world.add_node("b");
  world.add_link({"a", "b", "1Gbps", 1ms});
  world.finalize();
  std::string why;
  world.runtime("a").connect({world.address_of("b", "a"), 9}, 1s,
                             [&](std::unique_ptr<io::Connection> c, const std::string& reason) {
                               CHECK(c == nullptr);
                               why = reason;
                             });
  world.run_until(2s);
  CHECK(why == "Connection refused");
}

namespace {

// A minimal HTTP/1.1 responder on a simulated node, for the engine test below.
class TinyBackend : public io::ConnectionCallbacks, public http::ServerCodecCallbacks {
 public:
  explicit TinyBackend(std::unique_ptr<io::Connection> c) : connection_(std::move(c)) {
    connection_->set_callbacks(this);
    codec_ = http::make_server_codec(http::Version::kHttp11, *this, {}, false);
  }
  void on_data(io::Connection&, std::string_view b) override {
    codec_->receive(b);
    if (codec_->has_output()) connection_->write(codec_->take_output());
  }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {}
  void on_request_head(http::StreamId id, http::RequestHead head, bool) override {
    http::ResponseHead r;
    r.status = 200;
    const std::string body = "hello " + head.path;
    r.content_length = body.size();
    codec_->send_response_head(id, r, false);
    codec_->send_response_data(id, body, true);
  }
  void on_request_data(http::StreamId, std::string_view, bool) override {}
  void on_request_trailers(http::StreamId, http::HeaderList) override {}
  void on_stream_reset(http::StreamId, http::ResetReason) override {}
  void on_codec_error(http::CodecError, std::string_view) override {}

 private:
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<http::ServerCodec> codec_;
};

struct TinyClient : io::ConnectionCallbacks, http::ClientCodecCallbacks {
  std::unique_ptr<io::Connection> connection;
  std::unique_ptr<http::ClientCodec> codec;
  int status = 0;
  std::string body;
  io::TimePoint done_at{};
  io::Runtime* runtime = nullptr;
  void on_data(io::Connection&, std::string_view b) override { codec->receive(b); }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {}
  void on_response_head(http::StreamId, http::ResponseHead head, bool) override { status = head.status; }
  void on_response_data(http::StreamId, std::string_view data, bool end) override {
    body.append(data);
    if (end) done_at = runtime->now();
  }
  void on_response_trailers(http::StreamId, http::HeaderList) override {}
  void on_stream_reset(http::StreamId, http::ResetReason) override {}
  void on_codec_error(http::CodecError, std::string_view) override {}
};

}  // namespace

TEST_CASE("ns-3: the gateway engine proxies HTTP between simulated nodes", "[sim]") {
  sim::Ns3World world(7);
  world.add_node("client");
  world.add_node("gateway");
  world.add_node("backend");
  world.add_link({"client", "gateway", "100Mbps", 10ms});
  world.add_link({"gateway", "backend", "1Gbps", 1ms});
  world.finalize();
  const std::string backend_ip = world.address_of("backend", "gateway");
  const std::string gateway_ip = world.address_of("gateway", "client");

  std::vector<std::unique_ptr<TinyBackend>> backends;
  std::string error;
  auto backend_listener = world.runtime("backend").listen({backend_ip, 8080}, [&](std::unique_ptr<io::Connection> c) {
    backends.push_back(std::make_unique<TinyBackend>(std::move(c)));
  }, &error);
  REQUIRE(backend_listener != nullptr);

  const config::PipelineResult cfg = config::run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http: [{route: [{destination: {host: web.internal, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web}
spec:
  hosts: [web.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: )" + backend_ip + R"(, ports: {http: 8080}}]
)", "sim.yaml");
  REQUIRE_FALSE(cfg.diagnostics.has_errors());
  engine::EngineOptions options;
  options.listen_ip = gateway_ip;
  std::vector<engine::AccessLogEntry> log;
  options.access_log = [&](const engine::AccessLogEntry& e) { log.push_back(e); };
  engine::Engine gateway(world.runtime("gateway"), options);
  REQUIRE(gateway.apply(cfg.snapshot, &error));

  TinyClient client;
  client.runtime = &world.runtime("client");
  world.runtime("client").connect({gateway_ip, 80}, 1s, [&](std::unique_ptr<io::Connection> c, const std::string&) {
    REQUIRE(c != nullptr);
    client.connection = std::move(c);
    client.connection->set_callbacks(&client);
    client.codec = http::make_client_codec(http::Version::kHttp11, client, {});
    http::RequestHead head;
    head.method = "GET";
    head.path = "/cart";
    head.authority = "shop.example.com";
    client.codec->send_request_head(head, true);
    client.connection->write(client.codec->take_output());
  });
  world.run_until(5s);
  CHECK(client.status == 200);
  CHECK(client.body == "hello /cart");
  // client<->gateway RTT 20 ms: connect (1 RTT) + request/response (1 RTT); gateway<->backend
  // RTT 2 ms: connect + request/response. Plus serialisation: about 44 ms in all.
  CHECK(client.done_at >= 44ms);
  CHECK(client.done_at < 46ms);
  REQUIRE(log.size() == 1);
  CHECK(log[0].response_code == 200);
  CHECK(log[0].upstream_host == backend_ip + ":8080");
}
