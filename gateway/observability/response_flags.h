#pragma once

#include <string>
#include <string_view>

namespace gatesim::observability {

// `flags` (Envoy's comma-joined short response flags, "-" for none) with `flag` added: each
// flag once, in Envoy's order (the flags' bit order, in which ResponseFlagUtils::toShortString
// prints them: a connect failure that ran out of retries is "UF,URX", a delayed request the
// client then cancelled "DI,DC"), whatever order the gateway noticed them in. Flags Envoy does
// not define go last. "" and "-" add nothing.
std::string with_response_flag(std::string_view flags, std::string_view flag);

}  // namespace gatesim::observability
