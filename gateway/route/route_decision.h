#pragma once

#include <string>

#include "gateway/config/snapshot.h"
#include "gateway/http/message.h"
#include "gateway/io/rng.h"

namespace gatesim::route {

// What the gateway does with one request, decided from the Snapshot before any upstream
// work: answer locally (404, 301, a direct response) or forward to a cluster.
struct RouteDecision {
  enum class Action { kLocalReply, kForward };
  Action action = Action::kLocalReply;
  // kLocalReply
  int status = 404;
  std::string body;
  http::HeaderList headers;  // e.g. location
  std::string flags = "-";   // Envoy response flags (NR)
  std::string details;       // response code details (route_not_found, ...)
  // kForward
  const config::RouteTarget* target = nullptr;
  // both
  const config::VirtualHost* virtual_host = nullptr;
  const config::CompiledRoute* route = nullptr;
};

// The minimal router of engine I: the virtual host for :authority in the SNI-selected
// server's route table (404 NR when none), the vhost's httpsRedirect (301), then the first
// route of the first VirtualService for it: its direct response, redirect or first target.
// Match semantics, weights, retries and faults arrive with the routing issue.
RouteDecision decide_route(const config::Snapshot& snapshot, const config::FilterChain& chain,
                           const http::RequestHead& request);

}  // namespace gatesim::route
