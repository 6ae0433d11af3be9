#include "sim/calibrate/machine_description.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

#include <nghttp2/nghttp2.h>
#include <openssl/crypto.h>

#include "sim/calibrate/build_info.h"

namespace gatesim::calibrate {

std::map<std::string, std::string> describe_machine() {
  std::map<std::string, std::string> m;
  std::ifstream cpuinfo("/proc/cpuinfo");
  int processors = 0;
  for (std::string line; std::getline(cpuinfo, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "processor") ++processors;
    if (key == "model name" && m.count("cpu") == 0) m["cpu"] = value;
    if (key == "cpu MHz" && m.count("cpu_mhz") == 0) m["cpu_mhz"] = value;
  }
  if (m.count("cpu") == 0) m["cpu"] = "unknown (no model name in /proc/cpuinfo)";
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  m["cores"] = std::to_string(online > 0 ? online : processors);
  struct utsname u {};
  if (uname(&u) == 0) m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.version + " " + u.machine;
  m["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  m["nghttp2"] = nghttp2_version(0)->version_str;
  m["gatesim"] = std::string(kGatesimVersion) + " (commit " + kGatesimCommit + ")";
  m["build"] = kGatesimBuildType;
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  m["date"] = date;
  return m;
}

}  // namespace gatesim::calibrate
