#pragma once

#include <cstdint>
#include <string>

#include "gateway/http/codec.h"
#include "gateway/http/message.h"

namespace gatesim::http {

// RFC 9113 §7 error codes on the wire <-> the protocol-neutral reasons of message.h / codec.h.

// The RST_STREAM code for a reset the application asks for.
std::uint32_t h2_error_code(ResetReason reason);

// What a RST_STREAM (or a stream closed by nghttp2) with `error_code` means to the application.
ResetReason reset_reason_from_h2(std::uint32_t error_code);

// The connection-level failure a GOAWAY with `error_code` (sent by us) stands for.
CodecError codec_error_from_h2(std::uint32_t error_code);

// The RST_STREAM / GOAWAY code nghttp2 sends for one of its negative library error codes.
std::uint32_t h2_error_code_from_library(int lib_error);

// "PROTOCOL_ERROR", "FLOW_CONTROL_ERROR", ... for diagnostics.
std::string h2_error_name(std::uint32_t error_code);

}  // namespace gatesim::http
