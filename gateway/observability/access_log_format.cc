#include "gateway/observability/access_log_format.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

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

std::optional<AccessLogEntry> parse_access_log(std::string_view line) {
  // [START] "REQUEST" then space-separated fields, a quoted one being one field.
  if (line.empty() || line.front() != '[') return std::nullopt;
  const std::size_t close = line.find("] \"");
  if (close == std::string_view::npos) return std::nullopt;
  std::size_t at = close + 3;
  const std::size_t request_end = line.find('"', at);
  if (request_end == std::string_view::npos) return std::nullopt;
  const std::string request(line.substr(at, request_end - at));
  std::vector<std::string> fields;
  at = request_end + 1;
  while (at < line.size()) {
    while (at < line.size() && line[at] == ' ') ++at;
    if (at >= line.size()) break;
    if (line[at] == '"') {
      const std::size_t end = line.find('"', at + 1);
      if (end == std::string_view::npos) return std::nullopt;
      fields.emplace_back(line.substr(at + 1, end - at - 1));
      at = end + 1;
    } else {
      const std::size_t end = std::min(line.find(' ', at), line.size());
      fields.emplace_back(line.substr(at, end - at));
      at = end;
    }
  }
  if (fields.size() != 20) return std::nullopt;
  auto number = [](const std::string& text) -> std::optional<std::int64_t> {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(text);
  };
  const auto code = number(fields[0]), received = number(fields[5]), sent = number(fields[6]),
             duration = number(fields[7]);
  if (!code || !received || !sent || !duration) return std::nullopt;
  auto text = [](const std::string& value) { return value == "-" ? std::string() : value; };
  AccessLogEntry e;
  if (request == "- - -") {
    e.protocol = "-";
  } else {
    const std::size_t first = request.find(' '), last = request.rfind(' ');
    if (first == std::string::npos || last == first) return std::nullopt;
    e.method = request.substr(0, first);
    e.path = request.substr(first + 1, last - first - 1);
    e.protocol = request.substr(last + 1);
  }
  e.response_code = static_cast<int>(*code);
  e.response_flags = fields[1];
  e.details = fields[2];  // the engine logs "-" for none, as printed
  e.connection_termination_details = text(fields[3]);
  e.upstream_transport_failure_reason = text(fields[4]);
  e.bytes_received = static_cast<std::uint64_t>(*received);
  e.bytes_sent = static_cast<std::uint64_t>(*sent);
  e.duration = std::chrono::milliseconds(*duration);
  if (const auto service = number(fields[8])) e.upstream_service_time_ms = *service;
  e.x_forwarded_for = text(fields[9]);
  e.user_agent = text(fields[10]);
  e.request_id = text(fields[11]);
  e.authority = text(fields[12]);
  e.upstream_host = fields[13];
  e.upstream_cluster = fields[14];
  e.upstream_local_address = text(fields[15]);
  e.downstream_local = text(fields[16]);
  e.downstream_remote = text(fields[17]);
  e.requested_server_name = fields[18];
  e.route_name = text(fields[19]);
  if (e.protocol == "-") {
    e.request_protocol = e.upstream_host != "-" ? RequestProtocol::kTcp : RequestProtocol::kNone;
  } else {
    e.request_protocol = RequestProtocol::kHttp;
  }
  return e;
}

}  // namespace gatesim::observability
