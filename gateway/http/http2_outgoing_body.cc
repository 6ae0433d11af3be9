#include "gateway/http/http2_outgoing_body.h"

#include <algorithm>
#include <cstring>

namespace gatesim::http {

void Http2OutgoingBody::append(std::string_view data) {
  if (finished_) return;
  // Drop what nghttp2 already copied before growing, so the buffer holds only unsent bytes.
  if (offset_ > 0 && offset_ >= data_.size() / 2) {
    data_.erase(0, offset_);
    offset_ = 0;
  }
  data_.append(data);
}

void Http2OutgoingBody::finish_with_trailers(Http2NvList trailers) {
  if (finished_) return;
  finished_ = true;
  trailers_ = std::move(trailers);
}

Http2OutgoingBody::Chunk Http2OutgoingBody::read(std::uint8_t* out, std::size_t max) {
  Chunk chunk;
  chunk.length = std::min(max, buffered());
  if (chunk.length > 0) std::memcpy(out, data_.data() + offset_, chunk.length);
  offset_ += chunk.length;
  if (offset_ == data_.size()) {
    data_.clear();
    offset_ = 0;
  }
  chunk.last = finished_ && buffered() == 0;
  return chunk;
}

std::optional<Http2NvList> Http2OutgoingBody::take_trailers() {
  std::optional<Http2NvList> trailers = std::move(trailers_);
  trailers_.reset();
  return trailers;
}

}  // namespace gatesim::http
