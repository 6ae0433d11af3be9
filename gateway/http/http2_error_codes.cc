#include "gateway/http/http2_error_codes.h"

#include <nghttp2/nghttp2.h>

namespace gatesim::http {

std::uint32_t h2_error_code(ResetReason reason) {
  switch (reason) {
    case ResetReason::kProtocolError: return NGHTTP2_PROTOCOL_ERROR;
    case ResetReason::kRefused: return NGHTTP2_REFUSED_STREAM;
    case ResetReason::kCancel: return NGHTTP2_CANCEL;
    // The other side of a proxied stream went away: this stream is "no longer needed" (§7 CANCEL).
    case ResetReason::kConnectionClosed: return NGHTTP2_CANCEL;
    case ResetReason::kInternalError: return NGHTTP2_INTERNAL_ERROR;
  }
  return NGHTTP2_INTERNAL_ERROR;
}

ResetReason reset_reason_from_h2(std::uint32_t error_code) {
  switch (error_code) {
    case NGHTTP2_REFUSED_STREAM: return ResetReason::kRefused;  // §8.7: safe to retry
    // NO_ERROR on a stream the application still uses is the peer abandoning it (§8.1).
    case NGHTTP2_NO_ERROR:
    case NGHTTP2_CANCEL: return ResetReason::kCancel;
    case NGHTTP2_INTERNAL_ERROR: return ResetReason::kInternalError;
    default: return ResetReason::kProtocolError;
  }
}

CodecError codec_error_from_h2(std::uint32_t error_code) {
  switch (error_code) {
    case NGHTTP2_FLOW_CONTROL_ERROR: return CodecError::kFlowControl;
    case NGHTTP2_COMPRESSION_ERROR: return CodecError::kCompression;
    default: return CodecError::kMalformed;
  }
}

std::uint32_t h2_error_code_from_library(int lib_error) {
  switch (lib_error) {
    case NGHTTP2_ERR_STREAM_CLOSED: return NGHTTP2_STREAM_CLOSED;
    case NGHTTP2_ERR_HEADER_COMP: return NGHTTP2_COMPRESSION_ERROR;
    case NGHTTP2_ERR_FRAME_SIZE_ERROR: return NGHTTP2_FRAME_SIZE_ERROR;
    case NGHTTP2_ERR_FLOW_CONTROL: return NGHTTP2_FLOW_CONTROL_ERROR;
    case NGHTTP2_ERR_REFUSED_STREAM: return NGHTTP2_REFUSED_STREAM;
    case NGHTTP2_ERR_PROTO:
    case NGHTTP2_ERR_HTTP_HEADER:
    case NGHTTP2_ERR_HTTP_MESSAGING: return NGHTTP2_PROTOCOL_ERROR;
    default: return NGHTTP2_INTERNAL_ERROR;
  }
}

std::string h2_error_name(std::uint32_t error_code) {
  return nghttp2_http2_strerror(error_code);
}

}  // namespace gatesim::http
