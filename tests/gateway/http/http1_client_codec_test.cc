#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/http1_client_codec.h"

namespace gatesim::http {
namespace {

// Every parse test feeds the same bytes whole, one byte at a time and in seeded random chunks,
// and requires the same results.
enum class Feed { kWhole, kBytewise, kRandomA, kRandomB, kRandomC };
constexpr Feed kAllFeeds[] = {Feed::kWhole, Feed::kBytewise, Feed::kRandomA, Feed::kRandomB, Feed::kRandomC};

std::vector<std::string_view> split(std::string_view input, Feed feed) {
  std::vector<std::string_view> pieces;
  if (feed == Feed::kWhole) return {input};
  std::mt19937 rng(feed == Feed::kRandomA ? 3u : feed == Feed::kRandomB ? 11u : 4242u);
  std::uniform_int_distribution<std::size_t> size(1, 19);
  while (!input.empty()) {
    const std::size_t n = feed == Feed::kBytewise ? 1 : std::min(size(rng), input.size());
    pieces.push_back(input.substr(0, n));
    input.remove_prefix(n);
  }
  return pieces;
}

std::string fields(const HeaderList& headers) {
  std::string out;
  for (const HeaderField& h : headers) out += "[" + h.name + ": " + h.value + "]";
  return out;
}

struct ClientHarness : ClientCodecCallbacks {
  explicit ClientHarness(CodecLimits limits = {}) : codec(*this, limits) {}

  void on_response_head(StreamId id, ResponseHead head, bool end_stream) override {
    events.push_back("head " + std::to_string(id) + " " + std::string(to_string(head.version)) + " " +
                     std::to_string(head.status) +
                     " cl=" + (head.content_length ? std::to_string(*head.content_length) : "-") +
                     (end_stream ? " end " : " ") + fields(head.headers));
    if (end_stream && on_end) on_end(id);
  }
  void on_response_data(StreamId id, std::string_view data, bool end_stream) override {
    const std::string prefix = "data " + std::to_string(id) + " ";
    // Data is merged: its segmentation follows the input's, the byte stream must not.
    if (!events.empty() && events.back().rfind(prefix, 0) == 0 && !data_ended) {
      events.back().insert(events.back().size() - 1, data);
    } else {
      events.push_back(prefix + "'" + std::string(data) + "'");
    }
    data_ended = end_stream;
    if (end_stream) {
      events.back() += " end";
      data_ended = false;
      if (on_end) on_end(id);
    }
  }
  void on_response_trailers(StreamId id, HeaderList trailers) override {
    events.push_back("trailers " + std::to_string(id) + " " + fields(trailers));
    if (on_end) on_end(id);
  }
  void on_stream_reset(StreamId id, ResetReason reason) override {
    events.push_back("reset " + std::to_string(id) + " " + std::string(to_string(reason)));
  }
  void on_codec_error(CodecError error, std::string_view /*detail*/) override {
    events.push_back("error " + std::string(to_string(error)));
  }

  void feed(std::string_view input, Feed how) {
    for (std::string_view piece : split(input, how)) codec.receive(piece);
  }

