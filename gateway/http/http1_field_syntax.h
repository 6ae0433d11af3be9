#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatesim::http {

// Field syntax shared by the HTTP/1.x parser side and the serialiser side (RFC 9110 5.1, 5.5,
// 5.6). Parsing validates with these so that nothing the serialiser would refuse can enter the
// model; serialising validates again because heads also come from h2 and the application.

bool is_token(std::string_view s);        // 1*tchar (RFC 9110 5.6.2); field names and methods
bool is_field_value(std::string_view s);  // no CTL but HTAB, no DEL (RFC 9110 5.5)
std::string_view trim_ows(std::string_view s);
std::string to_lowercase(std::string_view s);
bool equals_ignore_case(std::string_view a, std::string_view b);  // ASCII only, as field syntax is

// The elements of a comma-separated list field (RFC 9110 5.6.1): OWS trimmed, empty elements
// dropped, as recipients must accept "a, , b".
std::vector<std::string_view> split_list(std::string_view value);

}  // namespace gatesim::http
