#include "sim/calibrate/unit_fit.h"

#include <cmath>

namespace gatesim::calibrate {
namespace {

// Least squares min |A x - b| by Householder QR (A is m x n, m >= n, full column rank);
// false when a column is (numerically) dependent on the others.
bool least_squares(std::vector<std::vector<double>> a, std::vector<double> b, std::vector<double>* x) {
  const std::size_t m = a.size(), n = a.empty() ? 0 : a[0].size();
  for (std::size_t k = 0; k < n; ++k) {
    double norm = 0;
    for (std::size_t i = k; i < m; ++i) norm += a[i][k] * a[i][k];
    norm = std::sqrt(norm);
    if (norm < 1e-12) return false;
    const double alpha = a[k][k] > 0 ? -norm : norm;
    std::vector<double> v(m, 0.0);
    for (std::size_t i = k; i < m; ++i) v[i] = a[i][k];
    v[k] -= alpha;
    double vv = 0;
    for (std::size_t i = k; i < m; ++i) vv += v[i] * v[i];
    if (vv < 1e-300) continue;
    for (std::size_t j = k; j < n; ++j) {
      double dot = 0;
      for (std::size_t i = k; i < m; ++i) dot += v[i] * a[i][j];
      const double f = 2 * dot / vv;
      for (std::size_t i = k; i < m; ++i) a[i][j] -= f * v[i];
    }
    double dot = 0;
    for (std::size_t i = k; i < m; ++i) dot += v[i] * b[i];
    const double f = 2 * dot / vv;
    for (std::size_t i = k; i < m; ++i) b[i] -= f * v[i];
  }
  x->assign(n, 0.0);
  for (std::size_t k = n; k-- > 0;) {
    if (std::fabs(a[k][k]) < 1e-9) return false;
    double s = b[k];
    for (std::size_t j = k + 1; j < n; ++j) s -= a[k][j] * (*x)[j];
    (*x)[k] = s / a[k][k];
  }
  return true;
}

}  // namespace

bool fit_unit_prices(const std::vector<WorkloadMeasurement>& workloads, UnitFit* fit, std::string* error, double share) {
  const std::size_t units = io::kWorkKinds;
  std::size_t fitted = 0;
  for (const WorkloadMeasurement& w : workloads) fitted += w.fitted ? 1 : 0;
  if (fitted < units) {
    *error = "need at least " + std::to_string(units) + " workloads for " + std::to_string(units) + " prices, have " +
             std::to_string(fitted);
    return false;
  }
  // Columns are scaled to a largest entry of 1 (counts run from a few thousand handshakes to
  // billions of bytes); rows are divided by their own CPU time (relative errors).
  std::array<double, io::kWorkKinds> scale{};
  for (const WorkloadMeasurement& w : workloads) {
    if (!w.fitted) continue;
    if (!(w.cpu_ns > 0)) {
      *error = "workload " + w.name + " measured no CPU time";
      return false;
    }
    for (std::size_t u = 0; u < units; ++u) scale[u] = std::max(scale[u], w.units[u] / w.cpu_ns);
  }
  for (std::size_t u = 0; u < units; ++u) {
    if (!(scale[u] > 0)) {
      *error = "no workload exercised " + std::string(io::to_string(static_cast<io::Work>(u)));
      return false;
    }
  }
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  for (const WorkloadMeasurement& w : workloads) {
    if (!w.fitted) continue;
    std::vector<double> row(units);
    for (std::size_t u = 0; u < units; ++u) row[u] = w.units[u] / w.cpu_ns / scale[u];
    a.push_back(std::move(row));
    b.push_back(1.0);
  }
  std::vector<double> x;
  if (!least_squares(a, b, &x)) {
    *error = "the workloads do not separate the units of work (their unit counts are linearly dependent)";
    return false;
  }
  for (std::size_t u = 0; u < units; ++u) fit->price_ns[u] = x[u] / scale[u];
  fit->predicted_ns.clear();
  for (auto& list : fit->determined_by) list.clear();
  for (const WorkloadMeasurement& w : workloads) {
    double predicted = 0;
    for (std::size_t u = 0; u < units; ++u) predicted += w.units[u] * fit->price_ns[u];
    fit->predicted_ns.push_back(predicted);
    if (!w.fitted) continue;
    for (std::size_t u = 0; u < units; ++u) {
      if (predicted > 0 && w.units[u] * fit->price_ns[u] >= share * predicted) fit->determined_by[u].push_back(w.name);
    }
  }
  std::string bad;
  for (std::size_t u = 0; u < units; ++u) {
    if (!(fit->price_ns[u] > 0)) bad += (bad.empty() ? "" : ", ") + std::string(io::to_string(static_cast<io::Work>(u)));
  }
  if (!bad.empty()) {
    *error = "the fit gives a price <= 0 for " + bad +
             ": the measurements are too noisy to separate it (a busy machine, or too short a run: try more --seconds)";
    return false;
  }
  return true;
}

}  // namespace gatesim::calibrate
