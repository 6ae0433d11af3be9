#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/snapshot.h"

#include "gateway/http/message.h"
#include "gateway/route/retry_policy.h"
#include "gateway/route/route_decision.h"
#include "gateway/upstream/upstream_cluster.h"

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
  // To a gRPC request (content-type application/grpc*) every local reply is gRPC-shaped, as
  // Envoy's: :status 200, trailers-only, grpc-status from the HTTP status, grpc-message.
  void local_reply(int status, std::string body, http::HeaderList headers, std::string flags, std::string details);
  void grpc_local_reply(int grpc_status, const std::string& message, std::string flags, std::string details);
  bool grpc_request() const;
  void add_flag(const std::string& flag);
  void abort_started_response(const std::string& flag, std::string details);
  // The route's fault (delay, then abort) before the router, as Envoy's fault filter.
  void apply_fault_then_forward(const route::RouteDecision& decision);
  void forward(const route::RouteDecision& decision);
  // The attempt is over (answered, failed, timed out or abandoned for a retry): its host lease,
  // per-try timer and retry slot are released.
  void end_attempt();
  // Outlier detection hears how the attempt's host did: a status, or nullopt for a
  // local-origin failure.
  void report_to_outlier(std::optional<int> status);
  // The route's mirrors get a copy once the whole request is here (Envoy buffers it too).
  void mirror_if_complete();
  void finish();
  void log();

  HttpConnectionManager& hcm_;
  http::StreamId id_;
  http::RequestHead request_;
  std::unique_ptr<upstream::UpstreamRequest> upstream_;
  // The Snapshot this request was routed with: a live apply must not free its route.
  std::shared_ptr<const config::Snapshot> routed_with_;
  const config::CompiledRoute* route_ = nullptr;  // in routed_with_, once forwarded
  const config::RouteTarget* target_ = nullptr;
  // An injected delay holds the request (and what arrives of its body) until it expires.
  std::optional<io::TimerId> fault_timer_;
  std::optional<io::TimerId> timeout_timer_;  // the route timeout, from the upstream start
  std::optional<io::TimerId> retry_timer_;    // back-off before the next attempt
  std::optional<io::TimerId> per_try_timer_;  // retries.perTryTimeout, per attempt
  void on_timeout();
  void on_per_try_timeout();
  void answer_timeout();
  upstream::HostLease lease_;  // the host of the current attempt
  bool retry_slot_ = false;    // holds one of the cluster's max_retries
  bool mirrored_ = false;
  std::optional<std::string> set_cookie_;  // a minted consistent-hash cookie for the response
  // Retries (Envoy's router): the decision to replay, the hosts already tried, and the request
  // body kept for replay (up to kRetryBufferLimit; beyond it the request is not retried).
  bool retry(const route::AttemptOutcome& outcome);
  static constexpr std::size_t kRetryBufferLimit = 1 << 20;  // Envoy's default per-request buffer
  std::optional<route::RouteDecision> decision_;
  std::uint32_t retries_done_ = 0;
  std::vector<std::string> tried_hosts_;
  std::string request_body_;  // what arrived of the body (all of it while no upstream exists)
  bool body_overflow_ = false;
  std::optional<http::HeaderList> request_trailers_;
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
