#include "gateway/io/runtime.h"

namespace gatesim::io {

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
