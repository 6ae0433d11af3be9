// RAND_set_rand_method is deprecated in OpenSSL 3 but is the mechanism DESIGN.md measured.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "sim/core/deterministic_tls_random.h"

#include <openssl/rand.h>

#include "gateway/io/rng.h"

namespace gatesim::sim {
namespace {

io::Rng& stream() {
  static io::Rng rng(0);
  return rng;
}

int fill(unsigned char* buffer, int length) {
  for (int i = 0; i < length;) {
    std::uint64_t word = stream().next();
    for (int k = 0; k < 8 && i < length; ++k, ++i) {
      buffer[i] = static_cast<unsigned char>(word & 0xFF);
      word >>= 8;
    }
  }
  return 1;
}

int seed_ignored(const void*, int) { return 1; }
int add_ignored(const void*, int, double) { return 1; }
int status_ok() { return 1; }

const RAND_METHOD kMethod = {seed_ignored, fill, nullptr, add_ignored, fill, status_ok};

}  // namespace

void install_deterministic_tls_random(std::uint64_t seed) {
  stream() = io::Rng(seed ^ 0x5EEDC0DE5EEDC0DEULL);
  RAND_set_rand_method(&kMethod);
}

}  // namespace gatesim::sim
