// Istio's standard metrics (istio-semantics.md 6.1): names, labels in Istio's order, Envoy's
// default buckets with Prometheus `le` semantics, and the text exposition parsed back.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/observability/istio_metrics.h"

using namespace gatesim;
using namespace std::chrono_literals;
using observability::AccessLogEntry;
using observability::IstioMetrics;
using observability::LabelValues;
using observability::RequestProtocol;

namespace {

AccessLogEntry http(int code, std::string flags, io::Duration duration) {
  AccessLogEntry e;
  e.protocol = "HTTP/1.1";
  e.method = "GET";
  e.path = "/";
  e.authority = "shop.example.com";
  e.response_code = code;
  e.response_flags = std::move(flags);
  e.duration = duration;
  e.request_protocol = RequestProtocol::kHttp;
  e.destination = {"web.shop.svc.cluster.local", "web", "shop"};
  return e;
}

AccessLogEntry grpc_call(std::optional<int> status, int code) {
  AccessLogEntry e = http(code, "-", 4ms);
  e.protocol = "HTTP/2";
  e.method = "POST";
  e.request_protocol = RequestProtocol::kGrpc;
  e.grpc_status = status;
  e.destination = {"echo.internal", "echo.internal", "edge"};
  e.request_messages = 3;
  e.response_messages = 2;
  return e;
}

AccessLogEntry tcp_connection(std::uint64_t received, std::uint64_t sent) {
  AccessLogEntry e;
  e.protocol = "-";
  e.request_protocol = RequestProtocol::kTcp;
  e.destination = {"echo.internal", "echo.internal", "edge"};
  e.bytes_received = received;
  e.bytes_sent = sent;
  e.duration = 30ms;
  return e;
}

// What the gateway reports besides the destination and the outcome: reporter "source", no peer.
LabelValues http_labels(const std::string& service, const std::string& name, const std::string& ns,
                        const std::string& protocol, const std::string& flags, const std::string& code,
                        const std::string& grpc) {
  return {"source",  "unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "unknown",
          "unknown", "unknown", "unknown", "unknown", "unknown", service,   name,      ns,        "unknown",
          "latest",  "unknown", protocol,  flags,     "unknown", code,      grpc};
}

// ---- a small parser of the Prometheus text format, to read the exposition back -------------

struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string value;
  std::string label(const std::string& key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return "<absent>";
  }
};

struct Exposition {
  std::vector<std::string> families;  // in order of their TYPE lines
  std::map<std::string, std::string> help, type;
  std::vector<Sample> samples;
  std::vector<std::string> problems;
};

std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      const std::string base = sample.substr(0, sample.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return sample;
}

Exposition parse(const std::string& text) {
  Exposition out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      const std::string rest = line.substr(7);
      out.help[rest.substr(0, rest.find(' '))] = rest.substr(rest.find(' ') + 1);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string rest = line.substr(7);
      const std::string name = rest.substr(0, rest.find(' '));
      if (!out.help.count(name)) out.problems.push_back("TYPE before HELP: " + name);
      out.type[name] = rest.substr(rest.find(' ') + 1);
      out.families.push_back(name);
      continue;
    }
    Sample s;
    std::size_t at = line.find_first_of("{ ");
    s.name = line.substr(0, at);
    if (at != std::string::npos && line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const std::size_t eq = line.find('=', at);
        const std::string key = line.substr(at, eq - at);
        at = eq + 1;
        if (line[at] != '"') out.problems.push_back("unquoted value: " + line);
        std::string value;
        for (++at; at < line.size() && line[at] != '"'; ++at) {
          if (line[at] == '\\') {
            ++at;
            value += line[at] == 'n' ? '\n' : line[at];
          } else {
            value += line[at];
          }
        }
        ++at;  // closing quote
        s.labels.emplace_back(key, value);
        if (line[at] == ',') ++at;
      }
      ++at;  // '}'
    }
    if (at >= line.size() || line[at] != ' ') out.problems.push_back("no value: " + line);
    s.value = line.substr(at + 1);
    const std::string family = family_of(s.name, out.type);
    if (out.families.empty() || out.families.back() != family) out.problems.push_back("sample outside its family: " + line);
    out.samples.push_back(std::move(s));
  }
  return out;
}

std::vector<const Sample*> find(const Exposition& e, const std::string& name,
                                const std::map<std::string, std::string>& where = {}) {
  std::vector<const Sample*> out;
  for (const Sample& s : e.samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : where) match = match && s.label(k) == v;
    if (match) out.push_back(&s);
  }
  return out;
}

