#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/http/message.h"

namespace gatesim::http {

// Sans-IO codecs: bytes in through receive(), bytes out through take_output(); they never
// touch a socket, a clock or a thread. The caller (the connection driver) moves bytes
// between a codec and its transport and calls take_output() after every call into the codec.
// Callbacks fire synchronously from inside receive() or the send_* calls and may call back
// into the codec (send a response from on_request_head, for instance).

struct CodecLimits {
  std::size_t max_request_line_bytes = 16 * 1024;  // longer: 414 (HTTP/1.1) / stream error (h2)
  std::size_t max_header_bytes = 60 * 1024;        // Envoy's default max_request_headers_kb
  std::size_t max_header_count = 100;              // Envoy's default max_headers_count
  std::uint32_t max_concurrent_streams = 100;      // h2 SETTINGS_MAX_CONCURRENT_STREAMS
  std::uint32_t initial_window_size = 65535;       // h2 stream window
};

enum class CodecError {
  kMalformed,       // unparseable bytes: HTTP/1.1 400 then close; h2 GOAWAY PROTOCOL_ERROR
  kHeadersTooLarge,  // HTTP/1.1 431 then close
  kRequestLineTooLong,
  kFlowControl,
  kCompression,     // h2 HPACK
  kGoAwayReceived,
};
std::string_view to_string(CodecError error);

class ServerCodecCallbacks {
 public:
  virtual ~ServerCodecCallbacks() = default;
  virtual void on_request_head(StreamId id, RequestHead head, bool end_stream) = 0;
  virtual void on_request_data(StreamId id, std::string_view data, bool end_stream) = 0;
  virtual void on_request_trailers(StreamId id, HeaderList trailers) = 0;  // ends the request
  virtual void on_stream_reset(StreamId id, ResetReason reason) = 0;
  // The connection is unusable (a local error response, if any, is already in the output):
  // flush take_output(), then close.
  virtual void on_codec_error(CodecError error, std::string_view detail) = 0;
};

class ServerCodec {
 public:
  virtual ~ServerCodec() = default;
  virtual Version version() const = 0;
  virtual void receive(std::string_view bytes) = 0;
  virtual std::string take_output() = 0;
  virtual bool has_output() const = 0;

  virtual void send_response_head(StreamId id, const ResponseHead& head, bool end_stream) = 0;
  virtual void send_response_data(StreamId id, std::string_view data, bool end_stream) = 0;
  virtual void send_response_trailers(StreamId id, const HeaderList& trailers) = 0;
  // HTTP/1.1 "100 Continue" (h2: a 100 HEADERS frame) for a request that expects it.
  virtual void send_continue(StreamId id) = 0;
  virtual void reset_stream(StreamId id, ResetReason reason) = 0;
  // Graceful drain: h2 GOAWAY (streams in flight finish); HTTP/1.1 "Connection: close" on the
  // next response.
  virtual void start_drain() = 0;
  // True when the transport should be closed once the output is flushed.
  virtual bool wants_close() const = 0;
  // The application has consumed `bytes` of request body on `id` (h2 WINDOW_UPDATE;
  // HTTP/1.1 resumes reading when it was paused).
  virtual void consume(StreamId id, std::size_t bytes) = 0;
  virtual std::size_t open_streams() const = 0;
  // HTTP/2 frames received other than HEADERS so far (the CPU model's per-frame work).
  virtual std::uint64_t extra_frames_received() const { return 0; }
};

class ClientCodecCallbacks {
 public:
  virtual ~ClientCodecCallbacks() = default;
  virtual void on_response_head(StreamId id, ResponseHead head, bool end_stream) = 0;
  virtual void on_response_data(StreamId id, std::string_view data, bool end_stream) = 0;
  virtual void on_response_trailers(StreamId id, HeaderList trailers) = 0;
  virtual void on_stream_reset(StreamId id, ResetReason reason) = 0;
  virtual void on_codec_error(CodecError error, std::string_view detail) = 0;
  virtual void on_goaway() {}  // h2: no new streams on this connection
};

class ClientCodec {
 public:
  virtual ~ClientCodec() = default;
  virtual Version version() const = 0;
  virtual void receive(std::string_view bytes) = 0;
  virtual std::string take_output() = 0;
  virtual bool has_output() const = 0;

  // Whether another request may start now (HTTP/1.1: no request in flight; h2: under the
  // peer's max concurrent streams and no GOAWAY).
  virtual bool can_start_stream() const = 0;
  virtual StreamId send_request_head(const RequestHead& head, bool end_stream) = 0;
  virtual void send_request_data(StreamId id, std::string_view data, bool end_stream) = 0;
  virtual void send_request_trailers(StreamId id, const HeaderList& trailers) = 0;
  virtual void reset_stream(StreamId id, ResetReason reason) = 0;
  // Called when the transport reached end of input (HTTP/1.x: completes a response delimited
  // by connection close).
  virtual void receive_eof() = 0;
  virtual bool wants_close() const = 0;
  virtual void consume(StreamId id, std::size_t bytes) = 0;
  virtual std::size_t open_streams() const = 0;
};

}  // namespace gatesim::http
