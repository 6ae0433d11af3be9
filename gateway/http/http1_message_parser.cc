#include "gateway/http/http1_message_parser.h"

#include <algorithm>
#include <cstring>

namespace gatesim::http {
namespace {

Http1MessageParser* self(http_parser* parser) { return static_cast<Http1MessageParser*>(parser->data); }

}  // namespace

Http1MessageParser::Http1MessageParser(http_parser_type type, Events& events, const CodecLimits& limits)
    : events_(events),
      max_request_line_bytes_(limits.max_request_line_bytes),
      collector_(limits.max_header_bytes, limits.max_header_count) {
  http_parser_init(&parser_, type);
  parser_.data = this;
}

const http_parser_settings& Http1MessageParser::settings() {
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = &Http1MessageParser::on_begin;
    s.on_url = &Http1MessageParser::on_url;
    s.on_header_field = &Http1MessageParser::on_header_field;
    s.on_header_value = &Http1MessageParser::on_header_value;
    s.on_headers_complete = &Http1MessageParser::on_headers_complete;
    s.on_body = &Http1MessageParser::on_body;
    s.on_chunk_header = &Http1MessageParser::on_chunk_header;
    s.on_message_complete = &Http1MessageParser::on_complete;
    return s;
  }();
  return settings;
}

std::size_t Http1MessageParser::execute(std::string_view bytes) {
  if (failed()) return 0;
  const char* const data = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t consumed = 0;
  while (consumed < size) {
    // Bytes a line end or a chunk's data promised (see expect_next_).
    for (std::size_t at = consumed; !expect_next_.empty() && at < size; ++at) {
      if (data[at] != expect_next_.front()) {
        fail(Http1ParseFailure::kMalformed, "unexpected byte at a line end, chunk end or protocol version");
        return consumed;
      }
      expect_next_.remove_prefix(1);
    }
    // Execute up to and including the next CR, so the byte after it is checked before http-parser
    // sees it: Debian builds http-parser with HTTP_PARSER_STRICT=0, which takes any byte after a
    // CR as LF in several places (end of the header section, chunk lines). A bare CR is invalid
    // outside content (RFC 9112 2.2). Checking before parsing keeps the outcome independent of
    // how the input was segmented.
    const char* const segment = data + consumed;
    const void* cr = std::memchr(segment, '\r', size - consumed);
    const std::size_t segment_size =
        cr != nullptr ? static_cast<std::size_t>(static_cast<const char*>(cr) - segment) + 1 : size - consumed;
    buffer_begin_ = segment;
    buffer_end_ = segment + segment_size;
    body_begin_ = body_end_ = nullptr;
    const std::size_t n = http_parser_execute(&parser_, &settings(), segment, segment_size);
    consumed += n;
    const auto err = HTTP_PARSER_ERRNO(&parser_);
    if (err == HPE_PAUSED) {
      http_parser_pause(&parser_, 0);
      break;
    }
    if (err != HPE_OK) {
      record_parser_error();
      break;
    }
    if (n < segment_size) {
      // Without an error, http-parser stops early only after a message that asked to upgrade (or
      // CONNECT). Upgrade was consumed as hop-by-hop and ignored, so the bytes that follow are
      // simply the next message.
      if (!parser_.upgrade) break;
      parser_.upgrade = 0;
      continue;
    }
    const char* const last = segment + segment_size - 1;
    const bool cr_was_content = body_begin_ != nullptr && body_begin_ <= last && last < body_end_;
    if (cr != nullptr && !cr_was_content && expect_next_.empty()) expect_next_ = "\n";
  }
  return consumed;
}

bool Http1MessageParser::finish() {
  if (failed()) return false;
  if (phase_ == Phase::kIdle) return true;
  buffer_begin_ = buffer_end_ = nullptr;
  // Zero bytes is http-parser's end-of-input signal: it completes a body read until close and
  // reports INVALID_EOF_STATE anywhere else, which here means "cut short", not "malformed".
  http_parser_execute(&parser_, &settings(), nullptr, 0);
  return phase_ == Phase::kIdle;
}

