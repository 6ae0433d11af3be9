#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include <nghttp2/nghttp2.h>

#include "gateway/http/codec.h"
#include "gateway/http/http2_inbound_headers.h"
#include "gateway/http/http2_outbound_headers.h"
#include "gateway/http/http2_outgoing_body.h"
#include "gateway/http/http2_premature_reset_budget.h"
#include "gateway/http/http2_session.h"
#include "gateway/http/message.h"

namespace gatesim::http {

// How a stream ended; the server and client codecs decide from it what their application hears.
struct Http2StreamEnd {
  std::uint32_t error_code = NGHTTP2_NO_ERROR;  // RST_STREAM code, or nghttp2's close code
  bool reset_by_peer = false;
  bool reset_locally = false;      // Http2Connection::reset() was called (the application knows)
  bool connection_closed = false;  // the connection failed or the transport closed under it
  bool head_delivered = false;
  bool remote_ended = false;
  bool local_ended = false;
};

// What an Http2Connection reports to the codec built on it. Always called with nghttp2 off the
// stack, so a handler may call anything on the connection (submit a whole response, reset, drain).
class Http2ConnectionEvents {
 public:
  virtual ~Http2ConnectionEvents() = default;
  // A complete header block (HEADERS + CONTINUATION) that nghttp2's RFC 9113 §8 checks accepted.
  virtual void on_headers(StreamId id, Http2ReceivedFields fields, bool end_stream) = 0;
  // DATA on a stream whose head was delivered (mark_head_delivered).
  virtual void on_data(StreamId id, std::string_view data, bool end_stream) = 0;
  virtual void on_stream_closed(StreamId id, const Http2StreamEnd& end) = 0;
  virtual void on_goaway_received(std::uint32_t error_code) = 0;
  // Once; every stream has been closed (on_stream_closed) first. The output holds our GOAWAY.
  virtual void on_connection_failed(CodecError error, std::string_view detail) = 0;
};

// The part of an HTTP/2 endpoint that the server and client codecs share: one nghttp2 session
// driven pull-style, per-stream outgoing bodies, application-driven receive windows, and the error
// classes of RFC 9113 §5.4 (connection errors end in GOAWAY + on_connection_failed, stream errors in
// RST_STREAM only).
//
// Re-entrancy: nghttp2's callbacks only record what happened (stream bookkeeping and a queue of
// events); the events are handed to Http2ConnectionEvents after nghttp2_session_mem_recv /
// mem_send have returned. So no application code ever runs inside nghttp2, and whatever a handler
// does (submit, reset, consume, drain) is a plain call on an idle session, followed by a flush.
// The queue holds at most what one receive() call decoded (header blocks are bounded by the
// CodecLimits, DATA by our advertised windows).
//
// Not supported: destroying the connection from inside one of its events (DESIGN.md: drivers
// defer deletion to the end of the loop turn).
class Http2Connection {
 public:
  Http2Connection(Http2ConnectionEvents& events, bool server, const CodecLimits& limits);
  ~Http2Connection();
  Http2Connection(const Http2Connection&) = delete;
  Http2Connection& operator=(const Http2Connection&) = delete;

  void receive(std::string_view bytes);
  // End of input from the transport: every stream is closed as connection_closed.
  void transport_closed();
  std::string take_output();
  bool has_output() const { return !output_.empty(); }

  // Client: opens a stream; 0 when none can start (connection failed or the block exceeds the
  // send limit, so that no stream is ever refused from inside this call).
  StreamId submit_request(Http2NvList fields, bool end_stream);
  // Final response head; a data provider is attached unless end_stream.
  bool submit_response(StreamId id, Http2NvList fields, bool end_stream);
  void submit_interim(StreamId id, Http2NvList fields);  // 1xx HEADERS, §8.1
  void send_data(StreamId id, std::string_view data, bool end_stream);
  void send_trailers(StreamId id, Http2NvList trailers);  // ends the stream
  // Ends the stream; its remaining input is dropped. NO_ERROR after a complete response (the §8.1
  // "stop sending the request body" case) waits until that response has been framed, since
  // nghttp2 would otherwise discard the response still queued behind the RST_STREAM.
  void reset(StreamId id, std::uint32_t error_code);
  void consume(StreamId id, std::size_t bytes);
  void send_goaway();  // graceful: NO_ERROR, last processed stream id (§6.8)

  void mark_head_delivered(StreamId id);
  bool head_delivered(StreamId id) const;
  bool final_head_submitted(StreamId id) const;

