#include "sim/peers/http_client.h"

#include <algorithm>

#include <openssl/x509.h>

#include "gateway/http/codec_factory.h"
#include "gateway/tls/certificate_identity.h"
#include "gateway/tls/tls_session.h"

namespace gatesim::sim {
namespace {

// RFC 6125: a certificate name covers a host exactly, or as "*.suffix" for one more label.
bool certificate_covers(const std::string& name, const std::string& host) {
  if (name == host) return true;
  if (name.size() < 3 || name.compare(0, 2, "*.") != 0) return false;
  const std::size_t dot = host.find('.');
  return dot != std::string::npos && dot > 0 && host.substr(dot) == name.substr(1);
}

struct Url {
  std::string scheme, host, path;
  std::uint16_t port = 0;
};

// "https://h[:p]/path" or "/path" (relative to `base`).
std::optional<Url> parse_location(const std::string& location, const Url& base) {
  if (!location.empty() && location[0] == '/') {
    Url u = base;
    u.path = location;
    return u;
  }
  const std::size_t scheme_end = location.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  Url u;
  u.scheme = location.substr(0, scheme_end);
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  const std::size_t path_start = location.find('/', scheme_end + 3);
  const std::string authority = location.substr(scheme_end + 3, path_start == std::string::npos ? std::string::npos
                                                                                               : path_start - scheme_end - 3);
  u.path = path_start == std::string::npos ? "/" : location.substr(path_start);
  const std::size_t colon = authority.rfind(':');
  u.host = authority.substr(0, colon);
  u.port = u.scheme == "https" ? 443 : 80;
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    u.port = static_cast<std::uint16_t>(std::stoul(port));
  }
  return u;
}

}  // namespace

