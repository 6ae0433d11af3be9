#include "gateway/upstream/outlier_detector.h"

#include <algorithm>

namespace gatesim::upstream {

OutlierDetector::OutlierDetector(OutlierSettings settings, io::TimePoint start)
    : settings_(std::move(settings)), start_(start) {}

void OutlierDetector::set_hosts(const std::vector<std::optional<std::size_t>>& previous) {
  std::vector<HostState> next(previous.size());
  for (std::size_t i = 0; i < previous.size(); ++i) {
    if (previous[i] && *previous[i] < hosts_.size()) next[i] = hosts_[*previous[i]];
  }
  hosts_ = std::move(next);
}

std::size_t OutlierDetector::ejected_count() const {
  return static_cast<std::size_t>(std::count_if(hosts_.begin(), hosts_.end(), [](const HostState& h) { return h.ejected; }));
}

bool OutlierDetector::may_eject() const {
  const std::size_t ejected = ejected_count();
  if (ejected == 0) return true;  // "will eject at least one host regardless of the value"
  return 100.0 * static_cast<double>(ejected + 1) / static_cast<double>(hosts_.size()) <=
         static_cast<double>(settings_.max_ejection_percent);
}

void OutlierDetector::eject(HostState& host, io::TimePoint now) {
  host.ejected = true;
  host.ejected_at = now;
  ++host.times_ejected;
  ++ejections_total_;
  host.consecutive_5xx = 0;
  host.consecutive_gateway = 0;
}

OutlierDetector::Result OutlierDetector::report(std::size_t index, std::optional<int> status, io::TimePoint now) {
  if (index >= hosts_.size()) return Result::kNone;
  HostState& host = hosts_[index];
  const bool server_error = !status || *status >= 500;
  const bool gateway_error = !status || *status == 502 || *status == 503 || *status == 504;
  if (!server_error) {
    host.consecutive_5xx = 0;
    host.consecutive_gateway = 0;
    return Result::kNone;
  }
  ++host.consecutive_5xx;
  if (gateway_error) {
    ++host.consecutive_gateway;
  } else {
    host.consecutive_gateway = 0;
  }
  if (host.ejected) return Result::kNone;
  const bool by_5xx = settings_.consecutive_5xx > 0 && host.consecutive_5xx >= settings_.consecutive_5xx;
  const bool by_gateway =
      settings_.consecutive_gateway_errors > 0 && host.consecutive_gateway >= settings_.consecutive_gateway_errors;
  if (!by_5xx && !by_gateway) return Result::kNone;
  if (!may_eject()) {
    // Envoy resets the streak it could not act on, so the next failure starts a new count.
    host.consecutive_5xx = 0;
    host.consecutive_gateway = 0;
    return Result::kNone;
  }
  eject(host, now);
  return Result::kEjected;
}

std::vector<std::size_t> OutlierDetector::tick(io::TimePoint now) {
  std::vector<std::size_t> returned;
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    HostState& host = hosts_[i];
    if (host.ejected) {
      const io::Duration period =
          std::min(settings_.base_ejection_time * host.times_ejected,
                   std::max(settings_.max_ejection_time, settings_.base_ejection_time));
      if (now - host.ejected_at >= period) {
        host.ejected = false;
        returned.push_back(i);
      }
    } else if (host.times_ejected > 0) {
      --host.times_ejected;
    }
  }
  return returned;
}

std::optional<io::TimePoint> OutlierDetector::next_tick(io::TimePoint now) const {
  const bool work = std::any_of(hosts_.begin(), hosts_.end(),
                                [](const HostState& h) { return h.ejected || h.times_ejected > 0; });
  if (!work) return std::nullopt;
  const auto interval = settings_.interval.count();
  const auto elapsed = (now - start_).count();
  return start_ + io::Duration((elapsed / interval + 1) * interval);
}

}  // namespace gatesim::upstream
