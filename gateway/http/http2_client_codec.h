#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/http/codec.h"
#include "gateway/http/http2_connection.h"

namespace gatesim::http {

// The upstream side of an HTTP/2 connection (RFC 9113), over nghttp2: h2 upstream pools and the
// scripted clients. Sends the preface and SETTINGS at construction. See Http2Connection for how
// bytes, events and re-entrant calls flow.
//
// * send_request_head returns 0 (no stream) when can_start_stream() is false or the header block
//   exceeds the send limit; a stream it does return is never reset from inside that call.
// * 1xx responses are consumed here (§8.1); the application sees the final response only.
// * GOAWAY: on_goaway(), then streams the server did not process end with on_stream_reset(kRefused)
//   (safe to retry elsewhere, §6.8); a GOAWAY carrying an error also fails the connection
//   (on_codec_error kGoAwayReceived).
// * A response whose header block exceeds the CodecLimits is reset (PROTOCOL_ERROR) and reported as
//   on_stream_reset(kProtocolError), like a malformed one.
class Http2ClientCodec final : public ClientCodec, private Http2ConnectionEvents {
 public:
  // `tls` supplies :scheme when a RequestHead leaves it empty.
  Http2ClientCodec(ClientCodecCallbacks& callbacks, CodecLimits limits, bool tls);

  Version version() const override { return Version::kHttp2; }
  void receive(std::string_view bytes) override;
  std::string take_output() override;
  bool has_output() const override;

  bool can_start_stream() const override;
  StreamId send_request_head(const RequestHead& head, bool end_stream) override;
  void send_request_data(StreamId id, std::string_view data, bool end_stream) override;
  void send_request_trailers(StreamId id, const HeaderList& trailers) override;
  void reset_stream(StreamId id, ResetReason reason) override;
  void receive_eof() override;
  bool wants_close() const override;
  void consume(StreamId id, std::size_t bytes) override;
  std::size_t open_streams() const override;

  // Not in ClientCodec: request bytes waiting for the server's flow-control window.
  std::size_t pending_request_bytes(StreamId id) const;

 private:
  void on_headers(StreamId id, Http2ReceivedFields fields, bool end_stream) override;
  void on_data(StreamId id, std::string_view data, bool end_stream) override;
  void on_stream_closed(StreamId id, const Http2StreamEnd& end) override;
  void on_goaway_received(std::uint32_t error_code) override;
  void on_connection_failed(CodecError error, std::string_view detail) override;

  void reject_response(StreamId id);

  ClientCodecCallbacks& callbacks_;
  const bool tls_;
  Http2Connection connection_;
};

}  // namespace gatesim::http
