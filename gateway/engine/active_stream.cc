#include "gateway/engine/active_stream.h"

#include "gateway/engine/downstream_connection.h"
#include "gateway/engine/http_connection_manager.h"
#include "gateway/engine/response_flags.h"
#include "gateway/observability/destination_service.h"
#include "gateway/route/fault_plan.h"
#include "gateway/route/request_rewrite.h"
#include "gateway/route/request_timeout.h"

namespace gatesim::engine {
namespace {

// Envoy's local reply body for upstream failures before any response byte.
std::string upstream_failure_body(const std::string& reason) {
  return "upstream connect error or disconnect/reset before headers. reset reason: " + reason;
}

std::string request_id(io::Rng& rng) {
  // A version-4 UUID from the seeded RNG: unique in practice, and replayable in the simulator.
  static const char digits[] = "0123456789abcdef";
  std::string id;
  const std::uint64_t hi = rng.next(), lo = rng.next();
  for (int i = 0; i < 32; ++i) {
    std::uint64_t word = i < 16 ? hi : lo;
    int nibble = static_cast<int>((word >> ((15 - (i % 16)) * 4)) & 15);
    if (i == 12) nibble = 4;
    if (i == 16) nibble = 8 | (nibble & 3);
    id += digits[nibble];
    if (i == 7 || i == 11 || i == 15 || i == 19) id += '-';
  }
  return id;
}

// The gateway appends the client's address (Envoy's use_remote_address, set on gateways).
std::string forwarded_for(const http::RequestHead& request, const std::string& remote_ip) {
  const std::string* xff = http::find_header(request.headers, "x-forwarded-for");
  return xff ? *xff + ", " + remote_ip : remote_ip;
}

std::optional<int> grpc_status_of(const http::HeaderList& headers) {
  const std::string* status = http::find_header(headers, "grpc-status");
  if (status == nullptr) return std::nullopt;
  return std::atoi(status->c_str());
}

}  // namespace

ActiveStream::ActiveStream(HttpConnectionManager& hcm, http::StreamId id) : hcm_(hcm), id_(id) {
  started_ = hcm_.engine().runtime().now();
}

ActiveStream::~ActiveStream() {
  if (fault_timer_) hcm_.engine().runtime().cancel(*fault_timer_);
  if (timeout_timer_) hcm_.engine().runtime().cancel(*timeout_timer_);
  if (retry_timer_) hcm_.engine().runtime().cancel(*retry_timer_);
  end_attempt();
}

void ActiveStream::end_attempt() {
  if (per_try_timer_) {
    hcm_.engine().runtime().cancel(*per_try_timer_);
    per_try_timer_.reset();
  }
  lease_ = upstream::HostLease();
  if (retry_slot_) {
    retry_slot_ = false;
    if (upstream::UpstreamCluster* c = hcm_.engine().clusters().find(upstream_cluster_)) c->release_retry();
  }
}

void ActiveStream::report_to_outlier(std::optional<int> status) {
  if (!lease_) return;
  // Looked up by name: a live apply may have replaced the cluster (then the host is unknown
  // to it and the report is dropped).
  if (upstream::UpstreamCluster* c = hcm_.engine().clusters().find(upstream_cluster_)) c->report(*lease_.get(), status);
}

bool ActiveStream::retry(const route::AttemptOutcome& outcome) {
  if (finished_ || !decision_ || decision_->route == nullptr || body_overflow_) return false;
  if (!route::should_retry(decision_->route->retries, outcome, retries_done_)) return false;
  upstream::UpstreamCluster* cluster = hcm_.engine().clusters().find(upstream_cluster_);
  // The max_retries circuit breaker: no slot, no retry (the answer goes out as it is).
  end_attempt();
  if (cluster == nullptr || !cluster->acquire_retry()) return false;
  retry_slot_ = true;
  ++retries_done_;
  io::Runtime& runtime = hcm_.engine().runtime();
  if (upstream_ != nullptr) {
    upstream_->cancel();
    // Destroyed after the callback that brought us here has returned.
    std::shared_ptr<upstream::UpstreamRequest> abandoned(std::move(upstream_));
    runtime.defer([abandoned] {});
  }
  const io::Duration backoff = route::retry_backoff(decision_->route->retries, retries_done_, runtime.rng());
  retry_timer_ = runtime.schedule(backoff, [this] {
    retry_timer_.reset();
    if (!finished_) forward(*decision_);
  });
  return true;
}

void ActiveStream::on_timeout() {
  timeout_timer_.reset();
  if (finished_) return;
  if (upstream_ != nullptr) {
    upstream_->cancel();
    report_to_outlier(std::nullopt);  // Envoy: LOCAL_ORIGIN_TIMEOUT, a 5xx for the detector
  }
  upstream_.reset();
  end_attempt();
  answer_timeout();
}

void ActiveStream::on_per_try_timeout() {
  per_try_timer_.reset();
  if (finished_ || upstream_ == nullptr) return;
  upstream_->cancel();
  report_to_outlier(std::nullopt);
  if (response_code_ == 0) {
    route::AttemptOutcome outcome;
    outcome.kind = route::AttemptOutcome::Kind::kPerTryTimeout;
    if (retry(outcome)) return;
    if (retries_done_ > 0) add_flag("URX");
  }
  upstream_.reset();
  end_attempt();
  answer_timeout();
}

void ActiveStream::answer_timeout() {
  if (timeout_timer_) {
    hcm_.engine().runtime().cancel(*timeout_timer_);
    timeout_timer_.reset();
  }
  if (response_code_ == 0) {
    // Envoy's router: 504 "upstream request timeout", flag UT; a gRPC request gets
    // DEADLINE_EXCEEDED (Envoy since the 2026 change the reference cites; UNAVAILABLE before).
    if (grpc_request()) return grpc_local_reply(4, "upstream request timeout", "UT", "upstream_response_timeout");
    return local_reply(504, "upstream request timeout", {}, "UT", "upstream_response_timeout");
  }
  abort_started_response("UT", "upstream_response_timeout");
}

void ActiveStream::on_request_head(http::RequestHead head, bool end_stream) {
  request_ = std::move(head);
  request_complete_ = end_stream;
  if (http::find_header(request_.headers, "x-request-id") == nullptr) {
    // Envoy's connection manager gives every edge request an id, local replies included; it
    // is generated once, so every retry carries the same one.
    http::set_header(request_.headers, "x-request-id", request_id(hcm_.engine().runtime().rng()));
  }
  routed_with_ = hcm_.engine().snapshot_ptr();
  const route::RouteDecision decision =
      route::decide_route(*routed_with_, hcm_.listener(), hcm_.chain(), request_, hcm_.engine().runtime().rng());
  if (decision.action == route::RouteDecision::Action::kLocalReply) {
    return local_reply(decision.status, decision.body, decision.headers, decision.flags, decision.details);
  }
  apply_fault_then_forward(decision);
}

void ActiveStream::apply_fault_then_forward(const route::RouteDecision& decision) {
  if (decision.route == nullptr || !decision.route->fault) return forward(decision);
  io::Runtime& runtime = hcm_.engine().runtime();
  const route::FaultPlan plan = route::plan_fault(*decision.route->fault, runtime.rng());
  const auto abort_or_forward = [this, plan, decision] {
    fault_timer_.reset();
    if (finished_) return;  // the client went away during the delay
    if (plan.http_status) {
      return local_reply(*plan.http_status, "fault filter abort", {}, "FI",
                         "fault_filter_abort");
    }
    if (plan.grpc_status) {
      return grpc_local_reply(*plan.grpc_status, "fault filter abort", "FI",
                              "fault_filter_abort");
    }
    forward(decision);
  };
  if (!plan.delay) return abort_or_forward();
  add_flag("DI");
  fault_timer_ = runtime.schedule(*plan.delay, abort_or_forward);
}

void ActiveStream::forward(const route::RouteDecision& decision) {
  Engine& engine = hcm_.engine();
  if (!decision_) decision_ = decision;
  upstream_cluster_ = decision.target->cluster;
  upstream::UpstreamCluster* cluster = engine.clusters().find(upstream_cluster_);
  // Istio VirtualService routes to an unknown cluster answer 503 NC; no endpoint: 503 UH.
  if (cluster == nullptr) return local_reply(503, "", {}, "NC", "cluster_not_found");
  upstream::LbContext balance;
  balance.request = &request_;
  balance.source_ip = hcm_.downstream().connection().peer().ip;
  balance.tried_hosts = &tried_hosts_;
  balance.connection_key = hcm_.downstream().connection().peer().to_string() +
                           hcm_.downstream().connection().local().to_string();
  lease_ = cluster->choose(balance);
  if (balance.set_cookie && !set_cookie_) set_cookie_ = balance.set_cookie;
  if (!lease_) return local_reply(503, "no healthy upstream", {}, "UH", "no_healthy_upstream");
  upstream_host_ = lease_.get()->lb.address;
  tried_hosts_.push_back(upstream_host_);
  http::RequestHead upstream_head = request_;
  route_ = decision.route;
  target_ = decision.target;
  route::rewrite_upstream_request(*route_, *target_, decision.matched, upstream_head);
  http::set_header(upstream_head.headers, "x-forwarded-for",
                   forwarded_for(upstream_head, hcm_.downstream().connection().peer().ip));
  http::set_header(upstream_head.headers, "x-forwarded-proto", request_.scheme);
  http::set_header(upstream_head.headers, "x-request-id", *http::find_header(request_.headers, "x-request-id"));
  upstream_started_ = engine.runtime().now();
  if (const auto timeout = route::request_timeout(*route_, request_, grpc_request()); timeout && !timeout_timer_) {
    timeout_timer_ = engine.runtime().schedule(*timeout, [this] { on_timeout(); });
  }
  // What arrived of the body before this attempt (during a delay or back-off, or all of it for
  // a retry) goes first; the head then does not end the stream.
  const bool held = !request_body_.empty() || request_trailers_.has_value();
  upstream_ = cluster->start(*lease_.get(), upstream_head, request_complete_ && !held, request_.version, *this);
  if (upstream_ == nullptr) {
    end_attempt();
    return local_reply(503, upstream_failure_body("connection failure"), {}, "UF",
                       "upstream_reset_before_response_started{tls_context: " + cluster->tls_error() + "}");
  }
  // perTryTimeout applies when it is shorter than the route timeout (Envoy ignores it otherwise).
  const auto& per_try = route_->retries.per_try_timeout;
  if (per_try && per_try->count() > 0 && (!route_->timeout || *per_try < *route_->timeout)) {
    per_try_timer_ = engine.runtime().schedule(*per_try, [this] { on_per_try_timeout(); });
  }
  if (!request_body_.empty()) upstream_->send_data(request_body_, request_complete_ && !request_trailers_);
  if (request_trailers_) upstream_->send_trailers(*request_trailers_);
  mirror_if_complete();
}

void ActiveStream::mirror_if_complete() {
  if (mirrored_ || !request_complete_ || route_ == nullptr || route_->mirrors.empty() || body_overflow_) return;
  mirrored_ = true;
  Engine& engine = hcm_.engine();
  for (const config::MirrorTarget& m : route_->mirrors) {
    // Envoy's runtime fraction: per million.
    if (engine.runtime().rng().below(1000000) >= static_cast<std::uint64_t>(m.percentage * 10000)) continue;
    http::RequestHead shadow = request_;
    // Envoy appends "-shadow" to the host, before any port.
    shadow.authority.insert(http::authority_host_end(shadow.authority), "-shadow");
    engine.start_mirror(m.target.cluster, std::move(shadow), request_body_, request_trailers_,
                        hcm_.downstream().connection().peer().ip, route_->timeout);
  }
}

void ActiveStream::on_request_data(std::string_view data, bool end_stream) {
  bytes_received_ += data.size();
  if (grpc_request()) request_messages_.inspect(data);
  request_complete_ = end_stream;
  hcm_.codec().consume(id_, data.size());
  if (upstream_ != nullptr) upstream_->send_data(data, end_stream);
  // Kept for a later attempt: all of it while no attempt runs, up to the limit otherwise.
  if (upstream_ == nullptr || request_body_.size() + data.size() <= kRetryBufferLimit) {
    request_body_.append(data);
  } else {
    body_overflow_ = true;
  }
  if (end_stream) mirror_if_complete();
  if (end_stream && response_complete_) finish();
}

void ActiveStream::on_request_trailers(http::HeaderList trailers) {
  request_complete_ = true;
  request_trailers_ = trailers;
  if (upstream_ != nullptr) upstream_->send_trailers(trailers);
  mirror_if_complete();
  if (response_complete_) finish();
}

void ActiveStream::on_upstream_head(http::ResponseHead head, bool end_stream) {
  route::AttemptOutcome outcome;
  outcome.status = head.status;
  if (const std::string* g = http::find_header(head.headers, "grpc-status"); g != nullptr && end_stream) {
    outcome.grpc_status = std::atoi(g->c_str());
  }
  report_to_outlier(head.status);
  if (retry(outcome)) return;
  // A retriable answer with no attempts left goes to the client as it is, flagged URX.
  config::RetryPolicy unlimited = decision_ && decision_->route ? decision_->route->retries : config::RetryPolicy{};
  unlimited.num_retries = UINT32_MAX;
  if (retries_done_ > 0 && route::should_retry(unlimited, outcome, 0)) add_flag("URX");
  response_code_ = head.status;
  head.version = request_.version;
  const auto service_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(hcm_.engine().runtime().now() - upstream_started_).count();
  http::set_header(head.headers, "x-envoy-upstream-service-time", std::to_string(service_ms));
  upstream_service_ms_ = service_ms;
  grpc_status_ = grpc_status_of(head.headers);
  http::set_header(head.headers, "server", "istio-envoy");
  if (set_cookie_) head.headers.push_back({"set-cookie", *set_cookie_});
  if (route_ != nullptr) route::rewrite_downstream_response(*route_, *target_, head);
  hcm_.codec().send_response_head(id_, head, end_stream);
  response_complete_ = end_stream;
  details_ = "via_upstream";
  hcm_.flush();
  if (end_stream) finish();
}

void ActiveStream::on_upstream_data(std::string_view data, bool end_stream) {
  bytes_sent_ += data.size();
  if (grpc_request()) response_messages_.inspect(data);
  hcm_.codec().send_response_data(id_, data, end_stream);
  response_complete_ = end_stream;
  hcm_.flush();
  if (end_stream) finish();
}

void ActiveStream::on_upstream_trailers(http::HeaderList trailers) {
  if (auto status = grpc_status_of(trailers)) grpc_status_ = status;
  hcm_.codec().send_response_trailers(id_, trailers);
  response_complete_ = true;
  hcm_.flush();
  finish();
}

void ActiveStream::on_upstream_failure(Failure failure, const std::string& detail, bool before_head) {
  if (failure == Failure::kConnectFailure) transport_failure_ = detail;
  if (failure == Failure::kOverflow) {
    // A circuit breaker (max connections + pending, max requests): never retried.
    upstream_.reset();
    end_attempt();
    return local_reply(503, upstream_failure_body("overflow"), {}, "UO",
                       "upstream_reset_before_response_started{overflow}");
  }
  report_to_outlier(std::nullopt);
  if (before_head) {
    using Kind = route::AttemptOutcome::Kind;
    route::AttemptOutcome outcome;
    outcome.kind = failure == Failure::kConnectFailure  ? Kind::kConnectFailure
                   : failure == Failure::kRefusedStream ? Kind::kRefusedStream
                                                        : Kind::kReset;
    if (retry(outcome)) return;
    if (retries_done_ > 0) add_flag("URX");
  }
  upstream_.reset();
  end_attempt();
  const bool connect = failure == Failure::kConnectFailure;
  if (before_head) {
    return local_reply(503, upstream_failure_body(connect ? "connection failure" : "connection termination"), {},
                       connect ? "UF" : "UC", "upstream_reset_before_response_started{" + detail + "}");
  }
  abort_started_response("UC", "upstream_reset_after_response_started{" + detail + "}");
}

void ActiveStream::on_downstream_reset() {
  add_flag("DC");
  if (upstream_ != nullptr) upstream_->cancel();
  response_complete_ = true;
  finish();
}

void ActiveStream::on_downstream_gone() {
  if (finished_) return;
  if (!response_complete_) add_flag("DC");
  if (upstream_ != nullptr) upstream_->cancel();
  finished_ = true;
  log();
}

void ActiveStream::abort_started_response(const std::string& flag, std::string details) {
  // The client already has the head: the only way left to say "failed" is to reset the stream.
  add_flag(flag);
  details_ = std::move(details);
  hcm_.codec().reset_stream(id_, http::ResetReason::kConnectionClosed);
  hcm_.flush();
  response_complete_ = true;
  finish();
}

void ActiveStream::add_flag(const std::string& flag) { add_response_flag(flags_, flag); }

bool ActiveStream::grpc_request() const {
  const std::string* type = http::find_header(request_.headers, "content-type");
  return type != nullptr && type->rfind("application/grpc", 0) == 0;
}

void ActiveStream::grpc_local_reply(int grpc_status, const std::string& message, std::string flags,
                                    std::string details) {
  response_code_ = 200;
  grpc_status_ = grpc_status;
  add_flag(flags);
  details_ = std::move(details);
  http::ResponseHead head;
  head.version = request_.version;
  head.status = 200;
  head.headers = {{"content-type", "application/grpc"},
                  {"grpc-status", std::to_string(grpc_status)},
                  {"grpc-message", message},
                  {"server", "istio-envoy"}};
  hcm_.codec().send_response_head(id_, head, true);  // trailers-only
  response_complete_ = true;
  hcm_.flush();
  finish();
}

void ActiveStream::local_reply(int status, std::string body, http::HeaderList headers, std::string flags,
                               std::string details) {
  if (grpc_request()) {
    return grpc_local_reply(route::grpc_status_for_http(status), body.empty() ? std::to_string(status) : body,
                            std::move(flags), std::move(details));
  }
  response_code_ = status;
  add_flag(flags);
  details_ = std::move(details);
  http::ResponseHead head;
  head.version = request_.version;
  head.status = status;
  head.headers = std::move(headers);
  if (!body.empty()) http::set_header(head.headers, "content-type", "text/plain");
  http::set_header(head.headers, "server", "istio-envoy");
  head.content_length = body.size();
  const bool head_request = request_.method == "HEAD";
  hcm_.codec().send_response_head(id_, head, body.empty() || head_request);
  if (!body.empty() && !head_request) hcm_.codec().send_response_data(id_, body, true);
  bytes_sent_ += head_request ? 0 : body.size();
  response_complete_ = true;
  hcm_.flush();
  finish();
}

void ActiveStream::finish() {
  if (finished_) return;
  // A response sent before the request body arrived completes the stream too (Envoy
  // resets the rest of an HTTP/2 request; HTTP/1.1 reads and discards it).
  finished_ = true;
  end_attempt();
  log();
  hcm_.stream_done(id_);
}

void ActiveStream::log() {
  Engine& engine = hcm_.engine();
  ++engine.mutable_stats().responses_by_code[response_code_];
  AccessLogEntry entry;
  entry.protocol = std::string(http::to_string(request_.version));
  entry.method = request_.method;
  entry.path = request_.path;
  entry.authority = request_.authority;
  entry.response_code = response_code_;
  entry.response_flags = flags_;
  entry.details = details_.empty() ? "-" : details_;
  entry.upstream_host = upstream_host_;
  entry.upstream_cluster = upstream_cluster_;
  entry.downstream_local = hcm_.downstream().connection().local().to_string();
  entry.downstream_remote = hcm_.downstream().connection().peer().to_string();
  entry.requested_server_name = hcm_.downstream().server_name().empty() ? "-" : hcm_.downstream().server_name();
  entry.bytes_received = bytes_received_;
  entry.bytes_sent = bytes_sent_;
  entry.duration = engine.runtime().now() - started_;
  entry.start_time = started_;
  entry.request_protocol =
      grpc_request() ? observability::RequestProtocol::kGrpc : observability::RequestProtocol::kHttp;
  entry.x_forwarded_for = forwarded_for(request_, hcm_.downstream().connection().peer().ip);
  if (const std::string* agent = http::find_header(request_.headers, "user-agent")) entry.user_agent = *agent;
  if (const std::string* id = http::find_header(request_.headers, "x-request-id")) entry.request_id = *id;
  entry.upstream_service_time_ms = upstream_service_ms_;
  if (decision_) entry.route_name = route::route_name(*decision_);
  if (upstream_ != nullptr) entry.upstream_local_address = upstream_->local_address();
  entry.upstream_transport_failure_reason = transport_failure_;
  entry.grpc_status = grpc_status_;
  entry.destination = observability::destination_service(routed_with_.get(), upstream_cluster_, request_.authority);
  entry.request_messages = request_messages_.messages();
  entry.response_messages = response_messages_.messages();
  engine.log(entry);
}

}  // namespace gatesim::engine
