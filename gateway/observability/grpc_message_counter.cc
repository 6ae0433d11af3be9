#include "gateway/observability/grpc_message_counter.h"

#include <algorithm>

namespace gatesim::observability {

void GrpcMessageCounter::inspect(std::string_view data) {
  std::size_t at = 0;
  while (at < data.size() && !broken_) {
    if (payload_left_ > 0) {
      // Payloads are skipped whole: the cost is per message, not per byte.
      const std::uint64_t skip = std::min<std::uint64_t>(payload_left_, data.size() - at);
      payload_left_ -= skip;
      at += static_cast<std::size_t>(skip);
      continue;
    }
    const auto byte = static_cast<std::uint8_t>(data[at++]);
    if (prefix_bytes_ == 0) {
      if ((byte & ~1u) != 0) {
        broken_ = true;
        return;
      }
      ++messages_;
      length_ = 0;
    } else {
      length_ = (length_ << 8) | byte;
    }
    if (++prefix_bytes_ == 5) {
      prefix_bytes_ = 0;
      payload_left_ = length_;
    }
  }
}

}  // namespace gatesim::observability
