#include "sim/plan/shard_file.h"

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/plan/number_format.h"
#include "sim/plan/result_json.h"

namespace gatesim::plan {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "gatesim-plan-shard/1";
constexpr std::size_t kMaxShardBytes = 256u << 20;  // far above any sweep; stops a wrong file being slurped

}  // namespace

std::string shard_json(const SweepDefinition& sweep, const Shard& shard, const std::vector<PointResult>& points) {
  json list = json::array();
  for (const PointResult& p : points) list.push_back(point_to_json(p));
  const json out{{"format", kFormat},
                 {"sweep", sweep_to_json(sweep)},
                 {"shard", {{"index", shard.index}, {"count", shard.count}}},
                 {"points", list}};
  return out.dump(1) + "\n";
}

std::string shard_file_name(const Shard& shard) {
  return "plan-shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".json";
}

bool parse_shard_json(const std::string& text, const std::string& origin, ShardFile* shard, std::string* error) {
  shard->origin = origin;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    *error = origin + ": not JSON (" + e.what() + ")";
    return false;
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat) {
    *error = origin + ": not a gatesim plan shard (\"format\": \"" + kFormat + "\" expected)";
    return false;
  }
  if (!j.contains("sweep")) {
    *error = origin + ": sweep: missing";
    return false;
  }
  if (!sweep_from_json(j["sweep"], origin, &shard->sweep, error)) return false;
  const json& s = j.contains("shard") ? j["shard"] : json();
  if (!s.is_object() || !s.contains("index") || !s.contains("count") || !s["index"].is_number_unsigned() ||
      !s["count"].is_number_unsigned() || s["count"].get<std::uint64_t>() < 1 ||
      s["index"].get<std::uint64_t>() >= s["count"].get<std::uint64_t>() || s["count"].get<std::uint64_t>() > 1000000) {
    *error = origin + ": shard: expected {\"index\": K, \"count\": N} with 0 <= K < N";
    return false;
  }
  shard->shard.index = s["index"].get<int>();
  shard->shard.count = s["count"].get<int>();
  if (!j.contains("points") || !j["points"].is_array()) {
    *error = origin + ": points: missing or not a list";
    return false;
  }
  shard->points.clear();
  for (std::size_t i = 0; i < j["points"].size(); ++i) {
    PointResult p;
    if (!point_from_json(j["points"][i], origin + ": points[" + std::to_string(i) + "]", &p, error)) return false;
    shard->points.push_back(std::move(p));
  }
  return true;
}

bool read_shard_file(const std::string& path, ShardFile* shard, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot be read";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxShardBytes) {
    *error = path + ": larger than 256 MiB, not a shard file";
    return false;
  }
  return parse_shard_json(text.str(), path, shard, error);
}

bool merge_shards(const std::vector<ShardFile>& shards, SweepDefinition* sweep, std::vector<PointResult>* points,
                  std::string* error) {
  if (shards.empty()) {
    *error = "no shard files";
    return false;
  }
  const ShardFile& first = shards.front();
  std::map<int, const ShardFile*> by_index;
  for (const ShardFile& s : shards) {
    if (const std::string diff = sweep_difference(first.sweep, s.sweep); !diff.empty()) {
      *error = s.origin + " is from another sweep than " + first.origin + ": " + diff;
      return false;
    }
    if (s.shard.count != first.shard.count) {
      *error = s.origin + " is shard " + s.shard.text() + " but " + first.origin + " is shard " + first.shard.text() +
               ": the sweep was split differently";
      return false;
    }
    if (const auto [it, fresh] = by_index.emplace(s.shard.index, &s); !fresh) {
      *error = s.origin + " and " + it->second->origin + " are both shard " + s.shard.text();
      return false;
    }
  }
  if (static_cast<int>(shards.size()) != first.shard.count) {
    std::string absent;
    for (int k = 0; k < first.shard.count; ++k) {
      if (by_index.count(k) == 0) absent += (absent.empty() ? "" : ", ") + std::to_string(k);
    }
    *error = "shard(s) " + absent + " of " + std::to_string(first.shard.count) + " missing (" +
             std::to_string(shards.size()) + " given)";
    return false;
  }
  const std::vector<SweepPoint> expected = sweep_points(first.sweep);
  std::vector<const PointResult*> seen(expected.size(), nullptr);
  points->clear();
  for (const ShardFile& s : shards) {
    for (const PointResult& p : s.points) {
      const std::string which = s.origin + ": point " + std::to_string(p.index);
      if (p.index >= expected.size()) {
        *error = which + " is beyond the sweep's " + std::to_string(expected.size()) + " points";
        return false;
      }
      if (!s.shard.holds(p.index)) {
        *error = which + " belongs to shard " + std::to_string(p.index % static_cast<std::size_t>(s.shard.count)) +
                 ", not " + s.shard.text();
        return false;
      }
      if (seen[p.index] != nullptr) {
        *error = which + " appears twice";
        return false;
      }
      const SweepPoint& e = expected[p.index];
      if (p.cores != e.cores || p.offered_rps != e.rps) {
        *error = which + " is cores " + std::to_string(p.cores) + " at " + format_number(p.offered_rps) +
                 " req/s; the sweep has cores " + std::to_string(e.cores) + " at " + format_number(e.rps) + " req/s there";
        return false;
      }
      seen[p.index] = &p;
      points->push_back(p);
    }
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (seen[i] == nullptr) {
      *error = "point " + std::to_string(i) + " (cores " + std::to_string(expected[i].cores) + ", " +
               format_number(expected[i].rps) + " req/s) is in no shard: " +
               by_index[static_cast<int>(i % static_cast<std::size_t>(first.shard.count))]->origin + " lacks it";
      return false;
    }
  }
  *sweep = first.sweep;
  return true;
}

}  // namespace gatesim::plan
