#include "gateway/observability/istio_metrics.h"

#include <cstdio>

#include "gateway/route/fault_plan.h"

namespace gatesim::observability {
namespace {

struct Family {
  std::string_view name;
  std::string_view help;
};

// Indexed by IstioMetrics' CounterId and HistogramId, which follow the names' order.
constexpr std::array<Family, 7> kCounterFamilies = {{
    {"istio_request_messages_total", "gRPC messages sent by the client (request stream)"},
    {"istio_requests_total", "Requests handled by the proxy"},
    {"istio_response_messages_total", "gRPC messages sent by the server (response stream)"},
    {"istio_tcp_connections_closed_total", "TCP connections closed"},
    {"istio_tcp_connections_opened_total", "TCP connections opened"},
    {"istio_tcp_received_bytes_total", "Bytes received from the downstream of a TCP connection"},
    {"istio_tcp_sent_bytes_total", "Bytes sent to the downstream of a TCP connection"},
}};
constexpr std::array<Family, 3> kHistogramFamilies = {{
    {"istio_request_bytes", "HTTP request body sizes in bytes"},
    {"istio_request_duration_milliseconds", "Request durations in milliseconds"},
    {"istio_response_bytes", "HTTP response body sizes in bytes"},
}};

constexpr std::string_view kUnknown = "unknown";

std::string or_unknown(const std::string& value) { return value.empty() ? std::string(kUnknown) : value; }

// Label values escape backslash, double quote and newline (Prometheus text format).
std::string escaped(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string label_text(const LabelValues& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += kLabelNames[i];
    out += "=\"" + escaped(values[i]) + "\"";
  }
  return out;
}

// As Envoy prints bounds ("{:.32g}"): 0.5, 1, ..., 3600000.
std::string bound_text(double bound) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.32g", bound);
  return text;
}

nlohmann::json label_json(const LabelValues& values) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < values.size(); ++i) out[std::string(kLabelNames[i])] = values[i];
  return out;
}

std::string grpc_response_status(const AccessLogEntry& e) {
  if (e.request_protocol != RequestProtocol::kGrpc) return "";
  // Envoy's Grpc::Common::getGrpcStatus: trailers, then headers, then the HTTP status mapped.
  if (e.grpc_status) return std::to_string(*e.grpc_status);
  if (e.response_code != 0) return std::to_string(route::grpc_status_for_http(e.response_code));
  return "";
}

