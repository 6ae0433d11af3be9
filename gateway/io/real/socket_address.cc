#include "gateway/io/real/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace gatesim::io::real {

bool to_sockaddr(const Address& address, sockaddr_storage* out, socklen_t* length) {
  std::memset(out, 0, sizeof(*out));
  if (address.is_v6()) {
    auto* a = reinterpret_cast<sockaddr_in6*>(out);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(address.port);
    if (inet_pton(AF_INET6, address.ip.c_str(), &a->sin6_addr) != 1) return false;
    *length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(out);
    a->sin_family = AF_INET;
    a->sin_port = htons(address.port);
    if (inet_pton(AF_INET, address.ip.c_str(), &a->sin_addr) != 1) return false;
    *length = sizeof(sockaddr_in);
  }
  return true;
}

Address from_sockaddr(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->sa_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    return Address{text, ntohs(a->sin6_port)};
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(address);
  inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
  return Address{text, ntohs(a->sin_port)};
}

Address local_address_of(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return {};
  return from_sockaddr(reinterpret_cast<sockaddr*>(&storage));
}

Address peer_address_of(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof(storage);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return {};
  return from_sockaddr(reinterpret_cast<sockaddr*>(&storage));
}

}  // namespace gatesim::io::real
