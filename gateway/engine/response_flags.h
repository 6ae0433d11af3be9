#pragma once

#include <string>

namespace gatesim::engine {

// Adds Envoy short response flag `flag` to the comma-separated list `flags` ("-" when empty).
// Envoy prints a request's flags in its own fixed order (ResponseFlagUtils), not in the order
// they were set: a connect failure after the last retry is "UF,URX", a delayed request the
// client then cancelled "DI,DC". Unknown flags go last; a flag already present is not repeated.
void add_response_flag(std::string& flags, const std::string& flag);

}  // namespace gatesim::engine
