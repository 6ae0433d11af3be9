#include "sim/calibrate/unit_fit.h"

#include <cmath>

#include <catch2/catch.hpp>

using gatesim::calibrate::fit_unit_prices;
using gatesim::calibrate::UnitFit;
using gatesim::calibrate::WorkloadMeasurement;
using gatesim::io::kWorkKinds;

namespace {

// Workloads shaped like calibrate's: each mostly one unit, with some of the others mixed in.
std::vector<WorkloadMeasurement> synthetic(const std::array<double, kWorkKinds>& prices, double noise) {
  std::vector<WorkloadMeasurement> rows;
  for (int main = 0; main < kWorkKinds + 3; ++main) {
    WorkloadMeasurement w;
    w.name = "w" + std::to_string(main);
    for (int u = 0; u < kWorkKinds; ++u) w.units[u] = (u == main % kWorkKinds ? 1e6 : 1e3 * (1 + (u * 7 + main) % 5)) / prices[u];
    for (int u = 0; u < kWorkKinds; ++u) w.cpu_ns += w.units[u] * prices[u];
    w.cpu_ns *= 1 + noise * ((main % 3) - 1);
    rows.push_back(w);
  }
  return rows;
}

const std::array<double, kWorkKinds> kPrices = {150000, 900000, 120000, 1.4, 9000, 600, 8000, 25000, 0.5};

}  // namespace

TEST_CASE("the fit recovers the prices that generated noiseless workloads") {
  UnitFit fit;
  std::string error;
  REQUIRE(fit_unit_prices(synthetic(kPrices, 0), &fit, &error));
  for (int u = 0; u < kWorkKinds; ++u) CHECK(fit.price_ns[u] == Approx(kPrices[u]).epsilon(1e-6));
  for (double p : fit.predicted_ns) CHECK(p > 0);
  // Each workload is mostly its own unit: that unit is determined by it.
  CHECK(fit.determined_by[0] == std::vector<std::string>{"w0", "w9"});
}

TEST_CASE("the fit stays close under a few percent of noise and reports the residuals") {
  UnitFit fit;
  std::string error;
  const auto rows = synthetic(kPrices, 0.03);
  REQUIRE(fit_unit_prices(rows, &fit, &error));
  for (int u = 0; u < kWorkKinds; ++u) CHECK(fit.price_ns[u] == Approx(kPrices[u]).epsilon(0.06));
  double worst = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) worst = std::max(worst, std::abs(fit.predicted_ns[i] / rows[i].cpu_ns - 1));
  CHECK(worst > 0);  // noise shows up as residuals, smaller than the noise itself
  CHECK(worst < 0.03);
}

TEST_CASE("a cross-check workload is predicted but does not move the prices") {
  UnitFit fit;
  std::string error;
  auto rows = synthetic(kPrices, 0);
  WorkloadMeasurement check = rows[0];
  check.name = "check";
  check.cpu_ns *= 1.5;  // the model misses half of it again
  check.fitted = false;
  rows.push_back(check);
  REQUIRE(fit_unit_prices(rows, &fit, &error));
  for (int u = 0; u < kWorkKinds; ++u) CHECK(fit.price_ns[u] == Approx(kPrices[u]).epsilon(1e-6));
  REQUIRE(fit.predicted_ns.size() == rows.size());
  CHECK(fit.predicted_ns.back() / check.cpu_ns == Approx(1 / 1.5));
  for (const auto& list : fit.determined_by) {
    for (const std::string& name : list) CHECK(name != "check");
  }
}

TEST_CASE("the fit refuses workloads that cannot separate the units") {
  UnitFit fit;
  std::string error;
  auto rows = synthetic(kPrices, 0);
  rows.resize(5);
  CHECK_FALSE(fit_unit_prices(rows, &fit, &error));
  CHECK(error == "need at least 9 workloads for 9 prices, have 5");

  rows = synthetic(kPrices, 0);
  for (auto& w : rows) w.units[8] = 0;  // no TCP workload
  CHECK_FALSE(fit_unit_prices(rows, &fit, &error));
  CHECK(error == "no workload exercised tcp_byte");

  rows = synthetic(kPrices, 0);
  for (auto& w : rows) w.units[2] = w.units[0];  // Ed25519 handshakes always come with as many ECDSA ones
  CHECK_FALSE(fit_unit_prices(rows, &fit, &error));
  CHECK(error.find("linearly dependent") != std::string::npos);
}

TEST_CASE("the fit refuses a price that comes out negative instead of writing it") {
  UnitFit fit;
  std::string error;
  auto rows = synthetic(kPrices, 0);
  // The only workloads that carry upstream connects measured far less CPU than their other units need.
  for (auto& w : rows) {
    if (w.name == "w7") w.cpu_ns *= 0.01;
  }
  for (auto& w : rows) {
    if (w.name != "w7") w.units[7] = 0;
  }
  CHECK_FALSE(fit_unit_prices(rows, &fit, &error));
  CHECK(error.find("price <= 0 for upstream_connect") != std::string::npos);
}
