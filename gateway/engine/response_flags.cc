#include "gateway/engine/response_flags.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace gatesim::engine {
namespace {

// Envoy's order (source/common/stream_info/utility.h, ALL_RESPONSE_STRINGS_FLAGS).
constexpr std::array<std::string_view, 27> kOrder = {
    "LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL", "UAEX", "RLSE",
    "DC", "URX", "SI", "IH", "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC", "OM", "DF"};

std::size_t rank(std::string_view flag) {
  const auto it = std::find(kOrder.begin(), kOrder.end(), flag);
  return static_cast<std::size_t>(it - kOrder.begin());
}

}  // namespace

void add_response_flag(std::string& flags, const std::string& flag) {
  if (flag.empty() || flag == "-") return;
  std::vector<std::string> list;
  if (flags != "-" && !flags.empty()) {
    std::size_t start = 0;
    while (start <= flags.size()) {
      const std::size_t comma = flags.find(',', start);
      list.push_back(flags.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (std::find(list.begin(), list.end(), flag) != list.end()) return;
  list.push_back(flag);
  std::stable_sort(list.begin(), list.end(),
                   [](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  flags.clear();
  for (const std::string& f : list) flags += (flags.empty() ? "" : ",") + f;
}

}  // namespace gatesim::engine