std::string value_of(const Exposition& e, const std::string& name, const std::map<std::string, std::string>& where) {
  const auto found = find(e, name, where);
  return found.size() == 1 ? found[0]->value : "<" + std::to_string(found.size()) + " samples>";
}

}  // namespace

TEST_CASE("Istio metrics: Envoy's default buckets, a value equal to a bound counting in that bucket",
          "[observability][metrics]") {
  const std::vector<double> envoy = {0.5,  1,     5,     10,     25,     50,     100,     250,     500,    1000,
                                     2500, 5000,  10000, 30000,  60000,  300000, 600000,  1800000, 3600000};
  CHECK(std::vector<double>(observability::kHistogramBuckets.begin(), observability::kHistogramBuckets.end()) == envoy);
  for (std::size_t i = 1; i < envoy.size(); ++i) {  // every whole-number bound
    IstioMetrics::Histogram h;
    h.observe(static_cast<std::uint64_t>(envoy[i]));
    INFO("value " << envoy[i]);
    CHECK(h.cumulative[i] == 1);      // le = the value itself
    CHECK(h.cumulative[i - 1] == 0);  // not the bucket below
    CHECK(h.cumulative.back() == 1);
  }
  IstioMetrics::Histogram h;
  h.observe(0);
  h.observe(1);
  h.observe(3600001);  // above every bound: only +Inf (count)
  CHECK(h.cumulative[0] == 1);  // le="0.5": just the 0
  CHECK(h.cumulative[1] == 2);  // le="1"
  CHECK(h.cumulative.back() == 2);
  CHECK(h.count == 3);
  CHECK(h.sum == 3600002);
}

TEST_CASE("Istio metrics: durations are whole milliseconds, bucketed by le", "[observability][metrics]") {
  IstioMetrics m;
  m.record(http(200, "-", 5ms));         // exactly on the le="5" bound
  m.record(http(200, "-", 5ms + 999us));  // 5 ms too (Envoy truncates)
  m.record(http(200, "-", 10ms + 1ns));  // 10 ms
  m.record(http(200, "-", 400us));       // 0 ms
  const auto* h = m.histogram("istio_request_duration_milliseconds",
                              http_labels("web.shop.svc.cluster.local", "web", "shop", "http", "-", "200", ""));
  REQUIRE(h != nullptr);
  CHECK(h->cumulative[0] == 1);  // le=0.5
  CHECK(h->cumulative[1] == 1);  // le=1
  CHECK(h->cumulative[2] == 3);  // le=5
  CHECK(h->cumulative[3] == 4);  // le=10
  CHECK(h->count == 4);
  CHECK(h->sum == 20);
}

TEST_CASE("Istio metrics: the label set and its order are Istio's", "[observability][metrics]") {
  const std::vector<std::string> istio = {
      "reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app",
      "source_version", "source_canonical_service", "source_canonical_revision", "source_cluster",
      "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
      "destination_version", "destination_service", "destination_service_name", "destination_service_namespace",
      "destination_canonical_service", "destination_canonical_revision", "destination_cluster", "request_protocol",
      "response_flags", "connection_security_policy", "response_code", "grpc_response_status"};
  CHECK(std::vector<std::string>(observability::kLabelNames.begin(), observability::kLabelNames.end()) == istio);
  CHECK(IstioMetrics::labels(http(503, "UF,URX", 1ms)) ==
        http_labels("web.shop.svc.cluster.local", "web", "shop", "http", "UF,URX", "503", ""));
  // No cluster: the Host header names the service; nothing names its namespace.
  AccessLogEntry nr = http(404, "NR", 1ms);
  nr.destination = {"nowhere.example.com", "nowhere.example.com", ""};
  CHECK(IstioMetrics::labels(nr) ==
        http_labels("nowhere.example.com", "nowhere.example.com", "unknown", "http", "NR", "404", ""));
  // TCP series stop before response_code and grpc_response_status.
  LabelValues tcp = http_labels("echo.internal", "echo.internal", "edge", "tcp", "-", "", "");
  tcp.resize(observability::kTcpLabelCount);
  CHECK(IstioMetrics::labels(tcp_connection(1, 2)) == tcp);
  AccessLogEntry nothing;
  nothing.request_protocol = RequestProtocol::kTcp;
  CHECK(IstioMetrics::labels(nothing)[14] == "unknown");  // destination_service
}

