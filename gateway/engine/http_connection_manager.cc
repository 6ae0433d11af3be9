#include "gateway/engine/http_connection_manager.h"

#include "gateway/engine/active_stream.h"
#include "gateway/engine/downstream_connection.h"
#include "gateway/http/codec_factory.h"
#include "gateway/sniff/protocol_sniffer.h"

namespace gatesim::engine {

HttpConnectionManager::HttpConnectionManager(Engine& engine, DownstreamConnection& downstream,
                                             const config::FilterChain& chain, std::optional<http::Version> version)
    : engine_(engine), downstream_(downstream), chain_(chain) {
  if (version) create_codec(*version);
  if (engine_.draining()) start_drain();
}

HttpConnectionManager::~HttpConnectionManager() = default;

const config::Listener& HttpConnectionManager::listener() const { return downstream_.listener(); }

void HttpConnectionManager::create_codec(http::Version version) {
  codec_ = http::make_server_codec(version, *this, engine_.options().limits, downstream_.tls());
  flush();  // h2 sends its SETTINGS at once
}

void HttpConnectionManager::on_bytes(std::string_view bytes) {
  if (closed_) return;
  if (codec_ == nullptr) {
    preface_.append(bytes);
    const std::string_view p = sniff::kHttp2Preface;
    const std::size_t n = std::min(preface_.size(), p.size());
    if (preface_.compare(0, n, p.substr(0, n)) == 0 && preface_.size() < p.size()) return;  // still ambiguous
    create_codec(preface_.compare(0, p.size(), p) == 0 && preface_.size() >= p.size() ? http::Version::kHttp2
                                                                                       : http::Version::kHttp11);
    std::string held;
    held.swap(preface_);
    codec_->receive(held);
  } else {
    codec_->receive(bytes);
  }
  const std::uint64_t frames = codec_->extra_frames_received();
  if (frames > frames_charged_) engine_.runtime().charge(io::Work::kHttp2Frame, frames - frames_charged_);
  frames_charged_ = frames;
  flush();
}

void HttpConnectionManager::flush() {
  if (closed_ || codec_ == nullptr) return;
  if (codec_->has_output()) downstream_.write(codec_->take_output());
  if (codec_->wants_close() && streams_.empty()) {
    closed_ = true;
    downstream_.close();
  }
}

void HttpConnectionManager::on_end_of_input() {
  input_ended_ = true;
  // A client that half-closes still gets the responses it asked for.
  if (streams_.empty()) {
    closed_ = true;
    downstream_.close();
  }
}

void HttpConnectionManager::on_drained() {
  for (auto& [id, stream] : streams_) stream->on_downstream_drained();
}

void HttpConnectionManager::on_closed(bool) {
  closed_ = true;
  // Streams still open lose their client: cancel their upstream work (Envoy flag DC).
  auto streams = std::move(streams_);
  for (auto& [id, stream] : streams) stream->on_downstream_gone();
}

void HttpConnectionManager::start_drain() {
  draining_ = true;
  if (codec_ != nullptr) {
    codec_->start_drain();
    flush();
  }
  if (streams_.empty() && codec_ != nullptr && codec_->version() != http::Version::kHttp2) {
    closed_ = true;
    downstream_.close();  // an idle HTTP/1.1 connection has nothing to finish
  }
}

ActiveStream* HttpConnectionManager::find(http::StreamId id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

void HttpConnectionManager::on_request_head(http::StreamId id, http::RequestHead head, bool end_stream) {
  ++engine_.mutable_stats().requests;
  engine_.runtime().charge(head.version == http::Version::kHttp2 ? io::Work::kHttp2Stream : io::Work::kHttp1Request);
  auto stream = std::make_unique<ActiveStream>(*this, id);
  ActiveStream* raw = stream.get();
  streams_[id] = std::move(stream);
  raw->on_request_head(std::move(head), end_stream);
}

void HttpConnectionManager::on_request_data(http::StreamId id, std::string_view data, bool end_stream) {
  if (ActiveStream* s = find(id)) s->on_request_data(data, end_stream);
}

void HttpConnectionManager::on_request_trailers(http::StreamId id, http::HeaderList trailers) {
  if (ActiveStream* s = find(id)) s->on_request_trailers(std::move(trailers));
}

void HttpConnectionManager::on_stream_reset(http::StreamId id, http::ResetReason) {
  if (ActiveStream* s = find(id)) s->on_downstream_reset();
}

void HttpConnectionManager::on_codec_error(http::CodecError error, std::string_view detail) {
  AccessLogEntry entry;
  entry.protocol = codec_ ? std::string(http::to_string(codec_->version())) : "-";
  entry.response_flags = "DPE";  // downstream protocol error
  entry.details = std::string(http::to_string(error)) + ": " + std::string(detail);
  entry.downstream_remote = downstream_.connection().peer().to_string();
  entry.downstream_local = downstream_.connection().local().to_string();
  entry.start_time = engine_.runtime().now();  // a connection-level event: no stream started it
  engine_.log(entry);
  if (codec_ != nullptr && codec_->has_output()) downstream_.write(codec_->take_output());
  closed_ = true;
  auto streams = std::move(streams_);
  for (auto& [id, stream] : streams) stream->on_downstream_gone();
  downstream_.close();
}

void HttpConnectionManager::stream_done(http::StreamId id) {
  // Deferred: the stream's own callback is on the stack.
  engine_.runtime().defer([this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    streams_.erase(id);
    if (!closed_ && streams_.empty() && (input_ended_ || (codec_ && codec_->wants_close()))) {
      if (codec_ && codec_->has_output()) downstream_.write(codec_->take_output());
      closed_ = true;
      downstream_.close();
    }
  });
}

}  // namespace gatesim::engine
