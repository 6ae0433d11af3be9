#include "gateway/http/http2_server_codec.h"

#include <utility>

#include "gateway/http/http2_error_codes.h"
#include "gateway/http/http2_inbound_headers.h"
#include "gateway/http/http2_outbound_headers.h"

namespace gatesim::http {

Http2ServerCodec::Http2ServerCodec(ServerCodecCallbacks& callbacks, CodecLimits limits, bool tls)
    : callbacks_(callbacks), limits_(limits), tls_(tls), connection_(*this, /*server=*/true, limits) {}

void Http2ServerCodec::receive(std::string_view bytes) { connection_.receive(bytes); }

std::string Http2ServerCodec::take_output() { return connection_.take_output(); }

bool Http2ServerCodec::has_output() const { return connection_.has_output(); }

void Http2ServerCodec::send_response_head(StreamId id, const ResponseHead& head, bool end_stream) {
  if (!connection_.head_delivered(id)) return;
  if (head.status >= 100 && head.status < 200) {
    if (head.status != 101) connection_.submit_interim(id, response_fields(head));  // §8.6: no 101 in h2
    return;
  }
  connection_.submit_response(id, response_fields(head), end_stream);
}

void Http2ServerCodec::send_response_data(StreamId id, std::string_view data, bool end_stream) {
  connection_.send_data(id, data, end_stream);
}

void Http2ServerCodec::send_response_trailers(StreamId id, const HeaderList& trailers) {
  connection_.send_trailers(id, trailer_fields(trailers));
}

void Http2ServerCodec::send_continue(StreamId id) {
  if (connection_.head_delivered(id)) connection_.submit_interim(id, interim_fields(100));
}

void Http2ServerCodec::reset_stream(StreamId id, ResetReason reason) { connection_.reset(id, h2_error_code(reason)); }

void Http2ServerCodec::start_drain() { connection_.send_goaway(); }

bool Http2ServerCodec::wants_close() const {
  if (connection_.failed()) return true;
  // Draining (our GOAWAY) or the client leaving (its GOAWAY): done once no stream is left.
  return (connection_.goaway_submitted() || connection_.goaway_received()) && connection_.stream_count() == 0;
}

void Http2ServerCodec::consume(StreamId id, std::size_t bytes) { connection_.consume(id, bytes); }

std::size_t Http2ServerCodec::open_streams() const { return connection_.delivered_streams(); }

std::size_t Http2ServerCodec::pending_response_bytes(StreamId id) const { return connection_.pending_send_bytes(id); }

void Http2ServerCodec::on_headers(StreamId id, Http2ReceivedFields fields, bool end_stream) {
  if (connection_.head_delivered(id)) {
    // A second block on a request stream is its trailer section; nghttp2 has checked it carries
    // END_STREAM and no pseudo-headers (§8.1).
    if (fields.too_large()) {
      connection_.reset(id, NGHTTP2_PROTOCOL_ERROR);
      callbacks_.on_stream_reset(id, ResetReason::kProtocolError);
      return;
    }
    callbacks_.on_request_trailers(id, parse_trailers(fields.fields()));
    return;
  }
  if (fields.too_large()) {
    reject_oversized(id, end_stream);
    return;
  }
  Http2ParsedRequest parsed = parse_request_head(fields.fields(), tls_, limits_.max_request_line_bytes);
  if (parsed.problem != Http2HeadProblem::kNone) {
    connection_.reset(id, NGHTTP2_PROTOCOL_ERROR);  // §8.1.1 stream error; the application never knew
    return;
  }
  connection_.mark_head_delivered(id);
  callbacks_.on_request_head(id, std::move(parsed.head), end_stream);
}

void Http2ServerCodec::reject_oversized(StreamId id, bool end_stream) {
  ResponseHead head;
  head.status = 431;
  head.content_length = 0;
  connection_.submit_response(id, response_fields(head), /*end_stream=*/true);
  // §8.1: a complete response may precede the end of the request; RST_STREAM NO_ERROR then asks the
  // client to stop sending the body without failing the response it just got.
  if (!end_stream) connection_.reset(id, NGHTTP2_NO_ERROR);
}

void Http2ServerCodec::on_data(StreamId id, std::string_view data, bool end_stream) {
  callbacks_.on_request_data(id, data, end_stream);
}

void Http2ServerCodec::on_stream_closed(StreamId id, const Http2StreamEnd& end) {
  if (!end.head_delivered || end.reset_locally) return;  // the application never knew, or asked
  if (end.connection_closed) {
    callbacks_.on_stream_reset(id, ResetReason::kConnectionClosed);
  } else if (end.reset_by_peer || end.error_code != NGHTTP2_NO_ERROR) {
    callbacks_.on_stream_reset(id, reset_reason_from_h2(end.error_code));
  }
  // Otherwise both sides ended the stream: nothing to report.
}

void Http2ServerCodec::on_goaway_received(std::uint32_t) {}

void Http2ServerCodec::on_connection_failed(CodecError error, std::string_view detail) {
  callbacks_.on_codec_error(error, detail);
}

}  // namespace gatesim::http
