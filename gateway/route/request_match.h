#pragma once

#include <string_view>
#include <vector>

#include "gateway/config/virtual_service.h"
#include "gateway/http/message.h"

namespace gatesim::route {

// Istio's HTTPMatchRequest evaluated at request time, as Envoy runs what istiod translates
// (istio-semantics.md 4.2). `port` and `gateways` are not here: they were applied when the
// Snapshot was compiled, because they select which server's route table holds the route.

// One StringMatch against one value: exact, plain prefix, or RE2 regex matching the whole
// value. `ignore_case` applies to exact and prefix only (ignoreUriCase).
bool string_matches(const config::StringMatch& match, std::string_view value, bool ignore_case = false);

// All fields of one match (AND): uri on the path without its query (default prefix "/"),
// scheme/method/authority on the pseudo-headers, headers (values of a repeated header joined
// with ","; `{}` or regex "*" = present), queryParams (first value of the key, not
// percent-decoded; `exact: ""` matches `?key`), withoutHeaders (inverted; a missing header
// counts as "" unless the matcher is a presence match).
bool request_matches(const config::HttpMatchRequest& match, const http::RequestHead& request);

// A rule's match list: OR of its entries; an empty list matches every request.
bool any_matches(const std::vector<config::HttpMatchRequest>& matches, const http::RequestHead& request);
// The first entry that admits the request (rewrites replace its uri prefix); nullptr when the
// list is empty or none admits it.
const config::HttpMatchRequest* first_matching(const std::vector<config::HttpMatchRequest>& matches,
                                               const http::RequestHead& request);

}  // namespace gatesim::route
