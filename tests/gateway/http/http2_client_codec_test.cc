// Behaviour of Http2ClientCodec: against our own server codec (back to back) and against server
// frames written by hand.

#include <catch2/catch.hpp>

#include <nghttp2/nghttp2.h>

#include "tests/gateway/http/http2_test_wire.h"

namespace gatesim::http {
namespace {

using namespace h2test;

Chunking any_chunking() { return GENERATE(Chunking::kWhole, Chunking::kByteByByte, Chunking::kRandom); }

struct RawClient {
  explicit RawClient(Chunking mode, CodecLimits limits = {}) : codec(app, limits, true), feeder(mode) { app.codec = &codec; }
  std::vector<Frame> send(const std::string& bytes) {
    feeder.feed(codec, bytes);
    return parse_frames(codec.take_output());
  }
  ClientRecorder app;
  Http2ClientCodec codec;
  Feeder feeder;
};

std::vector<std::pair<std::string, std::string>> status(const std::string& code) { return {{":status", code}}; }

// Decodes the header block of a HEADERS frame with nghttp2's own HPACK decoder.
struct DecodedField {
  std::string name;
  std::string value;
  bool never_indexed;
};
std::vector<DecodedField> decode(const Frame& headers_frame) {
  REQUIRE(headers_frame.type == kHeaders);
  REQUIRE((headers_frame.flags & 0x28) == 0);  // no PADDED / PRIORITY to skip
  nghttp2_hd_inflater* inflater = nullptr;
  REQUIRE(nghttp2_hd_inflate_new(&inflater) == 0);
  std::vector<DecodedField> fields;
  const auto* in = reinterpret_cast<const std::uint8_t*>(headers_frame.payload.data());
  std::size_t left = headers_frame.payload.size();
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    ssize_t used = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, 1);
    REQUIRE(used >= 0);
    in += used;
    left -= static_cast<std::size_t>(used);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      fields.push_back({std::string(reinterpret_cast<char*>(nv.name), nv.namelen),
                        std::string(reinterpret_cast<char*>(nv.value), nv.valuelen),
                        (nv.flags & NGHTTP2_NV_FLAG_NO_INDEX) != 0});
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && left == 0) break;
  }
  nghttp2_hd_inflate_del(inflater);
  return fields;
}

TEST_CASE("h2 client: preface, SETTINGS, and a request's pseudo-headers", "[http2]") {
  RawClient client(Chunking::kWhole);
  std::string start = client.codec.take_output();
  REQUIRE(start.compare(0, kPreface.size(), kPreface) == 0);
  std::vector<Frame> frames = parse_frames(start);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].type == kSettings);
  // INITIAL_WINDOW_SIZE (0x4) = 65535, ENABLE_PUSH (0x2) = 0.
  CHECK(frames[0].payload == std::string("\0\x04\0\0\xff\xff\0\x02\0\0\0\0", 12));

  RequestHead request;
  request.method = "POST";
  request.path = "/p?q=1";  // scheme and authority left to the codec: tls, and the Host field
  request.headers = {{"host", "h.example"},       {"connection", "keep-alive"}, {"te", "gzip"},
                     {"x-a", "1"},                {"authorization", "Bearer s3cret"}, {"Upper-Case", "v"},
                     {"x-bad", "line\r\nbreak"}};
  request.content_length = 3;
  StreamId id = client.codec.send_request_head(request, false);
  CHECK(id == 1);
  std::vector<Frame> out = parse_frames(client.codec.take_output());
  std::vector<Frame> heads = frames_of_type(out, kHeaders);
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].stream == 1);
  CHECK((heads[0].flags & kEndStream) == 0);
  std::vector<DecodedField> fields = decode(heads[0]);
  std::vector<std::string> names;
  for (const DecodedField& f : fields) names.push_back(f.name + "=" + f.value);
  // §8.3.1 order and content; connection-specific, te other than trailers, Host and unencodable
  // fields never leave (§8.2.2); names are lowercased (§8.2.1).
  CHECK(names == std::vector<std::string>{":method=POST", ":scheme=https", ":authority=h.example", ":path=/p?q=1", "x-a=1",
                                          "authorization=Bearer s3cret", "upper-case=v", "content-length=3"});
  CHECK(fields[5].never_indexed);  // credentials stay out of the HPACK table
  CHECK_FALSE(fields[4].never_indexed);
}

