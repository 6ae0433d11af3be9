#pragma once

#include <string>
#include <string_view>

namespace gatesim::sim {

// SHA-256 of `bytes` in lower-case hex: how runs name their traces, captures and scenarios.
std::string sha256_hex(std::string_view bytes);

}  // namespace gatesim::sim
