#include "gateway/engine/admin_server.h"

#include <nlohmann/json.hpp>

#include "gateway/http/codec_factory.h"

namespace gatesim::engine {

class AdminServer::Session : public io::ConnectionCallbacks, public http::ServerCodecCallbacks {
 public:
  Session(AdminServer& server, std::unique_ptr<io::Connection> connection)
      : server_(server), connection_(std::move(connection)) {
    connection_->set_callbacks(this);
    codec_ = http::make_server_codec(http::Version::kHttp11, *this, http::CodecLimits{}, false);
  }

  void on_data(io::Connection&, std::string_view bytes) override {
    codec_->receive(bytes);
    flush();
  }
  void on_end_of_input(io::Connection& c) override { c.close(); }
  void on_closed(io::Connection&, io::CloseReason) override {
    server_.runtime_.defer([server = &server_, self = this] { server->sessions_.erase(self); });
  }

  void on_request_head(http::StreamId id, http::RequestHead head, bool) override {
    int status = 200;
    std::string body, type = "text/plain";
    const std::string path = head.path.substr(0, head.path.find('?'));
    const std::string query = head.path.find('?') == std::string::npos ? "" : head.path.substr(head.path.find('?') + 1);
    if (head.method != "GET") {
      status = 405;
      body = "method not allowed\n";
    } else if (path == "/ready") {
      status = server_.engine_.draining() ? 503 : 200;
      body = server_.engine_.draining() ? "DRAINING\n" : "LIVE\n";
    } else if (path == "/stats/prometheus") {
      body = server_.engine_.metrics().prometheus_text();
      type = "text/plain; version=0.0.4";  // Prometheus text exposition format
    } else if (path == "/stats" && query == "format=json") {
      body = server_.stats_json();
      type = "application/json";
    } else if (path == "/stats") {
      body = server_.stats_text();
    } else {
      status = 404;
      body = "unknown admin path; try /ready, /stats or /stats/prometheus\n";
    }
    http::ResponseHead response;
    response.status = status;
    response.headers.push_back({"content-type", type});
    response.content_length = body.size();
    codec_->send_response_head(id, response, false);
    codec_->send_response_data(id, body, true);
  }
  void on_request_data(http::StreamId, std::string_view, bool) override {}
  void on_request_trailers(http::StreamId, http::HeaderList) override {}
  void on_stream_reset(http::StreamId, http::ResetReason) override {}
  void on_codec_error(http::CodecError, std::string_view) override {
    flush();
    connection_->close();
  }

 private:
  void flush() {
    if (codec_->has_output()) connection_->write(codec_->take_output());
    if (codec_->wants_close()) connection_->close();
  }

  AdminServer& server_;
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<http::ServerCodec> codec_;
};

AdminServer::AdminServer(io::Runtime& runtime, const Engine& engine) : runtime_(runtime), engine_(engine) {}
AdminServer::~AdminServer() {
  listener_.reset();
  sessions_.clear();
}

bool AdminServer::listen(const io::Address& address, std::string* error) {
  listener_ = runtime_.listen(address, [this](std::unique_ptr<io::Connection> c) {
    auto session = std::make_unique<Session>(*this, std::move(c));
    sessions_.add(std::move(session));
  }, error);
  return listener_ != nullptr;
}

const io::Address& AdminServer::address() const { return listener_->address(); }

std::vector<std::pair<std::string, std::uint64_t>> AdminServer::stats() const {
  const EngineStats& s = engine_.stats();
  std::vector<std::pair<std::string, std::uint64_t>> out = {
      {"downstream_cx_total", s.connections_accepted},
      {"downstream_cx_active", s.connections_active},
      {"listener.no_filter_chain_match", s.filter_chain_not_found},
      {"ssl.handshake", s.tls_handshakes},
      {"ssl.connection_error", s.tls_handshake_failures},
      {"downstream_rq_total", s.requests},
      {"upstream_cx_connect_fail", s.upstream_connect_failures},
  };
  for (const auto& [code, count] : s.responses_by_code) out.emplace_back("downstream_rq_" + std::to_string(code), count);
  out.emplace_back("server.draining", engine_.draining() ? 1 : 0);
  // Envoy's per-cluster names: circuit breakers and outlier detection at a glance.
  for (const auto& [name, cluster] : engine_.clusters().clusters()) {
    const upstream::ClusterResources& r = cluster->resources();
    const std::string prefix = "cluster." + name + ".";
    out.emplace_back(prefix + "membership_total", cluster->host_count());
    out.emplace_back(prefix + "upstream_cx_total", cluster->connections_opened());
    out.emplace_back(prefix + "upstream_cx_active", r.connections);
    out.emplace_back(prefix + "upstream_cx_connect_fail", r.connect_failures);
    out.emplace_back(prefix + "upstream_cx_overflow", r.connection_overflows);
    out.emplace_back(prefix + "upstream_rq_active", r.requests);
    out.emplace_back(prefix + "upstream_rq_pending_active", r.pending);
    out.emplace_back(prefix + "upstream_rq_pending_overflow", r.pending_overflows + r.request_overflows);
    out.emplace_back(prefix + "upstream_rq_retry_overflow", r.retry_overflows);
    out.emplace_back(prefix + "outlier_detection.ejections_active", cluster->ejected_hosts());
    out.emplace_back(prefix + "outlier_detection.ejections_enforced_total", cluster->ejections_total());
  }
  return out;
}

std::string AdminServer::stats_text() const {
  std::string out;
  for (const auto& [name, value] : stats()) out += name + ": " + std::to_string(value) + "\n";
  return out;
}

std::string AdminServer::stats_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : stats()) j[name] = value;
  j["server.draining"] = engine_.draining();
  return j.dump(2) + "\n";
}

}  // namespace gatesim::engine
