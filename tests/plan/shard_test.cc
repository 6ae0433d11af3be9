// --shard K/N and merging shards: every point runs in exactly one shard, and shards that do
// not make up one sweep are refused with the first inconsistency.
#include <catch2/catch.hpp>

#include "sim/plan/shard_file.h"

using namespace gatesim::plan;

namespace {

SweepDefinition small_sweep() {
  SweepDefinition s;
  s.scenario_name = "knee";
  s.scenario_sha256 = std::string(64, 'a');
  s.seed = 7;
  s.cores = {1, 2};
  s.rps = {100, 200, 400};
  std::string error;
  s.slo = parse_slo("p99<50ms", &error);
  return s;
}

PointResult result_for(const SweepPoint& p) {
  PointResult r;
  r.index = p.index;
  r.cores = p.cores;
  r.offered_rps = p.rps;
  r.requests = r.ok = r.answered = 100;
  r.window_ns = 1000000000;
  r.latency_ns = {{"p50", 1000}, {"p90", 2000}, {"p99", 3000}};
  r.max_latency_ns = 4000;
  return r;
}

// The N shard files of `sweep`, as plan --shard would write them, read back.
std::vector<ShardFile> shards_of(const SweepDefinition& sweep, int n) {
  std::vector<ShardFile> out;
  for (int k = 0; k < n; ++k) {
    const Shard shard{k, n};
    std::vector<PointResult> results;
    for (const SweepPoint& p : shard_points(sweep_points(sweep), shard)) results.push_back(result_for(p));
    ShardFile file;
    std::string error;
    REQUIRE(parse_shard_json(shard_json(sweep, shard, results), "shard" + std::to_string(k) + ".json", &file, &error));
    out.push_back(file);
  }
  return out;
}

std::string merge_error(const std::vector<ShardFile>& shards) {
  SweepDefinition sweep;
  std::vector<PointResult> points;
  std::string error;
  CHECK_FALSE(merge_shards(shards, &sweep, &points, &error));
  return error;
}

std::string shard_error(const std::string& text) {
  std::string error;
  parse_shard(text, &error);
  return error;
}

}  // namespace

TEST_CASE("plan shards: K/N parses and bad text is a precise error", "[plan]") {
  std::string error;
  const Shard s = parse_shard("2/5", &error);
  CHECK(error.empty());
  CHECK((s.index == 2 && s.count == 5));
  CHECK(shard_error("5/5") == "--shard \"5/5\": K must be below N (shards are 0..4)");
  CHECK(shard_error("0/0") == "--shard \"0/0\": N must be at least 1");
  CHECK(shard_error("1") == "--shard \"1\": expected K/N, shard K (counted from 0) of N, such as 0/4");
  CHECK(shard_error("-1/3") == "--shard \"-1/3\": expected K/N, shard K (counted from 0) of N, such as 0/4");
  CHECK(shard_error("a/b") == "--shard \"a/b\": expected K/N, shard K (counted from 0) of N, such as 0/4");
  CHECK(shard_error("1/3/4") == "--shard \"1/3/4\": expected K/N, shard K (counted from 0) of N, such as 0/4");
  CHECK(shard_error("") == "--shard \"\": expected K/N, shard K (counted from 0) of N, such as 0/4");
}

TEST_CASE("plan shards: round-robin partition runs every point exactly once", "[plan]") {
  const std::vector<SweepPoint> points = sweep_points(small_sweep());
  REQUIRE(points.size() == 6);
  CHECK((points[4].cores == 2 && points[4].rps == 200));  // cores-major order
  for (int n : {1, 2, 3, 4, 7}) {
    std::vector<int> seen(points.size(), 0);
    for (int k = 0; k < n; ++k) {
      for (const SweepPoint& p : shard_points(points, Shard{k, n})) ++seen[p.index];
    }
    CHECK(seen == std::vector<int>(points.size(), 1));
  }
  CHECK(shard_points(points, Shard{1, 3}).size() == 2);
  CHECK(shard_points(points, Shard{6, 7}).empty());  // more shards than points: some are empty
}

TEST_CASE("plan shards: the shards of one sweep merge back into every point", "[plan]") {
  SweepDefinition sweep;
  std::vector<PointResult> points;
  std::string error;
  auto shards = shards_of(small_sweep(), 3);
  std::swap(shards[0], shards[2]);  // any order
  REQUIRE(merge_shards(shards, &sweep, &points, &error));
  CHECK(sweep_difference(sweep, small_sweep()).empty());
  CHECK(points.size() == 6);
}

