#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/http/message.h"

namespace gatesim::http {

// Frames an outgoing message body the way its head announced it (RFC 9112 6, 7.1).
class Http1BodyEncoder {
 public:
  enum class Framing {
    kNone,         // HEAD / 204 / 304 responses: the head ends the message whatever it says
    kFixedLength,  // content-length
    kChunked,      // transfer-encoding: chunked
    kUntilClose,   // HTTP/1.0 peer and unknown length: the connection close ends the body
  };

  void begin(Framing framing, std::uint64_t length = 0);
  Framing framing() const { return framing_; }

  // Appends `data` in wire form; `end` ends the body. Bytes past a fixed length, and any bytes of
  // a body that must be empty, are dropped: a peer would read them as the next message.
  void write(std::string_view data, bool end, std::string& out);

  // Ends the body with a trailer section when chunked; other framings cannot carry trailers
  // (RFC 9112 7.1.2), so the trailers are dropped and the body just ends.
  void finish_with_trailers(const HeaderList& trailers, std::string& out);

  bool finished() const { return finished_; }
  // The body ended before its declared length: only closing the connection tells the peer.
  bool cut_short() const { return cut_short_; }

 private:
  void finish(std::string& out);

  Framing framing_ = Framing::kNone;
  std::uint64_t remaining_ = 0;
  bool finished_ = false;
  bool cut_short_ = false;
};

}  // namespace gatesim::http