class HttpClient::Connection : public io::ConnectionCallbacks,
                               public tls::TlsSessionCallbacks,
                               public http::ClientCodecCallbacks {
 public:
  Connection(HttpClient& client, std::uint64_t number, std::string scheme, std::string host, std::uint16_t port,
             io::Address address, bool dedicated)
      : client_(client), number_(number), scheme_(std::move(scheme)), host_(std::move(host)), port_(port),
        address_(std::move(address)), dedicated_(dedicated) {}

  void open() {
    std::weak_ptr<bool> alive = client_.alive_;
    client_.runtime_.connect(address_, std::chrono::seconds(10),
                             [this, alive](std::unique_ptr<io::Connection> c, const std::string& error) {
                               if (alive.expired()) return;
                               connected(std::move(c), error);
                             });
  }

  bool closed() const { return closed_; }
  bool ready() const { return codec_ != nullptr && !closed_ && !draining_; }
  bool can_send() const { return ready() && codec_->can_start_stream(); }
  bool multiplexed() const { return codec_ != nullptr && codec_->version() == http::Version::kHttp2; }
  bool serves(const std::string& scheme, const std::string& host, std::uint16_t port) const {
    return scheme == scheme_ && host == host_ && port == port_;
  }

  // May a request for `host` use this connection under `policy`?
  bool may_carry(const Pending& p, ReusePolicy policy) const {
    if (closed_ || draining_) return false;
    // A 421 retry travels alone on a connection opened for it, and that connection nothing else.
    if (p.fresh_connection != dedicated_) return false;
    if (serves(p.scheme, p.host, p.port)) return true;
    if (dedicated_) return false;
    if (policy == ReusePolicy::kNever || scheme_ != "https" || p.scheme != "https" || p.port != port_ ||
        certificate_names_.empty()) {
      return false;
    }
    bool covered = false;
    for (const std::string& name : certificate_names_) covered = covered || certificate_covers(name, p.host);
    if (!covered) return false;
    const std::vector<io::Address> addresses = client_.resolve(p.host, p.port);
    if (addresses.empty()) return false;
    if (policy == ReusePolicy::kChrome) return addresses.front() == address_;
    return std::find(addresses.begin(), addresses.end(), address_) != addresses.end();
  }

  void send(const Pending& p) {
    http::RequestHead head;
    head.method = p.method;
    head.path = p.path;
    head.authority = p.host;
    if (p.port != (p.scheme == "https" ? 443 : 80)) head.authority += ":" + std::to_string(p.port);
    head.scheme = p.scheme;
    head.headers.push_back({"user-agent", "gatesim-client/" + client_.name_});
    for (const http::HeaderField& h : p.headers) head.headers.push_back(h);
    std::string body = p.body;
    if (p.grpc) {
      head.method = "POST";
      head.headers.push_back({"content-type", "application/grpc"});
      head.headers.push_back({"te", "trailers"});
      if (p.deadline.count() > 0) {
        head.headers.push_back(
            {"grpc-timeout", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(p.deadline).count()) + "m"});
      }
      // Length-prefixed message: no compression, 4-byte big-endian length.
      const std::uint32_t n = static_cast<std::uint32_t>(body.size());
      body = std::string{'\0', static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                         static_cast<char>(n)} + body;
    }
    head.content_length = body.size();
    const http::StreamId id = codec_->send_request_head(head, body.empty());
    if (!body.empty()) codec_->send_request_data(id, body, true);
    InFlight& f = in_flight_[id];
    f.pending = p;
    f.outcome.client = client_.name_;
    f.outcome.connection = number_;
    f.outcome.method = p.method;
    f.outcome.path = p.path;
    f.outcome.authority = p.host;
    f.outcome.protocol = std::string(http::to_string(codec_->version()));
    f.outcome.redirect_hop = p.hop;
    f.outcome.retry_after_421 = p.retry;
    f.outcome.start = client_.runtime_.now();
    f.outcome.issued = p.issued;
    flush();
  }

  bool carries(std::uint64_t request) const {
    for (const auto& [id, f] : in_flight_) {
      if (f.pending.id == request) return true;
    }
    return false;
  }

  // Give up on one request: an h2 stream is cancelled (RST_STREAM CANCEL, the connection
  // lives on, as a gRPC channel does); an HTTP/1.1 connection is in an unknown state: closed.
  void abandon(std::uint64_t request) {
    if (closed_ || connection_ == nullptr) return;
    if (!multiplexed()) return connection_->close();
    for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it) {
      if (it->second.pending.id != request) continue;
      codec_->reset_stream(it->first, http::ResetReason::kCancel);
      in_flight_.erase(it);
      flush();
      return;
    }
  }

  // io
  void on_data(io::Connection&, std::string_view bytes) override {
    if (tls_) tls_->receive(bytes);
    else if (codec_) codec_->receive(bytes);
    flush();
  }
  void on_end_of_input(io::Connection& c) override {
    if (codec_) codec_->receive_eof();
    c.close();
  }
  void on_closed(io::Connection&, io::CloseReason reason) override {
    closed_ = true;
    // Closed during the handshake (a gateway with no filter chain for this SNI does that):
    // the requests waiting for this connection fail with it, rather than reconnecting forever.
    if (tls_ && !tls_->established() && connect_error_.empty()) {
      connect_error_ = "tls: closed by the server before the handshake completed";
      TlsOutcome t;
      t.client = client_.name_;
      t.connection = number_;
      t.sni = host_;
      t.error = "closed by the server before the handshake completed";
      t.at = client_.runtime_.now();
      if (client_.on_tls) client_.on_tls(t);
    }
    fail_all("connection " + std::string(io::to_string(reason)));
    client_.connection_closed(this);
  }

  // tls
  void on_handshake_complete() override {
    TlsOutcome t;
    t.client = client_.name_;
    t.connection = number_;
    t.sni = host_;
    t.alpn = tls_->alpn();
    t.version = tls_->protocol_version();
    if (X509* cert = tls_->peer_certificate()) {
      t.certificate_subject = tls::subject_common_name(cert);
      certificate_names_ = tls::subject_alt_names(cert);
      t.certificate_names = certificate_names_;
    }
    t.at = client_.runtime_.now();
    if (client_.on_tls) client_.on_tls(t);
    start_codec(tls_->alpn() == "h2" ? http::Version::kHttp2 : http::Version::kHttp11);
  }
  void on_plaintext(std::string_view bytes) override {
    if (codec_) codec_->receive(bytes);
  }
  void on_tls_closed() override {
    if (codec_) codec_->receive_eof();
  }
  void on_tls_error(const std::string& reason) override {
    TlsOutcome t;
    t.client = client_.name_;
    t.connection = number_;
    t.sni = host_;
    t.error = reason;
    t.at = client_.runtime_.now();
    if (client_.on_tls) client_.on_tls(t);
    connect_error_ = "tls: " + reason;
    fail_all(connect_error_);
    if (connection_) connection_->close();
  }

  // http
  void on_response_head(http::StreamId id, http::ResponseHead head, bool end_stream) override {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    it->second.outcome.status = head.status;
    read_grpc_status(it->second, head.headers);  // a trailers-only response
    if (const std::string* location = http::find_header(head.headers, "location")) it->second.location = *location;
    if (end_stream) complete(id, "");
  }
  void on_response_data(http::StreamId id, std::string_view data, bool end_stream) override {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    it->second.outcome.body_bytes += data.size();
    if (end_stream) complete(id, "");
  }
  void on_response_trailers(http::StreamId id, http::HeaderList trailers) override {
    auto it = in_flight_.find(id);
    if (it != in_flight_.end()) read_grpc_status(it->second, trailers);
    complete(id, "");
  }
  void on_stream_reset(http::StreamId id, http::ResetReason reason) override {
    complete(id, "stream reset: " + std::string(http::to_string(reason)));
  }
  void on_codec_error(http::CodecError error, std::string_view detail) override {
    fail_all(std::string(http::to_string(error)) + ": " + std::string(detail));
    if (connection_) connection_->close();
  }
  void on_goaway() override { draining_ = true; }

 private:
  struct InFlight {
    Pending pending;
    RequestOutcome outcome;
    std::string location;
  };

  static void read_grpc_status(InFlight& f, const http::HeaderList& fields) {
    if (!f.pending.grpc) return;
    if (const std::string* status = http::find_header(fields, "grpc-status")) {
      f.outcome.grpc_status = status->find_first_not_of("0123456789") == std::string::npos && !status->empty()
                                  ? std::stoi(*status)
                                  : 2;  // UNKNOWN
    }
    if (const std::string* message = http::find_header(fields, "grpc-message")) f.outcome.grpc_message = *message;
  }

  void connected(std::unique_ptr<io::Connection> c, const std::string& error) {
    if (c == nullptr) {
      closed_ = true;
      connect_error_ = "connect: " + error;
      client_.connection_closed(this);
      return;
    }
    connection_ = std::move(c);
    connection_->set_callbacks(this);
    if (scheme_ == "https") {
      tls_ = tls::TlsSession::client(*client_.tls_context_, host_, *this);
      flush();
    } else {
      start_codec(client_.target_.h2c ? http::Version::kHttp2 : http::Version::kHttp11);
    }
  }

  void start_codec(http::Version version) {
    codec_ = http::make_client_codec(version, *this, {});
    flush();
    client_.pump();
  }

  void flush() {
    if (closed_ || connection_ == nullptr) return;
    if (codec_ && codec_->has_output()) {
      const std::string bytes = codec_->take_output();
      if (tls_) tls_->write(bytes);
      else connection_->write(bytes);
    }
    if (tls_ && tls_->has_output()) connection_->write(tls_->take_output());
  }

  void complete(http::StreamId id, const std::string& error) {
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    InFlight f = std::move(it->second);
    in_flight_.erase(it);
    f.outcome.error = error;
    f.outcome.end = client_.runtime_.now();
    client_.response_done(f.pending, f.outcome, f.location);
    client_.pump();
  }

  void fail_all(const std::string& error) {
    auto open = std::move(in_flight_);
    for (auto& [id, f] : open) {
      f.outcome.error = error;
      f.outcome.end = client_.runtime_.now();
      client_.report(f.outcome, f.pending.id);
    }
  }

  friend class HttpClient;
  HttpClient& client_;
  std::uint64_t number_;
  std::string scheme_, host_;
  std::uint16_t port_;
  io::Address address_;
  bool dedicated_;  // opened for a 421 retry: carries nothing else
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<tls::TlsSession> tls_;
  std::unique_ptr<http::ClientCodec> codec_;
  std::vector<std::string> certificate_names_;
  std::map<http::StreamId, InFlight> in_flight_;
  std::string connect_error_;
  bool closed_ = false;
  bool draining_ = false;
};