TEST_CASE("Istio metrics: grpc_response_status from the response, else from the HTTP status",
          "[observability][metrics]") {
  const auto status_label = [](const AccessLogEntry& e) { return IstioMetrics::labels(e).back(); };
  CHECK(status_label(grpc_call(0, 200)) == "0");
  CHECK(status_label(grpc_call(14, 200)) == "14");
  CHECK(status_label(grpc_call(std::nullopt, 503)) == "14");  // Envoy's httpToGrpcStatus
  CHECK(status_label(grpc_call(std::nullopt, 200)) == "2");   // no grpc-status at all: UNKNOWN
  CHECK(status_label(grpc_call(std::nullopt, 0)) == "");      // no response
  CHECK(status_label(http(503, "-", 1ms)) == "");             // not gRPC
}

TEST_CASE("Istio metrics: the exposition parses back to what was recorded", "[observability][metrics]") {
  IstioMetrics m;
  AccessLogEntry ok = http(200, "-", 3ms);
  ok.bytes_received = 100;
  ok.bytes_sent = 2000;
  m.record(ok);
  ok.duration = 60ms;
  ok.bytes_received = 0;
  ok.bytes_sent = 300;
  m.record(ok);
  AccessLogEntry nr = http(404, "NR", 0ms);
  nr.destination = {"nowhere.example.com", "nowhere.example.com", ""};
  m.record(nr);
  m.record(http(503, "UF,URX", 75ms));
  m.record(grpc_call(0, 200));
  m.record(tcp_connection(4, 9));
  m.record(tcp_connection(6, 1));
  AccessLogEntry refused;  // no filter chain took it: Istio reports nothing
  refused.protocol = "-";
  refused.response_flags = "NR";
  refused.request_protocol = RequestProtocol::kNone;
  m.record(refused);

  const std::string text = m.prometheus_text();
  const Exposition e = parse(text);
  for (const auto& p : e.problems) INFO(p);
  CHECK(e.problems.empty());
  // Families as Envoy orders them: counters, then histograms, each by name.
  CHECK(e.families == std::vector<std::string>{"istio_request_messages_total", "istio_requests_total",
                                               "istio_response_messages_total", "istio_tcp_connections_closed_total",
                                               "istio_tcp_connections_opened_total", "istio_tcp_received_bytes_total",
                                               "istio_tcp_sent_bytes_total", "istio_request_bytes",
                                               "istio_request_duration_milliseconds", "istio_response_bytes"});
  for (const std::string& f : e.families) {
    CHECK(e.type.at(f) == (f.find("_total") != std::string::npos ? "counter" : "histogram"));
    CHECK_FALSE(e.help.at(f).empty());
  }
  // Every sample's labels are Istio's, in order (histogram buckets end with le).
  for (const Sample& s : e.samples) {
    const bool tcp = s.name.rfind("istio_tcp_", 0) == 0;
    std::vector<std::string> names;
    for (const auto& kv : s.labels) names.push_back(kv.first);
    std::vector<std::string> want(observability::kLabelNames.begin(),
                                  observability::kLabelNames.begin() +
                                      static_cast<long>(tcp ? observability::kTcpLabelCount : observability::kLabelNames.size()));
    if (s.name.size() > 7 && s.name.compare(s.name.size() - 7, 7, "_bucket") == 0) want.push_back("le");
    INFO(s.name);
    CHECK(names == want);
  }

  const std::map<std::string, std::string> ok_series = {{"response_code", "200"}, {"request_protocol", "http"}};
  CHECK(value_of(e, "istio_requests_total", ok_series) == "2");
  CHECK(value_of(e, "istio_requests_total", {{"response_code", "404"}, {"response_flags", "NR"},
                                             {"destination_service", "nowhere.example.com"},
                                             {"destination_service_namespace", "unknown"}}) == "1");
  CHECK(value_of(e, "istio_requests_total", {{"response_code", "503"}, {"response_flags", "UF,URX"},
                                             {"destination_service_name", "web"},
                                             {"destination_service_namespace", "shop"}}) == "1");
  CHECK(find(e, "istio_requests_total").size() == 4);  // 200, 404 NR, 503 UF,URX, gRPC 200

  // The two 200s: 3 ms and 60 ms.
  std::map<std::string, std::string> buckets;
  for (const Sample* s : find(e, "istio_request_duration_milliseconds_bucket", ok_series)) buckets[s->label("le")] = s->value;
  CHECK(buckets.size() == 20);
  CHECK(buckets["0.5"] == "0");
  CHECK(buckets["1"] == "0");
  CHECK(buckets["5"] == "1");
  CHECK(buckets["50"] == "1");
  CHECK(buckets["100"] == "2");
  CHECK(buckets["3600000"] == "2");
  CHECK(buckets["+Inf"] == "2");
  CHECK(value_of(e, "istio_request_duration_milliseconds_sum", ok_series) == "63");
  CHECK(value_of(e, "istio_request_duration_milliseconds_count", ok_series) == "2");
  CHECK(value_of(e, "istio_request_bytes_sum", ok_series) == "100");
  CHECK(value_of(e, "istio_response_bytes_sum", ok_series) == "2300");
  std::map<std::string, std::string> response_buckets;
  for (const Sample* s : find(e, "istio_response_bytes_bucket", ok_series)) response_buckets[s->label("le")] = s->value;
  CHECK(response_buckets["250"] == "0");
  CHECK(response_buckets["500"] == "1");
  CHECK(response_buckets["2500"] == "2");

  const std::map<std::string, std::string> grpc = {{"request_protocol", "grpc"}, {"grpc_response_status", "0"}};
  CHECK(value_of(e, "istio_request_messages_total", grpc) == "3");
  CHECK(value_of(e, "istio_response_messages_total", grpc) == "2");
  CHECK(find(e, "istio_request_messages_total").size() == 1);  // plain HTTP has no message counters

  const std::map<std::string, std::string> tcp = {{"request_protocol", "tcp"}, {"destination_service", "echo.internal"}};
  CHECK(value_of(e, "istio_tcp_connections_opened_total", tcp) == "2");
  CHECK(value_of(e, "istio_tcp_connections_closed_total", tcp) == "2");
  CHECK(value_of(e, "istio_tcp_received_bytes_total", tcp) == "10");
  CHECK(value_of(e, "istio_tcp_sent_bytes_total", tcp) == "10");

  // One whole line, as a scraper sees it.
  CHECK(text.find("istio_tcp_sent_bytes_total{reporter=\"source\",source_workload=\"unknown\","
                  "source_workload_namespace=\"unknown\",source_principal=\"unknown\",source_app=\"unknown\","
                  "source_version=\"unknown\",source_canonical_service=\"unknown\","
                  "source_canonical_revision=\"unknown\",source_cluster=\"unknown\",destination_workload=\"unknown\","
                  "destination_workload_namespace=\"unknown\",destination_principal=\"unknown\","
                  "destination_app=\"unknown\",destination_version=\"unknown\","
                  "destination_service=\"echo.internal\",destination_service_name=\"echo.internal\","
                  "destination_service_namespace=\"edge\",destination_canonical_service=\"unknown\","
                  "destination_canonical_revision=\"latest\",destination_cluster=\"unknown\","
                  "request_protocol=\"tcp\",response_flags=\"-\",connection_security_policy=\"unknown\"} 10\n") !=
        std::string::npos);
  CHECK(text.find("# HELP istio_requests_total ") != std::string::npos);
  CHECK(text.find("# TYPE istio_request_duration_milliseconds histogram\n") != std::string::npos);
}

