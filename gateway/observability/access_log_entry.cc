#include "gateway/observability/access_log_entry.h"

namespace gatesim::observability {

std::string_view to_string(RequestProtocol protocol) {
  switch (protocol) {
    case RequestProtocol::kHttp: return "http";
    case RequestProtocol::kGrpc: return "grpc";
    case RequestProtocol::kTcp: return "tcp";
    case RequestProtocol::kNone: break;
  }
  return "";
}

}  // namespace gatesim::observability
