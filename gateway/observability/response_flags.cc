#include "gateway/observability/response_flags.h"

#include <algorithm>
#include <array>
#include <vector>

namespace gatesim::observability {
namespace {

// Envoy's CoreResponseFlag values in bit order (envoy/stream_info/stream_info.h).
constexpr std::array<std::string_view, 29> kEnvoyOrder = {
    "LH", "UH", "UT",    "LR",   "UR",   "UF", "UC",  "UO", "NR", "DI", "FI", "RL", "UAEX", "RLSE", "DC",
    "URX", "SI", "IH", "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC", "OM", "DF", "DO",  "DR"};

std::size_t rank(std::string_view flag) {
  return static_cast<std::size_t>(std::find(kEnvoyOrder.begin(), kEnvoyOrder.end(), flag) - kEnvoyOrder.begin());
}

}  // namespace

std::string with_response_flag(std::string_view flags, std::string_view flag) {
  std::vector<std::string_view> list;
  if (!flags.empty() && flags != "-") {
    for (std::size_t start = 0; start <= flags.size();) {
      const std::size_t comma = std::min(flags.find(',', start), flags.size());
      list.push_back(flags.substr(start, comma - start));
      start = comma + 1;
    }
  }
  if (!flag.empty() && flag != "-" && std::find(list.begin(), list.end(), flag) == list.end()) list.push_back(flag);
  if (list.empty()) return "-";
  // Stable: flags Envoy does not know keep the order they came in, after the known ones.
  std::stable_sort(list.begin(), list.end(), [](std::string_view a, std::string_view b) { return rank(a) < rank(b); });
  std::string out;
  for (std::string_view f : list) {
    if (!out.empty()) out += ',';
    out += f;
  }
  return out;
}

}  // namespace gatesim::observability
