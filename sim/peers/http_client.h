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
  std::string authority;    // host (and port) the request is for; defaults to the client's host
  io::Duration timeout{0};  // 0: wait as long as TCP does
  std::string body;
  http::HeaderList headers;
  // gRPC unary call: POST with gRPC framing, te: trailers and grpc-timeout = deadline; when
  // the deadline passes first the call ends locally with DEADLINE_EXCEEDED (4).
  bool grpc = false;
  io::Duration deadline{0};
};

// When may a request for host B travel on a connection opened for host A (RFC 9113 9.1.1)?
enum class ReusePolicy {
  kChrome,   // same host, or TLS whose certificate covers B and B resolves to the same address
  kFirefox,  // same host, or TLS whose certificate covers B and any of B's addresses matches
  kNever,    // one connection per host
};

struct HttpTarget {
  std::string scheme = "https";  // of the client's default URL
  std::string host;              // default host
  std::uint16_t port = 443;
  std::vector<std::string> alpn{"h2", "http/1.1"};
  std::string ca_pem;  // verify servers when set
  bool h2c = false;    // plaintext HTTP/2 prior knowledge
  ReusePolicy reuse = ReusePolicy::kChrome;
  bool follow_redirects = false;  // curl -L
  int max_redirects = 10;
  bool retry_misdirected = true;  // 421: retry once on a fresh connection of its own (RFC 9110 15.5.20)
  std::size_t max_connections_per_host = 6;  // HTTP/1.1 parallelism, as browsers
  // The simulated DNS: every address of a host (the first is the one connected to).
  std::function<std::vector<io::Address>(const std::string& host, std::uint16_t port)> resolve;
};

struct RequestOutcome {
  std::string client;
  std::uint64_t connection = 0;  // the client's own connection number (1, 2, ...); 0: none
  std::string method, path, authority, protocol;
  int status = 0;        // 0: no response (see error)
  std::string error;
  std::string location;  // of a redirect
  int redirect_hop = 0;  // 0: scripted; n: the n-th redirect followed
  bool retry_after_421 = false;
  io::TimePoint start{}, end{};
  // When the request arrived (its scripted time, a load generator's arrival), before any wait
  // for a connection or a stream; `start` is when it went on the wire. Open-loop latency is
  // counted from here (gatesim plan), so a client-side queue is not hidden.
  io::TimePoint issued{};
  std::uint64_t body_bytes = 0;
  int grpc_status = -1;  // -1: not a gRPC call, or no status received
  std::string grpc_message;
};

struct TlsOutcome {
  std::string client;
  std::uint64_t connection = 0;
  std::string sni, alpn, version, certificate_subject, error;
  std::vector<std::string> certificate_names;
  io::TimePoint at{};
};

// A browser- or curl-like scripted client on any io::Runtime. Requests are issued at their
// times; each goes on a connection the reuse policy allows (coalescing across hosts that one
// certificate covers, as browsers do), else a new one (TLS with SNI = host and ALPN; h1 up
// to 6 per host, h2 multiplexed). A 421 is retried on a fresh connection; redirects are
// followed when asked. Every request ends in exactly one outcome.
class HttpClient {
 public:
  HttpClient(io::Runtime& runtime, std::string name, HttpTarget target, std::vector<ScriptedRequest> script);
  ~HttpClient();
  void start();
  // Issues one more request now (load generators drive the client this way).
  void submit(const ScriptedRequest& request);

  std::function<void(const RequestOutcome&)> on_outcome;
  std::function<void(const TlsOutcome&)> on_tls;

 private:
  class Connection;
  struct Pending {
    std::uint64_t id = 0;
    std::string method, path, scheme, host;
    std::uint16_t port = 0;
    int hop = 0;
    bool fresh_connection = false;  // a 421 retry: never reuse
    bool retry = false;
    io::TimePoint issued{};
    io::Duration timeout{0};
    std::string body;
    http::HeaderList headers;
    bool grpc = false;
    io::Duration deadline{0};
  };
  void issue(Pending pending);
  Pending pending_for(const ScriptedRequest& request);
  void pump();
  Connection* usable_connection(const Pending& p);
  void open_connection(const Pending& p);
  void time_out(std::uint64_t id);
  void report(RequestOutcome outcome, std::uint64_t id);
  void response_done(const Pending& p, RequestOutcome outcome, const std::string& location);
  void connection_closed(Connection* connection);
  std::vector<io::Address> resolve(const std::string& host, std::uint16_t port) const;

  io::Runtime& runtime_;
  std::string name_;
  HttpTarget target_;
  std::vector<ScriptedRequest> script_;
  std::shared_ptr<tls::ClientTlsContext> tls_context_;
  std::deque<Pending> waiting_;                     // issued, not yet sent
  std::vector<std::unique_ptr<Connection>> connections_;
  std::map<std::uint64_t, bool> done_;              // request id -> outcome reported
  std::uint64_t next_request_ = 0;
  std::uint64_t next_connection_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gatesim::sim
