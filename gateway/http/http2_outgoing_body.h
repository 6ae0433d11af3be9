#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/http2_outbound_headers.h"

namespace gatesim::http {

// The body bytes (and trailers) an application handed to one stream that nghttp2 has not framed
// yet: the source behind the stream's nghttp2_data_provider. Bytes wait here while the peer's
// flow-control window is closed; the codec reports the amount so a proxy can stop reading its
// other side (there is no write-side backpressure call in codec.h).
class Http2OutgoingBody {
 public:
  void append(std::string_view data);
  void finish() { finished_ = true; }
  void finish_with_trailers(Http2NvList trailers);

  bool finished() const { return finished_; }
  std::size_t buffered() const { return data_.size() - offset_; }

  struct Chunk {
    std::size_t length = 0;
    bool last = false;  // everything, up to the end of the body, has been read
  };
  // Copies up to `max` bytes into `out`.
  Chunk read(std::uint8_t* out, std::size_t max);

  // The trailers, once, after the last chunk.
  std::optional<Http2NvList> take_trailers();

 private:
  std::string data_;
  std::size_t offset_ = 0;
  bool finished_ = false;
  std::optional<Http2NvList> trailers_;
};

}  // namespace gatesim::http
