#include "gateway/http/http1_client_codec.h"

#include <algorithm>
#include <utility>

#include "gateway/http/http1_field_syntax.h"
#include "gateway/http/http1_hop_by_hop.h"
#include "gateway/http/http1_request_target.h"
#include "gateway/http/http1_wire_writer.h"

namespace gatesim::http {
namespace {

// Methods whose requests carry content: an empty body is announced as "content-length: 0", and
// for others no length is sent at all (RFC 9110 8.6).
bool anticipates_content(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

}  // namespace

Http1ClientCodec::Http1ClientCodec(ClientCodecCallbacks& callbacks, CodecLimits limits)
    : callbacks_(callbacks), parser_(HTTP_RESPONSE, *this, limits) {}

void Http1ClientCodec::receive(std::string_view bytes) {
  if (closing_ || parser_.failed() || bytes.empty()) return;
  parsing_ = true;
  parser_.execute(bytes);
  parsing_ = false;
  if (!parser_.failed()) return;
  switch (parser_.failure()) {
    case Http1ParseFailure::kHeadersTooLarge:
      fail(CodecError::kHeadersTooLarge, parser_.failure_detail());
      return;
    case Http1ParseFailure::kRejectedHead:
      fail(CodecError::kMalformed, rejection_);
      return;
    default:
      fail(CodecError::kMalformed, parser_.failure_detail());
      return;
  }
}

std::string Http1ClientCodec::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

StreamId Http1ClientCodec::send_request_head(const RequestHead& head, bool end_stream) {
  if (!can_start_stream()) return 0;
  const std::string_view path = head.path.empty() ? std::string_view("/") : std::string_view(head.path);
  // Anything else would break the request line or the Host field (request splitting).
  if (!is_token(head.method) || !is_writable_request_target(path) || !is_valid_authority(head.authority)) return 0;

  using Framing = Http1BodyEncoder::Framing;
  std::string out;
  append_request_line(out, head.method, path);
  // Host goes first, and is sent even when empty (RFC 9112 3.2).
  append_field(out, "host", head.authority);
  Framing framing = Framing::kFixedLength;
  std::uint64_t length = 0;
  if (end_stream) {
    // No body follows, whatever content_length says.
    if (anticipates_content(head.method)) append_field(out, "content-length", "0");
  } else if (head.content_length) {
    length = *head.content_length;
    append_field(out, "content-length", std::to_string(length));
  } else {
    framing = Framing::kChunked;
    append_field(out, "transfer-encoding", "chunked");
  }
  append_end_to_end_fields(out, head.headers, FieldSection::kRequest);
  append_end_of_fields(out);
  body_.begin(framing, length);
  output_ += out;

  current_ = next_id_;
  next_id_ += 2;
  head_request_ = head.method == "HEAD";
  request_done_ = false;
  if (end_stream) {
    body_.write({}, true, output_);
    request_done_ = true;
  }
  return current_;
}

void Http1ClientCodec::send_request_data(StreamId id, std::string_view data, bool end_stream) {
  if (id == 0 || id != current_ || request_done_) return;
  body_.write(data, end_stream, output_);
  if (end_stream) request_finished();
}

void Http1ClientCodec::send_request_trailers(StreamId id, const HeaderList& trailers) {
  if (id == 0 || id != current_ || request_done_) return;
  body_.finish_with_trailers(trailers, output_);
  request_finished();
}

void Http1ClientCodec::request_finished() {
  request_done_ = true;
  if (!body_.cut_short()) return;
  // Fewer bytes than the content-length sent: the server would wait for the rest forever, so
  // the exchange and the connection are over.
  const StreamId id = current_;
  current_ = 0;
  closing_ = true;
  callbacks_.on_stream_reset(id, ResetReason::kInternalError);
}

void Http1ClientCodec::reset_stream(StreamId id, ResetReason /*reason*/) {
  if (id == 0 || id != current_) return;
  // An HTTP/1.1 exchange cannot be abandoned and the connection kept: the rest of the request
  // or response would be read as the next message.
  current_ = 0;
  closing_ = true;
  if (receiving_ == id) response_complete_ = true;
  if (parsing_) parser_.pause();
}

void Http1ClientCodec::receive_eof() {
  if (parser_.failed()) return;
  if (!closing_ && current_ != 0) parser_.finish();  // completes a body delimited by the close
  closing_ = true;
  if (current_ != 0) {
    const StreamId id = current_;
    current_ = 0;
    callbacks_.on_stream_reset(id, ResetReason::kConnectionClosed);
  }
}

Http1MessageParser::HeadAction Http1ClientCodec::reject(std::string detail) {
  rejection_ = std::move(detail);
  return Http1MessageParser::HeadAction::kReject;
}

Http1MessageParser::HeadAction Http1ClientCodec::on_message_head(Http1ParsedHead head) {
  if (current_ == 0) return reject("response without a request in flight");
  if (head.http_major != 1) return reject("unsupported HTTP version in response");
  if (head.status < 100 || head.status > 599) return reject("invalid status code " + std::to_string(head.status));
  if (head.status < 200) {
    if (head.status == 101) return reject("101 Switching Protocols without an upgrade request");
    interim_ = true;  // 100 Continue, 103 Early Hints: no content (RFC 9110 15.2), not passed on
    return Http1MessageParser::HeadAction::kSkipBody;
  }
  interim_ = false;
  const bool http10 = head.http_minor == 0;
  const ConnectionOptions options = parse_connection_options(head.fields);
  // RFC 9112 9.3: persistence as for requests; the response's "close" is honoured here.
  bool keep_alive = http10 ? (options.keep_alive && !options.close) : !options.close;
  // RFC 9112 6.3 rule 1.
  const bool no_body = head_request_ || head.status == 204 || head.status == 304;
  // RFC 9112 6.3 rules 4 and 8: no chunked and no length means the close ends the body.
  if (!no_body && !head.chunked && !head.content_length) keep_alive = false;
  // RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; do not reuse.
  if (http10 && head.has_transfer_encoding) keep_alive = false;
  close_after_response_ = !keep_alive;

  ResponseHead response;
  response.version = http10 ? Version::kHttp10 : Version::kHttp11;
  response.status = head.status;
  // HEAD and 304 answers keep the announced length: the gateway passes it on (RFC 9110 8.6).
  if (!head.chunked) response.content_length = head.content_length;
  response.headers = std::move(head.fields);
  strip_hop_by_hop(response.headers, options);
  remove_header(response.headers, "content-length");
  const bool end_stream = no_body || (!head.chunked && head.content_length == std::optional<std::uint64_t>(0));
  body_left_.reset();
  if (!no_body && !head.chunked && head.content_length.value_or(0) > 0) body_left_ = head.content_length;

  receiving_ = current_;
  response_complete_ = false;
  const StreamId id = end_stream ? complete_response() : receiving_;
  callbacks_.on_response_head(id, std::move(response), end_stream);
  return no_body ? Http1MessageParser::HeadAction::kSkipBody : Http1MessageParser::HeadAction::kReadBody;
}

void Http1ClientCodec::on_message_body(std::string_view data) {
  if (interim_ || receiving_ == 0 || response_complete_) return;
  bool end = false;
  if (body_left_) {
    *body_left_ -= std::min<std::uint64_t>(*body_left_, data.size());
    end = *body_left_ == 0;
  }
  const StreamId id = end ? complete_response() : receiving_;
  callbacks_.on_response_data(id, data, end);
}

void Http1ClientCodec::on_message_trailers(HeaderList trailers) {
  if (interim_ || receiving_ == 0 || response_complete_) return;
  strip_forbidden_trailers(trailers);
  if (trailers.empty()) return;  // the response then ends with empty data
  const StreamId id = complete_response();
  callbacks_.on_response_trailers(id, std::move(trailers));
}

void Http1ClientCodec::on_message_complete() {
  if (interim_) {
    interim_ = false;
    return;
  }
  if (receiving_ != 0 && !response_complete_) {
    const StreamId id = complete_response();
    callbacks_.on_response_data(id, {}, true);
  }
  receiving_ = 0;
  if (closing_) parser_.pause();  // anything after the last response is not read
}

StreamId Http1ClientCodec::complete_response() {
  response_complete_ = true;
  // A response complete before its request: the rest of the request can never be sent here.
  if (close_after_response_ || !request_done_) closing_ = true;
  if (current_ == receiving_) current_ = 0;
  if (closing_) parser_.pause();
  return receiving_;
}

void Http1ClientCodec::fail(CodecError error, std::string detail) {
  closing_ = true;
  const StreamId id = current_;
  current_ = 0;
  receiving_ = 0;
  if (id != 0) callbacks_.on_stream_reset(id, ResetReason::kProtocolError);
  callbacks_.on_codec_error(error, detail);
}

}  // namespace gatesim::http
