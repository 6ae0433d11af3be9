#pragma once

#include <memory>

#include "gateway/http/codec.h"

namespace gatesim::http {

// The one place that knows which class implements which protocol version.
std::unique_ptr<ServerCodec> make_server_codec(Version version, ServerCodecCallbacks& callbacks,
                                               const CodecLimits& limits, bool tls);
std::unique_ptr<ClientCodec> make_client_codec(Version version, ClientCodecCallbacks& callbacks,
                                               const CodecLimits& limits);

}  // namespace gatesim::http
