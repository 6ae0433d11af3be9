#pragma once

// Test support for the HTTP/2 codecs: hand-made frames (RFC 9113 §4.1, HPACK literals of RFC 7541
// §6.2.2), a frame parser for what a codec wrote, recording callbacks, and a wire that moves bytes
// between a client and a server codec whole, byte by byte, or in seeded random chunks.

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/http/codec.h"
#include "gateway/http/http2_client_codec.h"
#include "gateway/http/http2_server_codec.h"
#include "gateway/http/message.h"

namespace gatesim::http::h2test {

inline const std::string kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum : std::uint8_t { kData = 0, kHeaders = 1, kRstStream = 3, kSettings = 4, kPing = 6, kGoaway = 7, kWindowUpdate = 8, kContinuation = 9 };
enum : std::uint8_t { kEndStream = 0x1, kAck = 0x1, kEndHeaders = 0x4 };

inline std::string u32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

inline std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, const std::string& payload) {
  std::string out;
  out += static_cast<char>(payload.size() >> 16);
  out += static_cast<char>(payload.size() >> 8);
  out += static_cast<char>(payload.size());
  out += static_cast<char>(type);
  out += static_cast<char>(flags);
  out += u32(stream);
  return out + payload;
}

// RFC 7541 §5.1 integer with an N-bit prefix.
inline std::string hpack_int(std::uint8_t first, int prefix_bits, std::size_t value) {
  std::string out;
  const std::size_t max = (1u << prefix_bits) - 1;
  if (value < max) {
    out += static_cast<char>(first | value);
    return out;
  }
  out += static_cast<char>(first | max);
  value -= max;
  while (value >= 128) {
    out += static_cast<char>((value % 128) + 128);
    value /= 128;
  }
  out += static_cast<char>(value);
  return out;
}

// Literal header field without indexing, new name, no Huffman (§6.2.2): no dynamic table state.
inline std::string hpack_literal(const std::string& name, const std::string& value) {
  return hpack_int(0x00, 4, 0) + hpack_int(0x00, 7, name.size()) + name + hpack_int(0x00, 7, value.size()) + value;
}

inline std::string header_block(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string block;
  for (const auto& [name, value] : fields) block += hpack_literal(name, value);
  return block;
}

inline std::string headers(std::uint32_t stream, const std::vector<std::pair<std::string, std::string>>& fields,
                           bool end_stream) {
  return frame(kHeaders, kEndHeaders | (end_stream ? kEndStream : 0), stream, header_block(fields));
}

inline std::vector<std::pair<std::string, std::string>> get_fields(const std::string& path = "/") {
  return {{":method", "GET"}, {":scheme", "https"}, {":authority", "example.com"}, {":path", path}};
}

inline std::string data(std::uint32_t stream, const std::string& bytes, bool end_stream) {
  return frame(kData, end_stream ? kEndStream : 0, stream, bytes);
}
inline std::string rst_stream(std::uint32_t stream, std::uint32_t code) { return frame(kRstStream, 0, stream, u32(code)); }
inline std::string settings() { return frame(kSettings, 0, 0, ""); }
inline std::string settings_ack() { return frame(kSettings, kAck, 0, ""); }
inline std::string ping(const std::string& opaque8) { return frame(kPing, 0, 0, opaque8); }
inline std::string goaway(std::uint32_t last_stream, std::uint32_t code) {
  return frame(kGoaway, 0, 0, u32(last_stream) + u32(code));
}
inline std::string window_update(std::uint32_t stream, std::uint32_t increment) {
  return frame(kWindowUpdate, 0, stream, u32(increment));
}

struct Frame {
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
  std::uint32_t stream = 0;
  std::string payload;
  std::uint32_t word(std::size_t at) const {
    auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(payload.at(i))); };
    return b(at) << 24 | b(at + 1) << 16 | b(at + 2) << 8 | b(at + 3);
  }
  std::uint32_t rst_code() const { return word(0); }
  std::uint32_t goaway_last_stream() const { return word(0) & 0x7fffffffu; }
  std::uint32_t goaway_code() const { return word(4); }
};

// Splits bytes written by a codec into frames (a client's output starts with the preface).
inline std::vector<Frame> parse_frames(std::string bytes) {
  if (bytes.compare(0, kPreface.size(), kPreface) == 0) bytes.erase(0, kPreface.size());
  std::vector<Frame> frames;
  std::size_t at = 0;
  while (bytes.size() - at >= 9) {
    auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
    std::size_t length = byte(0) << 16 | byte(1) << 8 | byte(2);
    Frame f;
    f.type = static_cast<std::uint8_t>(byte(3));
    f.flags = static_cast<std::uint8_t>(byte(4));
    f.stream = (byte(5) << 24 | byte(6) << 16 | byte(7) << 8 | byte(8)) & 0x7fffffffu;
    REQUIRE(bytes.size() - at - 9 >= length);
    f.payload = bytes.substr(at + 9, length);
    frames.push_back(f);
    at += 9 + length;
  }
  REQUIRE(at == bytes.size());
  return frames;
}

inline std::vector<Frame> frames_of_type(const std::vector<Frame>& frames, std::uint8_t type) {
  std::vector<Frame> out;
  for (const Frame& f : frames) {
    if (f.type == type) out.push_back(f);
  }
  return out;
}

// Feeds bytes to a codec whole, one byte at a time, or in chunks of 1..23 bytes drawn from a
// fixed-seed std::mt19937: every scenario must come out the same under all three.
enum class Chunking { kWhole, kByteByByte, kRandom };

inline const char* name(Chunking mode) {
  switch (mode) {
    case Chunking::kWhole: return "whole";
    case Chunking::kByteByByte: return "byte-by-byte";
    case Chunking::kRandom: return "random";
  }
  return "?";
}

