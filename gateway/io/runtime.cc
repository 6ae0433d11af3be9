#include "gateway/io/runtime.h"

namespace gatesim::io {

std::string_view to_string(ConnectionEvent::Kind kind) {
  switch (kind) {
    case ConnectionEvent::Kind::kAccepted: return "accepted";
    case ConnectionEvent::Kind::kConnected: return "connected";
    case ConnectionEvent::Kind::kConnectFailed: return "connect_failed";
    case ConnectionEvent::Kind::kClosed: return "closed";
  }
  return "closed";
}

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::kLocal: return "local";
    case CloseReason::kPeer: return "peer";
    case CloseReason::kReset: return "reset";
    case CloseReason::kError: return "error";
    case CloseReason::kTimeout: return "timeout";
  }
  return "error";
}

}  // namespace gatesim::io
