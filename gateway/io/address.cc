#include "gateway/io/address.h"

#include <arpa/inet.h>

namespace gatesim::io {

std::string Address::to_string() const {
  return (is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::optional<Address> parse_address(std::string_view text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (host.empty()) host = "0.0.0.0";
  unsigned char buffer[16];
  const bool v6 = host.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), buffer) != 1) return std::nullopt;
  if (port_text.empty() || port_text.size() > 5) return std::nullopt;
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return Address{host, static_cast<std::uint16_t>(port)};
}

}  // namespace gatesim::io
