#include "sim/plan/file_digest.h"

#include <fstream>
#include <sstream>

#include "sim/core/sha256.h"

namespace gatesim::plan {

std::string file_sha256(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot be read";
    return "";
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return sim::sha256_hex(bytes.str());
}

}  // namespace gatesim::plan
