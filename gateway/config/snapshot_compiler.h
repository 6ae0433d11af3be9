#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/config/config_set.h"
#include "gateway/config/diagnostic.h"
#include "gateway/config/snapshot.h"

namespace gatesim::config {

// A sidecar inbound listener in front of one service port (the "sniffing" case of
// istio-semantics.md 1.2): declared HTTP ports get an HTTP listener, declared TCP-like ports a
// TCP one, undeclared ports protocol detection with `detection_timeout`.
struct InboundService {
  std::string host;  // a Service FQDN or ServiceEntry host
  std::uint32_t port = 0;
  std::uint32_t listen_port = 0;
  Duration detection_timeout{0};
};

struct CompileOptions {
  // Labels of the gateway workload; Gateways whose selector does not match are left out.
  // nullopt: every Gateway applies (one gateway deployment serving all of them).
  std::optional<std::map<std::string, std::string>> workload_labels;
  std::vector<InboundService> inbound;
  // The coalescing mode of Gateways without the gatesim.io/misdirected-requests annotation.
  bool strict_authority_by_default = false;
  // Test-only: compile every HTTPS chain without the 421 rule, whatever its mode, so that the
  // conformance suite can show it catches a gateway that lost it (gatesim conform --test-break).
  bool test_break_misdirected_421 = false;
};

// Builds the Snapshot the way istiod builds a gateway's listeners, routes and clusters
// (pilot/pkg/networking/core/gateway.go, pilot/pkg/model/gateway.go). What Istio drops —
// a server repeating another's TLS host, a server conflicting on a port, rules after a
// catch-all, matches for another port — is dropped here too, with a diagnostic.
std::shared_ptr<const Snapshot> compile_snapshot(ConfigSet config, Diagnostics& diagnostics,
                                                 const CompileOptions& options = {});

}  // namespace gatesim::config
