// Capacity per core count and the outputs written from it: a planner reads the highest load
// meeting the SLO below the first miss, and the files are pure functions of the results.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sim/plan/plan_outputs.h"

using namespace gatesim::plan;

namespace {

// A sweep of 1 and 2 cores over 4 loads whose p99s are given in ms, row by row.
PlanReport report_of(const std::vector<std::vector<double>>& p99_ms, const std::string& slo_text = "p99<50ms") {
  SweepDefinition s;
  s.scenario_name = "knee";
  s.scenario_sha256 = std::string(64, 'a');
  s.cores = {1, 2};
  s.rps = {1000, 2000, 3000, 4000};
  std::string error;
  s.slo = parse_slo(slo_text, &error);
  std::vector<PointResult> points;
  for (const SweepPoint& p : sweep_points(s)) {
    PointResult r;
    r.index = p.index;
    r.cores = p.cores;
    r.offered_rps = p.rps;
    r.requests = r.ok = r.answered = static_cast<std::uint64_t>(p.rps);
    r.window_ns = 1000000000;
    const auto ns = static_cast<std::int64_t>(p99_ms[p.index / 4][p.index % 4] * 1e6);
    r.latency_ns = {{"p50", ns / 2}, {"p90", ns / 2}, {"p99", ns}};
    r.max_latency_ns = ns;
    r.has_cpu = true;
    r.utilisation_max = p.rps / 4000.0 / p.cores;
    r.utilisation_mean = r.utilisation_max;
    points.push_back(r);
  }
  std::reverse(points.begin(), points.end());  // completion order must not matter
  return build_report(s, points);
}

}  // namespace

TEST_CASE("plan report: capacity is the highest load meeting the SLO below the first miss", "[plan]") {
  const PlanReport r = report_of({{10, 20, 60, 40}, {10, 10, 10, 10}});
  REQUIRE(r.points.front().index == 0);
  CHECK(r.slo_met == std::vector<bool>{true, true, false, true, true, true, true, true});
  REQUIRE(r.capacity.size() == 2);
  CHECK(r.capacity[0].point == std::optional<std::size_t>(1));  // 2000: the pass at 4000 after a miss is noise
  CHECK(r.capacity[0].bounded);
  CHECK(r.capacity[1].point == std::optional<std::size_t>(7));
  CHECK_FALSE(r.capacity[1].bounded);  // the sweep never reached 2 cores' knee
  const std::string table = plan_table(r);
  CHECK(table.find("capacity (highest offered load meeting p99<50ms):\n") != std::string::npos);
  CHECK(table.find("  1 core: 2000 req/s, cpu max 0.500 mean 0.500\n") != std::string::npos);
  CHECK(table.find("  2 cores: at least 4000 req/s, cpu max 0.500 mean 0.500 (no load in the sweep missed the SLO)\n") !=
        std::string::npos);

  const PlanReport none = report_of({{60, 60, 60, 60}, {10, 10, 10, 10}});
  CHECK_FALSE(none.capacity[0].point.has_value());
  CHECK(plan_table(none).find("  1 core: below 1000 req/s (the lowest load misses the SLO)\n") != std::string::npos);
}

TEST_CASE("plan report: CSV, JSON and SVG carry every point and the SLO", "[plan]") {
  const PlanReport r = report_of({{10, 20, 60, 40}, {10, 10, 10, 10}});
  const std::string csv = plan_csv(r);
  CHECK(csv.rfind("cores,offered_rps,achieved_rps,requests,ok,errors,error_percent,p50_ms,p90_ms,p99_ms,max_ms,"
                  "utilisation_max,utilisation_mean,slo_met\n",
                  0) == 0);
  CHECK(csv.find("\n1,3000,3000.000,3000,3000,0,0.0000,30.000,30.000,60.000,60.000,0.7500,0.7500,false\n") !=
        std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 9);

  const auto json = nlohmann::json::parse(plan_json(r));
  CHECK(json["sweep"]["slo"] == "p99<50ms");
  CHECK(json["points"].size() == 8);
  CHECK(json["points"][2]["latency_ms"]["p99"] == 60.0);
  CHECK(json["points"][2]["slo_met"] == false);
  CHECK(json["capacity"][0]["capacity_rps"] == 2000.0);
  CHECK(json["capacity"][1]["bounded"] == false);

  const std::string svg = plan_svg(r);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(svg.find("</svg>\n") == svg.size() - 7);
  CHECK(std::count(svg.begin(), svg.end(), '\n') > 20);
  CHECK(svg.find("<polyline") != std::string::npos);
  CHECK(svg.find(">SLO p99&lt;50ms</text>") != std::string::npos);
  CHECK(svg.find(">1 core</text>") != std::string::npos);
  CHECK(svg.find(">2 cores</text>") != std::string::npos);
  CHECK(svg.find(">offered load (requests per second)</text>") != std::string::npos);
  CHECK(svg.find(">4000</text>") != std::string::npos);  // an x tick at the last load
  // Without a p99 term there is no line to draw, and the rest still is.
  const std::string plain = plan_svg(report_of({{10, 20, 60, 40}, {10, 10, 10, 10}}, "errors<1%"));
  CHECK(plain.find("stroke-dasharray") == std::string::npos);
  CHECK(plain.find("<polyline") != std::string::npos);
}

TEST_CASE("plan report: a point nothing answered shows no latency rather than zero", "[plan]") {
  PlanReport r = report_of({{10, 20, 60, 40}, {10, 10, 10, 10}});
  r.points[3].answered = r.points[3].ok = 0;  // every request timed out
  r = build_report(r.sweep, r.points);
  CHECK_FALSE(r.slo_met[3]);
  CHECK(plan_csv(r).find("\n1,4000,0.000,4000,0,4000,100.0000,,,,,1.0000,1.0000,false\n") != std::string::npos);
  const auto json = nlohmann::json::parse(plan_json(r));
  CHECK(json["points"][3]["latency_ms"]["p99"].is_null());
  CHECK(json["points"][3]["latency_ms"]["max"].is_null());
  CHECK(plan_table(r).find("    1       4000         0.0         -         -         -         -     4000") != std::string::npos);
}
