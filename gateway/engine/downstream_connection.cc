#include "gateway/engine/downstream_connection.h"

#include "gateway/engine/http_connection_manager.h"
#include "gateway/observability/destination_service.h"
#include "gateway/sniff/protocol_sniffer.h"
#include "gateway/tls/client_hello.h"
#include "gateway/upstream/endpoint_picker.h"

namespace gatesim::engine {
namespace {

// Gateway listeners set no listener_filters_timeout, so Envoy's default applies: a client
// that sends no ClientHello within 15 s is closed (istio-semantics.md 1.4).
constexpr io::Duration kTlsInspectorTimeout = std::chrono::seconds(15);

}  // namespace

DownstreamConnection::DownstreamConnection(Engine& engine, std::shared_ptr<const config::Snapshot> snapshot,
                                           const config::Listener& listener, std::unique_ptr<io::Connection> connection)
    : engine_(engine), snapshot_(std::move(snapshot)), listener_(listener), connection_(std::move(connection)) {
  connection_->set_callbacks(this);
  started_ = engine_.runtime().now();
}

DownstreamConnection::~DownstreamConnection() {
  if (inspect_timer_ != 0) engine_.runtime().cancel(inspect_timer_);
}

void DownstreamConnection::start() {
  if (listener_.detect_protocol) {
    // Sidecar-style detection; a timeout of 0 waits forever, so a server-first protocol hangs.
    if (listener_.detection_timeout.count() > 0) {
      inspect_timer_ = engine_.runtime().schedule(listener_.detection_timeout, [this] {
        inspect_timer_ = 0;
        if (state_ == State::kInspecting) detected(false);  // continue_on_listener_filters_timeout
      });
    }
    return;
  }
  if (listener_.tls) {
    inspect_timer_ = engine_.runtime().schedule(kTlsInspectorTimeout, [this] {
      inspect_timer_ = 0;
      if (state_ == State::kInspecting) refuse("-", "listener_filters_timeout");
    });
    return;  // wait for the ClientHello
  }
  // Plaintext listeners have a single chain: HTTP (merged servers) or opaque TCP.
  chain_ = listener_.chains.empty() ? nullptr : &listener_.chains.front();
  if (chain_ == nullptr) return refuse("NR", "filter_chain_not_found");
  state_ = State::kPlaintext;
  start_application();
}

void DownstreamConnection::on_data(io::Connection&, std::string_view bytes) {
  switch (state_) {
    case State::kInspecting:
      inspected_.append(bytes);
      inspect();
      return;
    case State::kTls:
      engine_.runtime().charge(io::Work::kTlsBytes, bytes.size());
      tls_->receive(bytes);
      flush_tls();
      return;
    case State::kPlaintext:
      if (consumer_ != nullptr) consumer_->on_bytes(bytes);
      return;
    case State::kClosed:
      return;
  }
}

void DownstreamConnection::inspect() {
  if (listener_.detect_protocol) {
    const sniff::Detection d = sniff::detect_protocol(inspected_);
    if (d.protocol == sniff::Detected::kNeedMore) return;
    if (d.protocol == sniff::Detected::kTooLarge) return refuse("-", "protocol_detection_buffer_full");
    if (inspect_timer_ != 0) {
      engine_.runtime().cancel(inspect_timer_);
      inspect_timer_ = 0;
    }
    if (d.protocol == sniff::Detected::kTls) server_name_ = d.hello.server_name;
    return detected(d.protocol == sniff::Detected::kHttp1 || d.protocol == sniff::Detected::kHttp2);
  }
  const tls::PeekResult peek = tls::peek_client_hello(inspected_);
  switch (peek.status) {
    case tls::PeekStatus::kNeedMore:
      return;
    case tls::PeekStatus::kTooLarge:
      return refuse("-", "client_hello_too_large");
    case tls::PeekStatus::kClientHello:
      server_name_ = peek.hello.server_name;
      break;
    case tls::PeekStatus::kNotTls:
    case tls::PeekStatus::kMalformed:
      break;  // no SNI: only a chain without server names can take it
  }
  if (inspect_timer_ != 0) {
    engine_.runtime().cancel(inspect_timer_);
    inspect_timer_ = 0;
  }
  choose_chain(server_name_);
}

void DownstreamConnection::choose_chain(const std::string& sni) {
  chain_ = listener_.select_chain(sni);
  if (chain_ == nullptr) {
    // Istio configures no default chain: the connection closes without a TLS alert.
    ++engine_.mutable_stats().filter_chain_not_found;
    return refuse("NR", "filter_chain_not_found");
  }
  using Kind = config::FilterChain::Kind;
  if (chain_->kind == Kind::kPassthrough) {
    state_ = State::kPlaintext;  // the bytes stay encrypted; we only relay them
    return start_tcp_proxy_to(chain_->passthrough_route->targets, std::move(inspected_));
  }
  if (chain_->kind == Kind::kAutoPassthrough) {
    state_ = State::kPlaintext;
    const auto cluster = upstream::cluster_from_sni(sni);
    if (!cluster) return refuse("NR", "auto_passthrough_sni_not_a_cluster");
    return start_tcp_proxy(*cluster, std::move(inspected_));
  }
  tls_context_ = engine_.tls_context_for(*chain_);
  if (tls_context_ == nullptr) return refuse("-", "tls_context_unavailable");
  state_ = State::kTls;
  tls_ = tls::TlsSession::server(*tls_context_, *this);
  std::string hello;
  hello.swap(inspected_);
  // The server's first flight (key share, signature) is made from this ClientHello: the
  // handshake's cost falls here, before the flight leaves.
  engine_.runtime().charge(tls_context_->handshake_work());
  engine_.runtime().charge(io::Work::kTlsBytes, hello.size());
  tls_->receive(hello);
  flush_tls();
}

void DownstreamConnection::detected(bool http) {
  // chains[0] is HTTP when the port may carry it; the TCP chain is last.
  const config::FilterChain* chain = http ? &listener_.chains.front() : &listener_.chains.back();
  if (http != (chain->kind == config::FilterChain::Kind::kHttp)) return refuse("NR", "filter_chain_not_found");
  chain_ = chain;
  state_ = State::kPlaintext;
  std::string early;
  early.swap(inspected_);
  if (!http) {
    const auto& route = chain_->tcp_route;
    if (!route || route->targets.empty()) return refuse("NR", "no_tcp_route");
    return start_tcp_proxy_to(route->targets, std::move(early));
  }
  start_application();
  if (consumer_ != nullptr && !early.empty()) consumer_->on_bytes(early);
}

void DownstreamConnection::on_handshake_complete() {
  ++engine_.mutable_stats().tls_handshakes;
  start_application();
}

void DownstreamConnection::start_application() {
  using Kind = config::FilterChain::Kind;
  if (chain_->kind == Kind::kHttp || chain_->kind == Kind::kHttps) {
    std::optional<http::Version> version;
    if (tls_ != nullptr) version = tls_->alpn() == "h2" ? http::Version::kHttp2 : http::Version::kHttp11;
    http_ = std::make_unique<HttpConnectionManager>(engine_, *this, *chain_, version);
    consumer_ = http_.get();
    return;
  }
  const auto& route = chain_->tcp_route;
  if (!route || route->targets.empty()) return refuse("NR", "no_tcp_route");
  start_tcp_proxy_to(route->targets, "");
}

void DownstreamConnection::start_tcp_proxy_to(const std::vector<config::RouteTarget>& targets, std::string early) {
  const config::RouteTarget* target = upstream::pick_target(targets, engine_.runtime().rng());
  if (target == nullptr) return refuse("NR", "no_route");
  start_tcp_proxy(target->cluster, std::move(early));
}

void DownstreamConnection::start_tcp_proxy(const std::string& cluster, std::string early) {
  upstream_cluster_ = cluster;
  upstream::UpstreamCluster* upstream = engine_.clusters().find(cluster);
  if (upstream == nullptr) return refuse("NC", "cluster_not_found");
  upstream::LbContext balance;
  balance.source_ip = connection_->peer().ip;
  tcp_host_ = upstream->choose(balance);
  if (!tcp_host_) return refuse("UH", "no_healthy_upstream");
  upstream_host_ = tcp_host_.get()->lb.address;
  upstream::TcpProxy::Options options;
  options.connect_timeout = upstream->settings().connect_timeout;
  proxy_ = std::make_unique<upstream::TcpProxy>(engine_.runtime(), *this, tcp_host_.get()->address, options,
                                                [this](const std::string& error) {
                                                  AccessLogEntry entry = connection_log();
                                                  constexpr std::string_view kConnectFailure = "connect failure: ";
                                                  if (error.rfind(kConnectFailure, 0) == 0) {
                                                    ++engine_.mutable_stats().upstream_connect_failures;
                                                    if (auto* c = engine_.clusters().find(upstream_cluster_); c && tcp_host_) {
                                                      c->report(*tcp_host_.get(), std::nullopt);
                                                    }
                                                    entry.response_flags = "UF";
                                                    entry.upstream_transport_failure_reason =
                                                        error.substr(kConnectFailure.size());
                                                  }
                                                  entry.details = error.empty() ? "-" : error;
                                                  engine_.log(entry);
                                                });
  consumer_ = proxy_.get();
  proxy_->start(std::move(early));
}

void DownstreamConnection::on_plaintext(std::string_view bytes) {
  if (consumer_ != nullptr) consumer_->on_bytes(bytes);
}

void DownstreamConnection::on_tls_closed() {
  if (consumer_ != nullptr) consumer_->on_end_of_input();
}

void DownstreamConnection::on_tls_error(const std::string& reason) {
  ++engine_.mutable_stats().tls_handshake_failures;
  flush_tls();  // the alert
  AccessLogEntry entry = connection_log();
  entry.details = "tls_error: " + reason;
  engine_.log(entry);
  state_ = State::kClosed;
  connection_->close();
}

void DownstreamConnection::flush_tls() {
  if (tls_ != nullptr && tls_->has_output()) connection_->write(tls_->take_output());
}

void DownstreamConnection::on_end_of_input(io::Connection&) {
  if (state_ == State::kInspecting) return refuse("-", "connection closed during inspection");
  if (consumer_ != nullptr) {
    consumer_->on_end_of_input();
  } else {
    connection_->close();
  }
}

void DownstreamConnection::on_drained(io::Connection&) {
  if (consumer_ != nullptr) consumer_->on_drained();
}

void DownstreamConnection::on_closed(io::Connection&, io::CloseReason reason) {
  state_ = State::kClosed;
  if (consumer_ != nullptr) consumer_->on_closed(reason == io::CloseReason::kReset || reason == io::CloseReason::kError);
  consumer_ = nullptr;
  engine_.release(this);
}

void DownstreamConnection::write(std::string_view bytes) {
  if (state_ == State::kClosed) return;
  if (tls_ != nullptr) {
    engine_.runtime().charge(io::Work::kTlsBytes, bytes.size());
    tls_->write(bytes);
    flush_tls();
  } else {
    connection_->write(bytes);
  }
}

void DownstreamConnection::shutdown_write() {
  if (state_ == State::kClosed) return;
  if (tls_ != nullptr) {
    tls_->shutdown();
    flush_tls();
  }
  connection_->shutdown_write();
}

void DownstreamConnection::close() {
  if (state_ == State::kClosed) return;
  if (tls_ != nullptr && tls_->established()) {
    tls_->shutdown();
    flush_tls();
  }
  connection_->close();
}

void DownstreamConnection::reset() {
  if (state_ == State::kClosed) return;
  connection_->reset();
}

void DownstreamConnection::start_drain() {
  if (http_ != nullptr) http_->start_drain();
}

void DownstreamConnection::refuse(const std::string& flags, const std::string& details) {
  AccessLogEntry entry = connection_log();
  entry.response_flags = flags;
  entry.details = details;
  engine_.log(entry);
  connection_->close();
}

AccessLogEntry DownstreamConnection::connection_log() const {
  AccessLogEntry entry;
  entry.protocol = "-";
  entry.downstream_local = connection_->local().to_string();
  entry.downstream_remote = connection_->peer().to_string();
  entry.requested_server_name = server_name_.empty() ? "-" : server_name_;
  entry.upstream_host = upstream_host_.empty() ? "-" : upstream_host_;
  entry.upstream_cluster = upstream_cluster_.empty() ? "-" : upstream_cluster_;
  entry.duration = engine_.runtime().now() - started_;
  entry.start_time = started_;
  // Istio's TCP stats filter sits in TCP filter chains only: a connection no chain took, or
  // one an HTTP chain took, is no TCP connection to its metrics.
  using Kind = config::FilterChain::Kind;
  const bool tcp_chain = chain_ != nullptr && chain_->kind != Kind::kHttp && chain_->kind != Kind::kHttps;
  entry.request_protocol = tcp_chain ? observability::RequestProtocol::kTcp : observability::RequestProtocol::kNone;
  entry.destination = observability::destination_service(&engine_.snapshot(), upstream_cluster_, "");
  if (proxy_ != nullptr) {
    entry.bytes_received = proxy_->stats().bytes_from_downstream;
    entry.bytes_sent = proxy_->stats().bytes_from_upstream;
    entry.upstream_local_address = proxy_->upstream_local_address();
  }
  return entry;
}

}  // namespace gatesim::engine
