#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/observability/access_log_entry.h"

namespace gatesim::observability {

// Envoy's default histogram buckets, which Istio's duration and size histograms use
// (istio-semantics.md 6.1). A value equal to a bound counts in that bucket (Prometheus `le`).
inline constexpr std::array<double, 19> kHistogramBuckets = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000};

// Istio's standard labels, in the order of istio_stats.cc's tag table (istio-semantics.md 6.1).
// HTTP and gRPC series carry all of them; TCP series the first kTcpLabelCount (Istio's TCP
// metrics have no response_code and no grpc_response_status).
inline constexpr std::array<std::string_view, 25> kLabelNames = {
    "reporter",
    "source_workload",
    "source_workload_namespace",
    "source_principal",
    "source_app",
    "source_version",
    "source_canonical_service",
    "source_canonical_revision",
    "source_cluster",
    "destination_workload",
    "destination_workload_namespace",
    "destination_principal",
    "destination_app",
    "destination_version",
    "destination_service",
    "destination_service_name",
    "destination_service_namespace",
    "destination_canonical_service",
    "destination_canonical_revision",
    "destination_cluster",
    "request_protocol",
    "response_flags",
    "connection_security_policy",
    "response_code",
    "grpc_response_status",
};
inline constexpr std::size_t kTcpLabelCount = 23;

using LabelValues = std::vector<std::string>;  // in kLabelNames order

// Istio's standard metrics for one gateway engine (istio-semantics.md 6.1), fed one finished
// request or connection at a time, and shown in Prometheus' text format as Envoy's
// /stats/prometheus shows them. The gateway reports as Istio's gateways do: reporter
// "source", no peer metadata (source_* and destination workload labels "unknown",
// destination_canonical_revision "latest" as Istio fills it for an unknown peer),
// connection_security_policy "unknown". Nothing here reads a clock: durations are the ones
// the entries carry. Output order is fixed: families as Envoy orders them (counters, then
// histograms, each by name), series by label values.
class IstioMetrics {
 public:
  struct Histogram {
    std::array<std::uint64_t, kHistogramBuckets.size()> cumulative{};  // samples <= each bound
    std::uint64_t count = 0;
    std::uint64_t sum = 0;  // samples are whole milliseconds or bytes, as Envoy records them
    void observe(std::uint64_t value);
  };

  // Counts one finished request (HTTP, gRPC) or closed connection (TCP); entries of
  // connections no filter chain took (RequestProtocol::kNone) count nowhere, as in Istio.
  // HTTP: istio_requests_total, istio_request_duration_milliseconds (whole ms),
  // istio_request_bytes / istio_response_bytes; gRPC adds istio_request_messages_total and
  // istio_response_messages_total. TCP: istio_tcp_connections_opened_total and _closed_total
  // (both at close: without peer metadata Istio reports a connection only when it ends),
  // istio_tcp_received_bytes_total / istio_tcp_sent_bytes_total.
  void record(const AccessLogEntry& entry);

  // The label values of `entry`'s series (25 for HTTP and gRPC, 23 for TCP).
  static LabelValues labels(const AccessLogEntry& entry);

  // Prometheus text exposition format 0.0.4: HELP and TYPE per family, counters as
  // `name{labels} value`, histograms as cumulative `_bucket{...,le="..."}` lines up to
  // le="+Inf", then `_sum` and `_count`; a blank line after each family.
  std::string prometheus_text() const;
  // The same values as JSON: {family: {type, help, [le], series: [{labels, value | buckets,
  // sum, count}]}}.
  nlohmann::json to_json() const;

  // Adds another registry's series to this one: the view of a gateway whose workers each keep
  // their own registry (Envoy merges its workers' stats the same way, by sum).
  void merge_from(const IstioMetrics& other);

  std::uint64_t counter(std::string_view family, const LabelValues& labels) const;  // 0 if absent
  const Histogram* histogram(std::string_view family, const LabelValues& labels) const;

 private:
  enum CounterId {
    kRequestMessagesTotal,
    kRequestsTotal,
    kResponseMessagesTotal,
    kTcpConnectionsClosedTotal,
    kTcpConnectionsOpenedTotal,
    kTcpReceivedBytesTotal,
    kTcpSentBytesTotal,
    kCounterCount
  };
  enum HistogramId { kRequestBytes, kRequestDurationMilliseconds, kResponseBytes, kHistogramCount };

  std::array<std::map<LabelValues, std::uint64_t>, kCounterCount> counters_;
  std::array<std::map<LabelValues, Histogram>, kHistogramCount> histograms_;
  // The hot path: a series' values found by the few labels that vary (a short string key,
  // one hash) instead of comparing 25 label values in every map (std::map nodes are stable).
  struct SeriesRefs {
    std::array<std::uint64_t*, kCounterCount> counters{};
    std::array<Histogram*, kHistogramCount> histograms{};
  };
  SeriesRefs& refs_for(const AccessLogEntry& entry);
  std::unordered_map<std::string, SeriesRefs> series_;
};

}  // namespace gatesim::observability
