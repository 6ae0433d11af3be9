#include "cli/calibrate_command.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/calibrate/calibration.h"
#include "sim/cpu/cost_profile.h"

namespace gatesim::cli {
namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Three significant digits: repetitions and runs differ by a few percent, more digits would be noise.
double significant3(double value) {
  if (!(value > 0)) return value;
  const double step = std::pow(10.0, std::floor(std::log10(value)) - 2);
  return std::round(value / step) * step;
}

// Never exponent notation.
std::string price_text(double ns) {
  ns = significant3(ns);
  const int decimals = ns >= 100 ? 0 : ns >= 10 ? 1 : ns >= 1 ? 2 : 3;
  return fixed(ns, decimals);
}

// Signed, one decimal, and never "-0.0%".
std::string percent(double value) {
  if (std::fabs(value) < 0.05) value = 0;
  return (value >= 0 ? "+" : "") + fixed(value, 1) + "%";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}
std::string pad_left(std::string text, std::size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

std::string prices_table(const calibrate::CalibrationResult& r) {
  std::ostringstream out;
  out << pad("unit", 22) << pad_left("price (ns)", 12) << "  determined by (workloads where it is >= 10% of the CPU)\n";
  for (int u = 0; u < io::kWorkKinds; ++u) {
    std::string by;
    for (const std::string& name : r.fit.determined_by[static_cast<std::size_t>(u)]) by += (by.empty() ? "" : ", ") + name;
    out << pad(std::string(io::to_string(static_cast<io::Work>(u))), 22)
        << pad_left(price_text(r.fit.price_ns[static_cast<std::size_t>(u)]), 12) << "  " << (by.empty() ? "-" : by) << "\n";
  }
  return out.str();
}

// How well the linear model holds: each workload's CPU re-predicted from the fitted prices.
std::string residuals_table(const calibrate::CalibrationResult& r) {
  std::ostringstream out;
  out << pad("workload", 25) << pad_left("CPU (ms)", 10) << pad_left("predicted", 11) << pad_left("error", 8)
      << pad_left("reps spread", 13) << pad_left("waited", 8) << "\n";
  for (std::size_t i = 0; i < r.workloads.size(); ++i) {
    const calibrate::WorkloadResult& w = r.workloads[i];
    const double measured = w.median.cpu_ns, predicted = r.fit.predicted_ns[i];
    double lo = measured, hi = measured;
    for (double x : w.repetition_ns) lo = std::min(lo, x), hi = std::max(hi, x);
    const double error = (predicted - measured) / measured * 100;
    out << pad(w.name + (w.median.fitted ? "" : " *"), 25) << pad_left(fixed(measured / 1e6, 1), 10) << pad_left(fixed(predicted / 1e6, 1), 11)
        << pad_left(percent(error), 8)
        << pad_left(w.repetition_ns.size() > 1 ? fixed((hi - lo) / measured * 100, 1) + "%" : "-", 13)
        << pad_left(fixed(w.runqueue_wait_ns / measured * 100, 0) + "%", 8) << "\n";
  }
  return out.str();
}

std::string residuals_comment(const calibrate::CalibrationResult& r) {
  std::ostringstream out;
  out << "Fit residuals (predicted vs measured gateway CPU per workload):";
  for (std::size_t i = 0; i < r.workloads.size(); ++i) {
    const double measured = r.workloads[i].median.cpu_ns;
    const double error = (r.fit.predicted_ns[i] - measured) / measured * 100;
    out << (i % 3 == 0 ? "\n  " : ", ") << r.workloads[i].name << (r.workloads[i].median.fitted ? " " : " (cross-check) ")
        << percent(error);
  }
  return out.str();
}

}  // namespace

int run_calibrate(const CalibrateOptions& options, const std::string& command_line) {
  if (!options.out_path.empty()) {
    const std::filesystem::path parent = std::filesystem::absolute(options.out_path).parent_path();
    std::string why;
    if (!std::filesystem::is_directory(parent)) {
      why = "no folder " + parent.string();
    } else if (std::filesystem::is_directory(options.out_path)) {
      why = "is a folder";
    } else if (::access(parent.c_str(), W_OK) != 0) {
      why = "folder " + parent.string() + " is not writable";
    }
    if (!why.empty()) {
      std::cerr << "gatesim calibrate: --out " << options.out_path << ": " << why << "\n";
      return 2;
    }
  }
  const std::string missing = calibrate::missing_tools();
  if (!missing.empty()) {
    std::cerr << "gatesim calibrate: missing tools:\n" << missing;
    return 2;
  }
  calibrate::CalibrationOptions run;
  run.seconds = options.seconds;
  run.repetitions = options.repetitions;
  run.quick = options.quick;
  run.progress = [](const std::string& line) { std::cerr << "calibrate: " << line << std::endl; };
  std::cerr << "calibrate: timing the engine on loopback; other load on this machine disturbs the result "
               "(CPU time is measured, not wall time, but caches and frequency are shared)"
            << std::endl;
  calibrate::CalibrationResult result;
  std::string error;
  if (!calibrate::run_calibration(run, &result, &error)) {
    std::cerr << "gatesim calibrate: " << error << "\n";
    return 1;
  }

  std::cout << prices_table(result) << "\n" << residuals_table(result);
  std::cout << "(error: prices' prediction vs measured, 0.0% where a workload alone carries a unit; * a cross-check,\n"
               " not used to fit the prices; reps spread: (max - min) / median CPU of the repetitions;\n"
               " waited: time the gateway was ready to run but had no core, vs its CPU time)\n";
  std::cout << "calibration took " << fixed(result.wall_seconds, 0) << " s\n";

  std::size_t fitted = 0;
  for (const calibrate::WorkloadResult& w : result.workloads) fitted += w.median.fitted ? 1 : 0;
  sim::CostProfile profile;
  profile.source = options.out_path.empty() ? "calibrate" : options.out_path;
  profile.machine = result.machine;
  profile.machine["method"] =
      "gatesim calibrate: the engine of one gatesim serve worker (no access log) on loopback, nginx backend, "
      "h2load and Python peers as clients; gateway CPU from /proc/PID/task/*/schedstat, " +
      std::string(options.quick ? "one quick repetition" : "median of " + std::to_string(options.repetitions) +
                                                                " repetitions of about " + fixed(options.seconds, 1) + " s") +
      " per workload; prices by least squares on relative error over " + std::to_string(fitted) + " workloads, " +
      std::to_string(result.workloads.size() - fitted) + " more as cross-checks";
  // How disturbed the measurement was: CPU time inflates when other processes share the cores.
  std::vector<double> waited;
  for (const calibrate::WorkloadResult& w : result.workloads) waited.push_back(w.runqueue_wait_ns / w.median.cpu_ns * 100);
  std::sort(waited.begin(), waited.end());
  std::string loadavg;
  std::getline(std::ifstream("/proc/loadavg"), loadavg);
  profile.machine["contention"] = "the gateway waited for a core " + fixed(waited[waited.size() / 2], 0) +
                                  "% of its CPU time (median over workloads); /proc/loadavg at the end: " + loadavg;
  for (int u = 0; u < io::kWorkKinds; ++u) {
    const double ns = significant3(result.fit.price_ns[static_cast<std::size_t>(u)]);
    profile.picoseconds[static_cast<std::size_t>(u)] = static_cast<std::uint64_t>(std::llround(ns * 1000.0));
  }
  const std::string header = "Measured by `" + command_line + "` on " + result.machine["date"] + " (" +
                             fixed(result.wall_seconds, 0) + " s), see README \"Calibrating the CPU model\".\n" +
                             residuals_comment(result);
  const std::string text = sim::format_cost_profile(profile, header);
  std::string parse_error;
  if (!sim::parse_cost_profile(text, profile.source, &parse_error)) {
    std::cerr << "gatesim calibrate: the profile written does not parse back: " << parse_error << "\n";
    return 1;
  }
  if (options.out_path.empty()) {
    std::cout << "\n" << text;
    return 0;
  }
  std::ofstream out(options.out_path);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "gatesim calibrate: --out " << options.out_path << ": write failed\n";
    return 2;
  }
  std::cout << "wrote " << options.out_path << "\n";
  return 0;
}

}  // namespace gatesim::cli
