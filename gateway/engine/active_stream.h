#pragma once

#include <memory>
#include <string>

#include "gateway/http/message.h"
#include "gateway/route/route_decision.h"
#include "gateway/upstream/http_pool.h"

namespace gatesim::engine {

class HttpConnectionManager;

// One request through the gateway: route it, answer locally or proxy it to an upstream
// endpoint over the engine's connection pools, and log it.
class ActiveStream : public upstream::UpstreamResponseCallbacks {
 public:
  ActiveStream(HttpConnectionManager& hcm, http::StreamId id);
  ~ActiveStream() override;

  void on_request_head(http::RequestHead head, bool end_stream);
  void on_request_data(std::string_view data, bool end_stream);
  void on_request_trailers(http::HeaderList trailers);
  void on_downstream_reset();
  void on_downstream_gone();
  void on_downstream_drained() {}

  // upstream::UpstreamResponseCallbacks
  void on_upstream_head(http::ResponseHead head, bool end_stream) override;
  void on_upstream_data(std::string_view data, bool end_stream) override;
  void on_upstream_trailers(http::HeaderList trailers) override;
  void on_upstream_failure(Failure failure, const std::string& detail, bool before_head) override;

 private:
  void local_reply(int status, std::string body, http::HeaderList headers, std::string flags, std::string details);
  void forward(const route::RouteDecision& decision);
  void finish();
  void log();

  HttpConnectionManager& hcm_;
  http::StreamId id_;
  http::RequestHead request_;
  std::unique_ptr<upstream::UpstreamRequest> upstream_;
  int response_code_ = 0;
  std::string flags_ = "-";
  std::string details_;
  std::string upstream_host_ = "-", upstream_cluster_ = "-";
  std::uint64_t bytes_received_ = 0, bytes_sent_ = 0;
  io::TimePoint started_{};
  io::TimePoint upstream_started_{};
  bool request_complete_ = false;
  bool response_complete_ = false;
  bool finished_ = false;
};

}  // namespace gatesim::engine
