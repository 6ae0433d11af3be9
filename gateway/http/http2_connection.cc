#include "gateway/http/http2_connection.h"

#include <algorithm>
#include <memory>
#include <new>
#include <vector>

#include "gateway/http/http2_error_codes.h"

namespace gatesim::http {
namespace {

std::string_view view(const std::uint8_t* data, std::size_t length) {
  return {reinterpret_cast<const char*>(data), length};
}

// Whatever our own receive limits let in, we can also send (a proxied message is never refused on
// its way out), and never less than nghttp2's default of 64 KiB.
std::size_t send_header_limit(const CodecLimits& limits) {
  std::size_t bound = 12 + 12 * limits.max_header_count + limits.max_header_bytes;
  return std::max<std::size_t>(64 * 1024, bound);
}

Http2SessionOptions session_options(bool server, const CodecLimits& limits) {
  Http2SessionOptions options;
  options.server = server;
  options.max_send_header_block = send_header_limit(limits);
  return options;
}

}  // namespace

// nghttp2 -> Http2Connection. No exception may cross into C: anything thrown (std::bad_alloc) turns
// into NGHTTP2_ERR_CALLBACK_FAILURE, which makes mem_recv / mem_send fail and the connection with it.
struct Http2Connection::Callbacks {
  static Http2Connection& self(void* user_data) { return *static_cast<Http2Connection*>(user_data); }

