#pragma once

#include <cstddef>
#include <string_view>

namespace gatesim::upstream {

// One direction-agnostic end of a proxied byte stream: a raw connection, or the plaintext
// side of a TLS-terminated one. The TCP proxy moves bytes between two of these.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual void write(std::string_view bytes) = 0;
  virtual std::size_t pending_bytes() const = 0;  // written but not yet handed to the network
  virtual void set_reading(bool enabled) = 0;
  virtual void shutdown_write() = 0;  // FIN (or close_notify) after what is queued
  virtual void close() = 0;           // flush, then close
  virtual void reset() = 0;           // abort
};

// What a ByteStream owner tells the proxy.
class ByteStreamEvents {
 public:
  virtual ~ByteStreamEvents() = default;
  virtual void on_bytes(std::string_view bytes) = 0;
  virtual void on_end_of_input() = 0;
  virtual void on_drained() = 0;
  virtual void on_closed(bool abortive) = 0;
};

}  // namespace gatesim::upstream
