#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/http/codec.h"
#include "gateway/http/http2_connection.h"

namespace gatesim::http {

// The downstream side of an HTTP/2 connection (RFC 9113), over nghttp2. See Http2Connection for
// how bytes, events and re-entrant calls flow.
//
// Decisions a client can observe:
// * A request whose header block exceeds CodecLimits::max_header_bytes / max_header_count gets a
//   431 response (RFC 6585 §5, suggested by RFC 9113 §10.5.1) instead of a bare RST_STREAM: the
//   block was fully decoded (HPACK state is intact) and the client learns why, as over HTTP/1.1.
//   If the request body is still coming, RST_STREAM NO_ERROR follows the 431 (§8.1).
// * A :path longer than max_request_line_bytes is a stream error PROTOCOL_ERROR (codec.h).
// * Malformed requests (§8.1.1: bad pseudo-headers, connection-specific fields, uppercase names,
//   Host differing from :authority, ...) get RST_STREAM PROTOCOL_ERROR; the application never sees
//   them.
// * Streams beyond SETTINGS_MAX_CONCURRENT_STREAMS: nghttp2 answers REFUSED_STREAM (safe to retry,
//   §8.7) while our SETTINGS are unacknowledged, which is the window in which a conforming client
//   can overshoot (§5.1.2); once the client has acknowledged them, exceeding the limit is a
//   connection error PROTOCOL_ERROR — §5.4.1 lets any stream error be treated as one, and nghttp2
//   offers no way to keep REFUSED_STREAM after the acknowledgement.
// * Clients resetting many streams before their responses complete get GOAWAY ENHANCE_YOUR_CALM
//   (Http2PrematureResetBudget; nghttp2's clock-based limiter is neutralised in Http2Session).
class Http2ServerCodec final : public ServerCodec, private Http2ConnectionEvents {
 public:
  Http2ServerCodec(ServerCodecCallbacks& callbacks, CodecLimits limits, bool tls);

  Version version() const override { return Version::kHttp2; }
  void receive(std::string_view bytes) override;
  std::string take_output() override;
  bool has_output() const override;

  void send_response_head(StreamId id, const ResponseHead& head, bool end_stream) override;
  void send_response_data(StreamId id, std::string_view data, bool end_stream) override;
  void send_response_trailers(StreamId id, const HeaderList& trailers) override;
  void send_continue(StreamId id) override;
  void reset_stream(StreamId id, ResetReason reason) override;
  void start_drain() override;
  bool wants_close() const override;
  void consume(StreamId id, std::size_t bytes) override;
  std::size_t open_streams() const override;
  std::uint64_t extra_frames_received() const override { return connection_.extra_frames_received(); }

  // Not in ServerCodec: response bytes handed to send_response_data that the client's flow-control
  // window has not let out yet. A proxy should stop reading its upstream while this is large.
  std::size_t pending_response_bytes(StreamId id) const;

 private:
  void on_headers(StreamId id, Http2ReceivedFields fields, bool end_stream) override;
  void on_data(StreamId id, std::string_view data, bool end_stream) override;
  void on_stream_closed(StreamId id, const Http2StreamEnd& end) override;
  void on_goaway_received(std::uint32_t error_code) override;
  void on_connection_failed(CodecError error, std::string_view detail) override;

  void reject_oversized(StreamId id, bool end_stream);

  ServerCodecCallbacks& callbacks_;
  const CodecLimits limits_;
  const bool tls_;
  Http2Connection connection_;
};

}  // namespace gatesim::http