void Http1MessageParser::pause() {
  // http-parser asserts when paused in an error state.
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_OK || err == HPE_PAUSED) http_parser_pause(&parser_, 1);
}

int Http1MessageParser::on_begin(http_parser* parser) {
  Http1MessageParser* p = self(parser);
  p->phase_ = Phase::kStartLine;
  p->target_.clear();
  p->collector_.clear();
  p->last_piece_ = Piece::kNone;
  return 0;
}

int Http1MessageParser::on_url(http_parser* parser, const char* at, std::size_t length) {
  Http1MessageParser* p = self(parser);
  // method SP request-target SP HTTP-version (RFC 9112 3); checked before buffering the piece.
  const std::size_t line = std::strlen(http_method_str(static_cast<http_method>(parser->method))) + 1 +
                           p->target_.size() + length + std::strlen(" HTTP/1.1");
  if (line > p->max_request_line_bytes_) {
    return p->fail(Http1ParseFailure::kRequestLineTooLong,
                   "request line over " + std::to_string(p->max_request_line_bytes_) + " bytes");
  }
  p->target_.append(at, length);
  // Ended by its SP: the non-strict parser would take any letters for "HTTP/" in the version, so
  // check them here, or before the next input is parsed when they have not arrived yet.
  const char* after = at + length;
  if (after < p->buffer_end_ && *after == ' ') {
    std::string_view expected = " HTTP/";
    for (; !expected.empty() && after < p->buffer_end_; ++after, expected.remove_prefix(1)) {
      if (*after != expected.front()) return p->fail(Http1ParseFailure::kMalformed, "malformed request line");
    }
    p->expect_next_ = expected;
  }
  return 0;
}

int Http1MessageParser::on_header_field(http_parser* parser, const char* at, std::size_t length) {
  Http1MessageParser* p = self(parser);
  if (p->phase_ == Phase::kStartLine) p->phase_ = Phase::kHeaders;
  p->last_piece_ = Piece::kName;
  p->last_piece_reached_buffer_end_ = at + length == p->buffer_end_;
  return p->collected(p->collector_.add_name_piece({at, length}));
}

int Http1MessageParser::on_header_value(http_parser* parser, const char* at, std::size_t length) {
  Http1MessageParser* p = self(parser);
  const bool split_continuation =
      p->last_piece_ == Piece::kValue && p->last_piece_reached_buffer_end_ && at == p->buffer_begin_;
  if (p->last_piece_ == Piece::kValue && !split_continuation) {
    // RFC 9112 5.2: a server must reject obs-fold with 400 or unfold it; rejecting keeps every
    // hop agreeing on the field's value.
    return p->fail(Http1ParseFailure::kMalformed, "obsolete line folding in a field value");
  }
  p->last_piece_ = Piece::kValue;
  p->last_piece_reached_buffer_end_ = at + length == p->buffer_end_;
  return p->collected(p->collector_.add_value_piece({at, length}));
}

int Http1MessageParser::on_headers_complete(http_parser* parser) {
  Http1MessageParser* p = self(parser);
  Http1ParsedHead head;
  if (p->collected(p->collector_.finish(head.fields)) != 0) return -1;
  head.http_major = parser->http_major;
  head.http_minor = parser->http_minor;
  if (parser->type == HTTP_REQUEST) {
    head.method = http_method_str(static_cast<http_method>(parser->method));
    head.target = std::move(p->target_);
    p->target_.clear();
  } else {
    head.status = static_cast<int>(parser->status_code);
  }
  head.chunked = (parser->flags & F_CHUNKED) != 0;
  head.has_transfer_encoding = parser->uses_transfer_encoding != 0;
  if ((parser->flags & F_CONTENTLENGTH) != 0) head.content_length = parser->content_length;
  p->phase_ = Phase::kBody;
  p->last_piece_ = Piece::kNone;
  switch (p->events_.on_message_head(std::move(head))) {
    case HeadAction::kReadBody: return 0;
    case HeadAction::kSkipBody: return 1;  // http-parser's "no body follows" answer
    case HeadAction::kReject: break;
  }
  p->fail(Http1ParseFailure::kRejectedHead, "message head rejected");
  return -1;  // any value but 0, 1 and 2 is an error for on_headers_complete
}

