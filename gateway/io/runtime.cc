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

std::string_view to_string(Work work) {
  switch (work) {
    case Work::kTlsHandshakeEcdsa: return "tls_handshake_ecdsa";
    case Work::kTlsHandshakeRsa: return "tls_handshake_rsa";
    case Work::kTlsHandshakeEd25519: return "tls_handshake_ed25519";
    case Work::kTlsBytes: return "tls_byte";
    case Work::kHttp1Request: return "http1_request";
    case Work::kHttp2Frame: return "http2_frame";
    case Work::kHttp2Stream: return "http2_stream";
    case Work::kUpstreamConnect: return "upstream_connect";
    case Work::kTcpBytes: return "tcp_byte";
  }
  return "unknown";
}

}  // namespace gatesim::io