HttpClient::HttpClient(io::Runtime& runtime, std::string name, HttpTarget target, std::vector<ScriptedRequest> script)
    : runtime_(runtime), name_(std::move(name)), target_(std::move(target)), script_(std::move(script)) {
  tls::ClientTlsOptions options;
  options.alpn = target_.alpn;
  options.ca_pem = target_.ca_pem;
  std::string error;
  tls_context_ = tls::ClientTlsContext::create(options, &error);
}

HttpClient::~HttpClient() {
  *alive_ = false;
  connections_.clear();
}

std::vector<io::Address> HttpClient::resolve(const std::string& host, std::uint16_t port) const {
  return target_.resolve ? target_.resolve(host, port) : std::vector<io::Address>{};
}

HttpClient::Pending HttpClient::pending_for(const ScriptedRequest& r) {
  Pending p;
  p.id = ++next_request_;
  p.method = r.method;
  p.path = r.path;
  p.scheme = target_.scheme;
  p.port = target_.port;
  p.host = target_.host;
  if (!r.authority.empty()) {
    const std::size_t colon = r.authority.rfind(':');
    p.host = r.authority.substr(0, colon);
    if (colon != std::string::npos) p.port = static_cast<std::uint16_t>(std::stoul(r.authority.substr(colon + 1)));
  }
  p.timeout = r.timeout;
  p.body = r.body;
  p.headers = r.headers;
  p.grpc = r.grpc;
  p.deadline = r.deadline;
  if (p.grpc && p.deadline.count() > 0 && (p.timeout.count() == 0 || p.deadline < p.timeout)) p.timeout = p.deadline;
  done_[p.id] = false;
  return p;
}

