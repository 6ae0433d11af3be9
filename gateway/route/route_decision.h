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
  const config::HttpMatchRequest* matched = nullptr;  // the entry that matched; nullptr for a rule without
};

// The virtual host for :authority in the SNI-selected server's route table (404 NR when
// none), the vhost's httpsRedirect (301), then the first route whose match list admits the
// request (istio-semantics.md 4.1-4.2; 404 NR when none): its direct response, redirect, or
// a target drawn by weight from `rng` (4.3). Rewrites, header operations, faults, retries
// and timeouts are applied by the stream that forwards.
// On a chain with `strict_authority`, a request whose host the listener would give another
// terminating chain is answered 421 first (istio-semantics.md 3.2-3.3; never on plaintext).
RouteDecision decide_route(const config::Snapshot& snapshot, const config::Listener& listener,
                           const config::FilterChain& chain, const http::RequestHead& request, io::Rng& rng);

// Envoy's route name as Istio builds it (route.go translateRoute): the VirtualService's
// http[].name, plus "." and the name of the match entry that admitted the request when it has
// one; "" when no route decided.
std::string route_name(const RouteDecision& decision);

// A target by weight: weight/(sum of weights); a lone target takes everything.
const config::RouteTarget* pick_target(const std::vector<config::RouteTarget>& targets, io::Rng& rng);

}  // namespace gatesim::route
