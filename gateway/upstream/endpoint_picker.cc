#include "gateway/upstream/endpoint_picker.h"

namespace gatesim::upstream {

const config::RouteTarget* pick_target(const std::vector<config::RouteTarget>& targets, io::Rng& rng) {
  if (targets.empty()) return nullptr;
  if (targets.size() == 1) return &targets.front();
  std::uint64_t total = 0;
  for (const config::RouteTarget& t : targets) total += t.weight;
  if (total == 0) return &targets.front();
  std::uint64_t draw = rng.below(total);
  for (const config::RouteTarget& t : targets) {
    if (draw < t.weight) return &t;
    draw -= t.weight;
  }
  return &targets.back();
}

std::optional<std::string> cluster_from_sni(const std::string& sni) {
  // outbound_.9080_.v1_.reviews.default.svc.cluster.local
  const std::string prefix = "outbound_.";
  if (sni.rfind(prefix, 0) != 0) return std::nullopt;
  const std::size_t port_end = sni.find("_.", prefix.size());
  if (port_end == std::string::npos) return std::nullopt;
  const std::size_t subset_end = sni.find("_.", port_end + 2);
  if (subset_end == std::string::npos) return std::nullopt;
  const std::string port = sni.substr(prefix.size(), port_end - prefix.size());
  const std::string subset = sni.substr(port_end + 2, subset_end - port_end - 2);
  const std::string host = sni.substr(subset_end + 2);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || host.empty()) return std::nullopt;
  return "outbound|" + port + "|" + subset + "|" + host;
}

}  // namespace gatesim::upstream