template <typename Families>
int find_family(const Families& families, std::string_view name) {
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (families[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void IstioMetrics::Histogram::observe(std::uint64_t value) {
  for (std::size_t i = 0; i < kHistogramBuckets.size(); ++i) {
    if (static_cast<double>(value) <= kHistogramBuckets[i]) ++cumulative[i];
  }
  ++count;
  sum += value;
}

LabelValues IstioMetrics::labels(const AccessLogEntry& e) {
  const bool tcp = e.request_protocol == RequestProtocol::kTcp;
  LabelValues v;
  v.reserve(kLabelNames.size());
  v.emplace_back("source");  // reporter: gateways report as the client side
  for (int i = 0; i < 8; ++i) v.emplace_back(kUnknown);  // source_*: no node metadata
  for (int i = 0; i < 5; ++i) v.emplace_back(kUnknown);  // destination workload, namespace, principal, app, version
  v.push_back(or_unknown(e.destination.host));
  v.push_back(or_unknown(e.destination.name));
  v.push_back(or_unknown(e.destination.namespace_name));
  v.emplace_back(kUnknown);  // destination_canonical_service
  v.emplace_back("latest");  // destination_canonical_revision of an unknown peer
  v.emplace_back(kUnknown);  // destination_cluster
  v.emplace_back(to_string(e.request_protocol));
  v.push_back(e.response_flags.empty() ? "-" : e.response_flags);
  v.emplace_back(kUnknown);  // connection_security_policy: always unknown for source reports
  if (!tcp) {
    v.push_back(std::to_string(e.response_code));
    v.push_back(grpc_response_status(e));
  }
  return v;
}

IstioMetrics::SeriesRefs& IstioMetrics::refs_for(const AccessLogEntry& e) {
  // Every label labels() does not fill with a constant, separated by a byte no value holds.
  std::string key;
  for (const std::string* part : {&e.destination.host, &e.destination.name, &e.destination.namespace_name,
                                  &e.response_flags}) {
    key += *part;
    key += '\x1f';
  }
  key += std::string(to_string(e.request_protocol)) + '\x1f' + std::to_string(e.response_code) + '\x1f' +
         grpc_response_status(e);
  auto [it, inserted] = series_.try_emplace(std::move(key));
  if (!inserted) return it->second;
  const LabelValues series = labels(e);
  SeriesRefs& refs = it->second;
  if (e.request_protocol == RequestProtocol::kTcp) {
    for (CounterId id : {kTcpConnectionsOpenedTotal, kTcpConnectionsClosedTotal, kTcpReceivedBytesTotal,
                         kTcpSentBytesTotal}) {
      refs.counters[id] = &counters_[id][series];
    }
    return refs;
  }
  refs.counters[kRequestsTotal] = &counters_[kRequestsTotal][series];
  if (e.request_protocol == RequestProtocol::kGrpc) {
    refs.counters[kRequestMessagesTotal] = &counters_[kRequestMessagesTotal][series];
    refs.counters[kResponseMessagesTotal] = &counters_[kResponseMessagesTotal][series];
  }
  for (HistogramId id : {kRequestDurationMilliseconds, kRequestBytes, kResponseBytes}) {
    refs.histograms[id] = &histograms_[id][series];
  }
  return refs;
}

void IstioMetrics::record(const AccessLogEntry& e) {
  if (e.request_protocol == RequestProtocol::kNone) return;
  SeriesRefs& s = refs_for(e);
  if (e.request_protocol == RequestProtocol::kTcp) {
    ++*s.counters[kTcpConnectionsOpenedTotal];
    ++*s.counters[kTcpConnectionsClosedTotal];
    *s.counters[kTcpReceivedBytesTotal] += e.bytes_received;
    *s.counters[kTcpSentBytesTotal] += e.bytes_sent;
    return;
  }
  ++*s.counters[kRequestsTotal];
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(e.duration).count();
  s.histograms[kRequestDurationMilliseconds]->observe(static_cast<std::uint64_t>(ms < 0 ? 0 : ms));
  s.histograms[kRequestBytes]->observe(e.bytes_received);
  s.histograms[kResponseBytes]->observe(e.bytes_sent);
  if (e.request_protocol == RequestProtocol::kGrpc) {
    *s.counters[kRequestMessagesTotal] += e.request_messages;
    *s.counters[kResponseMessagesTotal] += e.response_messages;
  }
}

std::string IstioMetrics::prometheus_text() const {
  std::string out;
  for (std::size_t f = 0; f < counters_.size(); ++f) {
    if (counters_[f].empty()) continue;
    const Family& family = kCounterFamilies[f];
    out += "# HELP " + std::string(family.name) + " " + std::string(family.help) + "\n";
    out += "# TYPE " + std::string(family.name) + " counter\n";
    for (const auto& [labels, value] : counters_[f]) {
      out += std::string(family.name) + "{" + label_text(labels) + "} " + std::to_string(value) + "\n";
    }
    out += "\n";
  }
  for (std::size_t f = 0; f < histograms_.size(); ++f) {
    if (histograms_[f].empty()) continue;
    const std::string name(kHistogramFamilies[f].name);
    out += "# HELP " + name + " " + std::string(kHistogramFamilies[f].help) + "\n";
    out += "# TYPE " + name + " histogram\n";
    for (const auto& [labels, h] : histograms_[f]) {
      const std::string text = label_text(labels);
      for (std::size_t b = 0; b < kHistogramBuckets.size(); ++b) {
        out += name + "_bucket{" + text + ",le=\"" + bound_text(kHistogramBuckets[b]) + "\"} " +
               std::to_string(h.cumulative[b]) + "\n";
      }
      out += name + "_bucket{" + text + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
      out += name + "_sum{" + text + "} " + std::to_string(h.sum) + "\n";
      out += name + "_count{" + text + "} " + std::to_string(h.count) + "\n";
    }
    out += "\n";
  }
  return out;
}

nlohmann::json IstioMetrics::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t f = 0; f < counters_.size(); ++f) {
    if (counters_[f].empty()) continue;
    nlohmann::json series = nlohmann::json::array();
    for (const auto& [labels, value] : counters_[f]) series.push_back({{"labels", label_json(labels)}, {"value", value}});
    out[std::string(kCounterFamilies[f].name)] = {
        {"type", "counter"}, {"help", kCounterFamilies[f].help}, {"series", series}};
  }
  for (std::size_t f = 0; f < histograms_.size(); ++f) {
    if (histograms_[f].empty()) continue;
    nlohmann::json series = nlohmann::json::array();
    for (const auto& [labels, h] : histograms_[f]) {
      series.push_back({{"labels", label_json(labels)}, {"buckets", h.cumulative}, {"sum", h.sum}, {"count", h.count}});
    }
    out[std::string(kHistogramFamilies[f].name)] = {{"type", "histogram"},
                                                     {"help", kHistogramFamilies[f].help},
                                                     {"le", kHistogramBuckets},
                                                     {"series", series}};
  }
  return out;
}

std::uint64_t IstioMetrics::counter(std::string_view family, const LabelValues& labels) const {
  const int f = find_family(kCounterFamilies, family);
  if (f < 0) return 0;
  auto it = counters_[static_cast<std::size_t>(f)].find(labels);
  return it == counters_[static_cast<std::size_t>(f)].end() ? 0 : it->second;
}

const IstioMetrics::Histogram* IstioMetrics::histogram(std::string_view family, const LabelValues& labels) const {
  const int f = find_family(kHistogramFamilies, family);
  if (f < 0) return nullptr;
  auto it = histograms_[static_cast<std::size_t>(f)].find(labels);
  return it == histograms_[static_cast<std::size_t>(f)].end() ? nullptr : &it->second;
}

void IstioMetrics::merge_from(const IstioMetrics& other) {
  for (std::size_t c = 0; c < counters_.size(); ++c) {
    for (const auto& [labels, value] : other.counters_[c]) counters_[c][labels] += value;
  }
  for (std::size_t h = 0; h < histograms_.size(); ++h) {
    for (const auto& [labels, theirs] : other.histograms_[h]) {
      Histogram& ours = histograms_[h][labels];
      for (std::size_t b = 0; b < ours.cumulative.size(); ++b) ours.cumulative[b] += theirs.cumulative[b];
      ours.count += theirs.count;
      ours.sum += theirs.sum;
    }
  }
}

}  // namespace gatesim::observability
