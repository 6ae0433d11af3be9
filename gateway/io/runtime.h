#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/io/address.h"
#include "gateway/io/rng.h"

namespace gatesim::io {

// The seam between the engine and the world (DESIGN.md, "The I/O boundary"). Two worlds
// implement it: io::real::EventLoopRuntime (sockets, libevent, wall clock) and
// sim::Ns3Runtime (ns-3 TCP, simulated time). Nothing in gateway/ outside io/real/ may
// reach a socket, a clock, a thread or an unseeded random source except through it.

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;  // since the runtime's epoch (process or simulation start)
using TimerId = std::uint64_t;

enum class CloseReason {
  kLocal,   // we closed it
  kPeer,    // orderly: the peer closed and our side is done too
  kReset,   // RST from the peer
  kError,   // transport error (includes connect failures after establishment)
  kTimeout,
};
std::string_view to_string(CloseReason reason);

class Connection;

// What happened to one TCP connection, for traces (the simulator's, and --real runs). `id` is
// the connection's id in its runtime (0 for a connect that failed before a connection existed).
struct ConnectionEvent {
  enum class Kind { kAccepted, kConnected, kConnectFailed, kClosed };
  Kind kind = Kind::kAccepted;
  std::uint64_t id = 0;
  Address local, peer;
  std::string detail;  // connect failure or close reason
};
std::string_view to_string(ConnectionEvent::Kind kind);

class ConnectionCallbacks {
 public:
  virtual ~ConnectionCallbacks() = default;
  virtual void on_data(Connection& connection, std::string_view bytes) = 0;
  // The peer will send nothing more (FIN). We may still write; close() finishes.
  virtual void on_end_of_input(Connection& connection) = 0;
  // Everything written so far has left the send buffer (backpressure released).
  virtual void on_drained(Connection& connection) { (void)connection; }
  // The connection is gone; it must not be used after this returns.
  virtual void on_closed(Connection& connection, CloseReason reason) = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::uint64_t id() const = 0;
  virtual void set_callbacks(ConnectionCallbacks* callbacks) = 0;
  // Queues bytes; never blocks and never drops. pending_bytes() says how much is queued.
  virtual void write(std::string_view bytes) = 0;
  virtual std::size_t pending_bytes() const = 0;
  // Stop/resume delivering on_data (backpressure towards the peer).
  virtual void set_reading(bool enabled) = 0;
  // Half close: send FIN after the queued bytes; reading continues.
  virtual void shutdown_write() = 0;
  // Graceful: flush what is queued, then FIN and release. on_closed(kLocal) follows.
  virtual void close() = 0;
  // Abortive: drop what is queued and send RST. on_closed(kLocal) follows.
  virtual void reset() = 0;
  virtual const Address& peer() const = 0;
  virtual const Address& local() const = 0;
};

// A unit of engine work charged to the worker's CPU (DESIGN.md, "Many-core model"). The
// simulator prices each one from a cost profile (sim/cpu/cost_profile.h); `gatesim calibrate`
// measures the prices on real cores. A unit's price covers everything the engine does for it,
// system calls included, so the list stays short: whole requests, not functions.
enum class Work {
  kTlsHandshakeEcdsa,    // a server handshake signed with an ECDSA key (charged on the ClientHello)
  kTlsHandshakeRsa,      // ... with an RSA key
  kTlsHandshakeEd25519,  // ... with an EdDSA key
  kTlsBytes,             // amount = bytes through TLS, either direction
  kHttp1Request,         // a whole HTTP/1.1 request: parse, route, upstream, response, log
  kHttp2Frame,           // amount = HTTP/2 frames received beyond a stream's HEADERS
  kHttp2Stream,          // a whole HTTP/2 stream, as kHttp1Request
  kUpstreamConnect,      // a new upstream TCP connection
  kTcpBytes,             // amount = bytes proxied by the TCP proxy
};
inline constexpr int kWorkKinds = 9;
std::string_view to_string(Work work);  // the cost profile's key, e.g. "tls_handshake_ecdsa"

class Listener {
 public:
  virtual ~Listener() = default;
  virtual const Address& address() const = 0;  // with the real port when 0 was asked
};

using AcceptHandler = std::function<void(std::unique_ptr<Connection>)>;
// Exactly one of the two is set: the connection, or why it could not be made.
using ConnectHandler = std::function<void(std::unique_ptr<Connection>, const std::string& error)>;

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual TimePoint now() const = 0;
  virtual TimerId schedule(Duration delay, std::function<void()> fn) = 0;
  virtual void cancel(TimerId id) = 0;
  // Runs fn after the current callback returns, in this loop turn: the place to destroy an
  // object whose own callback is on the stack.
  virtual void defer(std::function<void()> fn) = 0;
  virtual std::unique_ptr<Listener> listen(const Address& address, AcceptHandler on_accept, std::string* error) = 0;
  virtual void connect(const Address& address, Duration timeout, ConnectHandler on_connected) = 0;
  virtual Rng& rng() = 0;
  virtual void charge(Work work, std::uint64_t amount = 1) = 0;
};

}  // namespace gatesim::io
