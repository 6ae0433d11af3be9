#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"
#include "gateway/config/field_reader.h"

using namespace gatesim::config;

namespace {

YAML::Node scalar(const std::string& text) { return YAML::Load("v: " + text)["v"]; }

bool has(const Diagnostics& d, const std::string& id, int line, int column, const std::string& path) {
  for (const Diagnostic& x : d.items()) {
    if (x.id() == id && x.location.line == line && x.location.column == column && x.path == path) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("plain scalars resolve like kubectl's YAML 1.1, quoted ones stay strings") {
  CHECK(classify_scalar(scalar("80")) == ScalarKind::kInt);
  CHECK(classify_scalar(scalar("\"80\"")) == ScalarKind::kString);
  CHECK(classify_scalar(scalar("0x1F")) == ScalarKind::kInt);
  CHECK(classify_scalar(scalar("1.5")) == ScalarKind::kFloat);
  CHECK(classify_scalar(scalar("1e3")) == ScalarKind::kFloat);
  CHECK(classify_scalar(scalar("yes")) == ScalarKind::kBool);
  CHECK(classify_scalar(scalar("On")) == ScalarKind::kBool);
  CHECK(classify_scalar(scalar("~")) == ScalarKind::kNull);
  CHECK(classify_scalar(scalar("v1")) == ScalarKind::kString);
  CHECK(classify_scalar(scalar("1.2.3")) == ScalarKind::kString);
  CHECK(classify_scalar(scalar("!!str 80")) == ScalarKind::kString);
}

TEST_CASE("durations use Go's syntax and reject what Go rejects") {
  CHECK(parse_duration("1.5s") == Duration(1500000000));
  CHECK(parse_duration("100ms") == Duration(100000000));
  CHECK(parse_duration("1h2m") == Duration(3720LL * 1000000000));
  CHECK(parse_duration("0") == Duration(0));
  CHECK(parse_duration("250us") == Duration(250000));
  CHECK_FALSE(parse_duration("10"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("5 s"));
  CHECK_FALSE(parse_duration("5d"));
  CHECK_FALSE(parse_duration("99999999999999h"));
  CHECK(format_duration(Duration(1500000)) == "1500us");
  CHECK(format_duration(Duration(2000000000)) == "2s");
}

TEST_CASE("field errors name the file position and the field path") {
  const std::string yaml =
      "apiVersion: networking.istio.io/v1\n"   // 1
      "kind: Gateway\n"                         // 2
      "metadata:\n"                             // 3
      "  name: gw\n"                            // 4
      "spec:\n"                                 // 5
      "  selektor: {app: x}\n"                  // 6  unknown field
      "  servers:\n"                            // 7
      "  - port:\n"                             // 8
      "      number: [80]\n"                    // 9  wrong type
      "      name: http\n"                      // 10
      "      protocol: HTTP\n"                  // 11
      "      name: again\n"                     // 12 duplicate key
      "    hosts: [\"*\"]\n"                    // 13
      "    tls: {httpsRedirect: maybe}\n";      // 14 not a boolean
  const PipelineResult r = run_config_pipeline_on_text(yaml, "gw.yaml");
  CHECK(has(r.diagnostics, "GS011", 6, 3, "spec.selektor"));
  CHECK(has(r.diagnostics, "GS010", 9, 15, "spec.servers[0].port.number"));
  CHECK(has(r.diagnostics, "GS014", 12, 7, "spec.servers[0].port.name"));
  CHECK(has(r.diagnostics, "GS010", 14, 26, "spec.servers[0].tls.httpsRedirect"));
  for (const Diagnostic& d : r.diagnostics.items()) CHECK(d.resource == "Gateway default/gw");
}

TEST_CASE("Istio fields accept quoted integers (protobuf JSON), Kubernetes fields do not") {
  const std::string yaml =
      "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: gw}\n"
      "spec:\n  servers:\n  - port: {number: \"8080\", name: http, protocol: HTTP}\n    hosts: [\"*\"]\n"
      "---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n"
      "spec:\n  ports:\n  - {name: http, port: \"80\"}\n";
  const PipelineResult r = run_config_pipeline_on_text(yaml, "mixed.yaml");
  REQUIRE(r.snapshot->config.gateways.size() == 1);
  CHECK(r.snapshot->config.gateways[0].servers[0].port.number == 8080);
  CHECK(has(r.diagnostics, "GS010", 14, 24, "spec.ports[0].port"));
}

TEST_CASE("a string field given a number says to quote it") {
  const std::string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels: {version: 1}\nspec: {}\n";
  const PipelineResult r = run_config_pipeline_on_text(yaml, "svc.yaml");
  REQUIRE(r.diagnostics.size() >= 1);
  bool found = false;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.id() == "GS010" && d.path == "metadata.labels.version") {
      found = true;
      CHECK(d.message == "expected a string (quote the value), got an integer (1)");
    }
  }
  CHECK(found);
}