void HttpClient::submit(const ScriptedRequest& request) {
  Pending p = pending_for(request);
  p.issued = runtime_.now();
  issue(p);
}

void HttpClient::start() {
  for (const ScriptedRequest& r : script_) {
    Pending p = pending_for(r);
    std::weak_ptr<bool> alive = alive_;
    runtime_.schedule(r.at, [this, p, alive]() mutable {
      if (alive.expired()) return;
      p.issued = runtime_.now();
      issue(p);
    });
  }
}

void HttpClient::issue(Pending p) {
  if (p.timeout.count() > 0) {
    std::weak_ptr<bool> alive = alive_;
    const std::uint64_t id = p.id;
    runtime_.schedule(p.timeout, [this, id, alive] {
      if (!alive.expired()) time_out(id);
    });
  }
  waiting_.push_back(std::move(p));
  pump();
}

HttpClient::Connection* HttpClient::usable_connection(const Pending& p) {
  for (auto& c : connections_) {
    if (c->may_carry(p, target_.reuse) && c->can_send()) return c.get();
  }
  return nullptr;
}

void HttpClient::open_connection(const Pending& p) {
  std::size_t same_host = 0;
  for (auto& c : connections_) {
    if (c->closed() || !c->serves(p.scheme, p.host, p.port)) continue;
    if (!c->ready()) return;  // one already on its way: wait for it
    if (c->multiplexed() && !p.fresh_connection) return;
    ++same_host;
  }
  if (same_host >= target_.max_connections_per_host && !p.fresh_connection) return;
  const std::vector<io::Address> addresses = resolve(p.host, p.port);
  if (addresses.empty()) {
    RequestOutcome o;
    o.client = name_;
    o.method = p.method;
    o.path = p.path;
    o.authority = p.host;
    o.start = o.end = runtime_.now();
    o.issued = p.issued;
    o.error = "dns: no address for " + p.host;
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(), [&](const Pending& w) { return w.id == p.id; }),
                   waiting_.end());
    report(o, p.id);
    return;
  }
  connections_.push_back(
      std::make_unique<Connection>(*this, ++next_connection_, p.scheme, p.host, p.port, addresses.front(), p.fresh_connection));
  connections_.back()->open();
}

