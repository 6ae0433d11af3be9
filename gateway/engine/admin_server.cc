#include "gateway/engine/admin_server.h"

#include <algorithm>

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
    // Every answer waits for the workers' snapshots (even /ready, which needs their draining
    // state), so pipelined requests are answered in order. The session may be gone by then.
    std::weak_ptr<bool> alive = alive_;
    server_.collect_([this, alive, id, head = std::move(head)](std::vector<StatsSnapshot> workers) {
      if (!alive.expired()) respond(id, head, workers);
    });
  }
  void on_request_data(http::StreamId, std::string_view, bool) override {}
  void on_request_trailers(http::StreamId, http::HeaderList) override {}
  void on_stream_reset(http::StreamId, http::ResetReason) override {}
  void on_codec_error(http::CodecError, std::string_view) override {
    flush();
    connection_->close();
  }

 private:
  void respond(http::StreamId id, const http::RequestHead& head, const std::vector<StatsSnapshot>& workers) {
    int status = 200;
    std::string body, type = "text/plain";
    const std::size_t question = head.path.find('?');
    const std::string path = head.path.substr(0, question);
    const std::string query = question == std::string::npos ? "" : head.path.substr(question + 1);
    const bool draining = std::any_of(workers.begin(), workers.end(), [](const StatsSnapshot& w) { return w.draining; });
    if (head.method != "GET") {
      status = 405;
      body = "method not allowed\n";
    } else if (path == "/ready") {
      status = draining ? 503 : 200;
      body = draining ? "DRAINING\n" : "LIVE\n";
    } else if (path == "/stats/prometheus") {
      body = merge_stats(workers).metrics.prometheus_text();
      type = "text/plain; version=0.0.4";  // Prometheus text exposition format
    } else if (path == "/stats" && query == "format=json") {
      body = stats_json(workers);
      type = "application/json";
    } else if (path == "/stats") {
      body = stats_text(workers);
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
    flush();
  }

  void flush() {
    if (codec_->has_output()) connection_->write(codec_->take_output());
    if (codec_->wants_close()) connection_->close();
  }

  AdminServer& server_;
  std::unique_ptr<io::Connection> connection_;
  std::unique_ptr<http::ServerCodec> codec_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // weak copies see the session end
};

AdminServer::AdminServer(io::Runtime& runtime, StatsCollector collect)
    : runtime_(runtime), collect_(std::move(collect)) {}

AdminServer::AdminServer(io::Runtime& runtime, const Engine& engine)
    : AdminServer(runtime, [&engine](std::function<void(std::vector<StatsSnapshot>)> done) {
        done({snapshot_stats(engine)});
      }) {}

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

}  // namespace gatesim::engine