TEST_CASE("Istio metrics: output is the same for the same entries in the same order", "[observability][metrics]") {
  const auto fill = [](IstioMetrics& m) {
    for (int i = 0; i < 50; ++i) m.record(http(i % 3 == 0 ? 503 : 200, i % 3 == 0 ? "UF,URX" : "-", std::chrono::milliseconds(i)));
    m.record(tcp_connection(1, 1));
  };
  IstioMetrics a, b;
  fill(a);
  fill(b);
  CHECK(a.prometheus_text() == b.prometheus_text());
  CHECK(a.to_json() == b.to_json());
  CHECK(a.to_json()["istio_requests_total"]["series"].size() == 2);
}

TEST_CASE("Istio metrics: nothing recorded, nothing shown, and label values escaped", "[observability][metrics]") {
  IstioMetrics m;
  CHECK(m.prometheus_text().empty());
  CHECK(m.to_json().empty());
  AccessLogEntry odd = http(404, "NR", 1ms);
  odd.destination = {"a\"b\\c", "a\"b\\c", ""};
  m.record(odd);
  const std::string text = m.prometheus_text();
  CHECK(text.find("destination_service=\"a\\\"b\\\\c\"") != std::string::npos);
  const Exposition e = parse(text);
  CHECK(e.problems.empty());
  CHECK(value_of(e, "istio_requests_total", {{"destination_service", "a\"b\\c"}}) == "1");
}
