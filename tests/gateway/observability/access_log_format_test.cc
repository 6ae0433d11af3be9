// Istio's default access-log line (istio-semantics.md 6.3), field by field, against lines
// written out by hand.
#include <catch2/catch.hpp>

#include "gateway/observability/access_log_format.h"

using namespace gatesim;
using namespace std::chrono_literals;
using observability::AccessLogEntry;
using observability::format_access_log;
using observability::format_start_time;

namespace {

AccessLogEntry http_entry() {
  AccessLogEntry e;
  e.protocol = "HTTP/1.1";
  e.method = "GET";
  e.path = "/hello?x=1";
  e.authority = "shop.example.com";
  e.response_code = 200;
  e.response_flags = "-";
  e.details = "via_upstream";
  e.upstream_host = "10.0.1.5:8080";
  e.upstream_cluster = "outbound|80||web.shop.svc.cluster.local";
  e.downstream_local = "10.0.0.1:80";
  e.downstream_remote = "10.0.0.9:51000";
  e.requested_server_name = "-";
  e.bytes_received = 0;
  e.bytes_sent = 123;
  e.duration = 7ms + 900us;  // printed as whole milliseconds, truncated
  e.request_protocol = observability::RequestProtocol::kHttp;
  e.x_forwarded_for = "10.0.0.9";
  e.user_agent = "curl/8.1.2";
  e.request_id = "5f2b8c1e-0d3a-4f6b-9c2d-7e8f9a0b1c2d";
  e.upstream_service_time_ms = 5;
  e.route_name = "web.all";
  e.upstream_local_address = "10.0.1.1:40000";
  return e;
}

}  // namespace

TEST_CASE("access log: an HTTP/1.1 request proxied upstream", "[observability][access-log]") {
  CHECK(format_access_log(http_entry(), "2024-03-01T12:00:00.123Z") ==
        "[2024-03-01T12:00:00.123Z] \"GET /hello?x=1 HTTP/1.1\" 200 - via_upstream - \"-\" 0 123 7 5 "
        "\"10.0.0.9\" \"curl/8.1.2\" \"5f2b8c1e-0d3a-4f6b-9c2d-7e8f9a0b1c2d\" \"shop.example.com\" "
        "\"10.0.1.5:8080\" outbound|80||web.shop.svc.cluster.local 10.0.1.1:40000 10.0.0.1:80 "
        "10.0.0.9:51000 - web.all");
}

TEST_CASE("access log: a gRPC call over HTTP/2 on TLS", "[observability][access-log]") {
  AccessLogEntry e = http_entry();
  e.protocol = "HTTP/2";
  e.method = "POST";
  e.path = "/echo.Echo/Say";
  e.authority = "api.example.com";
  e.bytes_received = 10;
  e.bytes_sent = 12;
  e.duration = 23ms;
  e.upstream_service_time_ms = 21;
  e.request_protocol = observability::RequestProtocol::kGrpc;
  e.grpc_status = 0;
  e.x_forwarded_for = "192.168.1.2, 10.0.0.9";
  e.user_agent = "grpc-go/1.60.1";
  e.requested_server_name = "api.example.com";
  e.upstream_cluster = "outbound|80||echo.internal";
  e.upstream_host = "10.0.1.6:8080";
  e.route_name = "";
  CHECK(format_access_log(e, "1970-01-01T00:00:00.250Z") ==
        "[1970-01-01T00:00:00.250Z] \"POST /echo.Echo/Say HTTP/2\" 200 - via_upstream - \"-\" 10 12 23 21 "
        "\"192.168.1.2, 10.0.0.9\" \"grpc-go/1.60.1\" \"5f2b8c1e-0d3a-4f6b-9c2d-7e8f9a0b1c2d\" "
        "\"api.example.com\" \"10.0.1.6:8080\" outbound|80||echo.internal 10.0.1.1:40000 10.0.0.1:80 "
        "10.0.0.9:51000 api.example.com -");
}

TEST_CASE("access log: a TCP connection prints \"- - -\" and dashes for what HTTP alone has",
          "[observability][access-log]") {
  AccessLogEntry e;
  e.protocol = "-";
  e.upstream_host = "10.0.1.7:7";
  e.upstream_cluster = "outbound|7||echo.internal";
  e.downstream_local = "10.0.0.1:9000";
  e.downstream_remote = "10.0.0.9:51002";
  e.requested_server_name = "-";
  e.details = "-";
  e.bytes_received = 4;
  e.bytes_sent = 4;
  e.duration = 12ms;
  e.request_protocol = observability::RequestProtocol::kTcp;
  e.upstream_local_address = "10.0.1.1:40001";
  CHECK(format_access_log(e, "1970-01-01T00:00:02.500Z") ==
        "[1970-01-01T00:00:02.500Z] \"- - -\" 0 - - - \"-\" 4 4 12 - \"-\" \"-\" \"-\" \"-\" \"10.0.1.7:7\" "
        "outbound|7||echo.internal 10.0.1.1:40001 10.0.0.1:9000 10.0.0.9:51002 - -");
}

