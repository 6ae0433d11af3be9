#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/codec.h"
#include "gateway/http/http1_body_encoder.h"
#include "gateway/http/http1_message_parser.h"

namespace gatesim::http {

// The upstream side of an HTTP/1.1 connection in the gateway's keep-alive pool: one request at
// a time (no pipelining towards backends), requests numbered 1, 3, 5, ... like the server side.
//
// send_request_head returns 0 when no request can start: one is in flight, the connection is
// closing, or the head cannot be written as HTTP/1.1 (method not a token, path with whitespace
// or controls). Interim 1xx responses are skipped; a 101 is an error since the codec never asks
// to upgrade. Callbacks may call back into the codec but must not destroy it.
class Http1ClientCodec final : public ClientCodec, private Http1MessageParser::Events {
 public:
  Http1ClientCodec(ClientCodecCallbacks& callbacks, CodecLimits limits);

  Version version() const override { return Version::kHttp11; }
  void receive(std::string_view bytes) override;
  std::string take_output() override;
  bool has_output() const override { return !output_.empty(); }

  bool can_start_stream() const override { return current_ == 0 && !closing_; }
  StreamId send_request_head(const RequestHead& head, bool end_stream) override;
  void send_request_data(StreamId id, std::string_view data, bool end_stream) override;
  void send_request_trailers(StreamId id, const HeaderList& trailers) override;
  void reset_stream(StreamId id, ResetReason reason) override;
  void receive_eof() override;
  bool wants_close() const override { return closing_; }
  void consume(StreamId /*id*/, std::size_t /*bytes*/) override {}  // bodies are never buffered
  std::size_t open_streams() const override { return current_ != 0 ? 1 : 0; }

 private:
  // Http1MessageParser::Events
  Http1MessageParser::HeadAction on_message_head(Http1ParsedHead head) override;
  void on_message_body(std::string_view data) override;
  void on_message_trailers(HeaderList trailers) override;
  void on_message_complete() override;

  Http1MessageParser::HeadAction reject(std::string detail);
  StreamId complete_response();
  void request_finished();
  void fail(CodecError error, std::string detail);

  ClientCodecCallbacks& callbacks_;
  Http1MessageParser parser_;
  std::string output_;
  StreamId next_id_ = 1;
  // The exchange in flight, 0 when idle. It ends as soon as its response is complete, before
  // the final callback, so that a pool can start the next request from inside that callback.
  StreamId current_ = 0;
  bool head_request_ = false;  // a response to HEAD has no content (RFC 9112 6.3 rule 1)
  bool request_done_ = false;
  Http1BodyEncoder body_;
  // The response message being parsed: it may still be finishing in the parser after current_
  // moved on to the next request.
  StreamId receiving_ = 0;
  bool response_complete_ = false;
  bool interim_ = false;  // a 1xx being parsed: not passed on
  bool close_after_response_ = false;
  std::optional<std::uint64_t> body_left_;
  bool parsing_ = false;
  bool closing_ = false;
  std::string rejection_;
};

}  // namespace gatesim::http
