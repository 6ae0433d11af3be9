#include "gateway/http/http1_server_codec.h"

#include <algorithm>
#include <utility>

#include "gateway/http/http1_field_syntax.h"
#include "gateway/http/http1_hop_by_hop.h"
#include "gateway/http/http1_request_target.h"
#include "gateway/http/http1_wire_writer.h"

namespace gatesim::http {
namespace {

// Output held for responses that are ready before earlier ones (Envoy's default per-connection
// buffer limit). Past it the later stream is reset rather than buffered without bound.
constexpr std::size_t kMaxHeldOutputBytes = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Http1ServerCodec::Http1ServerCodec(ServerCodecCallbacks& callbacks, CodecLimits limits, bool tls)
    : callbacks_(callbacks), limits_(limits), scheme_(tls ? "https" : "http"), parser_(HTTP_REQUEST, *this, limits_) {}

void Http1ServerCodec::receive(std::string_view bytes) {
  if (stop_input() || bytes.empty()) return;
  if (held_input_active_ || parsing_ || !held_input_.empty()) {
    // Enough for one more request head; more than that while the application is behind on a full
    // pipeline is a client that does not wait for answers.
    if (held_input_.size() + bytes.size() > limits_.max_request_line_bytes + limits_.max_header_bytes) {
      pending_error_ = {CodecError::kFlowControl, "pipelined input over the limit while requests are unanswered"};
      std::size_t delivered = 0;
      while (delivered < exchanges_.size() && exchanges_[delivered].response_done) ++delivered;
      close_after(delivered);
      return;
    }
    held_input_.append(bytes.data(), bytes.size());
    resume_held_input();
    return;
  }
  if (no_more_requests_ && !parser_.message_in_progress()) return;  // RFC 9112 9.6
  parse(bytes);
  resume_held_input();
  advance();  // a drain may be waiting for the connection to go idle
}

std::string Http1ServerCodec::take_output() {
  std::string out;
  out.swap(output_);
  return out;
}

void Http1ServerCodec::parse(std::string_view bytes) {
  parsing_ = true;
  const std::size_t consumed = parser_.execute(bytes);
  parsing_ = false;
  if (parser_.failed()) {
    switch (parser_.failure()) {
      case Http1ParseFailure::kRequestLineTooLong:
        fail(414, CodecError::kRequestLineTooLong, parser_.failure_detail());
        return;
      case Http1ParseFailure::kHeadersTooLarge:
        fail(431, CodecError::kHeadersTooLarge, parser_.failure_detail());
        return;
      case Http1ParseFailure::kRejectedHead: {
        auto [status, detail] = rejection_.value_or(std::make_pair(400, std::string("bad request")));
        fail(status, CodecError::kMalformed, std::move(detail));
        return;
      }
      case Http1ParseFailure::kMalformed:
      case Http1ParseFailure::kNone:
        fail(400, CodecError::kMalformed, parser_.failure_detail());
        return;
    }
  }
  // The parser stopped early: either the pipeline is full (keep the rest for later) or nothing
  // more is to be read on this connection (drop it).
  if (consumed < bytes.size() && held_input_active_ && !stop_input()) {
    held_input_.insert(0, bytes.data() + consumed, bytes.size() - consumed);
  }
}

void Http1ServerCodec::resume_held_input() {
  const std::size_t depth = std::max<std::uint32_t>(1, limits_.max_concurrent_streams);
  while (!parsing_ && !stop_input()) {
    if (held_input_active_) {
      if (unanswered() >= depth) return;
      held_input_active_ = false;
    }
    if (held_input_.empty()) return;
    std::string input;
    input.swap(held_input_);
    if (no_more_requests_ && !parser_.message_in_progress()) return;
    parse(input);
  }
}

Http1MessageParser::HeadAction Http1ServerCodec::reject(int status, std::string detail) {
  rejection_ = std::make_pair(status, std::move(detail));
  return Http1MessageParser::HeadAction::kReject;
}

Http1MessageParser::HeadAction Http1ServerCodec::on_message_head(Http1ParsedHead head) {
  if (no_more_requests_ || stop_input()) {  // a request after "close": not processed (RFC 9112 9.6)
    parser_.pause();
    return Http1MessageParser::HeadAction::kSkipBody;
  }
  if (head.http_major != 1) return reject(505, "HTTP major version " + std::to_string(head.http_major));
  // Any HTTP/1.x above 1.1 is handled as 1.1, the highest this codec implements (RFC 9110 2.5).
  const Version version = head.http_minor == 0 ? Version::kHttp10 : Version::kHttp11;
  if (head.method == "CONNECT") return reject(501, "CONNECT is not supported");

  if (head.has_transfer_encoding) {
    // RFC 9112 6.1: HTTP/1.0 has no transfer codings, so the framing cannot be trusted.
    if (version == Version::kHttp10) return reject(400, "transfer-encoding in an HTTP/1.0 request");
    std::vector<std::string_view> codings;
    for (const HeaderField& field : head.fields) {
      if (field.name != "transfer-encoding") continue;
      for (std::string_view coding : split_list(field.value)) codings.push_back(coding);
    }
    const auto chunked = std::count_if(codings.begin(), codings.end(),
                                       [](std::string_view c) { return equals_ignore_case(c, "chunked"); });
    // RFC 9112 6.3 rule 4: chunked not last leaves the length undeterminable: 400. RFC 9112 6.1:
    // chunked at most once; codings this codec cannot undo earn a 501.
    if (codings.empty() || !equals_ignore_case(codings.back(), "chunked")) {
      return reject(400, "transfer-encoding does not end with chunked");
    }
    if (chunked != 1) return reject(400, "chunked transfer-coding applied more than once");
    if (codings.size() > 1) return reject(501, "unsupported transfer-coding");
  }

  std::string error;
  std::optional<RequestTarget> target = parse_request_target(head.method, head.target, error);
  if (!target) return reject(400, error);

  // RFC 9112 3.2: 400 for an HTTP/1.1 request without Host, with two, or with an invalid one.
  const std::string* host = nullptr;
  std::size_t host_count = 0;
  for (const HeaderField& field : head.fields) {
    if (field.name == "host") {
      host = &field.value;
      ++host_count;
    }
  }
  if (host_count > 1) return reject(400, "more than one Host field");
  if (host_count == 0 && version == Version::kHttp11) return reject(400, "HTTP/1.1 request without Host");
  if (host != nullptr && !is_valid_authority(*host)) return reject(400, "invalid Host");

  const ConnectionOptions options = parse_connection_options(head.fields);
  // RFC 9112 9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive" (C.2.2).
  const bool keep_alive = version == Version::kHttp11 ? !options.close : (options.keep_alive && !options.close);
  const bool has_body = head.chunked || head.content_length.value_or(0) > 0;

  RequestHead request;
  request.version = version;
  request.method = head.method;
  request.scheme = scheme_;
  request.path = std::move(target->path);
  // RFC 9112 3.2.2: an absolute-form target's authority wins over Host.
  request.authority = target->authority ? std::move(*target->authority) : (host != nullptr ? *host : std::string());
  if (!head.chunked) request.content_length = head.content_length;
  // RFC 9110 10.1.1: an expectation in an HTTP/1.0 request is ignored, and one without content
  // is meaningless. The codec answers it (send_continue), so it is not passed on as a field.
  auto is_continue_expectation = [](const HeaderField& field) {
    return field.name == "expect" && equals_ignore_case(field.value, "100-continue");
  };
  request.expect_continue = version == Version::kHttp11 && has_body &&
                            std::any_of(head.fields.begin(), head.fields.end(), is_continue_expectation);
  request.headers = std::move(head.fields);
  strip_hop_by_hop(request.headers, options);
  remove_header(request.headers, "host");
  remove_header(request.headers, "content-length");  // the codec owns framing: content_length
  request.headers.erase(std::remove_if(request.headers.begin(), request.headers.end(), is_continue_expectation),
                        request.headers.end());

  Exchange exchange;
  exchange.id = next_id_;
  next_id_ += 2;
  exchange.version = version;
  exchange.head_request = request.method == "HEAD";
  exchange.request_keep_alive = keep_alive;
  exchange.expect_continue = request.expect_continue;
  if (!head.chunked && has_body) exchange.body_left = request.content_length;
  exchange.request_end_delivered = !has_body;
  exchange.request_done = !has_body;
  const StreamId id = exchange.id;
  exchanges_.push_back(std::move(exchange));
  reading_id_ = id;
  if (!keep_alive) no_more_requests_ = true;

  callbacks_.on_request_head(id, std::move(request), !has_body);
  if (stop_input()) parser_.pause();
  return Http1MessageParser::HeadAction::kReadBody;
}

void Http1ServerCodec::on_message_body(std::string_view data) {
  Exchange* exchange = find(reading_id_);
  if (exchange == nullptr || exchange->abandoned) return;
  bool end = false;
  if (exchange->body_left) {
    *exchange->body_left -= std::min<std::uint64_t>(*exchange->body_left, data.size());
    end = *exchange->body_left == 0;
  }
  exchange->request_end_delivered = exchange->request_done = end;
  callbacks_.on_request_data(exchange->id, data, end);
  if (stop_input()) parser_.pause();
}

void Http1ServerCodec::on_message_trailers(HeaderList trailers) {
  Exchange* exchange = find(reading_id_);
  if (exchange == nullptr || exchange->abandoned) return;
  strip_forbidden_trailers(trailers);
  if (trailers.empty()) return;  // the request then ends with empty data
  exchange->request_end_delivered = exchange->request_done = true;
  callbacks_.on_request_trailers(exchange->id, std::move(trailers));
  if (stop_input()) parser_.pause();
}

void Http1ServerCodec::on_message_complete() {
  const StreamId id = reading_id_;
  reading_id_ = 0;
  if (Exchange* exchange = find(id)) {
    exchange->request_done = true;
    if (!exchange->abandoned && !exchange->request_end_delivered) {
      exchange->request_end_delivered = true;
      callbacks_.on_request_data(id, {}, true);
    }
  }
  advance();
  if (stop_input() || no_more_requests_) {
    parser_.pause();
    return;
  }
  if (unanswered() >= std::max<std::uint32_t>(1, limits_.max_concurrent_streams)) {
    held_input_active_ = true;
    parser_.pause();
  }
}

void Http1ServerCodec::send_response_head(StreamId id, const ResponseHead& head, bool end_stream) {
  Exchange* exchange = find(id);
  if (exchange == nullptr || exchange->abandoned || exchange->response_started || closing_) return;
  const int status = head.status;
  std::string out;
  if (status >= 100 && status < 200) {
    // Never to an HTTP/1.0 client (RFC 9110 15.2); 101 would switch protocols, which this codec
    // does not do; 100 only answers an expectation, once.
    if (exchange->version == Version::kHttp10 || status == 101) return;
    if (status == 100) {
      if (!exchange->expect_continue || exchange->continue_sent) return;
      exchange->continue_sent = true;
    }
    append_status_line(out, status);
    append_end_to_end_fields(out, head.headers, FieldSection::kResponse);
    append_end_of_fields(out);
    emit(*exchange, out);
    return;
  }

  exchange->response_started = true;
  using Framing = Http1BodyEncoder::Framing;
  // RFC 9112 6.3 rule 1: responses to HEAD and 204 / 304 end with their head.
  const bool no_body = exchange->head_request || status == 204 || status == 304;
  Framing framing = Framing::kNone;
  std::uint64_t length = 0;
  std::optional<std::uint64_t> advertised;
  if (no_body) {
    // HEAD and 304 may announce the length a GET would get; 204 must not (RFC 9110 8.6).
    if (status != 204) advertised = head.content_length;
  } else if (head.content_length || end_stream) {
    framing = Framing::kFixedLength;
    length = head.content_length.value_or(0);
    advertised = length;
  } else if (exchange->version == Version::kHttp11) {
    framing = Framing::kChunked;
  } else {
    framing = Framing::kUntilClose;  // an HTTP/1.0 client cannot read chunked (RFC 9112 7)
  }

  bool keep_alive = exchange->request_keep_alive && !draining_ && framing != Framing::kUntilClose;
  // A final answer to an unmet 100-continue before the body arrived: the client may never send
  // the body, so the connection cannot be reused reliably (RFC 9110 10.1.1).
  if (exchange->expect_continue && !exchange->continue_sent && !exchange->request_done) keep_alive = false;

  append_status_line(out, status);
  if (advertised) append_field(out, "content-length", std::to_string(*advertised));
  if (framing == Framing::kChunked) append_field(out, "transfer-encoding", "chunked");
  if (!keep_alive) {
    append_field(out, "connection", "close");
    exchange->close_after = true;
    no_more_requests_ = true;
  } else if (exchange->version == Version::kHttp10) {
    append_field(out, "connection", "keep-alive");  // HTTP/1.0 persistence is opt-in (RFC 9112 C.2.2)
  }
  append_end_to_end_fields(out, head.headers, FieldSection::kResponse);
  append_end_of_fields(out);
  exchange->body.begin(framing, length);
  if (end_stream) exchange->body.write({}, true, out);
  emit(*exchange, out);
  if (end_stream) finish_response(*exchange);
}

void Http1ServerCodec::send_response_data(StreamId id, std::string_view data, bool end_stream) {
  Exchange* exchange = find(id);
  if (exchange == nullptr || exchange->abandoned || !exchange->response_started || exchange->response_done) return;
  if (!is_writing(*exchange) && held_output_bytes_ + data.size() > kMaxHeldOutputBytes) {
    abandon(*exchange);
    callbacks_.on_stream_reset(id, ResetReason::kInternalError);
    advance();
    return;
  }
  std::string out;
  exchange->body.write(data, end_stream, out);
  emit(*exchange, out);
  if (end_stream) finish_response(*exchange);
}

void Http1ServerCodec::send_response_trailers(StreamId id, const HeaderList& trailers) {
  Exchange* exchange = find(id);
  if (exchange == nullptr || exchange->abandoned || !exchange->response_started || exchange->response_done) return;
  std::string out;
  exchange->body.finish_with_trailers(trailers, out);
  emit(*exchange, out);
  finish_response(*exchange);
}

void Http1ServerCodec::send_continue(StreamId id) {
  Exchange* exchange = find(id);
  if (exchange == nullptr || exchange->abandoned || exchange->response_started || !exchange->expect_continue ||
      exchange->continue_sent) {
    return;
  }
  exchange->continue_sent = true;
  emit(*exchange, kContinue);
}

void Http1ServerCodec::reset_stream(StreamId id, ResetReason /*reason*/) {
  // HTTP/1.1 cannot reset one exchange: the connection ends once the earlier responses are out,
  // and a partly written response is cut off by the close.
  Exchange* exchange = find(id);
  if (exchange == nullptr || exchange->abandoned) return;
  abandon(*exchange);
  advance();
}

void Http1ServerCodec::start_drain() {
  draining_ = true;
  if (!closing_ && exchanges_.empty() && !parser_.message_in_progress()) close_after(0);
}

void Http1ServerCodec::consume(StreamId /*id*/, std::size_t /*bytes*/) { resume_held_input(); }

std::size_t Http1ServerCodec::open_streams() const {
  return static_cast<std::size_t>(std::count_if(exchanges_.begin(), exchanges_.end(), [](const Exchange& e) {
    return e.id != 0 && !e.abandoned && !(e.request_done && e.response_done);
  }));
}

void Http1ServerCodec::fail(int status, CodecError error, std::string detail) {
  if (closing_) return;  // past the close point nothing more is written
  input_dead_ = true;
  held_input_.clear();
  held_input_active_ = false;
  std::vector<std::pair<StreamId, ResetReason>> resets;
  const std::string reply = local_error_reply(status);
  Exchange* current = find(reading_id_);
  reading_id_ = 0;
  if (current != nullptr && !current->abandoned) {
    resets.emplace_back(current->id, ResetReason::kProtocolError);
    current->abandoned = true;
    current->request_done = true;
    // The client gets the error as the answer to the request it was sending, unless an answer
    // is already under way; then the close alone ends it.
    if (!current->response_started) {
      current->response_started = true;
      emit(*current, reply);
    }
    current->response_done = true;
    current->close_after = true;
  } else {
    Exchange local;
    local.request_done = local.response_started = local.response_done = local.close_after = true;
    exchanges_.push_back(std::move(local));
    emit(exchanges_.back(), reply);
  }
  pending_error_ = std::make_pair(error, std::move(detail));
  for (const auto& [id, reason] : resets) callbacks_.on_stream_reset(id, reason);
  advance();
}

Http1ServerCodec::Exchange* Http1ServerCodec::find(StreamId id) {
  if (id == 0) return nullptr;
  for (Exchange& exchange : exchanges_) {
    if (exchange.id == id) return &exchange;
  }
  return nullptr;
}

bool Http1ServerCodec::is_writing(const Exchange& exchange) const {
  for (const Exchange& e : exchanges_) {
    if (!e.response_done) return &e == &exchange;
  }
  return false;
}

void Http1ServerCodec::emit(Exchange& exchange, std::string_view bytes) {
  if (is_writing(exchange)) {
    output_.append(bytes.data(), bytes.size());
  } else {
    exchange.held.append(bytes.data(), bytes.size());
    held_output_bytes_ += bytes.size();
  }
}

void Http1ServerCodec::finish_response(Exchange& exchange) {
  exchange.response_done = true;
  if (exchange.body.cut_short()) exchange.close_after = true;  // the close is the only signal left
  advance();
  resume_held_input();
}

void Http1ServerCodec::abandon(Exchange& exchange) {
  if (!is_writing(exchange)) {
    held_output_bytes_ -= exchange.held.size();
    exchange.held.clear();
  }
  exchange.abandoned = true;
  exchange.request_done = exchange.response_started = exchange.response_done = exchange.close_after = true;
  if (reading_id_ == exchange.id) reading_id_ = 0;
  input_dead_ = true;
  held_input_.clear();
  held_input_active_ = false;
  if (parsing_) parser_.pause();
}

void Http1ServerCodec::advance() {
  for (std::size_t i = 0; i < exchanges_.size(); ++i) {
    Exchange& exchange = exchanges_[i];
    if (!exchange.held.empty()) {
      output_ += exchange.held;
      held_output_bytes_ -= exchange.held.size();
      exchange.held.clear();
    }
    if (!exchange.response_done) break;
    if (exchange.close_after) {
      close_after(i + 1);
      return;
    }
  }
  while (!exchanges_.empty() && exchanges_.front().request_done && exchanges_.front().response_done) {
    exchanges_.pop_front();
  }
  // Draining and nothing in flight: no request is coming that could carry the close.
  if (draining_ && !closing_ && exchanges_.empty() && !parser_.message_in_progress() && !parsing_) close_after(0);
}

void Http1ServerCodec::close_after(std::size_t delivered) {
  closing_ = true;
  input_dead_ = true;
  held_input_.clear();
  held_input_active_ = false;
  std::vector<std::pair<StreamId, ResetReason>> resets;
  for (std::size_t i = 0; i < exchanges_.size(); ++i) {
    const Exchange& exchange = exchanges_[i];
    const bool cut = !exchange.request_done || i >= delivered;
    if (exchange.id != 0 && !exchange.abandoned && cut) resets.emplace_back(exchange.id, ResetReason::kConnectionClosed);
  }
  exchanges_.clear();
  held_output_bytes_ = 0;
  reading_id_ = 0;
  if (parsing_) parser_.pause();
  notify_closed(std::move(resets));
}

void Http1ServerCodec::notify_closed(std::vector<std::pair<StreamId, ResetReason>> resets) {
  std::optional<std::pair<CodecError, std::string>> error;
  error.swap(pending_error_);
  for (const auto& [id, reason] : resets) callbacks_.on_stream_reset(id, reason);
  if (error) callbacks_.on_codec_error(error->first, error->second);
}

std::size_t Http1ServerCodec::unanswered() const {
  return static_cast<std::size_t>(std::count_if(exchanges_.begin(), exchanges_.end(), [](const Exchange& e) {
    return e.id != 0 && !e.response_done;
  }));
}

}  // namespace gatesim::http
