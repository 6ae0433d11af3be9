#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatesim::io {

// An IP endpoint as text ("10.0.0.1", "::1") and port. Both runtimes speak it; each turns it
// into its own socket address.
struct Address {
  std::string ip;
  std::uint16_t port = 0;

  bool operator==(const Address& other) const { return ip == other.ip && port == other.port; }
  bool is_v6() const { return ip.find(':') != std::string::npos; }
  std::string to_string() const;  // "10.0.0.1:80", "[::1]:443"
};

// "1.2.3.4:80", "[::1]:80", ":80" (all IPv4 addresses) -> Address; nullopt when malformed.
std::optional<Address> parse_address(std::string_view text);

}  // namespace gatesim::io