TEST_CASE("h2 client: can_start_stream honours the server's SETTINGS_MAX_CONCURRENT_STREAMS", "[http2]") {
  Chunking mode = any_chunking();
  INFO("chunking: " << name(mode));
  CodecLimits server_limits;
  server_limits.max_concurrent_streams = 2;
  Pair pair(mode, server_limits);
  pair.pump();  // SETTINGS exchanged
  CHECK(pair.client.can_start_stream());
  StreamId a = pair.client.send_request_head(get_request("/a"), true);
  StreamId b = pair.client.send_request_head(get_request("/b"), true);
  CHECK_FALSE(pair.client.can_start_stream());
  CHECK(pair.client.open_streams() == 2);
  pair.pump();
  pair.server.send_response_head(a, ok_response(), true);
  pair.pump();
  CHECK(pair.client.can_start_stream());
  CHECK(pair.client.open_streams() == 1);
  (void)b;
}

TEST_CASE("h2 client: a hand-written server's limit of one stream", "[http2]") {
  RawClient client(any_chunking());
  client.codec.take_output();
  client.send(frame(kSettings, 0, 0, std::string("\0\x03\0\0\0\x01", 6)));
  CHECK(client.codec.can_start_stream());
  client.codec.send_request_head(get_request(), true);
  CHECK_FALSE(client.codec.can_start_stream());
  client.send(headers(1, status("204"), true));
  CHECK(client.app.log == std::vector<std::string>{"response 1 204 end"});
  CHECK(client.codec.can_start_stream());
}

TEST_CASE("h2 client: 1xx responses are skipped, the final one is delivered", "[http2]") {
  RawClient client(any_chunking());
  StreamId id = client.codec.send_request_head(get_request(), true);
  client.send(settings() + headers(1, status("100"), false) +
              headers(1, {{":status", "103"}, {"link", "</a.css>; rel=preload"}}, false) +
              headers(1, {{":status", "200"}, {"content-length", "2"}}, false) + data(1, "o", false) + data(1, "k", true));
  CHECK(client.app.log == std::vector<std::string>{"response 1 200", "end 1"});
  CHECK(client.app.heads.at(id).content_length == 2u);
  CHECK(client.app.bodies.at(id) == "ok");
}

TEST_CASE("h2 client: response data and trailers", "[http2]") {
  RawClient client(any_chunking());
  client.codec.send_request_head(get_request(), true);
  client.send(settings() + headers(1, status("200"), false) + data(1, "abc", false) + data(1, "def", false) +
              headers(1, {{"grpc-status", "0"}}, true));
  CHECK(client.app.log == std::vector<std::string>{"response 1 200", "trailers 1 grpc-status=0;"});
  CHECK(client.app.bodies.at(1) == "abcdef");
  CHECK(client.codec.open_streams() == 0);
}

TEST_CASE("h2 client: GOAWAY stops new streams, streams the server did not process are refused", "[http2]") {
  Chunking mode = any_chunking();
  INFO("chunking: " << name(mode));
  RawClient client(mode);
  CHECK(client.codec.send_request_head(get_request("/1"), true) == 1);
  CHECK(client.codec.send_request_head(get_request("/3"), true) == 3);
  client.codec.take_output();
  client.send(settings() + goaway(1, NGHTTP2_NO_ERROR));
  CHECK(client.app.log == std::vector<std::string>{"goaway", "reset 3 refused_stream"});
  CHECK_FALSE(client.codec.can_start_stream());
  CHECK(client.codec.send_request_head(get_request("/5"), true) == 0);
  CHECK_FALSE(client.codec.wants_close());  // stream 1 is still being answered

  client.send(headers(1, status("200"), false) + data(1, "done", true));
  CHECK(client.app.log == std::vector<std::string>{"goaway", "reset 3 refused_stream", "response 1 200", "end 1"});
  CHECK(client.codec.wants_close());
}

TEST_CASE("h2 client: a GOAWAY carrying an error fails the connection", "[http2]") {
  RawClient client(any_chunking());
  client.codec.send_request_head(get_request(), true);
  client.send(settings() + frame(kGoaway, 0, 0, u32(1) + u32(NGHTTP2_ENHANCE_YOUR_CALM) + "slow down"));
  CHECK(client.app.log == std::vector<std::string>{"goaway", "reset 1 connection_closed", "error goaway_received"});
  CHECK(client.app.last_error_detail == "peer sent GOAWAY ENHANCE_YOUR_CALM: slow down");
  CHECK(client.codec.wants_close());
}

