#include "gateway/engine/engine.h"

#include "gateway/engine/downstream_connection.h"
#include "gateway/engine/mirror_request.h"

namespace gatesim::engine {

Engine::Engine(io::Runtime& runtime, EngineOptions options)
    : runtime_(runtime), options_(std::move(options)), clusters_(runtime, options_.upstream_connect_timeout, [this] { ++stats_.upstream_connect_failures; }) {}

Engine::~Engine() {
  listeners_.clear();
  connections_.clear();  // before the pools their streams point into
  mirrors_.clear();
  clusters_.clear();
}

bool Engine::apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* error) {
  // Connections hold a reference to the Snapshot they were accepted under, so the old one
  // lives on as long as they do.
  snapshot_ = std::move(snapshot);
  clusters_.update(*snapshot_);
  listeners_.clear();
  tls_contexts_.clear();
  bool ok = true;
  auto problem = [&](const std::string& what) {
    ok = false;
    if (!error->empty()) *error += "\n";
    *error += what;
  };
  for (const config::Listener& listener : snapshot_->listeners) {
    for (const config::FilterChain& chain : listener.chains) {
      if (!chain.server.tls || !chain.server.tls->terminates()) continue;
      if (!chain.tls_material) {
        problem("port " + std::to_string(listener.port) + " server " + chain.server.port.name +
                ": no certificate (see `gatesim validate`); its SNI names will be refused");
        continue;
      }
      std::string why;
      auto context = tls::ServerTlsContext::create(*chain.server.tls, *chain.tls_material, &why);
      if (context == nullptr) {
        problem("port " + std::to_string(listener.port) + " server " + chain.server.port.name + ": " + why);
        continue;
      }
      if (options_.key_log) context->set_key_log(options_.key_log);
      tls_contexts_[&chain] = std::move(context);
    }
    io::Address address{listener.bind.empty() ? options_.listen_ip : listener.bind,
                        static_cast<std::uint16_t>(listener.port)};
    std::string why;
    const config::Listener* l = &listener;
    auto handle = runtime_.listen(address, [this, l](std::unique_ptr<io::Connection> c) { on_accepted(*l, std::move(c)); }, &why);
    if (handle == nullptr) {
      problem(why);
      continue;
    }
    listeners_.push_back(std::move(handle));
  }
  return ok;
}

std::vector<io::Address> Engine::listening_addresses() const {
  std::vector<io::Address> out;
  for (const auto& l : listeners_) out.push_back(l->address());
  return out;
}

std::shared_ptr<tls::ServerTlsContext> Engine::tls_context_for(const config::FilterChain& chain) const {
  auto it = tls_contexts_.find(&chain);
  return it == tls_contexts_.end() ? nullptr : it->second;
}

void Engine::on_accepted(const config::Listener& listener, std::unique_ptr<io::Connection> connection) {
  if (draining_) {
    connection->close();
    return;
  }
  ++stats_.connections_accepted;
  ++stats_.connections_active;
  auto downstream = std::make_unique<DownstreamConnection>(*this, snapshot_, listener, std::move(connection));
  connections_.add(std::move(downstream))->start();
}

void Engine::release(DownstreamConnection* connection) {
  // Deferred: the connection's own callback is still on the stack.
  runtime_.defer([this, connection] {
    if (connections_.erase(connection)) --stats_.connections_active;
  });
}

void Engine::start_mirror(const std::string& cluster, http::RequestHead head, std::string body,
                          std::optional<http::HeaderList> trailers, std::string source_ip,
                          std::optional<io::Duration> timeout) {
  ++mirrors_sent_;
  auto mirror = std::make_unique<MirrorRequest>(*this, cluster, std::move(head), std::move(body), std::move(trailers),
                                                std::move(source_ip), timeout);
  mirrors_.add(std::move(mirror))->start();
}

void Engine::release_mirror(MirrorRequest* mirror) {
  // Deferred: the mirror's own callback is on the stack.
  runtime_.defer([this, mirror] { mirrors_.erase(mirror); });
}

void Engine::start_drain() {
  draining_ = true;
  listeners_.clear();
  connections_.for_each([](DownstreamConnection& c) { c.start_drain(); });
}

void Engine::log(const AccessLogEntry& entry) {
  metrics_.record(entry);
  if (options_.access_log) options_.access_log(entry);
}

}  // namespace gatesim::engine
