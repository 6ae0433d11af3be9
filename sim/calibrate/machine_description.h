#pragma once

#include <map>
#include <string>

namespace gatesim::calibrate {

// The `machine` block of a measured cost profile: what the prices were measured on, so a
// reader can judge whether they transfer to another machine. Keys: cpu (model name from
// /proc/cpuinfo), cores, kernel (uname), openssl, nghttp2, gatesim (version and the git commit
// it was built from, when known), build (CMake build type), date (UTC).
std::map<std::string, std::string> describe_machine();

}  // namespace gatesim::calibrate