void HttpClient::pump() {
  for (std::size_t i = 0; i < waiting_.size();) {
    Pending& p = waiting_[i];
    if (Connection* c = usable_connection(p)) {
      const Pending ready = p;
      waiting_.erase(waiting_.begin() + static_cast<long>(i));
      c->send(ready);
      continue;
    }
    const std::uint64_t id = p.id;
    open_connection(p);
    if (i < waiting_.size() && waiting_[i].id == id) ++i;
  }
}

void HttpClient::response_done(const Pending& p, RequestOutcome outcome, const std::string& location) {
  outcome.location = location;
  report(outcome, p.id);
  if (outcome.status == 421 && target_.retry_misdirected && !p.retry) {
    Pending retry = p;
    retry.id = ++next_request_;
    retry.retry = true;
    retry.fresh_connection = true;
    done_[retry.id] = false;
    issue(retry);
    return;
  }
  const bool redirect = outcome.status == 301 || outcome.status == 302 || outcome.status == 303 ||
                        outcome.status == 307 || outcome.status == 308;
  if (redirect && target_.follow_redirects && !location.empty() && p.hop < target_.max_redirects) {
    const auto next = parse_location(location, Url{p.scheme, p.host, p.path, p.port});
    if (!next) return;
    Pending follow = p;
    follow.id = ++next_request_;
    follow.hop = p.hop + 1;
    follow.retry = false;
    follow.fresh_connection = false;
    follow.scheme = next->scheme;
    follow.host = next->host;
    follow.port = next->port;
    follow.path = next->path;
    if (outcome.status == 303) follow.method = "GET";
    done_[follow.id] = false;
    issue(follow);
  }
}

void HttpClient::report(RequestOutcome outcome, std::uint64_t id) {
  auto it = done_.find(id);
  if (it != done_.end()) {
    if (it->second) return;  // already reported (timed out)
    it->second = true;
  }
  if (on_outcome) on_outcome(outcome);
}

void HttpClient::time_out(std::uint64_t id) {
  if (done_[id]) return;
  const auto waiting = std::find_if(waiting_.begin(), waiting_.end(), [&](const Pending& p) { return p.id == id; });
  RequestOutcome o;
  o.client = name_;
  o.end = runtime_.now();
  o.error = "timeout";
  Connection* carrier = nullptr;
  bool grpc = false;
  if (waiting != waiting_.end()) {
    grpc = waiting->grpc;
    o.method = waiting->method;
    o.path = waiting->path;
    o.authority = waiting->host;
    o.start = o.issued = waiting->issued;
    waiting_.erase(waiting);
  } else {
    for (auto& c : connections_) {
      if (!c->carries(id)) continue;
      carrier = c.get();
      for (const auto& [stream, f] : c->in_flight_) {
        if (f.pending.id != id) continue;
        o = f.outcome;
        o.end = runtime_.now();
        o.error = "timeout";
        grpc = f.pending.grpc;
      }
    }
  }
  if (grpc) {
    o.error = "deadline exceeded";
    o.grpc_status = 4;  // DEADLINE_EXCEEDED, decided by the client's own clock
  }
  report(o, id);
  if (carrier != nullptr) carrier->abandon(id);
}

void HttpClient::connection_closed(Connection* connection) {
  if (!connection->connect_error_.empty()) {
    // Requests that were waiting for this host's connection fail with its error.
    for (std::size_t i = 0; i < waiting_.size();) {
      const Pending p = waiting_[i];
      if (!connection->serves(p.scheme, p.host, p.port)) {
        ++i;
        continue;
      }
      waiting_.erase(waiting_.begin() + static_cast<long>(i));
      RequestOutcome o;
      o.client = name_;
      o.connection = connection->number_;
      o.method = p.method;
      o.path = p.path;
      o.authority = p.host;
      o.start = o.issued = p.issued;
      o.end = runtime_.now();
      o.error = connection->connect_error_;
      report(o, p.id);
    }
  }
  std::weak_ptr<bool> alive = alive_;
  runtime_.defer([this, alive, connection] {
    if (alive.expired()) return;
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [&](const std::unique_ptr<Connection>& c) { return c.get() == connection; }),
                       connections_.end());
    pump();
  });
}

}  // namespace gatesim::sim