  template <typename Body>
  static int guarded(Body&& body) {
    try {
      body();
      return 0;
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
  }

  static int on_begin_frame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user_data) {
    return guarded([&] { self(user_data).begin_frame(*hd); });
  }
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    return guarded([&] { self(user_data).begin_headers(*frame); });
  }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user_data) {
    return guarded([&] { self(user_data).header(*frame, view(name, namelen), view(value, valuelen)); });
  }
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    return guarded([&] { self(user_data).frame_received(*frame); });
  }
  static int on_data_chunk_recv(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                                std::size_t len, void* user_data) {
    return guarded([&] { self(user_data).data_chunk(stream_id, view(data, len)); });
  }
  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code, void* user_data) {
    return guarded([&] { self(user_data).stream_closed(stream_id, error_code); });
  }
  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    return guarded([&] { self(user_data).frame_sent(*frame); });
  }
  static int on_invalid_frame_recv(nghttp2_session*, const nghttp2_frame* frame, int lib_error, void* user_data) {
    return guarded([&] { self(user_data).invalid_frame(*frame, lib_error); });
  }
  static int on_frame_not_send(nghttp2_session*, const nghttp2_frame* frame, int lib_error, void* user_data) {
    return guarded([&] { self(user_data).frame_not_sent(*frame, lib_error); });
  }
  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
    try {
      return self(user_data).read_body(stream_id, buf, length, data_flags);
    } catch (...) {
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
  }

  struct TableDeleter {
    void operator()(nghttp2_session_callbacks* table) const { nghttp2_session_callbacks_del(table); }
  };
  using Table = std::unique_ptr<nghttp2_session_callbacks, TableDeleter>;

  // No send callback: output is pulled with nghttp2_session_mem_send.
  static Table make() {
    nghttp2_session_callbacks* raw = nullptr;
    if (nghttp2_session_callbacks_new(&raw) != 0) throw std::bad_alloc();
    Table table(raw);
    nghttp2_session_callbacks_set_on_begin_frame_callback(raw, on_begin_frame);
    nghttp2_session_callbacks_set_on_begin_headers_callback(raw, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(raw, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(raw, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(raw, on_data_chunk_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(raw, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(raw, on_frame_send);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(raw, on_frame_not_send);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(raw, on_invalid_frame_recv);
    // No on_invalid_header_callback on purpose: without one, nghttp2 treats a field with invalid
    // characters as a stream error PROTOCOL_ERROR (RFC 9113 §8.2.1 "malformed") instead of
    // silently dropping it.
    return table;
  }
};

Http2Connection::Http2Connection(Http2ConnectionEvents& events, bool server, const CodecLimits& limits)
    : events_(events),
      server_(server),
      limits_(limits),
      max_send_header_block_(send_header_limit(limits)),
      session_(Callbacks::make().get(), this, session_options(server, limits)),
      receiving_(limits.max_header_bytes, limits.max_header_count) {
  // §3.4 / §6.5: our SETTINGS go out first (a client's after the preface nghttp2 writes itself).
  const std::uint32_t window = std::min<std::uint32_t>(limits.initial_window_size, NGHTTP2_MAX_WINDOW_SIZE);
  std::vector<nghttp2_settings_entry> settings;
  if (server) settings.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams});
  settings.push_back({NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window});
  settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});  // §8.4: no server push, either way
  nghttp2_submit_settings(session(), NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  // The connection window starts at 65535 whatever SETTINGS say (§6.9.2); open it as wide as one
  // stream's so that a single request body is limited by its stream window only.
  if (window > NGHTTP2_INITIAL_CONNECTION_WINDOW_SIZE) {
    nghttp2_session_set_local_window_size(session(), NGHTTP2_FLAG_NONE, 0, static_cast<std::int32_t>(window));
  }
  flush();  // no events yet: the codec deriving from Http2ConnectionEvents is still being built
}

Http2Connection::~Http2Connection() = default;

// ---- input / output --------------------------------------------------------------------------

void Http2Connection::receive(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  ssize_t rv = nghttp2_session_mem_recv(session(), reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                        bytes.size());
  if (rv < 0) library_failed(static_cast<int>(rv));
  pump();
}

void Http2Connection::transport_closed() {
  if (failed_) return;
  Event event;
  event.kind = Event::Kind::kTransportClosed;
  queue_.push_back(std::move(event));
  pump();
}

std::string Http2Connection::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

// ---- application -> nghttp2 --------------------------------------------------------------------

StreamId Http2Connection::submit_request(Http2NvList fields, bool end_stream) {
  if (failed_ || server_ || !fits_send_limit(fields)) return 0;
  nghttp2_data_provider provider{};
  provider.read_callback = Callbacks::read_body;
  std::int32_t id = nghttp2_submit_request(session(), nullptr, fields.data(), fields.size(),
                                           end_stream ? nullptr : &provider, nullptr);
  if (id <= 0) return 0;
  Stream& stream = streams_[id];
  stream.final_head_submitted = true;
  stream.body_open = !end_stream;
  pump();
  return id;
}

bool Http2Connection::submit_response(StreamId id, Http2NvList fields, bool end_stream) {
  Stream* stream = find(id);
  if (!usable(stream) || stream->final_head_submitted) return false;
  stream->final_head_submitted = true;
  if (!fits_send_limit(fields)) {
    // nghttp2 would refuse to frame it (on_frame_not_send) and leave the stream hanging.
    stream->send_failed = true;
    nghttp2_submit_rst_stream(session(), NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
    pump();
    return false;
  }
  nghttp2_data_provider provider{};
  provider.read_callback = Callbacks::read_body;
  if (nghttp2_submit_response(session(), id, fields.data(), fields.size(), end_stream ? nullptr : &provider) != 0) {
    return false;
  }
  stream->body_open = !end_stream;
  pump();
  return true;
}

void Http2Connection::submit_interim(StreamId id, Http2NvList fields) {
  Stream* stream = find(id);
  if (!usable(stream) || stream->final_head_submitted) return;
  nghttp2_submit_headers(session(), NGHTTP2_FLAG_NONE, id, nullptr, fields.data(), fields.size(), nullptr);
  pump();
}

void Http2Connection::send_data(StreamId id, std::string_view data, bool end_stream) {
  Stream* stream = find(id);
  if (!usable(stream) || !stream->body_open) return;
  stream->body.append(data);
  if (end_stream) {
    stream->body.finish();
    stream->body_open = false;
  }
  resume(*stream, id);
  pump();
}

void Http2Connection::send_trailers(StreamId id, Http2NvList trailers) {
  Stream* stream = find(id);
  if (!usable(stream) || !stream->body_open) return;
  if (trailers.size() == 0) {
    stream->body.finish();  // an empty trailer section is just the end of the stream
  } else {
    stream->body.finish_with_trailers(std::move(trailers));
  }
  stream->body_open = false;
  resume(*stream, id);
  pump();
}

void Http2Connection::reset(StreamId id, std::uint32_t error_code) {
  Stream* stream = find(id);
  if (failed_ || stream == nullptr || stream->closed || stream->reset_locally) return;
  stream->reset_locally = true;
  credit(*stream, id, stream->unconsumed);  // nobody will consume what is left
  if (error_code == NGHTTP2_NO_ERROR && stream->final_head_submitted && !stream->body_open && !stream->local_ended) {
    stream->rst_after_end = true;  // see frame_sent
  } else {
    stream->body = Http2OutgoingBody();
    stream->body_open = false;
    nghttp2_submit_rst_stream(session(), NGHTTP2_FLAG_NONE, id, error_code);
  }
  pump();
}

void Http2Connection::consume(StreamId id, std::size_t bytes) {
  Stream* stream = find(id);
  if (failed_ || stream == nullptr) return;
  credit(*stream, id, bytes);
  pump();
}

void Http2Connection::send_goaway() {
  if (failed_ || goaway_submitted_) return;
  goaway_submitted_ = true;
  // §6.8: streams up to the last one we processed still complete; later ones were not processed
  // and the client may retry them elsewhere. A single GOAWAY: we have no clock to wait out the
  // round trip that the two-step shutdown (2^31-1 first) needs.
  nghttp2_submit_goaway(session(), NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session()),
                        NGHTTP2_NO_ERROR, nullptr, 0);
  pump();
}

void Http2Connection::mark_head_delivered(StreamId id) {
  if (Stream* stream = find(id)) stream->head_delivered = true;
}

bool Http2Connection::head_delivered(StreamId id) const {
  const Stream* stream = find(id);
  return stream != nullptr && stream->head_delivered;
}

bool Http2Connection::final_head_submitted(StreamId id) const {
  const Stream* stream = find(id);
  return stream != nullptr && stream->final_head_submitted;
}

std::size_t Http2Connection::delivered_streams() const {
  return static_cast<std::size_t>(std::count_if(streams_.begin(), streams_.end(), [](const auto& entry) {
    return entry.second.head_delivered && !entry.second.reset_locally;
  }));
}

std::size_t Http2Connection::active_streams() const {
  return static_cast<std::size_t>(std::count_if(
      streams_.begin(), streams_.end(), [](const auto& entry) { return !entry.second.reset_locally; }));
}

std::size_t Http2Connection::pending_send_bytes(StreamId id) const {
  const Stream* stream = find(id);
  return stream == nullptr ? 0 : stream->body.buffered();
}

bool Http2Connection::can_open_stream() const {
  if (failed_ || server_ || goaway_received_) return false;
  if (!nghttp2_session_check_request_allowed(session())) return false;
  // Streams we reset still count until nghttp2 has closed them, as they do for the peer (§5.1.2).
  std::uint32_t peer_max = nghttp2_session_get_remote_settings(session(), NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  return streams_.size() < peer_max;
}

// ---- nghttp2 -> bookkeeping (inside mem_recv / mem_send) ------------------------------------------

void Http2Connection::begin_frame(const nghttp2_frame_hd& hd) {
  check_dropped_data_frame();
  if (hd.type == NGHTTP2_DATA) data_frame_stream_ = hd.stream_id;
}

void Http2Connection::check_dropped_data_frame() {
  // The previous frame was DATA and nghttp2 never reported it received (on_frame_recv). On a stream
  // we hold open, that means nghttp2 reset the stream without telling (content-length mismatch,
  // §8.1.1, or the stream's own flow-control window, §6.9.1); those paths call no callback until
  // the RST_STREAM is sent. Reporting it here, at the next frame (nghttp2 starts no frame that
  // yields an event without this callback), keeps the report in input order.
  StreamId id = data_frame_stream_;
  data_frame_stream_ = 0;
  Stream* stream = find(id);
  if (id == 0 || stream == nullptr || stream->closed || stream->reset_locally) return;
  stream_closed(id, NGHTTP2_PROTOCOL_ERROR);
}

void Http2Connection::begin_headers(const nghttp2_frame& frame) {
  if (frame.hd.type != NGHTTP2_HEADERS) return;
  if (server_ && frame.headers.cat == NGHTTP2_HCAT_REQUEST) {
    streams_.try_emplace(frame.hd.stream_id);
    premature_resets_.on_stream_opened();
  }
  receiving_ = Http2ReceivedFields(limits_.max_header_bytes, limits_.max_header_count);
}

void Http2Connection::header(const nghttp2_frame& frame, std::string_view name, std::string_view value) {
  if (frame.hd.type == NGHTTP2_HEADERS) receiving_.add(name, value);
}

void Http2Connection::frame_received(const nghttp2_frame& frame) {
  const StreamId id = frame.hd.stream_id;
  const bool end_stream = (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  if (frame.hd.type != NGHTTP2_HEADERS) ++extra_frames_received_;
  switch (frame.hd.type) {
    case NGHTTP2_HEADERS: {
      Stream* stream = find(id);
      if (stream == nullptr) return;
      if (end_stream) stream->remote_ended = true;
      Event event;
      event.kind = Event::Kind::kHeaders;
      event.id = id;
      event.fields = std::move(receiving_);
      event.end_stream = end_stream;
      queue_.push_back(std::move(event));
      return;
    }
    case NGHTTP2_DATA: {
      data_frame_stream_ = 0;
      Stream* stream = find(id);
      if (stream == nullptr || !end_stream) return;
      stream->remote_ended = true;
      queue_data(id, {}, true);
      return;
    }
    case NGHTTP2_RST_STREAM: {
      Stream* stream = find(id);
      if (stream == nullptr || stream->closed) return;
      stream->reset_by_peer = true;
      // Counted here, inside mem_recv, so that the cut falls on the same frame however the bytes
      // were split: terminate_session makes nghttp2 ignore everything after it.
      if (server_ && !stream->local_ended && !stream->reset_locally && premature_resets_.on_premature_reset()) {
        local_error_detail_ = "too many streams reset by the client before their response completed";
        nghttp2_session_terminate_session(session(), NGHTTP2_ENHANCE_YOUR_CALM);
      }
      return;
    }
    case NGHTTP2_GOAWAY: {
      goaway_received_ = true;
      Event event;
      event.kind = Event::Kind::kGoaway;
      event.error_code = frame.goaway.error_code;
      event.data.assign(reinterpret_cast<const char*>(frame.goaway.opaque_data), frame.goaway.opaque_data_len);
      queue_.push_back(std::move(event));
      return;
    }
    default:
      return;
  }
}

void Http2Connection::data_chunk(StreamId id, std::string_view data) {
  Stream* stream = find(id);
  if (stream == nullptr) {
    nghttp2_session_consume(session(), id, data.size());  // never leak connection window
    return;
  }
  stream->unconsumed += data.size();
  if (stream->reset_locally || stream->closed) {
    credit(*stream, id, data.size());
    return;
  }
  queue_data(id, data, false);
}

void Http2Connection::stream_closed(StreamId id, std::uint32_t error_code) {
  Stream* stream = find(id);
  if (stream == nullptr || stream->closed) return;
  stream->closed = true;
  stream->close_code = error_code;
  Event event;
  event.kind = Event::Kind::kClosed;
  event.id = id;
  queue_.push_back(std::move(event));
}

void Http2Connection::invalid_frame(const nghttp2_frame& frame, int lib_error) {
  // nghttp2 found a stream error in the peer's frame and queued RST_STREAM; the stream closes when
  // that is sent, at the next flush. Reporting the close now, in input order, keeps the
  // application's history independent of how the input was split (a later stream in the same
  // receive() would otherwise be reported first). For a connection error this is called too,
  // just before the GOAWAY: the stream then ends with the error's code rather than
  // connection_closed.
  Stream* stream = find(frame.hd.stream_id);
  if (frame.hd.stream_id == 0 || stream == nullptr || stream->closed) return;
  stream_closed(frame.hd.stream_id, h2_error_code_from_library(lib_error));
}

void Http2Connection::frame_sent(const nghttp2_frame& frame) {
  switch (frame.hd.type) {
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
      if ((frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
        Stream* stream = find(frame.hd.stream_id);
        if (stream == nullptr) return;
        stream->local_ended = true;
        if (stream->rst_after_end) {
          stream->rst_after_end = false;
          nghttp2_submit_rst_stream(session(), NGHTTP2_FLAG_NONE, frame.hd.stream_id, NGHTTP2_NO_ERROR);
        }
      }
      return;
    case NGHTTP2_GOAWAY: {
      if (frame.goaway.error_code == NGHTTP2_NO_ERROR) return;
      // A connection error (ours or one nghttp2 found in the peer's bytes) has just gone out.
      std::string detail = local_error_detail_;
      if (detail.empty()) {
        detail = "sent GOAWAY " + h2_error_name(frame.goaway.error_code);
        if (frame.goaway.opaque_data_len > 0) {
          detail += ": ";
          detail.append(reinterpret_cast<const char*>(frame.goaway.opaque_data), frame.goaway.opaque_data_len);
        }
      }
      queue_failure(codec_error_from_h2(frame.goaway.error_code), std::move(detail));
      return;
    }
    default:
      return;
  }
}

void Http2Connection::frame_not_sent(const nghttp2_frame& frame, int lib_error) {
  if (frame.hd.type != NGHTTP2_HEADERS || lib_error != NGHTTP2_ERR_FRAME_SIZE_ERROR) return;
  // A header block over the send limit. A request's stream is closed by nghttp2 with REFUSED_STREAM,
  // which would invite an endless retry; a response's stream would hang. Both end as internal errors.
  Stream* stream = find(frame.hd.stream_id);
  if (stream == nullptr) return;
  stream->send_failed = true;
  if (server_) nghttp2_submit_rst_stream(session(), NGHTTP2_FLAG_NONE, frame.hd.stream_id, NGHTTP2_INTERNAL_ERROR);
}

ssize_t Http2Connection::read_body(StreamId id, std::uint8_t* out, std::size_t max, std::uint32_t* data_flags) {
  Stream* stream = find(id);
  if (stream == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // nghttp2 resets the stream
  Http2OutgoingBody::Chunk chunk = stream->body.read(out, max);
  if (chunk.length == 0 && !chunk.last) {
    // Nothing to send yet and more to come: park the DATA item until send_data / send_trailers.
    stream->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  if (chunk.last) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (std::optional<Http2NvList> trailers = stream->body.take_trailers()) {
      // §8.1: trailers are a HEADERS frame carrying END_STREAM, so the last DATA must not carry it.
      // nghttp2 documents nghttp2_submit_trailer as callable from inside this callback.
      *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      if (nghttp2_submit_trailer(session(), id, trailers->data(), trailers->size()) != 0) {
        return NGHTTP2_ERR_CALLBACK_FAILURE;
      }
    }
  }
  return static_cast<ssize_t>(chunk.length);
}

// ---- helpers ------------------------------------------------------------------------------------

Http2Connection::Stream* Http2Connection::find(StreamId id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

const Http2Connection::Stream* Http2Connection::find(StreamId id) const {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

bool Http2Connection::usable(const Stream* stream) const {
  return !failed_ && stream != nullptr && !stream->closed && !stream->reset_locally;
}

void Http2Connection::queue_data(StreamId id, std::string_view data, bool end_stream) {
  // Consecutive chunks of one stream become one event: fewer callbacks, same bytes.
  if (!queue_.empty()) {
    Event& last = queue_.back();
    if (last.kind == Event::Kind::kData && last.id == id && !last.end_stream) {
      last.data.append(data);
      last.end_stream = end_stream;
      return;
    }
  }
  Event event;
  event.kind = Event::Kind::kData;
  event.id = id;
  event.data.assign(data);
  event.end_stream = end_stream;
  queue_.push_back(std::move(event));
}

void Http2Connection::queue_failure(CodecError error, std::string detail) {
  Event event;
  event.kind = Event::Kind::kFailed;
  event.error = error;
  event.data = std::move(detail);
  queue_.push_back(std::move(event));
}

void Http2Connection::library_failed(int lib_error) {
  // mem_recv's fatal errors. nghttp2 queues no GOAWAY for them; send one ourselves (§5.4.1), with
  // PROTOCOL_ERROR for a bad preface (§3.4), ENHANCE_YOUR_CALM for a flood of frames that each
  // demand an ACK, INTERNAL_ERROR otherwise. The failure is queued before that GOAWAY's own
  // on_frame_send report so that this, more precise, detail wins.
  std::uint32_t code = NGHTTP2_INTERNAL_ERROR;
  std::string detail = std::string("nghttp2: ") + nghttp2_strerror(lib_error);
  if (lib_error == NGHTTP2_ERR_BAD_CLIENT_MAGIC) {
    code = NGHTTP2_PROTOCOL_ERROR;
    detail = "invalid HTTP/2 connection preface";
  } else if (lib_error == NGHTTP2_ERR_FLOODED) {
    code = NGHTTP2_ENHANCE_YOUR_CALM;
  }
  queue_failure(codec_error_from_h2(code), std::move(detail));
  if (lib_error != NGHTTP2_ERR_NOMEM) nghttp2_session_terminate_session(session(), code);
}

void Http2Connection::credit(Stream& stream, StreamId id, std::size_t bytes) {
  bytes = std::min(bytes, stream.unconsumed);
  if (bytes == 0) return;
  stream.unconsumed -= bytes;
  // Reopens the stream and connection windows; nghttp2 sends WINDOW_UPDATE once enough has
  // accumulated (no_auto_window_update is set, see Http2Session).
  nghttp2_session_consume(session(), id, bytes);
}

void Http2Connection::resume(Stream& stream, StreamId id) {
  if (!stream.deferred) return;
  stream.deferred = false;
  nghttp2_session_resume_data(session(), id);
}

bool Http2Connection::fits_send_limit(const Http2NvList& fields) const {
  return fields.encoded_bound() <= max_send_header_block_;
}

// ---- event loop ---------------------------------------------------------------------------------

void Http2Connection::pump() {
  if (pumping_) return;
  pumping_ = true;
  struct Unwind {
    bool& flag;
    ~Unwind() { flag = false; }
  } unwind{pumping_};
  for (;;) {
    flush();
    if (queue_.empty()) return;
    Event event = std::move(queue_.front());
    queue_.pop_front();
    dispatch(event);
  }
}

void Http2Connection::flush() {
  while (!failed_ && !library_broken_) {
    const std::uint8_t* data = nullptr;
    ssize_t length = nghttp2_session_mem_send(session(), &data);
    if (length < 0) {
      // Out of memory or a callback failure: the session cannot even frame a GOAWAY now.
      library_broken_ = true;
      queue_failure(CodecError::kMalformed, std::string("nghttp2: ") + nghttp2_strerror(static_cast<int>(length)));
      return;
    }
    if (length == 0) return;
    output_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
  }
}

void Http2Connection::dispatch(Event& event) {
  switch (event.kind) {
    case Event::Kind::kHeaders: {
      Stream* stream = find(event.id);
      if (stream == nullptr || stream->reset_locally) return;
      events_.on_headers(event.id, std::move(event.fields), event.end_stream);
      return;
    }
    case Event::Kind::kData: {
      Stream* stream = find(event.id);
      if (stream == nullptr) return;
      if (stream->reset_locally || !stream->head_delivered) {
        credit(*stream, event.id, event.data.size());  // a stream the codec refused: drop, reopen windows
        return;
      }
      events_.on_data(event.id, event.data, event.end_stream);
      return;
    }
    case Event::Kind::kClosed: {
      auto it = streams_.find(event.id);
      if (it == streams_.end()) return;
      Stream stream = std::move(it->second);
      streams_.erase(it);
      // Bytes the application never consumed still occupy the connection window (nghttp2 only
      // forgets the stream's own window when it closes).
      if (stream.unconsumed > 0) nghttp2_session_consume_connection(session(), stream.unconsumed);
      events_.on_stream_closed(event.id, end_of(stream));
      return;
    }
    case Event::Kind::kGoaway: {
      events_.on_goaway_received(event.error_code);
      if (event.error_code != NGHTTP2_NO_ERROR) {
        std::string detail = "peer sent GOAWAY " + h2_error_name(event.error_code);
        if (!event.data.empty()) detail += ": " + event.data;
        fail(CodecError::kGoAwayReceived, detail, true);
      }
      return;
    }
    case Event::Kind::kFailed:
      fail(event.error, event.data, true);
      return;
    case Event::Kind::kTransportClosed:
      fail(CodecError::kMalformed, {}, false);
      return;
  }
}

void Http2Connection::fail(CodecError error, const std::string& detail, bool report) {
  if (failed_) return;
  failed_ = true;
  queue_.clear();  // nghttp2 processed nothing after the error (terminate_session ignores the rest)
  std::map<StreamId, Stream> streams;
  streams.swap(streams_);
  for (const auto& [id, stream] : streams) {
    Http2StreamEnd end = end_of(stream);
    if (!stream.closed) end.connection_closed = true;
    events_.on_stream_closed(id, end);
  }
  if (report) events_.on_connection_failed(error, detail);
}

Http2StreamEnd Http2Connection::end_of(const Stream& stream) {
  Http2StreamEnd end;
  end.error_code = stream.send_failed ? static_cast<std::uint32_t>(NGHTTP2_INTERNAL_ERROR) : stream.close_code;
  end.reset_by_peer = stream.reset_by_peer;
  end.reset_locally = stream.reset_locally;
  end.head_delivered = stream.head_delivered;
  end.remote_ended = stream.remote_ended;
  end.local_ended = stream.local_ended;
  return end;
}

}  // namespace gatesim::http
