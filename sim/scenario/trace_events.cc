#include "sim/scenario/trace_events.h"

namespace gatesim::sim {
namespace {

std::int64_t ns(io::Duration d) { return d.count(); }

}  // namespace

nlohmann::json trace_event(const RequestOutcome& o) {
  return {{"type", "response"}, {"client", o.client}, {"connection", o.connection}, {"method", o.method},
          {"path", o.path}, {"authority", o.authority}, {"protocol", o.protocol}, {"status", o.status},
          {"error", o.error}, {"start_ns", ns(o.start)}, {"end_ns", ns(o.end)}, {"body_bytes", o.body_bytes},
          {"location", o.location}, {"redirect_hop", o.redirect_hop}, {"retry_after_421", o.retry_after_421},
          {"grpc_status", o.grpc_status}};
}

nlohmann::json trace_event(const TlsOutcome& t) {
  return {{"type", "tls"}, {"client", t.client}, {"connection", t.connection}, {"sni", t.sni}, {"alpn", t.alpn},
          {"version", t.version}, {"certificate", t.certificate_subject}, {"names", t.certificate_names},
          {"error", t.error}};
}

nlohmann::json trace_event(const engine::AccessLogEntry& e) {
  return {{"type", "gateway"}, {"protocol", e.protocol}, {"method", e.method}, {"path", e.path},
          {"authority", e.authority}, {"code", e.response_code}, {"flags", e.response_flags},
          {"details", e.details}, {"upstream", e.upstream_host}, {"cluster", e.upstream_cluster},
          {"downstream", e.downstream_remote}, {"sni", e.requested_server_name}, {"duration_ns", ns(e.duration)}};
}

nlohmann::json trace_event(const TcpProbeOutcome& o) {
  return {{"type", "tcp"}, {"client", o.client}, {"connected_ns", ns(o.connected)},
          {"first_byte_ns", ns(o.first_byte)}, {"received", o.received}, {"error", o.error}};
}

nlohmann::json trace_event(const std::string& node, const ConnectionEvent& c) {
  return {{"type", "connection"}, {"node", node}, {"event", std::string(to_string(c.kind))}, {"id", c.id},
          {"local", c.local.to_string()}, {"peer", c.peer.to_string()}, {"detail", c.detail}};
}

nlohmann::json trace_event(const BackendRequest& b) {
  return {{"type", "backend"}, {"backend", b.backend}, {"method", b.method}, {"authority", b.authority},
          {"path", b.path}, {"protocol", b.protocol}};
}

}  // namespace gatesim::sim
