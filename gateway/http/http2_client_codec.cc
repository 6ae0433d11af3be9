#include "gateway/http/http2_client_codec.h"

#include <utility>

#include "gateway/http/http2_error_codes.h"
#include "gateway/http/http2_inbound_headers.h"
#include "gateway/http/http2_outbound_headers.h"

namespace gatesim::http {

Http2ClientCodec::Http2ClientCodec(ClientCodecCallbacks& callbacks, CodecLimits limits, bool tls)
    : callbacks_(callbacks), tls_(tls), connection_(*this, /*server=*/false, limits) {}

void Http2ClientCodec::receive(std::string_view bytes) { connection_.receive(bytes); }

std::string Http2ClientCodec::take_output() { return connection_.take_output(); }

bool Http2ClientCodec::has_output() const { return connection_.has_output(); }

bool Http2ClientCodec::can_start_stream() const { return connection_.can_open_stream(); }

StreamId Http2ClientCodec::send_request_head(const RequestHead& head, bool end_stream) {
  if (!connection_.can_open_stream()) return 0;
  return connection_.submit_request(request_fields(head, tls_), end_stream);
}

void Http2ClientCodec::send_request_data(StreamId id, std::string_view data, bool end_stream) {
  connection_.send_data(id, data, end_stream);
}

void Http2ClientCodec::send_request_trailers(StreamId id, const HeaderList& trailers) {
  connection_.send_trailers(id, trailer_fields(trailers));
}

void Http2ClientCodec::reset_stream(StreamId id, ResetReason reason) { connection_.reset(id, h2_error_code(reason)); }

void Http2ClientCodec::receive_eof() { connection_.transport_closed(); }

bool Http2ClientCodec::wants_close() const {
  return connection_.failed() || (connection_.goaway_received() && connection_.stream_count() == 0);
}

void Http2ClientCodec::consume(StreamId id, std::size_t bytes) { connection_.consume(id, bytes); }

std::size_t Http2ClientCodec::open_streams() const { return connection_.active_streams(); }

std::size_t Http2ClientCodec::pending_request_bytes(StreamId id) const { return connection_.pending_send_bytes(id); }

void Http2ClientCodec::on_headers(StreamId id, Http2ReceivedFields fields, bool end_stream) {
  if (connection_.head_delivered(id)) {
    // After the final response, a header block is the trailer section (§8.1).
    if (fields.too_large()) {
      reject_response(id);
      return;
    }
    callbacks_.on_response_trailers(id, parse_trailers(fields.fields()));
    return;
  }
  if (fields.too_large()) {
    reject_response(id);
    return;
  }
  Http2ParsedResponse parsed = parse_response_head(fields.fields());
  if (parsed.malformed) {
    reject_response(id);
    return;
  }
  if (parsed.interim()) return;  // 100 Continue, 103 Early Hints: the final response follows
  connection_.mark_head_delivered(id);
  callbacks_.on_response_head(id, std::move(parsed.head), end_stream);
}

void Http2ClientCodec::reject_response(StreamId id) {
  connection_.reset(id, NGHTTP2_PROTOCOL_ERROR);
  callbacks_.on_stream_reset(id, ResetReason::kProtocolError);
}

void Http2ClientCodec::on_data(StreamId id, std::string_view data, bool end_stream) {
  callbacks_.on_response_data(id, data, end_stream);
}

void Http2ClientCodec::on_stream_closed(StreamId id, const Http2StreamEnd& end) {
  if (end.reset_locally) return;  // the application asked, or was told by reject_response
  if (end.connection_closed) {
    callbacks_.on_stream_reset(id, ResetReason::kConnectionClosed);
  } else if (end.reset_by_peer) {
    // §8.1: after a complete response, RST_STREAM NO_ERROR only stops our request body.
    if (end.error_code == NGHTTP2_NO_ERROR && end.remote_ended) return;
    callbacks_.on_stream_reset(id, reset_reason_from_h2(end.error_code));
  } else if (end.error_code != NGHTTP2_NO_ERROR) {
    // nghttp2 closed it: REFUSED_STREAM for streams above a GOAWAY's last id, PROTOCOL_ERROR for a
    // malformed response it detected, INTERNAL_ERROR when our own head could not be sent.
    callbacks_.on_stream_reset(id, reset_reason_from_h2(end.error_code));
  }
}

void Http2ClientCodec::on_goaway_received(std::uint32_t) { callbacks_.on_goaway(); }

void Http2ClientCodec::on_connection_failed(CodecError error, std::string_view detail) {
  callbacks_.on_codec_error(error, detail);
}

}  // namespace gatesim::http