TEST_CASE("access log: a connect failure after retries (details stay one field)", "[observability][access-log]") {
  AccessLogEntry e = http_entry();
  e.response_code = 503;
  e.response_flags = "UF,URX";
  e.details = "upstream_reset_before_response_started{connection refused}";
  e.upstream_transport_failure_reason = "connection refused";
  e.connection_termination_details = "";
  e.bytes_sent = 91;
  e.upstream_service_time_ms.reset();
  e.upstream_local_address = "";
  CHECK(format_access_log(e, "2024-03-01T12:00:00.123Z") ==
        "[2024-03-01T12:00:00.123Z] \"GET /hello?x=1 HTTP/1.1\" 503 UF,URX "
        "upstream_reset_before_response_started{connection_refused} - \"connection refused\" 0 91 7 - "
        "\"10.0.0.9\" \"curl/8.1.2\" \"5f2b8c1e-0d3a-4f6b-9c2d-7e8f9a0b1c2d\" \"shop.example.com\" "
        "\"10.0.1.5:8080\" outbound|80||web.shop.svc.cluster.local - 10.0.0.1:80 10.0.0.9:51000 - web.all");
}

TEST_CASE("access log: a connection no filter chain took", "[observability][access-log]") {
  AccessLogEntry e;
  e.protocol = "-";
  e.response_flags = "NR";
  e.details = "filter_chain_not_found";
  e.upstream_host = "-";
  e.upstream_cluster = "-";
  e.downstream_local = "10.0.0.1:443";
  e.downstream_remote = "10.0.0.9:51003";
  e.requested_server_name = "shop.example.org";
  CHECK(format_access_log(e, "1970-01-01T00:00:00.000Z") ==
        "[1970-01-01T00:00:00.000Z] \"- - -\" 0 NR filter_chain_not_found - \"-\" 0 0 0 - \"-\" \"-\" \"-\" "
        "\"-\" \"-\" - - 10.0.0.1:443 10.0.0.9:51003 shop.example.org -");
}

TEST_CASE("access log: START_TIME as Envoy prints it, UTC with truncated milliseconds",
          "[observability][access-log]") {
  CHECK(format_start_time(0ns) == "1970-01-01T00:00:00.000Z");
  CHECK(format_start_time(1999999ns) == "1970-01-01T00:00:00.001Z");
  CHECK(format_start_time(std::chrono::seconds(1709294400) + 123ms) == "2024-03-01T12:00:00.123Z");
  CHECK(format_start_time(std::chrono::seconds(951868799) + 999ms + 999us) == "2000-02-29T23:59:59.999Z");
  CHECK(format_start_time(std::chrono::hours(25) + 2500ms) == "1970-01-02T01:00:02.500Z");
}

TEST_CASE("access log: a printed line parses back to what was logged (gatesim conform --real reads serve's)",
          "[observability][access-log]") {
  const AccessLogEntry e = http_entry();
  const auto parsed = observability::parse_access_log(format_access_log(e, "2024-03-01T12:00:00.123Z"));
  REQUIRE(parsed.has_value());
  CHECK(parsed->method == e.method);
  CHECK(parsed->path == e.path);
  CHECK(parsed->protocol == e.protocol);
  CHECK(parsed->response_code == 200);
  CHECK(parsed->response_flags == "-");
  CHECK(parsed->details == "via_upstream");
  CHECK(parsed->upstream_host == e.upstream_host);
  CHECK(parsed->upstream_cluster == e.upstream_cluster);
  CHECK(parsed->authority == e.authority);
  CHECK(parsed->requested_server_name == "-");
  CHECK(parsed->bytes_sent == 123);
  CHECK(parsed->duration == 7ms);  // whole milliseconds survive
  CHECK(parsed->upstream_service_time_ms == 5);
  CHECK(parsed->user_agent == e.user_agent);
  CHECK(parsed->request_id == e.request_id);
  CHECK(parsed->route_name == "web.all");
  CHECK(parsed->downstream_remote == e.downstream_remote);
  CHECK(parsed->request_protocol == observability::RequestProtocol::kHttp);
  AccessLogEntry tcp;
  tcp.protocol = "-";
  tcp.upstream_host = "10.0.2.2:7000";
  tcp.upstream_cluster = "outbound|5432||db.internal";
  tcp.requested_server_name = "db.example.com";
  tcp.bytes_received = 517;
  const auto parsed_tcp = observability::parse_access_log(format_access_log(tcp, "2024-03-01T12:00:00.123Z"));
  REQUIRE(parsed_tcp.has_value());
  CHECK(parsed_tcp->request_protocol == observability::RequestProtocol::kTcp);
  CHECK(parsed_tcp->requested_server_name == "db.example.com");
  CHECK(parsed_tcp->bytes_received == 517);
  for (const char* junk : {"", "listening on 127.0.0.1:80", "[x] \"GET / HTTP/1.1\" 200", "[x] \"GET /\" 2x0 - - - \"-\" 0 0 0 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -"}) {
    CHECK_FALSE(observability::parse_access_log(junk).has_value());
  }
}
