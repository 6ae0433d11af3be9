#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatesim::config {

// Standard base64 (RFC 4648 section 4) as Kubernetes writes Secret data and protobuf
// JSON writes `bytes`: padding required, whitespace (line breaks) ignored.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace gatesim::config
