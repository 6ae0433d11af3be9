#include "gateway/engine/mirror_request.h"

#include "gateway/engine/engine.h"

namespace gatesim::engine {

MirrorRequest::MirrorRequest(Engine& engine, std::string cluster, http::RequestHead head, std::string body,
                             std::optional<http::HeaderList> trailers, std::string source_ip,
                             std::optional<io::Duration> timeout)
    : engine_(engine),
      cluster_(std::move(cluster)),
      head_(std::move(head)),
      body_(std::move(body)),
      trailers_(std::move(trailers)),
      source_ip_(std::move(source_ip)),
      timeout_(timeout) {}

MirrorRequest::~MirrorRequest() {
  if (timer_) engine_.runtime().cancel(*timer_);
}

void MirrorRequest::start() {
  upstream::UpstreamCluster* cluster = engine_.clusters().find(cluster_);
  if (cluster == nullptr) return done();
  upstream::LbContext balance;
  balance.request = &head_;
  balance.source_ip = source_ip_;
  lease_ = cluster->choose(balance);
  if (!lease_) return done();
  const bool body = !body_.empty() || trailers_.has_value();
  upstream_ = cluster->start(*lease_.get(), head_, !body, head_.version, *this);
  if (upstream_ == nullptr) return done();
  if (!body_.empty()) upstream_->send_data(body_, !trailers_);
  if (trailers_) upstream_->send_trailers(*trailers_);
  if (timeout_) timer_ = engine_.runtime().schedule(*timeout_, [this] {
    timer_.reset();
    done();
  });
}

void MirrorRequest::on_upstream_head(http::ResponseHead, bool end_stream) {
  if (end_stream) done();
}
void MirrorRequest::on_upstream_data(std::string_view, bool end_stream) {
  if (end_stream) done();
}
void MirrorRequest::on_upstream_trailers(http::HeaderList) { done(); }
void MirrorRequest::on_upstream_failure(Failure, const std::string&, bool) { done(); }

void MirrorRequest::done() {
  if (done_) return;
  done_ = true;
  if (upstream_ != nullptr) upstream_->cancel();
  engine_.release_mirror(this);
}

}  // namespace gatesim::engine
