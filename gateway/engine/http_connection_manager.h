#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/config/snapshot.h"
#include "gateway/engine/engine.h"
#include "gateway/http/codec.h"
#include "gateway/upstream/byte_stream.h"

namespace gatesim::engine {

class ActiveStream;
class DownstreamConnection;

// Envoy's HTTP connection manager for one downstream connection: picks the codec (ALPN on
// TLS; on plaintext the 24-byte h2c preface decides, as HCM's codec_type AUTO does), turns
// codec events into ActiveStreams, and moves codec output to the connection.
class HttpConnectionManager : public upstream::ByteStreamEvents, public http::ServerCodecCallbacks {
 public:
  HttpConnectionManager(Engine& engine, DownstreamConnection& downstream, const config::FilterChain& chain,
                        std::optional<http::Version> version);
  ~HttpConnectionManager() override;

  void start_drain();

  // upstream::ByteStreamEvents (the downstream connection's plaintext)
  void on_bytes(std::string_view bytes) override;
  void on_end_of_input() override;
  void on_drained() override;
  void on_closed(bool abortive) override;

  // http::ServerCodecCallbacks
  void on_request_head(http::StreamId id, http::RequestHead head, bool end_stream) override;
  void on_request_data(http::StreamId id, std::string_view data, bool end_stream) override;
  void on_request_trailers(http::StreamId id, http::HeaderList trailers) override;
  void on_stream_reset(http::StreamId id, http::ResetReason reason) override;
  void on_codec_error(http::CodecError error, std::string_view detail) override;

  // For ActiveStream.
  http::ServerCodec& codec() { return *codec_; }
  void flush();
  void stream_done(http::StreamId id);
  Engine& engine() { return engine_; }
  DownstreamConnection& downstream() { return downstream_; }
  const config::FilterChain& chain() const { return chain_; }
  const config::Listener& listener() const;

 private:
  void create_codec(http::Version version);
  ActiveStream* find(http::StreamId id);

  Engine& engine_;
  DownstreamConnection& downstream_;
  const config::FilterChain& chain_;
  std::unique_ptr<http::ServerCodec> codec_;
  std::uint64_t frames_charged_ = 0;
  std::string preface_;  // plaintext bytes held while deciding between h2c and HTTP/1
  std::map<http::StreamId, std::unique_ptr<ActiveStream>> streams_;
  bool input_ended_ = false;
  bool closed_ = false;
  bool draining_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for deferred work
};

}  // namespace gatesim::engine
