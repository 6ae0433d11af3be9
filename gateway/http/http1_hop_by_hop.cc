#include "gateway/http/http1_hop_by_hop.h"

#include <algorithm>

#include "gateway/http/http1_field_syntax.h"

namespace gatesim::http {
namespace {

bool lists_trailers(std::string_view te_value) {
  for (std::string_view element : split_list(te_value)) {
    // A t-codings element may carry parameters ("trailers;q=1" is not valid, but be lenient).
    if (equals_ignore_case(trim_ows(element.substr(0, element.find(';'))), "trailers")) return true;
  }
  return false;
}

}  // namespace

ConnectionOptions parse_connection_options(const HeaderList& fields) {
  ConnectionOptions options;
  for (const HeaderField& field : fields) {
    if (!equals_ignore_case(field.name, "connection")) continue;
    for (std::string_view element : split_list(field.value)) {
      std::string option = to_lowercase(element);
      if (option == "close") options.close = true;
      if (option == "keep-alive") options.keep_alive = true;
      options.nominated.push_back(std::move(option));
    }
  }
  return options;
}

bool is_hop_by_hop_name(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade" || name == "te";
}

void strip_hop_by_hop(HeaderList& fields, const ConnectionOptions& options) {
  bool te_trailers = false;
  for (const HeaderField& field : fields) {
    if (field.name == "te" && lists_trailers(field.value)) te_trailers = true;
  }
  fields.erase(std::remove_if(fields.begin(), fields.end(),
                              [&](const HeaderField& field) {
                                return is_hop_by_hop_name(field.name) ||
                                       std::find(options.nominated.begin(), options.nominated.end(), field.name) !=
                                           options.nominated.end();
                              }),
               fields.end());
  // What passes on is the fact that this client accepts trailers, which gRPC relies on.
  if (te_trailers) fields.push_back({"te", "trailers"});
}

void strip_forbidden_trailers(HeaderList& trailers) {
  // Framing, routing and content-format fields: a trailer cannot change how the message was
  // already framed, routed or decoded.
  static constexpr std::string_view kForbidden[] = {"content-length", "content-type", "content-encoding",
                                                    "content-range",  "host",         "trailer"};
  trailers.erase(std::remove_if(trailers.begin(), trailers.end(),
                                [](const HeaderField& field) {
                                  return is_hop_by_hop_name(field.name) ||
                                         std::find(std::begin(kForbidden), std::end(kForbidden), field.name) !=
                                             std::end(kForbidden);
                                }),
                 trailers.end());
}

}  // namespace gatesim::http