  Http1ClientCodec codec;
  std::vector<std::string> events;
  bool data_ended = false;
  std::function<void(StreamId)> on_end;
};

RequestHead get(std::string path = "/", std::string method = "GET") {
  RequestHead head;
  head.method = std::move(method);
  head.authority = "backend.example";
  head.path = std::move(path);
  return head;
}

struct ClientRun {
  std::vector<std::string> events;
  bool wants_close = false;
  bool can_start = false;
};

using Step = std::function<void(ClientHarness&)>;

// `before` starts the request(s); the response bytes are then fed; `after` may signal EOF.
ClientRun parse_all_ways(const Step& before, std::string_view response, const Step& after = {}) {
  ClientRun first;
  for (Feed how : kAllFeeds) {
    ClientHarness h;
    before(h);
    h.feed(response, how);
    if (after) after(h);
    ClientRun run{h.events, h.codec.wants_close(), h.codec.can_start_stream()};
    if (how == Feed::kWhole) {
      first = run;
      continue;
    }
    CAPTURE(static_cast<int>(how));
    REQUIRE(run.events == first.events);
    REQUIRE(run.wants_close == first.wants_close);
    REQUIRE(run.can_start == first.can_start);
  }
  return first;
}

Step send(RequestHead head) {
  return [head](ClientHarness& h) { REQUIRE(h.codec.send_request_head(head, true) == 1); };
}

void eof(ClientHarness& h) { h.codec.receive_eof(); }

}  // namespace

TEST_CASE("http1 client: request serialisation", "[http1]") {
  ClientHarness h;
  SECTION("a GET without body: request line, host first, no length") {
    RequestHead head = get("/a?b=1");
    head.headers = {{"accept", "*/*"},        {"connection", "keep-alive, x-hop"}, {"x-hop", "1"},
                    {"keep-alive", "300"},     {"host", "spoofed"},                 {"content-length", "9"},
                    {"transfer-encoding", "gzip"}, {"upgrade", "h2c"},               {"te", "trailers"},
                    {"X-Mixed-Case", "v"}};
    REQUIRE(h.codec.send_request_head(head, true) == 1);
    CHECK(h.codec.take_output() ==
          "GET /a?b=1 HTTP/1.1\r\nhost: backend.example\r\naccept: */*\r\nte: trailers\r\nx-mixed-case: v\r\n\r\n");
  }
  SECTION("a known length") {
    RequestHead head = get("/u", "POST");
    head.content_length = 5;
    const StreamId id = h.codec.send_request_head(head, false);
    h.codec.send_request_data(id, "hello", true);
    CHECK(h.codec.take_output() == "POST /u HTTP/1.1\r\nhost: backend.example\r\ncontent-length: 5\r\n\r\nhello");
  }
  SECTION("an unknown length: chunked, with trailers") {
    const StreamId id = h.codec.send_request_head(get("/s", "PUT"), false);
    h.codec.send_request_data(id, "abc", false);
    h.codec.send_request_data(id, std::string(17, 'x'), false);
    h.codec.send_request_trailers(id, {{"x-checksum", "1"}});
    CHECK(h.codec.take_output() ==
          "PUT /s HTTP/1.1\r\nhost: backend.example\r\ntransfer-encoding: chunked\r\n\r\n"
          "3\r\nabc\r\n11\r\nxxxxxxxxxxxxxxxxx\r\n0\r\nx-checksum: 1\r\n\r\n");
  }
  SECTION("an empty POST announces content-length: 0") {
    REQUIRE(h.codec.send_request_head(get("/e", "POST"), true) == 1);
    CHECK(h.codec.take_output() == "POST /e HTTP/1.1\r\nhost: backend.example\r\ncontent-length: 0\r\n\r\n");
  }
  SECTION("an empty path is sent as /, an empty authority as an empty Host") {
    RequestHead head = get("");
    head.authority.clear();
    REQUIRE(h.codec.send_request_head(head, true) == 1);
    CHECK(h.codec.take_output() == "GET / HTTP/1.1\r\nhost: \r\n\r\n");
  }
  SECTION("heads that would break the request line are refused") {
    CHECK(h.codec.send_request_head(get("/a b"), true) == 0);
    CHECK(h.codec.send_request_head(get("/a\r\nX: y"), true) == 0);
    CHECK(h.codec.send_request_head(get("/", "GE T"), true) == 0);
    RequestHead head = get();
    head.authority = "a\r\nb";
    CHECK(h.codec.send_request_head(head, true) == 0);
    CHECK_FALSE(h.codec.has_output());
    CHECK(h.codec.can_start_stream());
  }
}

TEST_CASE("http1 client: one request at a time", "[http1]") {
  ClientHarness h;
  REQUIRE(h.codec.send_request_head(get("/1"), true) == 1);
  CHECK_FALSE(h.codec.can_start_stream());
  CHECK(h.codec.send_request_head(get("/2"), true) == 0);
  CHECK(h.codec.open_streams() == 1);
  h.codec.take_output();
  h.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", Feed::kWhole);
  CHECK(h.codec.can_start_stream());
  CHECK(h.codec.open_streams() == 0);
  CHECK(h.codec.send_request_head(get("/2"), true) == 3);
}

TEST_CASE("http1 client: the next request can start from inside the final callback", "[http1]") {
  ClientHarness h;
  StreamId next = 0;
  h.on_end = [&](StreamId) {
    if (next == 0) next = h.codec.send_request_head(get("/next"), true);
  };
  REQUIRE(h.codec.send_request_head(get("/1"), true) == 1);
  h.codec.take_output();
  h.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", Feed::kWhole);
  CHECK(next == 3);
  CHECK(h.codec.take_output() == "GET /next HTTP/1.1\r\nhost: backend.example\r\n\r\n");
  h.feed("HTTP/1.1 204 No Content\r\n\r\n", Feed::kWhole);
  CHECK(h.events.back() == "head 3 HTTP/1.1 204 cl=- end ");
}

TEST_CASE("http1 client: content-length response", "[http1]") {
  const ClientRun run = parse_all_ways(
      send(get()), "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nServer: up\r\nConnection: X-Trace\r\nX-Trace: 1\r\n"
                   "Keep-Alive: timeout=5\r\n\r\nhello world");
  CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=11 [server: up]", "data 1 'hello world' end"});
  CHECK_FALSE(run.wants_close);
  CHECK(run.can_start);
}

TEST_CASE("http1 client: chunked response with extensions and trailers", "[http1]") {
  const ClientRun run = parse_all_ways(
      send(get()),
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/grpc\r\n\r\n"
      "4;ext=1\r\nping\r\n1\r\n!\r\n0\r\ngrpc-status: 0\r\ngrpc-message: fine\r\n\r\n");
  CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=- [content-type: application/grpc]",
                                               "data 1 'ping!'", "trailers 1 [grpc-status: 0][grpc-message: fine]"});
  CHECK(run.can_start);
}

