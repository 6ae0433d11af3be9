// grpc_probe_server PORT NAME: serves gatesim.probe.Probe on 127.0.0.1:PORT (plaintext
// HTTP/2). Each call does what its request asks: sleep, fail with a status, add trailing
// metadata. Prints one line per call on stdout ("call TEXT"), so a test can count calls.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "probe.grpc.pb.h"

namespace {

class ProbeService final : public gatesim::probe::Probe::Service {
 public:
  explicit ProbeService(std::string name) : name_(std::move(name)) {}

  grpc::Status Call(grpc::ServerContext* context, const gatesim::probe::CallRequest* request,
                    gatesim::probe::CallReply* reply) override {
    std::printf("call %s\n", request->text().c_str());
    std::fflush(stdout);
    // Work in slices, so a cancelled call (deadline, reset by the gateway) stops early.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(request->sleep_ms());
    while (std::chrono::steady_clock::now() < until) {
      if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled while sleeping");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    context->AddTrailingMetadata("x-probe-server", name_);
    if (!request->trailer().empty()) context->AddTrailingMetadata("x-probe-trailer", request->trailer());
    if (request->status_code() != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(request->status_code()), request->status_message());
    }
    reply->set_text("echo: " + request->text());
    reply->set_server(name_);
    return grpc::Status::OK;
  }

 private:
  std::string name_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: grpc_probe_server PORT NAME\n");
    return 2;
  }
  ProbeService service(argv[2]);
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1], grpc::InsecureServerCredentials(), &bound);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound == 0) {
    std::fprintf(stderr, "grpc_probe_server: cannot listen on port %s\n", argv[1]);
    return 1;
  }
  server->Wait();
  return 0;
}
