#include "gateway/http/http1_wire_writer.h"

#include "gateway/http/http1_field_syntax.h"
#include "gateway/http/http1_hop_by_hop.h"

namespace gatesim::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";  // the reason-phrase may be empty (RFC 9112 4)
  }
}

void append_status_line(std::string& out, int status) {
  if (status < 100 || status > 999) status = 500;  // a status-code is exactly three digits (RFC 9112 4)
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
}

void append_request_line(std::string& out, std::string_view method, std::string_view target) {
  out += method;
  out += ' ';
  out += target;
  out += " HTTP/1.1\r\n";
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_end_of_fields(std::string& out) { out += "\r\n"; }

void append_end_to_end_fields(std::string& out, const HeaderList& fields, FieldSection section) {
  // The model promises lowercase names; the application may still slip in "Content-Length".
  const ConnectionOptions options = parse_connection_options(fields);
  for (const HeaderField& field : fields) {
    const std::string name = to_lowercase(field.name);
    if (!is_token(name) || !is_field_value(field.value)) continue;
    if (name == "content-length" || (name == "host" && section != FieldSection::kResponse)) continue;
    if (name == "te" && section == FieldSection::kRequest) {
      // Only "te: trailers" is end to end (see strip_hop_by_hop); forward exactly that.
      if (equals_ignore_case(trim_ows(field.value), "trailers")) append_field(out, name, "trailers");
      continue;
    }
    if (is_hop_by_hop_name(name)) continue;
    bool nominated = false;
    for (const std::string& option : options.nominated) nominated = nominated || option == name;
    if (nominated) continue;
    append_field(out, name, trim_ows(field.value));
  }
}

std::string local_error_reply(int status) {
  std::string body(reason_phrase(status));
  body += '\n';
  std::string out;
  append_status_line(out, status);
  append_field(out, "content-type", "text/plain");
  append_field(out, "content-length", std::to_string(body.size()));
  append_field(out, "connection", "close");
  append_end_of_fields(out);
  out += body;
  return out;
}

bool is_writable_request_target(std::string_view target) {
  if (target.empty()) return false;
  for (char ch : target) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;  // request-target is visible ASCII only (RFC 9112 3.2)
  }
  return true;
}

}  // namespace gatesim::http