TEST_CASE("http1 client: close-delimited response ends at EOF", "[http1]") {
  SECTION("no length, no chunked") {
    const ClientRun run = parse_all_ways(send(get()), "HTTP/1.1 200 OK\r\nX: y\r\n\r\nuntil the end", eof);
    CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=- [x: y]", "data 1 'until the end' end"});
    CHECK(run.wants_close);
    CHECK_FALSE(run.can_start);
  }
  SECTION("a transfer-coding other than chunked last") {
    const ClientRun run = parse_all_ways(send(get()), "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b", eof);
    CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=- ", "data 1 '\x1f\x8b' end"});
  }
  SECTION("not complete before the EOF") {
    ClientHarness h;
    send(get())(h);
    h.feed("HTTP/1.1 200 OK\r\n\r\npartial", Feed::kWhole);
    CHECK(h.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=- ", "data 1 'partial'"});
    CHECK_FALSE(h.codec.wants_close());
  }
}

TEST_CASE("http1 client: HEAD responses have no body", "[http1]") {
  const ClientRun run = parse_all_ways(
      [](ClientHarness& h) {
        REQUIRE(h.codec.send_request_head(get("/f", "HEAD"), true) == 1);
        h.on_end = [&h](StreamId id) {
          if (id == 1) REQUIRE(h.codec.send_request_head(get("/g"), true) == 3);
        };
      },
      // The HEAD answer announces 1234 bytes and chunked; neither follows. Then the GET's answer.
      "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=1234 end ", "head 3 HTTP/1.1 200 cl=2 ",
                                               "data 3 'ok' end"});
  CHECK(run.can_start);
}

TEST_CASE("http1 client: 204 and 304 responses have no body", "[http1]") {
  const ClientRun run = parse_all_ways(
      [](ClientHarness& h) {
        REQUIRE(h.codec.send_request_head(get("/a", "DELETE"), true) == 1);
        h.on_end = [&h](StreamId id) {
          if (id == 1) REQUIRE(h.codec.send_request_head(get("/b"), true) == 3);
          if (id == 3) REQUIRE(h.codec.send_request_head(get("/c"), true) == 5);
        };
      },
      "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nETag: \"x\"\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!");
  CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 204 cl=5 end ", "head 3 HTTP/1.1 304 cl=- end [etag: \"x\"]",
                                               "head 5 HTTP/1.1 200 cl=1 ", "data 5 '!' end"});
}