TEST_CASE("h2 client: a malformed response is a stream error, the connection lives on", "[http2]") {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  auto [what, fields] = GENERATE(table<std::string, Fields>({
      {"connection-specific header", {{":status", "200"}, {"connection", "close"}}},
      {"missing :status", {{"server", "x"}}},
      {"request pseudo-header", {{":status", "200"}, {":path", "/"}}},
      {"101 in HTTP/2", {{":status", "101"}}},
  }));
  INFO(what);
  RawClient client(any_chunking());
  client.codec.send_request_head(get_request("/1"), true);
  client.codec.send_request_head(get_request("/3"), true);
  client.codec.take_output();
  std::vector<Frame> out = client.send(settings() + headers(1, fields, true) + headers(3, status("200"), true));
  std::vector<Frame> resets = frames_of_type(out, kRstStream);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].stream == 1);
  CHECK(resets[0].rst_code() == NGHTTP2_PROTOCOL_ERROR);
  CHECK(client.app.log == std::vector<std::string>{"reset 1 protocol_error", "response 3 200 end"});
}

TEST_CASE("h2 client: response headers over the limits are reset", "[http2]") {
  CodecLimits limits;
  limits.max_header_bytes = 100;
  RawClient client(any_chunking(), limits);
  client.codec.send_request_head(get_request(), true);
  client.codec.take_output();
  std::vector<Frame> out = client.send(settings() + headers(1, {{":status", "200"}, {"x-big", std::string(200, 'v')}}, false));
  std::vector<Frame> resets = frames_of_type(out, kRstStream);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].rst_code() == NGHTTP2_PROTOCOL_ERROR);
  client.send(data(1, "ignored", true));
  CHECK(client.app.log == std::vector<std::string>{"reset 1 protocol_error"});
}

TEST_CASE("h2 client: reset_stream sends RST_STREAM and reports nothing back", "[http2]") {
  RawClient client(any_chunking());
  RequestHead request = get_request();
  request.method = "POST";
  StreamId id = client.codec.send_request_head(request, false);
  client.send(settings());
  client.codec.reset_stream(id, ResetReason::kCancel);
  std::vector<Frame> resets = frames_of_type(parse_frames(client.codec.take_output()), kRstStream);
  REQUIRE(resets.size() == 1);
  CHECK(resets[0].stream == 1);
  CHECK(resets[0].rst_code() == NGHTTP2_CANCEL);
  client.send(headers(1, status("200"), true));  // crossed on the wire: ignored
  CHECK(client.app.log.empty());
  CHECK(client.codec.open_streams() == 0);
  client.codec.send_request_data(id, "ignored", true);
  CHECK(frames_of_type(parse_frames(client.codec.take_output()), kData).empty());
}

TEST_CASE("h2 client: end of input resets the open streams", "[http2]") {
  RawClient client(any_chunking());
  client.codec.send_request_head(get_request(), true);
  client.send(settings() + headers(1, status("200"), false) + data(1, "part", false));
  client.codec.receive_eof();
  CHECK(client.app.log == std::vector<std::string>{"response 1 200", "reset 1 connection_closed"});
  CHECK(client.codec.wants_close());
  CHECK_FALSE(client.codec.can_start_stream());
}

TEST_CASE("h2 client: a request head over the send limit starts no stream", "[http2]") {
  RawClient client(Chunking::kWhole);
  client.codec.take_output();
  RequestHead request = get_request();
  request.headers.push_back({"x-huge", std::string(70 * 1024, 'h')});
  CHECK(client.codec.send_request_head(request, true) == 0);
  CHECK(client.app.log.empty());
  CHECK(client.codec.can_start_stream());
  CHECK(client.codec.send_request_head(get_request(), true) == 1);
}

TEST_CASE("h2 client: server RST_STREAM REFUSED_STREAM is reported as refused", "[http2]") {
  RawClient client(any_chunking());
  client.codec.send_request_head(get_request(), true);
  client.send(settings() + rst_stream(1, NGHTTP2_REFUSED_STREAM));
  CHECK(client.app.log == std::vector<std::string>{"reset 1 refused_stream"});
  CHECK(client.codec.open_streams() == 0);
}

}  // namespace
}  // namespace gatesim::http
