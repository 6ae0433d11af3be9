#include <catch2/catch.hpp>

#include "gateway/config/protocol.h"

using namespace gatesim::config;
using Source = ServicePortProtocol::Source;

TEST_CASE("Service port protocol: appProtocol wins over the name") {
  auto r = resolve_service_port_protocol("http-web", std::string("grpc"), "TCP", 8080);
  CHECK(r.protocol == Protocol::kGrpc);
  CHECK(r.source == Source::kAppProtocol);
  CHECK(resolve_service_port_protocol("tcp", std::string("kubernetes.io/h2c"), "TCP", 80).protocol == Protocol::kHttp2);
  CHECK(resolve_service_port_protocol("x", std::string("kubernetes.io/wss"), "TCP", 80).protocol == Protocol::kHttps);
}

TEST_CASE("Service port protocol: <protocol>[-<suffix>] names, case-insensitive") {
  CHECK(resolve_service_port_protocol("http", std::nullopt, "TCP", 80).protocol == Protocol::kHttp);
  CHECK(resolve_service_port_protocol("HTTP2-api", std::nullopt, "TCP", 80).protocol == Protocol::kHttp2);
  CHECK(resolve_service_port_protocol("grpc-web-ui", std::nullopt, "TCP", 80).protocol == Protocol::kGrpcWeb);
  CHECK(resolve_service_port_protocol("https-admin", std::nullopt, "TCP", 443).protocol == Protocol::kHttps);
  CHECK(resolve_service_port_protocol("web", std::nullopt, "TCP", 8080).protocol == Protocol::kUnsupported);
  CHECK(resolve_service_port_protocol("httpx", std::nullopt, "TCP", 8080).protocol == Protocol::kUnsupported);
}

TEST_CASE("Service port protocol: UDP and server-first well-known ports") {
  CHECK(resolve_service_port_protocol("http", std::nullopt, "UDP", 80).protocol == Protocol::kUdp);
  auto mysql = resolve_service_port_protocol("db", std::nullopt, "TCP", 3306);
  CHECK(mysql.protocol == Protocol::kTcp);
  CHECK(mysql.source == Source::kWellKnownPort);
  CHECK(resolve_service_port_protocol("", std::nullopt, "TCP", 27017).protocol == Protocol::kTcp);
  CHECK(resolve_service_port_protocol("", std::nullopt, "TCP", 3307).protocol == Protocol::kUnsupported);
}

TEST_CASE("protocol classes") {
  CHECK(is_http(Protocol::kGrpcWeb));
  CHECK(is_http2(Protocol::kGrpc));
  CHECK_FALSE(is_http2(Protocol::kHttp));
  CHECK(is_tls(Protocol::kHttps));
  CHECK(is_tcp(Protocol::kMongo));
  CHECK(parse_protocol("mongo") == Protocol::kMongo);
  CHECK(parse_protocol("GRPC-WEB") == Protocol::kGrpcWeb);
  CHECK(parse_protocol("HTTP3") == Protocol::kUnsupported);
}
