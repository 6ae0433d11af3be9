#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/http1_client_codec.h"
#include "gateway/http/http1_server_codec.h"

namespace gatesim::http {
namespace {

// Every parse test feeds the same bytes whole, one byte at a time and in seeded random chunks:
// a codec whose results depend on how TCP happened to segment the stream is broken.
enum class Feed { kWhole, kBytewise, kRandomA, kRandomB, kRandomC };
constexpr Feed kAllFeeds[] = {Feed::kWhole, Feed::kBytewise, Feed::kRandomA, Feed::kRandomB, Feed::kRandomC};

std::vector<std::string_view> split(std::string_view input, Feed feed) {
  std::vector<std::string_view> pieces;
  if (feed == Feed::kWhole) return {input};
  std::mt19937 rng(feed == Feed::kRandomA ? 1u : feed == Feed::kRandomB ? 7u : 2024u);
  std::uniform_int_distribution<std::size_t> size(1, 23);
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

// Records what the application sees; reactions let a test answer from inside the callbacks.
struct ServerHarness : ServerCodecCallbacks {
  explicit ServerHarness(CodecLimits limits = {}, bool tls = false) : codec(*this, limits, tls) {}

  void on_request_head(StreamId id, RequestHead head, bool end_stream) override {
    std::string text = head.method + " " + head.scheme + " " + head.authority + " " + head.path + " " +
                       std::string(to_string(head.version)) +
                       " cl=" + (head.content_length ? std::to_string(*head.content_length) : "-") +
                       " expect=" + (head.expect_continue ? "1" : "0") + (end_stream ? " end " : " ") +
                       fields(head.headers);
    events.push_back("head " + std::to_string(id) + " " + text);
    heads.push_back(id);
    if (on_head) on_head(id, head, end_stream);
    if (end_stream && on_end) on_end(id);
  }
  void on_request_data(StreamId id, std::string_view data, bool end_stream) override {
    const std::string prefix = "data " + std::to_string(id) + " ";
    // Chunk boundaries depend on the input's segmentation; the byte stream must not.
    if (!events.empty() && events.back().rfind(prefix, 0) == 0 && !ended_data) {
      events.back().insert(events.back().size() - 1, data);
    } else {
      events.push_back(prefix + "'" + std::string(data) + "'");
    }
    ended_data = end_stream;
    if (end_stream) {
      events.back() += " end";
      ended_data = false;
      if (on_end) on_end(id);
    }
  }
  void on_request_trailers(StreamId id, HeaderList trailers) override {
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
    for (std::string_view piece : split(input, how)) {
      codec.receive(piece);
      output += codec.take_output();
    }
  }
  void respond(StreamId id, int status, std::string body, HeaderList headers = {}) {
    ResponseHead head;
    head.status = status;
    head.headers = std::move(headers);
    head.content_length = body.size();
    codec.send_response_head(id, head, body.empty());
    if (!body.empty()) codec.send_response_data(id, body, true);
    output += codec.take_output();
  }

  Http1ServerCodec codec;
  std::vector<std::string> events;
  std::vector<StreamId> heads;
  std::string output;
  bool ended_data = false;
  std::function<void(StreamId, const RequestHead&, bool)> on_head;
  std::function<void(StreamId)> on_end;
};

struct ServerRun {
  std::vector<std::string> events;
  std::string output;
  bool wants_close = false;
  std::size_t open_streams = 0;
};

using Setup = std::function<void(ServerHarness&)>;

ServerRun run_server(std::string_view input, Feed how, const Setup& setup, const Setup& after, CodecLimits limits,
                     bool tls) {
  ServerHarness h(limits, tls);
  if (setup) setup(h);
  h.feed(input, how);
  if (after) after(h);
  h.output += h.codec.take_output();
  return {h.events, h.output, h.codec.wants_close(), h.codec.open_streams()};
}

// Runs every feed and requires identical observable results; returns them.
ServerRun parse_all_ways(std::string_view input, const Setup& setup = {}, const Setup& after = {},
                         CodecLimits limits = {}, bool tls = false) {
  const ServerRun whole = run_server(input, Feed::kWhole, setup, after, limits, tls);
  for (Feed how : kAllFeeds) {
    const ServerRun other = run_server(input, how, setup, after, limits, tls);
    CAPTURE(static_cast<int>(how));
    REQUIRE(other.events == whole.events);
    REQUIRE(other.output == whole.output);
    REQUIRE(other.wants_close == whole.wants_close);
    REQUIRE(other.open_streams == whole.open_streams);
  }
  return whole;
}

// Answers each request with 200 "ok" as soon as it is complete.
void answer_on_end(ServerHarness& h) {
  h.on_end = [&h](StreamId id) { h.respond(id, 200, "ok"); };
}

constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

}  // namespace

TEST_CASE("http1 server: a GET becomes a request head and keeps the connection", "[http1]") {
  const ServerRun run = parse_all_ways("GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nX-Two: 1\r\nx-two: 2\r\n\r\n",
                                       answer_on_end);
  REQUIRE(run.events == std::vector<std::string>{
                            "head 1 GET http example.com /a/b?x=1 HTTP/1.1 cl=- expect=0 end [user-agent: t][x-two: 1][x-two: 2]"});
  CHECK(run.output == kOk);
  CHECK_FALSE(run.wants_close);
  CHECK(run.open_streams == 0);
}

TEST_CASE("http1 server: TLS connections report https, field values lose surrounding whitespace", "[http1]") {
  const ServerRun run = parse_all_ways("GET / HTTP/1.1\r\nHost: a.example:8443\r\nX-Pad: \t v a l \t\r\n\r\n", {}, {}, {}, true);
  REQUIRE(run.events == std::vector<std::string>{"head 1 GET https a.example:8443 / HTTP/1.1 cl=- expect=0 end [x-pad: v a l]"});
}

TEST_CASE("http1 server: absolute-form target overrides Host", "[http1]") {
  const ServerRun run = parse_all_ways("GET http://origin.example:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n");
  REQUIRE(run.events == std::vector<std::string>{"head 1 GET http origin.example:8080 /p?q HTTP/1.1 cl=- expect=0 end "});
}

TEST_CASE("http1 server: content-length body is delivered with its end", "[http1]") {
  const ServerRun run = parse_all_ways("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world", answer_on_end);
  REQUIRE(run.events == std::vector<std::string>{"head 1 POST http h /up HTTP/1.1 cl=11 expect=0 ",
                                                 "data 1 'hello world' end"});
  CHECK(run.output == kOk);
}

TEST_CASE("http1 server: chunked body with extensions and trailers", "[http1]") {
  const ServerRun run = parse_all_ways(
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
      "5;name=value\r\nhello\r\n6;q=\"a;b\"\r\n world\r\n0;last\r\nX-Checksum: abc\r\nContent-Length: 99\r\n\r\n",
      answer_on_end);
  REQUIRE(run.events == std::vector<std::string>{"head 1 POST http h /c HTTP/1.1 cl=- expect=0 [te: trailers]",
                                                 "data 1 'hello world'", "trailers 1 [x-checksum: abc]"});
  CHECK(run.output == kOk);
}

TEST_CASE("http1 server: chunked body without trailers ends with empty data", "[http1]") {
  const ServerRun run = parse_all_ways("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  REQUIRE(run.events == std::vector<std::string>{"head 1 PUT http h / HTTP/1.1 cl=- expect=0 ", "data 1 'abc' end"});
  CHECK(run.open_streams == 1);  // answered by nobody yet
}

TEST_CASE("http1 server: request body bytes reach the application as they arrive", "[http1]") {
  ServerHarness h;
  h.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc", Feed::kWhole);
  REQUIRE(h.events == std::vector<std::string>{"head 1 POST http h / HTTP/1.1 cl=10 expect=0 ", "data 1 'abc'"});
  h.feed("defghij", Feed::kWhole);
  CHECK(h.events.back() == "data 1 'abcdefghij' end");
}

TEST_CASE("http1 server: pipelined requests are all parsed and answered in request order", "[http1]") {
  const std::string input =
      "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "GET /5 HTTP/1.1\r\nHost: h\r\n\r\n";
  // The application answers the last request first, then the first, then the middle one.
  const ServerRun run = parse_all_ways(input, {}, [](ServerHarness& h) {
    REQUIRE(h.heads == std::vector<StreamId>{1, 3, 5});
    h.respond(5, 200, "five");
    CHECK(h.output.empty());  // held: responses leave in request order (RFC 9112 9.3.2)
    h.respond(1, 200, "one");
    CHECK(h.output == "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none");
    h.respond(3, 201, "three");
  });
  REQUIRE(run.events == std::vector<std::string>{"head 1 GET http h /1 HTTP/1.1 cl=- expect=0 end ",
                                                 "head 3 POST http h /3 HTTP/1.1 cl=3 expect=0 ", "data 3 'abc' end",
                                                 "head 5 GET http h /5 HTTP/1.1 cl=- expect=0 end "});
  CHECK(run.output ==
        "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none"
        "HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nthree"
        "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nfive");
  CHECK_FALSE(run.wants_close);
  CHECK(run.open_streams == 0);
}

TEST_CASE("http1 server: a response sent from inside on_request_head is written at once", "[http1]") {
  const ServerRun run = parse_all_ways(
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
      [](ServerHarness& h) { h.on_head = [&h](StreamId id, const RequestHead&, bool) { h.respond(id, 200, "ok"); }; });
  CHECK(run.output == std::string(kOk) + std::string(kOk));
  CHECK(run.open_streams == 0);
}

TEST_CASE("http1 server: pipelining deeper than max_concurrent_streams holds the rest of the input", "[http1]") {
  CodecLimits limits;
  limits.max_concurrent_streams = 2;
  std::string input;
  for (int i = 0; i < 4; ++i) input += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
  const ServerRun run = parse_all_ways(
      input, {},
      [](ServerHarness& h) {
        REQUIRE(h.heads == std::vector<StreamId>{1, 3});
        CHECK(h.codec.input_held());
        h.respond(1, 200, "ok");  // frees a place: request 5 is parsed from the held input
        REQUIRE(h.heads == std::vector<StreamId>{1, 3, 5});
        h.respond(3, 200, "ok");
        h.respond(5, 200, "ok");
        h.respond(7, 200, "ok");
        CHECK_FALSE(h.codec.input_held());
      },
      limits);
  CHECK(run.output == std::string(kOk) + std::string(kOk) + std::string(kOk) + std::string(kOk));
}

TEST_CASE("http1 server: response framing", "[http1]") {
  ServerHarness h;
  h.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);

  SECTION("no content-length on HTTP/1.1: chunked, with trailers") {
    ResponseHead head;
    head.headers = {{"content-type", "application/grpc"}};
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "hello", false);
    h.codec.send_response_data(1, "", false);  // must not end the chunked body
    h.codec.send_response_trailers(1, {{"grpc-status", "0"}, {"content-length", "3"}});
    CHECK(h.codec.take_output() ==
          "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: application/grpc\r\n\r\n"
          "5\r\nhello\r\n0\r\ngrpc-status: 0\r\n\r\n");
    CHECK_FALSE(h.codec.wants_close());
  }
  SECTION("end_stream on the head: content-length 0") {
    ResponseHead head;
    head.status = 404;
    h.codec.send_response_head(1, head, true);
    CHECK(h.codec.take_output() == "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
  }
  SECTION("a body shorter than its content-length closes the connection") {
    ResponseHead head;
    head.content_length = 10;
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "abc", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc");
    CHECK(h.codec.wants_close());
  }
  SECTION("bytes past the content-length are dropped") {
    ResponseHead head;
    head.content_length = 2;
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "okEXTRA", true);
    CHECK(h.codec.take_output() == kOk);
    CHECK_FALSE(h.codec.wants_close());
  }
  SECTION("hop-by-hop and framing fields of the application are not written") {
    ResponseHead head;
    head.content_length = 2;
    head.headers = {{"connection", "x-hop"}, {"x-hop", "1"},         {"keep-alive", "timeout=5"},
                    {"transfer-encoding", "chunked"}, {"Content-Length", "7"}, {"upgrade", "h2c"},
                    {"x-bad", "a\r\nb"},   {"server", "gatesim"}};
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "ok", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nserver: gatesim\r\n\r\nok");
  }
}

TEST_CASE("http1 server: HEAD, 204 and 304 responses have no body", "[http1]") {
  SECTION("HEAD keeps the announced length but sends no bytes") {
    ServerHarness h;
    h.feed("HEAD /f HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);
    ResponseHead head;
    head.content_length = 1234;
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "ignored", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n");
    CHECK_FALSE(h.codec.wants_close());
  }
  SECTION("204 never carries content-length") {
    ServerHarness h;
    h.feed("DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);
    ResponseHead head;
    head.status = 204;
    head.content_length = 5;
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "nope", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 204 No Content\r\n\r\n");
  }
  SECTION("304 without a body, even when chunked would otherwise be chosen") {
    ServerHarness h;
    h.feed("GET /x HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);
    ResponseHead head;
    head.status = 304;
    h.codec.send_response_head(1, head, false);
    h.codec.send_response_data(1, "", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 304 Not Modified\r\n\r\n");
  }
}

TEST_CASE("http1 server: HTTP/1.0", "[http1]") {
  SECTION("closes by default; unknown length is delimited by the close") {
    const ServerRun run = parse_all_ways("GET /old HTTP/1.0\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n", {}, [](ServerHarness& h) {
      ResponseHead head;
      h.codec.send_response_head(1, head, false);
      h.codec.send_response_data(1, "body", true);
      h.output += h.codec.take_output();
    });
    // The second request comes after a message without keep-alive: not processed (RFC 9112 9.6).
    REQUIRE(run.events == std::vector<std::string>{"head 1 GET http  /old HTTP/1.0 cl=- expect=0 end "});
    CHECK(run.output == "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nbody");
    CHECK(run.wants_close);
  }
  SECTION("keep-alive is honoured with a known length") {
    const ServerRun run =
        parse_all_ways("GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                       answer_on_end);
    const std::string reply = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok";
    CHECK(run.output == reply + reply);
    CHECK_FALSE(run.wants_close);
  }
  SECTION("keep-alive but unknown length: close-delimited after all") {
    ServerHarness h;
    h.feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", Feed::kWhole);
    h.codec.send_response_head(1, ResponseHead{}, false);
    h.codec.send_response_data(1, "x", true);
    CHECK(h.codec.take_output() == "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nx");
    CHECK(h.codec.wants_close());
  }
  SECTION("no interim responses to an HTTP/1.0 client") {
    ServerHarness h;
    h.feed("POST / HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n", Feed::kWhole);
    // The expectation is ignored (RFC 9110 10.1.1) and not passed on.
    CHECK(h.events == std::vector<std::string>{"head 1 POST http  / HTTP/1.0 cl=2 expect=0 "});
    h.codec.send_continue(1);
    CHECK_FALSE(h.codec.has_output());
  }
}

TEST_CASE("http1 server: Connection: close is honoured", "[http1]") {
  const ServerRun run = parse_all_ways(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n", answer_on_end);
  REQUIRE(run.events.size() == 1);
  CHECK(run.output == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
  CHECK(run.wants_close);
}

TEST_CASE("http1 server: Expect: 100-continue", "[http1]") {
  SECTION("the application lets the body come") {
    ServerHarness h;
    h.feed("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-Continue\r\n\r\n", Feed::kBytewise);
    REQUIRE(h.events == std::vector<std::string>{"head 1 PUT http h /big HTTP/1.1 cl=4 expect=1 "});
    h.codec.send_continue(1);
    CHECK(h.codec.take_output() == "HTTP/1.1 100 Continue\r\n\r\n");
    h.codec.send_continue(1);  // once only
    CHECK_FALSE(h.codec.has_output());
    h.feed("data", Feed::kBytewise);
    CHECK(h.events.back() == "data 1 'data' end");
    h.respond(1, 200, "ok");
    CHECK(h.output == kOk);
    CHECK_FALSE(h.codec.wants_close());
  }
  SECTION("a final answer instead of 100 closes the connection") {
    ServerHarness h;
    h.feed("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n", Feed::kWhole);
    h.respond(1, 413, "");
    CHECK(h.output == "HTTP/1.1 413 Content Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    CHECK(h.codec.wants_close());
    CHECK(h.events.back() == "reset 1 connection_closed");  // the body will never be read
  }
}

TEST_CASE("http1 server: hop-by-hop fields are consumed", "[http1]") {
  const ServerRun run = parse_all_ways(
      "POST / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
      "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nTE: deflate, trailers\r\nTransfer-Encoding: chunked\r\n"
      "Accept: */*\r\n\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\nTE: gzip\r\n\r\n");
  REQUIRE(run.events == std::vector<std::string>{"head 1 POST http h / HTTP/1.1 cl=- expect=0 [accept: */*][te: trailers]",
                                                 "data 1 '' end", "head 3 GET http h /next HTTP/1.1 cl=- expect=0 end "});
}

TEST_CASE("http1 server: requests the codec refuses itself", "[http1]") {
  struct Case {
    const char* name;
    std::string input;
    std::string status_line;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"garbage request line", "HELLO\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"invalid Host", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"content-length and transfer-encoding",
       "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"transfer-encoding then content-length",
       "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"two differing content-lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"two equal content-lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"content-length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc", "HTTP/1.1 400 Bad Request",
       "malformed"},
      {"non-numeric content-length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"unknown transfer-coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
       "HTTP/1.1 501 Not Implemented", "malformed"},
      {"transfer-encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      {"whitespace before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"obsolete line folding", "GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n b\r\n\r\n", "HTTP/1.1 400 Bad Request",
       "malformed"},
      {"control character in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n", "HTTP/1.1 400 Bad Request",
       "malformed"},
      {"non-ASCII in the target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"fragment in the target", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"asterisk target for GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"not HTTP in the version", "GET / HXYZ/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"two spaces before the version", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed"},
      {"HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported",
       "malformed"},
      {"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "HTTP/1.1 501 Not Implemented",
       "malformed"},
      {"bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
      // Debian's http-parser is built non-strict and takes any byte after these CRs for LF.
      {"bare CR ending the header section", "GET / HTTP/1.1\r\nHost: h\r\n\rX", "HTTP/1.1 400 Bad Request",
       "malformed"},
      {"bare CR in a chunk-size line",
       "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\rXabc\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "malformed"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const ServerRun run = parse_all_ways(c.input);
      CHECK(run.output.rfind(c.status_line + "\r\n", 0) == 0);
      CHECK(run.output.find("\r\nconnection: close\r\n") != std::string::npos);
      REQUIRE_FALSE(run.events.empty());
      CHECK(run.events.back() == "error " + c.error);
      CHECK(run.wants_close);
    }
  }
}

TEST_CASE("http1 server: the exact local error reply", "[http1]") {
  const ServerRun run = parse_all_ways("GET / HTTP/1.1\r\n\r\n");
  CHECK(run.output ==
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 12\r\nconnection: close\r\n\r\n"
        "Bad Request\n");
  CHECK(run.events == std::vector<std::string>{"error malformed"});
}

TEST_CASE("http1 server: size limits", "[http1]") {
  CodecLimits limits;
  limits.max_request_line_bytes = 64;
  limits.max_header_bytes = 200;
  limits.max_header_count = 5;
  SECTION("request line too long: 414") {
    const ServerRun run = parse_all_ways("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", {}, {}, limits);
    CHECK(run.output.rfind("HTTP/1.1 414 URI Too Long\r\n", 0) == 0);
    CHECK(run.events == std::vector<std::string>{"error request_line_too_long"});
    CHECK(run.wants_close);
  }
  SECTION("a request line just within the limit is fine") {
    // "GET " + target + " HTTP/1.1" is exactly 64 bytes.
    const ServerRun run = parse_all_ways("GET /" + std::string(50, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", {}, {}, limits);
    CHECK(run.events.size() == 1);
    CHECK_FALSE(run.wants_close);
  }
  SECTION("header bytes over the limit: 431") {
    const ServerRun run =
        parse_all_ways("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(300, 'b') + "\r\n\r\n", {}, {}, limits);
    CHECK(run.output.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CHECK(run.events == std::vector<std::string>{"error headers_too_large"});
  }
  SECTION("too many fields: 431") {
    std::string input = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 5; ++i) input += "X-" + std::to_string(i) + ": v\r\n";
    const ServerRun run = parse_all_ways(input + "\r\n", {}, {}, limits);
    CHECK(run.output.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
  }
  SECTION("default limits: a request line longer than http-parser's own 80 KiB cap is still a 414") {
    const ServerRun run = parse_all_ways("GET /" + std::string(90 * 1024, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(run.output.rfind("HTTP/1.1 414 URI Too Long\r\n", 0) == 0);
  }
  SECTION("trailers count against the limits too") {
    std::string input = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n";
    for (int i = 0; i < 6; ++i) input += "T-" + std::to_string(i) + ": v\r\n";
    const ServerRun run = parse_all_ways(input + "\r\n", {}, {}, limits);
    CHECK(run.output.rfind("HTTP/1.1 431 ", 0) == 0);
    CHECK(run.events == std::vector<std::string>{"head 1 POST http h / HTTP/1.1 cl=- expect=0 ", "data 1 'a'",
                                                 "reset 1 protocol_error", "error headers_too_large"});
  }
}

TEST_CASE("http1 server: a malformed request after a pipelined one waits for the earlier answer", "[http1]") {
  const ServerRun run = parse_all_ways("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\n\r\n", {}, [](ServerHarness& h) {
    CHECK(h.output.empty());
    CHECK_FALSE(h.codec.wants_close());
    h.respond(1, 200, "ok");
  });
  CHECK(run.events == std::vector<std::string>{"head 1 GET http h /1 HTTP/1.1 cl=- expect=0 end ", "error malformed"});
  CHECK(run.output.rfind(std::string(kOk) + "HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(run.wants_close);
}

TEST_CASE("http1 server: malformed body after the head resets the stream and answers 400", "[http1]") {
  const ServerRun run = parse_all_ways("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n");
  CHECK(run.events == std::vector<std::string>{"head 1 POST http h / HTTP/1.1 cl=- expect=0 ", "data 1 'abc'",
                                               "reset 1 protocol_error", "error malformed"});
  CHECK(run.output.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
}

TEST_CASE("http1 server: start_drain", "[http1]") {
  SECTION("the next response carries close") {
    ServerHarness h;
    h.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);
    h.codec.start_drain();
    CHECK_FALSE(h.codec.wants_close());
    h.respond(1, 200, "ok");
    CHECK(h.output == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    CHECK(h.codec.wants_close());
  }
  SECTION("an idle connection closes at once") {
    ServerHarness h;
    h.codec.start_drain();
    CHECK(h.codec.wants_close());
  }
  SECTION("pipelined requests after the closing response are reset") {
    ServerHarness h;
    h.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n", Feed::kWhole);
    h.codec.start_drain();
    h.respond(1, 200, "ok");
    CHECK(h.codec.wants_close());
    CHECK(h.events.back() == "reset 3 connection_closed");
    h.respond(3, 200, "ok");  // ignored
    CHECK(h.output == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
  }
}

TEST_CASE("http1 server: reset_stream ends the connection after the earlier responses", "[http1]") {
  ServerHarness h;
  h.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\nGET /5 HTTP/1.1\r\nHost: h\r\n\r\n",
         Feed::kWhole);
  h.respond(3, 200, "held");
  h.codec.reset_stream(3, ResetReason::kInternalError);
  CHECK_FALSE(h.codec.wants_close());
  h.respond(1, 200, "ok");
  CHECK(h.output == kOk);  // 3's held response is dropped; the close tells the client
  CHECK(h.codec.wants_close());
  CHECK(h.events.back() == "reset 5 connection_closed");
}

TEST_CASE("http1 server: an upgrade request is served as plain HTTP/1.1", "[http1]") {
  const ServerRun run = parse_all_ways(
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n",
      answer_on_end);
  CHECK(run.events == std::vector<std::string>{"head 1 GET http h /ws HTTP/1.1 cl=- expect=0 end ",
                                               "head 3 GET http h /next HTTP/1.1 cl=- expect=0 end "});
  CHECK(run.output == std::string(kOk) + std::string(kOk));
}

// A client codec request goes through the server codec and the answer comes back.
struct RoundTripClient : ClientCodecCallbacks {
  void on_response_head(StreamId id, ResponseHead head, bool end_stream) override {
    events.push_back("head " + std::to_string(id) + " " + std::to_string(head.status) + (end_stream ? " end " : " ") +
                     fields(head.headers));
  }
  void on_response_data(StreamId id, std::string_view data, bool end_stream) override {
    body += data;
    if (end_stream) events.push_back("end " + std::to_string(id) + " '" + body + "'");
  }
  void on_response_trailers(StreamId id, HeaderList trailers) override {
    events.push_back("trailers " + std::to_string(id) + " '" + body + "' " + fields(trailers));
  }
  void on_stream_reset(StreamId id, ResetReason reason) override {
    events.push_back("reset " + std::to_string(id) + " " + std::string(to_string(reason)));
  }
  void on_codec_error(CodecError error, std::string_view) override { events.push_back("error " + std::string(to_string(error))); }
  std::vector<std::string> events;
  std::string body;
};

TEST_CASE("http1 round trip: client codec to server codec and back", "[http1]") {
  for (Feed how : kAllFeeds) {
    RoundTripClient client_events;
    Http1ClientCodec client(client_events, {});
    ServerHarness server;
    server.on_end = [&server](StreamId id) {
      ResponseHead head;
      head.headers = {{"x-served-by", "round-trip"}};
      server.codec.send_response_head(id, head, false);
      server.codec.send_response_data(id, "pong ", false);
      server.codec.send_response_data(id, "pong", false);
      server.codec.send_response_trailers(id, {{"grpc-status", "0"}});
    };

    RequestHead request;
    request.method = "POST";
    request.authority = "backend.svc:8080";
    request.path = "/echo?x=1";
    request.headers = {{"content-type", "text/plain"}, {"te", "trailers"}, {"connection", "close"}};
    const StreamId id = client.send_request_head(request, false);
    REQUIRE(id == 1);
    CHECK_FALSE(client.can_start_stream());
    client.send_request_data(id, "ping ", false);
    client.send_request_data(id, "ping", false);
    client.send_request_trailers(id, {{"x-sum", "8"}});

    server.feed(client.take_output(), how);
    CHECK(server.events == std::vector<std::string>{
                               "head 1 POST http backend.svc:8080 /echo?x=1 HTTP/1.1 cl=- expect=0 "
                               "[content-type: text/plain][te: trailers]",
                               "data 1 'ping ping'", "trailers 1 [x-sum: 8]"});
    for (std::string_view piece : split(server.output, how)) client.receive(piece);
    CHECK(client_events.events ==
          std::vector<std::string>{"head 1 200 [x-served-by: round-trip]", "trailers 1 'pong pong' [grpc-status: 0]"});
    CHECK(client.can_start_stream());
    CHECK_FALSE(client.wants_close());
    CHECK_FALSE(server.codec.wants_close());
  }
}

}  // namespace gatesim::http
