#pragma once

#include <sys/socket.h>

#include <optional>

#include "gateway/io/address.h"

namespace gatesim::io::real {

// Conversions between io::Address and the kernel's socket addresses.
bool to_sockaddr(const Address& address, sockaddr_storage* out, socklen_t* length);
Address from_sockaddr(const sockaddr* address);
Address local_address_of(int fd);
Address peer_address_of(int fd);

}  // namespace gatesim::io::real
