#include "gateway/http/codec_factory.h"

#include "gateway/http/http1_client_codec.h"
#include "gateway/http/http1_server_codec.h"
#include "gateway/http/http2_client_codec.h"
#include "gateway/http/http2_server_codec.h"

namespace gatesim::http {

std::unique_ptr<ServerCodec> make_server_codec(Version version, ServerCodecCallbacks& callbacks,
                                               const CodecLimits& limits, bool tls) {
  if (version == Version::kHttp2) return std::make_unique<Http2ServerCodec>(callbacks, limits, tls);
  return std::make_unique<Http1ServerCodec>(callbacks, limits, tls);
}

std::unique_ptr<ClientCodec> make_client_codec(Version version, ClientCodecCallbacks& callbacks,
                                               const CodecLimits& limits) {
  if (version == Version::kHttp2) return std::make_unique<Http2ClientCodec>(callbacks, limits, false);
  return std::make_unique<Http1ClientCodec>(callbacks, limits);
}

}  // namespace gatesim::http
