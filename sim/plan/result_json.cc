#include "sim/plan/result_json.h"

namespace gatesim::plan {
namespace {

using nlohmann::json;

// Reads fields of one JSON object and remembers the first problem, so callers read every
// field in a row and check once.
class FieldCheck {
 public:
  FieldCheck(const json& object, std::string path, std::string* error) : object_(object), path_(std::move(path)), error_(error) {
    if (!object_.is_object()) fail(path_, "not an object");
  }
  bool ok() const { return error_->empty(); }

  const json* get(const std::string& key, bool (json::*is_kind)() const noexcept, const char* expected) {
    if (!ok()) return nullptr;
    const auto it = object_.find(key);
    if (it == object_.end()) return fail(at(key), "missing");
    if (!((*it).*is_kind)()) return fail(at(key), std::string("must be ") + expected);
    return &*it;
  }
  template <class T>
  void unsigned_field(const std::string& key, T* out) {
    if (const json* v = get(key, &json::is_number_unsigned, "a whole number >= 0")) *out = v->get<T>();
  }
  void integer_field(const std::string& key, std::int64_t* out) {
    if (const json* v = get(key, &json::is_number_integer, "a whole number")) *out = v->get<std::int64_t>();
  }
  void number_field(const std::string& key, double* out) {
    if (const json* v = get(key, &json::is_number, "a number")) *out = v->get<double>();
  }
  void string_field(const std::string& key, std::string* out) {
    if (const json* v = get(key, &json::is_string, "a string")) *out = v->get<std::string>();
  }
  void bool_field(const std::string& key, bool* out) {
    if (const json* v = get(key, &json::is_boolean, "true or false")) *out = v->get<bool>();
  }
  const json* array_field(const std::string& key) { return get(key, &json::is_array, "a list"); }
  const json* object_field(const std::string& key) { return get(key, &json::is_object, "an object"); }

  std::nullptr_t fail(const std::string& path, const std::string& why) {
    if (ok()) *error_ = path + ": " + why;
    return nullptr;
  }
  std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  const json& object_;
  std::string path_;
  std::string* error_;
};

}  // namespace

json sweep_to_json(const SweepDefinition& sweep) {
  return json{{"scenario", sweep.scenario_name},
              {"scenario_sha256", sweep.scenario_sha256},
              {"seed", sweep.seed},
              {"client", sweep.client},
              {"warmup_ns", sweep.warmup_ns},
              {"cores", sweep.cores},
              {"rps", sweep.rps},
              {"slo", sweep.slo.text()}};
}

json point_to_json(const PointResult& p) {
  json j{{"index", p.index},           {"cores", p.cores},       {"offered_rps", p.offered_rps},
         {"requests", p.requests},     {"ok", p.ok},             {"answered", p.answered},
         {"window_ns", p.window_ns},   {"latency_ns", p.latency_ns}, {"max_latency_ns", p.max_latency_ns},
         {"has_cpu", p.has_cpu},       {"utilisation_max", p.utilisation_max},
         {"utilisation_mean", p.utilisation_mean}};
  if (!p.error.empty()) j["error"] = p.error;
  return j;
}

bool sweep_from_json(const json& j, const std::string& where, SweepDefinition* sweep, std::string* error) {
  error->clear();
  FieldCheck f(j, "sweep", error);
  f.string_field("scenario", &sweep->scenario_name);
  f.string_field("scenario_sha256", &sweep->scenario_sha256);
  f.unsigned_field("seed", &sweep->seed);
  f.string_field("client", &sweep->client);
  f.integer_field("warmup_ns", &sweep->warmup_ns);
  std::string slo;
  f.string_field("slo", &slo);
  const json* cores = f.array_field("cores");
  const json* rps = f.array_field("rps");
  if (f.ok()) {
    sweep->cores.clear();
    sweep->rps.clear();
    for (std::size_t i = 0; i < cores->size() && f.ok(); ++i) {
      const json& c = (*cores)[i];
      if (!c.is_number_unsigned() || c.get<std::uint64_t>() < 1 || c.get<std::uint64_t>() > 1024) {
        f.fail("sweep.cores[" + std::to_string(i) + "]", "must be a worker count from 1 to 1024");
      } else {
        sweep->cores.push_back(c.get<int>());
      }
    }
    for (std::size_t i = 0; i < rps->size() && f.ok(); ++i) {
      const json& r = (*rps)[i];
      if (!r.is_number() || r.get<double>() <= 0) {
        f.fail("sweep.rps[" + std::to_string(i) + "]", "must be a rate above 0");
      } else {
        sweep->rps.push_back(r.get<double>());
      }
    }
  }
  if (f.ok()) {
    std::string slo_error;
    sweep->slo = parse_slo(slo, &slo_error);
    if (!slo_error.empty()) f.fail("sweep.slo", slo_error);
  }
  if (!f.ok()) *error = where + ": " + *error;
  return f.ok();
}

bool point_from_json(const json& j, const std::string& where, PointResult* p, std::string* error) {
  error->clear();
  FieldCheck f(j, where, error);
  f.unsigned_field("index", &p->index);
  f.unsigned_field("cores", &p->cores);
  f.number_field("offered_rps", &p->offered_rps);
  f.unsigned_field("requests", &p->requests);
  f.unsigned_field("ok", &p->ok);
  f.unsigned_field("answered", &p->answered);
  f.integer_field("window_ns", &p->window_ns);
  f.integer_field("max_latency_ns", &p->max_latency_ns);
  f.bool_field("has_cpu", &p->has_cpu);
  f.number_field("utilisation_max", &p->utilisation_max);
  f.number_field("utilisation_mean", &p->utilisation_mean);
  if (const json* latency = f.object_field("latency_ns")) {
    p->latency_ns.clear();
    for (const auto& [key, value] : latency->items()) {
      if (!value.is_number_integer()) {
        f.fail(f.at("latency_ns." + key), "must be a whole number of nanoseconds");
        break;
      }
      p->latency_ns[key] = value.get<std::int64_t>();
    }
  }
  p->error.clear();
  if (f.ok() && j.contains("error")) f.string_field("error", &p->error);
  if (f.ok() && p->ok > p->requests) f.fail(f.at("ok"), "more 2xx responses than requests");
  return f.ok();
}

}  // namespace gatesim::plan
