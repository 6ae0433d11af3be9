#include "gateway/observability/access_log_format.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace gatesim::observability {
namespace {

std::string dash(std::string_view value) { return value.empty() ? "-" : std::string(value); }

std::string details_field(std::string_view value) {
  std::string out = dash(value);
  for (char& c : out) {
    if (std::isspace(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

std::string quoted(std::string_view value) { return "\"" + dash(value) + "\""; }

}  // namespace

std::string format_start_time(io::Duration since_unix_epoch) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_unix_epoch).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);  // pure arithmetic on the given instant; no clock is read
  char text[80];  // room for any int fields, which -Wformat-truncation counts
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

std::string format_access_log(const AccessLogEntry& e, std::string_view start_time) {
  const bool tcp = e.protocol.empty() || e.protocol == "-";
  const std::string request = tcp ? "- - -" : dash(e.method) + " " + dash(e.path) + " " + e.protocol;
  const auto duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(e.duration).count();
  std::string line;
  line.reserve(320);
  line += "[" + dash(start_time) + "] \"" + request + "\" ";
  line += std::to_string(e.response_code) + " " + dash(e.response_flags) + " ";
  line += details_field(e.details) + " " + details_field(e.connection_termination_details) + " ";
  line += quoted(e.upstream_transport_failure_reason) + " ";
  line += std::to_string(e.bytes_received) + " " + std::to_string(e.bytes_sent) + " ";
  line += std::to_string(duration_ms) + " ";
  line += (e.upstream_service_time_ms ? std::to_string(*e.upstream_service_time_ms) : "-") + " ";
  line += quoted(e.x_forwarded_for) + " " + quoted(e.user_agent) + " " + quoted(e.request_id) + " ";
  line += quoted(e.authority) + " " + quoted(e.upstream_host) + " " + dash(e.upstream_cluster) + " ";
  line += dash(e.upstream_local_address) + " " + dash(e.downstream_local) + " " + dash(e.downstream_remote) + " ";
  line += dash(e.requested_server_name) + " " + dash(e.route_name);
  return line;
}

}  // namespace gatesim::observability
