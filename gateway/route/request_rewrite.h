#pragma once

#include "gateway/config/snapshot.h"
#include "gateway/http/message.h"

namespace gatesim::route {

// The route's changes to what goes upstream (istio-semantics.md 4.3): `rewrite.uri` replaces
// the matched uri prefix (the whole path for an exact match, "/" when the rule had no uri
// match), `uriRegexRewrite` substitutes every match in the path (not the query), `authority`
// replaces :authority; then header operations, the destination's (Envoy's weighted-cluster
// level) and then the route's, so the route's win: remove, then set (replace), then add
// (append). ":authority"/"host" in `set` rewrite the authority.
void rewrite_upstream_request(const config::CompiledRoute& route, const config::RouteTarget& target,
                              const config::HttpMatchRequest* matched, http::RequestHead& request);

// Envoy's prefix_rewrite on a path without query: the matched entry's uri prefix (the whole
// path for an exact match; "/" for a regex or no uri match) becomes `replacement`.
std::string replace_matched_prefix(const std::string& path_only, const std::string& replacement,
                                   const config::HttpMatchRequest* matched);

// Response header operations in the same order: the destination's, then the route's.
void rewrite_downstream_response(const config::CompiledRoute& route, const config::RouteTarget& target,
                                 http::ResponseHead& response);

}  // namespace gatesim::route