class Feeder {
 public:
  explicit Feeder(Chunking mode, std::uint32_t seed = 20240917) : mode_(mode), rng_(seed) {}

  template <typename Codec>
  void feed(Codec& codec, const std::string& bytes) {
    if (mode_ == Chunking::kWhole) {
      codec.receive(bytes);
      return;
    }
    std::uniform_int_distribution<std::size_t> size(1, 23);
    for (std::size_t at = 0; at < bytes.size();) {
      std::size_t n = mode_ == Chunking::kByteByByte ? 1 : std::min(size(rng_), bytes.size() - at);
      codec.receive(std::string_view(bytes).substr(at, n));
      at += n;
    }
  }

 private:
  Chunking mode_;
  std::mt19937 rng_;
};

inline std::string header_text(const HeaderList& headers) {
  std::string out;
  for (const HeaderField& h : headers) out += h.name + "=" + h.value + ";";
  return out;
}

// Records what the server application sees. Data is gathered per stream (chunk boundaries depend
// on how bytes arrive); the log holds everything else, in order.
struct ServerRecorder : ServerCodecCallbacks {
  ServerCodec* codec = nullptr;
  bool auto_consume = true;
  std::vector<std::string> log;
  std::map<StreamId, RequestHead> heads;
  std::map<StreamId, std::string> bodies;
  std::function<void(StreamId, const RequestHead&, bool)> on_head;
  std::function<void(StreamId)> on_end;  // request complete (END_STREAM seen)

  void on_request_head(StreamId id, RequestHead head, bool end_stream) override {
    log.push_back("head " + std::to_string(id) + " " + head.method + " " + head.scheme + "://" + head.authority +
                  head.path + (end_stream ? " end" : ""));
    heads[id] = head;
    if (on_head) on_head(id, head, end_stream);
    if (end_stream && on_end) on_end(id);
  }
  void on_request_data(StreamId id, std::string_view data, bool end_stream) override {
    bodies[id].append(data);
    if (auto_consume && !data.empty()) codec->consume(id, data.size());
    if (end_stream) {
      log.push_back("end " + std::to_string(id));
      if (on_end) on_end(id);
    }
  }
  void on_request_trailers(StreamId id, HeaderList trailers) override {
    log.push_back("trailers " + std::to_string(id) + " " + header_text(trailers));
    if (on_end) on_end(id);
  }
  void on_stream_reset(StreamId id, ResetReason reason) override {
    log.push_back("reset " + std::to_string(id) + " " + std::string(to_string(reason)));
  }
  void on_codec_error(CodecError error, std::string_view detail) override {
    log.push_back("error " + std::string(to_string(error)));
    last_error_detail = std::string(detail);
  }
  std::string last_error_detail;
};

struct ClientRecorder : ClientCodecCallbacks {
  ClientCodec* codec = nullptr;
  bool auto_consume = true;
  std::vector<std::string> log;
  std::map<StreamId, ResponseHead> heads;
  std::map<StreamId, std::string> bodies;
  std::function<void(StreamId)> on_end;

  void on_response_head(StreamId id, ResponseHead head, bool end_stream) override {
    log.push_back("response " + std::to_string(id) + " " + std::to_string(head.status) + (end_stream ? " end" : ""));
    heads[id] = head;
    if (end_stream && on_end) on_end(id);
  }
  void on_response_data(StreamId id, std::string_view data, bool end_stream) override {
    bodies[id].append(data);
    if (auto_consume && !data.empty()) codec->consume(id, data.size());
    if (end_stream) {
      log.push_back("end " + std::to_string(id));
      if (on_end) on_end(id);
    }
  }
  void on_response_trailers(StreamId id, HeaderList trailers) override {
    log.push_back("trailers " + std::to_string(id) + " " + header_text(trailers));
    if (on_end) on_end(id);
  }
  void on_stream_reset(StreamId id, ResetReason reason) override {
    log.push_back("reset " + std::to_string(id) + " " + std::string(to_string(reason)));
  }
  void on_codec_error(CodecError error, std::string_view detail) override {
    log.push_back("error " + std::string(to_string(error)));
    last_error_detail = std::string(detail);
  }
  void on_goaway() override { log.push_back("goaway"); }
  std::string last_error_detail;
};

// A client codec and a server codec back to back.
struct Pair {
  explicit Pair(Chunking mode, CodecLimits server_limits = {}, CodecLimits client_limits = {})
      : server(server_app, server_limits, /*tls=*/true), client(client_app, client_limits, /*tls=*/true), feeder(mode) {
    server_app.codec = &server;
    client_app.codec = &client;
  }

  // Moves bytes both ways until neither side has anything more to say.
  void pump() {
    for (int round = 0; round < 100000; ++round) {
      bool moved = false;
      if (client.has_output()) {
        feeder.feed(server, client.take_output());
        moved = true;
      }
      if (server.has_output()) {
        feeder.feed(client, server.take_output());
        moved = true;
      }
      if (!moved) return;
    }
    FAIL("the codecs never went quiet");
  }

  ServerRecorder server_app;
  ClientRecorder client_app;
  Http2ServerCodec server;
  Http2ClientCodec client;
  Feeder feeder;
};

inline RequestHead get_request(const std::string& path = "/") {
  RequestHead head;
  head.version = Version::kHttp2;
  head.method = "GET";
  head.scheme = "https";
  head.authority = "example.com";
  head.path = path;
  return head;
}

inline ResponseHead ok_response() {
  ResponseHead head;
  head.version = Version::kHttp2;
  head.status = 200;
  return head;
}

// A peer written by hand: the preface, an empty SETTINGS, then whatever the test appends.
inline std::string client_start() { return kPreface + settings(); }

}  // namespace gatesim::http::h2test
