#pragma once

#include <string>
#include <string_view>

#include "gateway/http/message.h"

namespace gatesim::http {

// HTTP/1.1 message syntax on the way out (RFC 9112 sections 3, 4 and 5). The codecs always
// speak HTTP/1.1: a server or proxy sends its own version, whatever the peer used (RFC 9110 6.2).

std::string_view reason_phrase(int status);  // "" for codes without a registered phrase

void append_status_line(std::string& out, int status);
void append_request_line(std::string& out, std::string_view method, std::string_view target);
void append_field(std::string& out, std::string_view name, std::string_view value);
void append_end_of_fields(std::string& out);

enum class FieldSection { kRequest, kResponse, kTrailers };

// The application's end-to-end fields. Skips what the codec owns (hop-by-hop fields and the ones
// the list's own Connection nominates, content-length, transfer-encoding, host for requests),
// h2 pseudo-fields, and any field whose name is not a token or whose value holds CR, LF or NUL:
// written out, those would split the message (response splitting, RFC 9110 5.5).
void append_end_to_end_fields(std::string& out, const HeaderList& fields, FieldSection section);

// A complete response the codec writes on its own for a request it cannot accept: a short
// text body and "connection: close" (the connection is dropped after it).
std::string local_error_reply(int status);

// The request-target of a request line: origin-form "/path?query", "*", or absolute-form.
// Whitespace or controls in it would break the request line.
bool is_writable_request_target(std::string_view target);

}  // namespace gatesim::http
