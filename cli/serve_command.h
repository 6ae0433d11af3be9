#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gatesim::cli {

struct ServeOptions {
  std::vector<std::string> config_paths;
  std::string admin_address;        // "" = no admin endpoint
  std::string listen_ip = "0.0.0.0";
  std::string key_log_path;         // NSS key log for Wireshark
  double drain_seconds = 10;        // longest wait for in-flight requests after SIGTERM
  std::uint64_t seed = 0;           // 0: from the OS (the real runtime only)
  bool access_log = true;
  // Sidecar inbound listeners: "HOST:PORT=LISTEN_PORT[/DETECTION_TIMEOUT]", e.g.
  // "db.internal:3306=15006/100ms" (timeout default 0 = wait for the client forever).
  std::vector<std::string> inbound;
  // Coalescing mode of Gateways without the gatesim.io/misdirected-requests annotation.
  std::string misdirected_requests = "istio";
  // Share-nothing workers, one thread, event loop and engine each (Envoy's --concurrency).
  int workers = 1;
  // How connections reach workers: "kernel" (each worker listens with SO_REUSEPORT and the
  // kernel hashes) or "exact" (one acceptor hands each connection to the least-loaded worker).
  std::string balance = "kernel";
};

// Runs the gateway engine on real sockets until SIGTERM/SIGINT, then drains every worker and
// exits 0. Exit 2: a bad option, configuration unreadable, or no listener could open.
int run_serve(const ServeOptions& options);

}  // namespace gatesim::cli