TEST_CASE("plan shards: shards that are not one whole sweep are refused precisely", "[plan]") {
  auto shards = shards_of(small_sweep(), 3);
  CHECK(merge_error({}) == "no shard files");
  CHECK(merge_error({shards[0], shards[2]}) == "shard(s) 1 of 3 missing (2 given)");
  CHECK(merge_error({shards[0], shards[1], shards[1]}) == "shard1.json and shard1.json are both shard 1/3");

  SweepDefinition other = small_sweep();
  other.seed = 8;
  auto foreign = shards_of(other, 3);
  CHECK(merge_error({shards[0], foreign[1], shards[2]}) == "shard1.json is from another sweep than shard0.json: seed 7 vs 8");
  other = small_sweep();
  other.scenario_sha256 = std::string(64, 'b');
  foreign = shards_of(other, 3);
  CHECK(merge_error({shards[0], shards[1], foreign[2]}) ==
        "shard2.json is from another sweep than shard0.json: scenario knee (sha256 aaaaaaaaaaaa) vs knee (sha256 bbbbbbbbbbbb)");
  other = small_sweep();
  other.rps = {100, 200, 800};
  foreign = shards_of(other, 3);
  CHECK(merge_error({shards[0], shards[1], foreign[2]}) ==
        "shard2.json is from another sweep than shard0.json: rps 100,200,400 vs 100,200,800");
  other = small_sweep();
  std::string error;
  other.slo = parse_slo("p99<60ms", &error);
  foreign = shards_of(other, 3);
  CHECK(merge_error({foreign[0], shards[1], shards[2]}) ==
        "shard1.json is from another sweep than shard0.json: slo p99<60ms vs p99<50ms");
  other = small_sweep();
  other.warmup_ns = 200000000;
  foreign = shards_of(other, 3);
  CHECK(merge_error({shards[0], foreign[1], shards[2]}) ==
        "shard1.json is from another sweep than shard0.json: warmup 0ns vs 200000000ns");
  const auto halves = shards_of(small_sweep(), 2);
  CHECK(merge_error({shards[0], halves[1], shards[2]}) ==
        "shard1.json is shard 1/2 but shard0.json is shard 0/3: the sweep was split differently");

  auto tampered = shards;
  tampered[1].points.pop_back();
  CHECK(merge_error(tampered) == "point 4 (cores 2, 200 req/s) is in no shard: shard1.json lacks it");
  tampered = shards;
  tampered[1].points.push_back(tampered[0].points[0]);
  CHECK(merge_error(tampered) == "shard1.json: point 0 belongs to shard 0, not 1/3");
  tampered = shards;
  tampered[0].points[1].offered_rps = 123;
  CHECK(merge_error(tampered) ==
        "shard0.json: point 3 is cores 2 at 123 req/s; the sweep has cores 2 at 100 req/s there");
  tampered = shards;
  tampered[0].points[1].index = 99;
  CHECK(merge_error(tampered) == "shard0.json: point 99 is beyond the sweep's 6 points");
}

TEST_CASE("plan shards: broken shard files are precise errors", "[plan]") {
  ShardFile file;
  std::string error;
  CHECK_FALSE(parse_shard_json("{", "a.json", &file, &error));
  CHECK(error.rfind("a.json: not JSON (", 0) == 0);
  CHECK_FALSE(parse_shard_json("{\"format\": \"something-else\"}", "a.json", &file, &error));
  CHECK(error == "a.json: not a gatesim plan shard (\"format\": \"gatesim-plan-shard/1\" expected)");
  std::string text = shard_json(small_sweep(), Shard{0, 1}, {result_for(sweep_points(small_sweep())[0])});
  std::string broken = text;
  broken.replace(broken.find("\"seed\": 7"), 9, "\"seed\": \"7\"");
  CHECK_FALSE(parse_shard_json(broken, "a.json", &file, &error));
  CHECK(error == "a.json: sweep.seed: must be a whole number >= 0");
  broken = text;
  broken.replace(broken.find("\"p99\": 3000"), 11, "\"p99\": 3.5");
  CHECK_FALSE(parse_shard_json(broken, "a.json", &file, &error));
  CHECK(error == "a.json: points[0].latency_ns.p99: must be a whole number of nanoseconds");
  broken = text;
  broken.replace(broken.find("\"requests\": 100"), 15, "\"requests\": 10");
  CHECK_FALSE(parse_shard_json(broken, "a.json", &file, &error));
  CHECK(error == "a.json: points[0].ok: more 2xx responses than requests");
  broken = text;
  broken.replace(broken.find("\"slo\": \"p99<50ms\""), 17, "\"slo\": \"p99<<\"");
  CHECK_FALSE(parse_shard_json(broken, "a.json", &file, &error));
  CHECK(error.rfind("a.json: sweep.slo: --slo \"p99<<\"", 0) == 0);
  broken = text;
  broken.replace(broken.find("\"count\": 1"), 10, "\"count\": 0");
  CHECK_FALSE(parse_shard_json(broken, "a.json", &file, &error));
  CHECK(error == "a.json: shard: expected {\"index\": K, \"count\": N} with 0 <= K < N");
  CHECK_FALSE(read_shard_file("/nonexistent/x.json", &file, &error));
  CHECK(error == "/nonexistent/x.json: cannot be read");
}
