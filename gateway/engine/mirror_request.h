#pragma once

#include <optional>
#include <string>

#include "gateway/http/message.h"
#include "gateway/io/runtime.h"
#include "gateway/upstream/upstream_cluster.h"

namespace gatesim::engine {

class Engine;

// A shadow copy of one request for a VirtualService mirror: fire and forget. The engine owns
// it, so it outlives the request it copies; its answer is read and dropped, and it ends at
// the route timeout if the mirror never answers.
class MirrorRequest : public upstream::UpstreamResponseCallbacks {
 public:
  MirrorRequest(Engine& engine, std::string cluster, http::RequestHead head, std::string body,
                std::optional<http::HeaderList> trailers, std::string source_ip, std::optional<io::Duration> timeout);
  ~MirrorRequest() override;
  void start();

  void on_upstream_head(http::ResponseHead head, bool end_stream) override;
  void on_upstream_data(std::string_view data, bool end_stream) override;
  void on_upstream_trailers(http::HeaderList trailers) override;
  void on_upstream_failure(Failure failure, const std::string& detail, bool before_head) override;

 private:
  void done();

  Engine& engine_;
  std::string cluster_;
  http::RequestHead head_;
  std::string body_;
  std::optional<http::HeaderList> trailers_;
  std::string source_ip_;
  std::optional<io::Duration> timeout_;
  std::optional<io::TimerId> timer_;
  upstream::HostLease lease_;
  std::unique_ptr<upstream::UpstreamRequest> upstream_;
  bool done_ = false;
};

}  // namespace gatesim::engine
