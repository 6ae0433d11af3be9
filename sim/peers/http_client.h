#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/http/codec.h"
#include "gateway/io/runtime.h"
#include "gateway/tls/tls_context.h"

namespace gatesim::sim {

struct ScriptedRequest {
  io::Duration at{0};  // when it is issued (simulated time since start)
  std::string method = "GET";
  std::string path = "/";
  std::string authority;  // Host / :authority; defaults to the target host
  io::Duration timeout{0};  // 0: wait as long as TCP does
};

struct HttpTarget {
  std::string host;     // what the URL names: SNI and default authority
  io::Address address;  // where it resolved
  bool tls = false;
  std::vector<std::string> alpn{"h2", "http/1.1"};
  std::string ca_pem;   // verify the server when set
  bool h2c = false;     // plaintext HTTP/2 prior knowledge
};

struct RequestOutcome {
  std::string client;
  std::uint64_t connection = 0;  // the client's own connection number (1, 2, ...)
  std::string method, path, authority, protocol;
  int status = 0;        // 0: no response (see error)
  std::string error;
  io::TimePoint start{}, end{};
  std::uint64_t body_bytes = 0;
};

struct TlsOutcome {
  std::string client;
  std::uint64_t connection = 0;
  std::string sni, alpn, version, certificate_subject, error;
  io::TimePoint at{};
};

// A curl-like scripted client on any io::Runtime: issues its requests at their times over a
// kept-alive connection (HTTP/1.1 one at a time; h2 multiplexed), TLS with SNI and ALPN when
// the target says so, a fresh connection when the previous one closed. Every request ends
// in an outcome: a response, or an error.
class HttpClient {
 public:
  HttpClient(io::Runtime& runtime, std::string name, HttpTarget target, std::vector<ScriptedRequest> script);
  ~HttpClient();
  void start();

  std::function<void(const RequestOutcome&)> on_outcome;
  std::function<void(const TlsOutcome&)> on_tls;

 private:
  class Connection;
  void issue(std::size_t index);
  void pump();
  void connection_closed(Connection* connection);
  void time_out(std::size_t index);
  void report(RequestOutcome outcome, std::size_t index);

  io::Runtime& runtime_;
  std::string name_;
  HttpTarget target_;
  std::vector<ScriptedRequest> script_;
  std::shared_ptr<tls::ClientTlsContext> tls_context_;
  std::deque<std::size_t> waiting_;  // issued, not yet sent
  std::unique_ptr<Connection> connection_;
  std::vector<std::unique_ptr<Connection>> retired_;
  std::uint64_t connections_ = 0;
  std::vector<bool> done_;  // per script entry: its outcome was reported
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
