#pragma once

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/codec.h"
#include "gateway/http/http1_field_collector.h"
#include "gateway/http/message.h"

namespace gatesim::http {

// A message head as http-parser read it, before any HTTP semantics are applied.
struct Http1ParsedHead {
  unsigned http_major = 1;
  unsigned http_minor = 1;
  std::string method;  // requests
  std::string target;  // requests: the request-target exactly as received
  int status = 0;      // responses
  HeaderList fields;   // every field line in order: names lowercase, values trimmed
  bool chunked = false;
  bool has_transfer_encoding = false;
  std::optional<std::uint64_t> content_length;
};

enum class Http1ParseFailure {
  kNone,
  kMalformed,           // HTTP/1.1 grammar or framing violation (400)
  kRequestLineTooLong,  // 414
  kHeadersTooLarge,     // 431
  kRejectedHead,        // Events::on_message_head said no; the events object knows why
};

// http-parser behind a C++ event interface: one object per connection direction. It adds what
// the C parser leaves to its user: assembling fields from pieces, the limits, rejecting obsolete
// line folding, trailer sections, and carrying on after the parser's "upgrade" stop (the codecs
// never switch protocols, RFC 9110 7.8 lets a server ignore Upgrade).
class Http1MessageParser {
 public:
  enum class HeadAction { kReadBody, kSkipBody, kReject };

  class Events {
   public:
    virtual ~Events() = default;
    // kSkipBody: the message has no content whatever its head says (HEAD, 1xx, 204, 304 responses).
    virtual HeadAction on_message_head(Http1ParsedHead head) = 0;
    virtual void on_message_body(std::string_view data) = 0;
    virtual void on_message_trailers(HeaderList trailers) = 0;  // only when there were any
    virtual void on_message_complete() = 0;
  };

  Http1MessageParser(http_parser_type type, Events& events, const CodecLimits& limits);
  Http1MessageParser(const Http1MessageParser&) = delete;
  Http1MessageParser& operator=(const Http1MessageParser&) = delete;

  // Parses as much of `bytes` as it can; returns how many it consumed, fewer than all when an
  // event called pause() or parsing failed. Events fire synchronously from inside.
  std::size_t execute(std::string_view bytes);
  // End of input: completes a body delimited by the connection close. False when a message
  // was cut short by the close.
  bool finish();
  // From inside an event: stop execute() once this event returns.
  void pause();

  bool failed() const { return failure_ != Http1ParseFailure::kNone; }
  Http1ParseFailure failure() const { return failure_; }
  const std::string& failure_detail() const { return failure_detail_; }
  // Some bytes of a message arrived and the message is not complete yet.
  bool message_in_progress() const { return phase_ != Phase::kIdle; }

 private:
  enum class Phase { kIdle, kStartLine, kHeaders, kBody, kTrailers };
  enum class Piece { kNone, kName, kValue };

  static const http_parser_settings& settings();
  static int on_begin(http_parser* parser);
  static int on_url(http_parser* parser, const char* at, std::size_t length);
  static int on_header_field(http_parser* parser, const char* at, std::size_t length);
  static int on_header_value(http_parser* parser, const char* at, std::size_t length);
  static int on_headers_complete(http_parser* parser);
  static int on_body(http_parser* parser, const char* at, std::size_t length);
  static int on_chunk_header(http_parser* parser);
  static int on_complete(http_parser* parser);

  int collected(Http1FieldCollector::Status status);
  int fail(Http1ParseFailure failure, std::string detail);
  void record_parser_error();

  http_parser parser_;
  Events& events_;
  std::size_t max_request_line_bytes_;
  Http1FieldCollector collector_;
  Phase phase_ = Phase::kIdle;
  std::string target_;
  // Obsolete line folding reaches us as a second value callback with no name in between, which
  // also happens when a value is merely split across two execute() calls. The split case is the
  // one where the first piece ended at its buffer's end and the second starts at the next
  // buffer's start; anything else is a fold.
  Piece last_piece_ = Piece::kNone;
  bool last_piece_reached_buffer_end_ = false;
  const char* buffer_begin_ = nullptr;
  const char* buffer_end_ = nullptr;
  // Content bytes seen in the current execute() call: a CR inside them is data, not a line end.
  const char* body_begin_ = nullptr;
  const char* body_end_ = nullptr;
  std::uint64_t chunk_left_ = 0;
  // What the next input bytes must be, checked before http-parser sees them: "\n" after a CR
  // that ended a segment, "\r\n" after a chunk's data ending exactly at a segment's end, the rest
  // of " HTTP/" after a request-target.
  std::string_view expect_next_;
  Http1ParseFailure failure_ = Http1ParseFailure::kNone;
  std::string failure_detail_;
};

}  // namespace gatesim::http
