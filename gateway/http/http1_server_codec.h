#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/http/codec.h"
#include "gateway/http/http1_body_encoder.h"
#include "gateway/http/http1_message_parser.h"

namespace gatesim::http {

// The downstream side of an HTTP/1.x connection: parses requests, writes responses (RFC 9112).
//
// Requests are numbered 1, 3, 5, ... in arrival order. Pipelined requests are all parsed (up to
// CodecLimits::max_concurrent_streams unanswered ones; past that the rest of the input is held
// until a response completes), and responses leave in request order whatever order the
// application produces them in (RFC 9112 9.3.2): a response for a later request is held until
// the earlier ones are complete.
//
// Malformed or oversized requests are answered by the codec itself (400, 414, 431, 501, 505
// with "connection: close"); on_codec_error follows once that reply is in the output.
//
// Callbacks may call back into the codec, but must not destroy it (defer deletion to the end of
// the loop turn, as the I/O boundary rules say).
class Http1ServerCodec final : public ServerCodec, private Http1MessageParser::Events {
 public:
  Http1ServerCodec(ServerCodecCallbacks& callbacks, CodecLimits limits, bool tls);

  Version version() const override { return Version::kHttp11; }
  void receive(std::string_view bytes) override;
  std::string take_output() override;
  bool has_output() const override { return !output_.empty(); }

  void send_response_head(StreamId id, const ResponseHead& head, bool end_stream) override;
  void send_response_data(StreamId id, std::string_view data, bool end_stream) override;
  void send_response_trailers(StreamId id, const HeaderList& trailers) override;
  void send_continue(StreamId id) override;
  void reset_stream(StreamId id, ResetReason reason) override;
  void start_drain() override;
  bool wants_close() const override { return closing_; }
  // Request bodies are handed over as they arrive and never buffered, so there is nothing to
  // resume here beyond held pipelined input.
  void consume(StreamId id, std::size_t bytes) override;
  std::size_t open_streams() const override;

  // Not in the ServerCodec interface: a driver that knows it holds an HTTP/1 codec can stop
  // reading while this is true (pipelined input is being held); the codec copes either way.
  bool input_held() const { return held_input_active_; }

 private:
  // One request/response pair on the connection.
  struct Exchange {
    StreamId id = 0;  // 0: a local error reply with no stream behind it
    Version version = Version::kHttp11;
    bool head_request = false;
    bool request_keep_alive = true;
    bool expect_continue = false;
    bool continue_sent = false;
    std::optional<std::uint64_t> body_left;  // fixed-length request body still to arrive
    bool request_end_delivered = false;      // the application has seen the end of the request
    bool request_done = false;               // nothing more of the request will be read
    bool response_started = false;           // the final response head is written or held
    bool response_done = false;
    bool close_after = false;  // the connection ends after this response
    bool abandoned = false;    // reset: no more callbacks, sends are ignored
    Http1BodyEncoder body;
    std::string held;  // response bytes waiting for earlier responses to finish
  };

  // Http1MessageParser::Events
  Http1MessageParser::HeadAction on_message_head(Http1ParsedHead head) override;
  void on_message_body(std::string_view data) override;
  void on_message_trailers(HeaderList trailers) override;
  void on_message_complete() override;

  Http1MessageParser::HeadAction reject(int status, std::string detail);
  void parse(std::string_view bytes);
  void resume_held_input();
  void fail(int status, CodecError error, std::string detail);

  Exchange* find(StreamId id);
  bool is_writing(const Exchange& exchange) const;
  void emit(Exchange& exchange, std::string_view bytes);
  void finish_response(Exchange& exchange);
  void abandon(Exchange& exchange);
  void advance();
  void close_after(std::size_t index);
  void notify_closed(std::vector<std::pair<StreamId, ResetReason>> resets);
  std::size_t unanswered() const;
  bool stop_input() const { return closing_ || input_dead_; }

  ServerCodecCallbacks& callbacks_;
  CodecLimits limits_;
  std::string scheme_;
  Http1MessageParser parser_;
  std::deque<Exchange> exchanges_;  // request order; the first with an unfinished response is writing
  std::string output_;
  std::size_t held_output_bytes_ = 0;
  std::string held_input_;  // unparsed pipelined input while too many requests are unanswered
  bool held_input_active_ = false;
  StreamId next_id_ = 1;
  StreamId reading_id_ = 0;  // the exchange whose request is being received
  bool parsing_ = false;
  bool no_more_requests_ = false;  // after this request, nothing more is read (RFC 9112 9.6)
  bool input_dead_ = false;        // nothing more is read at all
  bool draining_ = false;
  bool closing_ = false;
  std::optional<std::pair<int, std::string>> rejection_;        // status and detail of a refused head
  std::optional<std::pair<CodecError, std::string>> pending_error_;  // reported when the close point is reached
};

}  // namespace gatesim::http