  std::size_t stream_count() const { return streams_.size(); }
  std::uint64_t extra_frames_received() const { return extra_frames_received_; }
  std::size_t delivered_streams() const;  // head delivered, not reset locally
  std::size_t active_streams() const;     // not reset locally
  std::size_t pending_send_bytes(StreamId id) const;
  bool failed() const { return failed_; }
  bool goaway_submitted() const { return goaway_submitted_; }
  bool goaway_received() const { return goaway_received_; }
  bool can_open_stream() const;  // client: no GOAWAY, under the peer's max concurrent streams

 private:
  struct Stream {
    Http2OutgoingBody body;
    std::size_t unconsumed = 0;  // received DATA bytes not yet given back to the windows
    std::uint32_t close_code = NGHTTP2_NO_ERROR;
    bool head_delivered = false;
    bool final_head_submitted = false;
    bool body_open = false;  // a data provider is attached and the application may add to it
    bool deferred = false;   // nghttp2 parked the DATA item (NGHTTP2_ERR_DEFERRED) until resumed
    bool remote_ended = false;
    bool local_ended = false;
    bool reset_by_peer = false;
    bool reset_locally = false;
    bool send_failed = false;
    bool rst_after_end = false;  // RST_STREAM NO_ERROR once our END_STREAM is out (§8.1)
    bool closed = false;         // closed (or being reset) by nghttp2; a kClosed event is queued
  };

  struct Event {
    enum class Kind { kHeaders, kData, kClosed, kGoaway, kFailed, kTransportClosed };
    Kind kind = Kind::kFailed;
    StreamId id = 0;
    Http2ReceivedFields fields;
    std::string data;  // DATA bytes, or a failure's detail
    bool end_stream = false;
    std::uint32_t error_code = NGHTTP2_NO_ERROR;
    CodecError error = CodecError::kMalformed;
  };

  struct Callbacks;
  friend struct Callbacks;

  nghttp2_session* session() const { return session_.get(); }
  Stream* find(StreamId id);
  const Stream* find(StreamId id) const;
  bool usable(const Stream* stream) const;

  // Called by nghttp2 (through Callbacks), inside mem_recv / mem_send: bookkeeping only.
  void begin_frame(const nghttp2_frame_hd& hd);
  void begin_headers(const nghttp2_frame& frame);
  void header(const nghttp2_frame& frame, std::string_view name, std::string_view value);
  void frame_received(const nghttp2_frame& frame);
  void data_chunk(StreamId id, std::string_view data);
  void stream_closed(StreamId id, std::uint32_t error_code);
  void invalid_frame(const nghttp2_frame& frame, int lib_error);
  void frame_sent(const nghttp2_frame& frame);
  void frame_not_sent(const nghttp2_frame& frame, int lib_error);
  ssize_t read_body(StreamId id, std::uint8_t* out, std::size_t max, std::uint32_t* data_flags);

  void check_dropped_data_frame();
  void queue_data(StreamId id, std::string_view data, bool end_stream);
  void queue_failure(CodecError error, std::string detail);
  void library_failed(int lib_error);
  void credit(Stream& stream, StreamId id, std::size_t bytes);
  void resume(Stream& stream, StreamId id);
  bool fits_send_limit(const Http2NvList& fields) const;

  // Flush output and hand queued events out until both are exhausted; a no-op when already
  // running further up the stack (a handler calling back in), whose loop picks up the rest.
  void pump();
  void flush();
  void dispatch(Event& event);
  void fail(CodecError error, const std::string& detail, bool report);
  static Http2StreamEnd end_of(const Stream& stream);

  Http2ConnectionEvents& events_;
  const bool server_;
  const CodecLimits limits_;
  const std::size_t max_send_header_block_;
  Http2Session session_;
  std::map<StreamId, Stream> streams_;  // ordered: iteration decides the order of callbacks
  std::deque<Event> queue_;
  Http2ReceivedFields receiving_;  // the header block being decoded (§6.10: one at a time)
  StreamId data_frame_stream_ = 0;  // the DATA frame being received, until its on_frame_recv
  Http2PrematureResetBudget premature_resets_;
  std::string output_;
  std::string local_error_detail_;  // why we are terminating, for the GOAWAY's on_connection_failed
  bool pumping_ = false;
  bool library_broken_ = false;
  bool failed_ = false;
  bool goaway_submitted_ = false;
  bool goaway_received_ = false;
  std::uint64_t extra_frames_received_ = 0;
};

}  // namespace gatesim::http
