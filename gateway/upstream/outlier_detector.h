#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/io/runtime.h"
#include "gateway/upstream/upstream_settings.h"

namespace gatesim::upstream {

// Envoy's consecutive-error outlier detection for one cluster, as plain state over time
// (no timers of its own: the cluster calls tick() at the instants next_tick() names), so
// its arithmetic is testable by hand.
//   - A response is 5xx, or a local-origin failure (connect failure, reset, timeout) counts
//     as one, because Istio leaves split_external_local_origin_errors off; any other response
//     resets the host's streak.
//   - consecutive_5xx / consecutive_gateway_errors (502, 503, 504 and local failures) in a
//     row eject the host at once (inline, not at the interval), unless that would take the
//     ejected share above max_ejection_percent — one host may always be ejected.
//   - An ejected host comes back at the first interval tick after base_ejection_time x (times
//     ejected) has passed (capped at max_ejection_time); each tick with the host healthy
//     lowers that multiplier again.
//   - Ticks fall on the grid start + k * interval, start being when the cluster was built.
class OutlierDetector {
 public:
  OutlierDetector(OutlierSettings settings, io::TimePoint start);

  // Hosts are identified by index. When the cluster's host list changes, `previous[i]` names
  // the old index of new host i (nullopt: a new host), so kept hosts keep their state.
  void set_hosts(const std::vector<std::optional<std::size_t>>& previous);
  enum class Result { kNone, kEjected };
  // `status` is the HTTP status of a real upstream response; nullopt is a local-origin failure.
  Result report(std::size_t host, std::optional<int> status, io::TimePoint now);
  // Returns the hosts brought back into service.
  std::vector<std::size_t> tick(io::TimePoint now);
  // When tick() next has work (an ejected host, or a multiplier to lower); nullopt: never.
  std::optional<io::TimePoint> next_tick(io::TimePoint now) const;

  bool ejected(std::size_t host) const { return hosts_[host].ejected; }
  std::size_t ejected_count() const;
  std::uint64_t ejections_total() const { return ejections_total_; }
  const OutlierSettings& settings() const { return settings_; }

 private:
  struct HostState {
    std::uint32_t consecutive_5xx = 0;
    std::uint32_t consecutive_gateway = 0;
    std::uint32_t times_ejected = 0;  // Envoy's ejection multiplier
    bool ejected = false;
    io::TimePoint ejected_at{};
  };
  bool may_eject() const;
  void eject(HostState& host, io::TimePoint now);

  OutlierSettings settings_;
  io::TimePoint start_;
  std::vector<HostState> hosts_;
  std::uint64_t ejections_total_ = 0;
};

}  // namespace gatesim::upstream