int Http1MessageParser::on_body(http_parser* parser, const char* at, std::size_t length) {
  Http1MessageParser* p = self(parser);
  if (p->body_begin_ == nullptr) p->body_begin_ = at;
  p->body_end_ = at + length;
  p->events_.on_message_body({at, length});
  if ((parser->flags & F_CHUNKED) == 0) return 0;
  p->chunk_left_ -= std::min<std::uint64_t>(p->chunk_left_, length);
  if (p->chunk_left_ > 0) return 0;
  // chunk-data CRLF (RFC 9112 7.1); the non-strict parser would take any two bytes for it.
  const char* after = at + length;
  if (after == p->buffer_end_) {
    p->expect_next_ = "\r\n";
  } else if (*after != '\r') {
    return p->fail(Http1ParseFailure::kMalformed, "chunk data not followed by CRLF");
  }
  return 0;
}

int Http1MessageParser::on_chunk_header(http_parser* parser) {
  Http1MessageParser* p = self(parser);
  p->chunk_left_ = parser->content_length;
  if (parser->content_length == 0) {  // the last chunk: a trailer section follows (RFC 9112 7.1.2)
    p->phase_ = Phase::kTrailers;
    p->collector_.clear();
    p->last_piece_ = Piece::kNone;
  }
  return 0;
}

int Http1MessageParser::on_complete(http_parser* parser) {
  Http1MessageParser* p = self(parser);
  HeaderList trailers;
  if (p->phase_ == Phase::kTrailers && p->collected(p->collector_.finish(trailers)) != 0) return -1;
  p->phase_ = Phase::kIdle;
  if (!trailers.empty()) p->events_.on_message_trailers(std::move(trailers));
  p->events_.on_message_complete();
  return 0;
}

int Http1MessageParser::collected(Http1FieldCollector::Status status) {
  switch (status) {
    case Http1FieldCollector::Status::kOk: return 0;
    case Http1FieldCollector::Status::kMalformed: return fail(Http1ParseFailure::kMalformed, collector_.error());
    case Http1FieldCollector::Status::kTooLarge:
      return fail(Http1ParseFailure::kHeadersTooLarge, collector_.error());
  }
  return fail(Http1ParseFailure::kMalformed, collector_.error());
}

int Http1MessageParser::fail(Http1ParseFailure failure, std::string detail) {
  if (failure_ == Http1ParseFailure::kNone) {
    failure_ = failure;
    failure_detail_ = std::move(detail);
  }
  return -1;
}

void Http1MessageParser::record_parser_error() {
  if (failed()) return;  // one of our callbacks failed first and said why
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  switch (err) {
    case HPE_HEADER_OVERFLOW:
      // http-parser's own cap (80 KiB over the start line and fields) fired before ours could.
      if (phase_ == Phase::kStartLine || phase_ == Phase::kIdle) {
        fail(Http1ParseFailure::kRequestLineTooLong, "request line too long");
      } else {
        fail(Http1ParseFailure::kHeadersTooLarge, "header section too large");
      }
      return;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      // Content-Length beside Transfer-Encoding, or twice: two hops could frame the message
      // differently (request smuggling, RFC 9112 6.3 and 11.2).
      fail(Http1ParseFailure::kMalformed, "content-length with transfer-encoding or repeated");
      return;
    case HPE_INVALID_CONTENT_LENGTH:
      fail(Http1ParseFailure::kMalformed, "invalid content-length");
      return;
    case HPE_INVALID_TRANSFER_ENCODING:
      // A request whose transfer-coding does not end in chunked has no determinable length
      // (RFC 9112 6.3 rule 4).
      fail(Http1ParseFailure::kMalformed, "transfer-encoding does not end with chunked");
      return;
    default:
      fail(Http1ParseFailure::kMalformed, http_errno_description(err));
      return;
  }
}

}  // namespace gatesim::http
