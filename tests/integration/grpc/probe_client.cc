// grpc_probe_client --target HOST:PORT [options]: one unary gatesim.probe.Probe/Call, then
// prints what came back, one "key: value" line each, for a test script to assert:
//   code: N / message: TEXT / reply.text / reply.server / trailer NAME: VALUE (sorted)
// Options: --authority A (the :authority sent), --ca FILE (TLS, trusting FILE) with
// --tls-name NAME (the name the certificate is checked against, and SNI), --text T,
// --sleep-ms N, --status-code C, --status-message M, --trailer V (what the server should do),
// --deadline-ms D (client deadline). Exits 0 once the call finished with any status, 2 on a
// usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "probe.grpc.pb.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int usage(const std::string& why) {
  std::fprintf(stderr, "grpc_probe_client: %s\n", why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  for (int i = 1; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) return usage("expected --option value pairs, got " + key);
    opt[key.substr(2)] = argv[i + 1];
  }
  static const char* known[] = {"target",    "authority",   "ca",             "tls-name", "text",
                                "sleep-ms",  "status-code", "status-message", "trailer",  "deadline-ms"};
  for (const auto& [key, value] : opt) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) return usage("unknown option --" + key);
  }
  if (opt.count("target") == 0) return usage("--target HOST:PORT is required");

  grpc::ChannelArguments args;
  if (opt.count("authority")) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, opt["authority"]);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (opt.count("ca")) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = read_file(opt["ca"]);
    if (tls.pem_root_certs.empty()) return usage("cannot read " + opt["ca"]);
    credentials = grpc::SslCredentials(tls);
    if (opt.count("tls-name")) args.SetSslTargetNameOverride(opt["tls-name"]);
  }
  auto channel = grpc::CreateCustomChannel(opt["target"], credentials, args);
  auto stub = gatesim::probe::Probe::NewStub(channel);

  gatesim::probe::CallRequest request;
  request.set_text(opt["text"]);
  request.set_sleep_ms(std::atoi(opt["sleep-ms"].c_str()));
  request.set_status_code(std::atoi(opt["status-code"].c_str()));
  request.set_status_message(opt["status-message"]);
  request.set_trailer(opt["trailer"]);

  grpc::ClientContext context;
  // No deadline given: still bounded, so a hung gateway fails the test instead of hanging it.
  const int deadline_ms = opt.count("deadline-ms") ? std::atoi(opt["deadline-ms"].c_str()) : 10000;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  gatesim::probe::CallReply reply;
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status status = stub->Call(&context, request, &reply);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();

  std::printf("code: %d\n", static_cast<int>(status.error_code()));
  std::printf("message: %s\n", status.error_message().c_str());
  std::printf("reply.text: %s\n", reply.text().c_str());
  std::printf("reply.server: %s\n", reply.server().c_str());
  std::printf("elapsed_ms: %lld\n", static_cast<long long>(elapsed));
  std::multimap<std::string, std::string> trailers;
  for (const auto& [key, value] : context.GetServerTrailingMetadata()) {
    trailers.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  }
  for (const auto& [key, value] : trailers) std::printf("trailer %s: %s\n", key.c_str(), value.c_str());
  return 0;
}