TEST_CASE("http1 client: interim responses are skipped", "[http1]") {
  const ClientRun run = parse_all_ways(send(get("/p", "POST")),
                                       "HTTP/1.1 100 Continue\r\n\r\n"
                                       "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                                       "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 201 cl=0 end "});
  CHECK(run.can_start);
}

TEST_CASE("http1 client: connection persistence", "[http1]") {
  SECTION("Connection: close") {
    const ClientRun run =
        parse_all_ways(send(get()), "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=2 ", "data 1 'ok' end"});
    CHECK(run.wants_close);
    CHECK_FALSE(run.can_start);
  }
  SECTION("HTTP/1.0 closes by default") {
    const ClientRun run = parse_all_ways(send(get()), "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.0 200 cl=2 ", "data 1 'ok' end"});
    CHECK(run.wants_close);
  }
  SECTION("HTTP/1.0 with keep-alive persists") {
    const ClientRun run =
        parse_all_ways(send(get()), "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
    CHECK_FALSE(run.wants_close);
    CHECK(run.can_start);
  }
}

TEST_CASE("http1 client: EOF with the response incomplete resets the stream", "[http1]") {
  SECTION("in the body") {
    const ClientRun run = parse_all_ways(send(get()), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", eof);
    CHECK(run.events == std::vector<std::string>{"head 1 HTTP/1.1 200 cl=10 ", "data 1 'abc'", "reset 1 connection_closed"});
    CHECK(run.wants_close);
  }
  SECTION("before any response") {
    const ClientRun run = parse_all_ways(send(get()), "", eof);
    CHECK(run.events == std::vector<std::string>{"reset 1 connection_closed"});
  }
  SECTION("an idle connection just closes") {
    ClientHarness h;
    h.codec.receive_eof();
    CHECK(h.events.empty());
    CHECK(h.codec.wants_close());
    CHECK_FALSE(h.codec.can_start_stream());
  }
}

TEST_CASE("http1 client: a response before the request is fully sent ends the connection", "[http1]") {
  ClientHarness h;
  RequestHead head = get("/upload", "POST");
  head.content_length = 100;
  const StreamId id = h.codec.send_request_head(head, false);
  h.codec.send_request_data(id, "first part", false);
  h.codec.take_output();
  h.feed("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n", Feed::kWhole);
  CHECK(h.events == std::vector<std::string>{"head 1 HTTP/1.1 413 cl=0 end "});
  CHECK(h.codec.wants_close());
  h.codec.send_request_data(id, "rest", true);
  CHECK_FALSE(h.codec.has_output());
}

TEST_CASE("http1 client: reset_stream gives up the connection", "[http1]") {
  ClientHarness h;
  const StreamId id = h.codec.send_request_head(get(), true);
  h.codec.reset_stream(id, ResetReason::kCancel);
  CHECK(h.codec.wants_close());
  CHECK(h.codec.open_streams() == 0);
  h.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", Feed::kWhole);
  CHECK(h.events.empty());
}

TEST_CASE("http1 client: malformed responses", "[http1]") {
  struct Case {
    const char* name;
    std::string response;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"content-length with chunked",
       "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "malformed"},
      {"two content-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "malformed"},
      {"not HTTP", "SSH-2.0-OpenSSH\r\n", "malformed"},
      {"101 without an upgrade request", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
       "malformed"},
      {"bad chunk framing", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXY0\r\n\r\n", "malformed"},
      {"field name with a space", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", "malformed"},
      {"header section too large", "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'b') + "\r\n\r\n",
       "headers_too_large"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const ClientRun run = parse_all_ways(send(get()), c.response);
      REQUIRE(run.events.size() >= 2);
      CHECK(run.events[run.events.size() - 2] == "reset 1 protocol_error");
      CHECK(run.events.back() == "error " + c.error);
      CHECK(run.wants_close);
      CHECK_FALSE(run.can_start);
    }
  }
}

TEST_CASE("http1 client: a response with no request in flight is an error", "[http1]") {
  ClientHarness h;
  h.feed("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n", Feed::kWhole);
  CHECK(h.events == std::vector<std::string>{"error malformed"});
  CHECK(h.codec.wants_close());
}

}  // namespace gatesim::http
