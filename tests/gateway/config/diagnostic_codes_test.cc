#include <catch2/catch.hpp>

#include <set>

#include "gateway/config/diagnostic.h"

using namespace gatesim::config;

TEST_CASE("every diagnostic code has one catalogue row with a unique id") {
  std::size_t count = 0;
  const CodeInfo* rows = code_catalogue(&count);
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < count; ++i) {
    CHECK(ids.insert(rows[i].id).second);
    CHECK(rows[i].id.size() == 5);
    CHECK(&code_info(rows[i].code) == &rows[i]);
  }
  CHECK(count == static_cast<std::size_t>(Code::kCodeCount));
}

TEST_CASE("diagnostics print as file:line:col: severity[code]: Kind ns/name: path: message") {
  Diagnostics d;
  d.add(Code::kInvalidPortProtocol, Origin{SourceLocation{"gw.yaml", 12, 17}, "spec.servers[0].port.protocol"},
        "Gateway istio-system/ingress", "unknown protocol \"HTTPX\"");
  CHECK(d.items()[0].format() ==
        "gw.yaml:12:17: error[GS103]: Gateway istio-system/ingress: spec.servers[0].port.protocol: unknown protocol "
        "\"HTTPX\"");
  CHECK(d.has_errors());
}
