#pragma once

#include <cstdint>
#include <string_view>

namespace gatesim::observability {

// Counts gRPC messages in one direction of a stream from the DATA passing through, however it
// is cut into frames: each message is a 5-byte prefix (flags, 4-byte big-endian length) and
// its payload. A message counts when its first prefix byte arrives, as Envoy's
// Grpc::FrameInspector (the grpc_stats filter Istio reads) counts it. A flags byte other than
// 0 or 1 is not gRPC framing: counting stops for the rest of the stream.
class GrpcMessageCounter {
 public:
  void inspect(std::string_view data);
  std::uint64_t messages() const { return messages_; }

 private:
  std::uint64_t messages_ = 0;
  int prefix_bytes_ = 0;         // of the current prefix seen so far (0: expecting a new message)
  std::uint32_t length_ = 0;     // accumulated from the prefix
  std::uint64_t payload_left_ = 0;
  bool broken_ = false;
};

}  // namespace gatesim::observability
