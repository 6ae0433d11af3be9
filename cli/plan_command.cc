#include "cli/plan_command.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "gateway/config/field_reader.h"
#include "sim/plan/file_digest.h"
#include "sim/plan/mpi_session.h"
#include "sim/plan/number_format.h"
#include "sim/plan/plan_outputs.h"
#include "sim/plan/progress_bar.h"
#include "sim/plan/shard_file.h"
#include "sim/plan/sweep_axes.h"
#include "sim/plan/sweep_runner.h"

namespace gatesim::cli {
namespace {

namespace fs = std::filesystem;

// Without --slo a point only has to answer: fewer than 1% of requests without a 2xx.
constexpr const char* kDefaultSlo = "errors<1%";

struct PreparedSweep {
  sim::Scenario scenario;
  plan::SweptLoad load;
  plan::SweepDefinition sweep;
  std::optional<plan::Shard> shard;
};

// Everything that can be wrong with the command line or the scenario, found before any point
// runs. "" when the sweep can start.
std::string prepare(const PlanOptions& options, bool under_mpi, PreparedSweep* out) {
  std::string error;
  out->sweep.cores = plan::parse_cores(options.cores, &error);
  if (!error.empty()) return error;
  out->sweep.rps = plan::parse_rps(options.rps, &error);
  if (!error.empty()) return error;
  out->sweep.slo = plan::parse_slo(options.slo.value_or(kDefaultSlo), &error);
  if (!error.empty()) return error;
  const auto warmup = config::parse_duration(options.warmup);
  if (!warmup || warmup->count() < 0) return "--warmup \"" + options.warmup + "\": not a duration (200ms, 1s)";
  if (!options.shard.empty()) {
    if (under_mpi) return "--shard: not under mpirun, where every rank already runs one shard (rank r of N: r/N)";
    out->shard = plan::parse_shard(options.shard, &error);
    if (!error.empty()) return error;
    if (options.out_dir.empty()) return "--shard " + options.shard + " needs --out DIR: the shard file is written there";
  }
  if (!options.out_dir.empty()) {
    // Found now rather than after an hour of simulation.
    std::error_code ec;
    fs::create_directories(options.out_dir, ec);
    if (ec || ::access(options.out_dir.c_str(), W_OK) != 0) {
      return "--out " + options.out_dir + ": cannot write there" + (ec ? " (" + ec.message() + ")" : "");
    }
  }
  config::Diagnostics diagnostics;
  out->scenario = sim::load_scenario(options.scenario, diagnostics);
  if (diagnostics.has_errors()) {
    for (const config::Diagnostic& d : diagnostics.items()) {
      if (d.severity == config::Severity::kError) error += (error.empty() ? "" : "\n") + d.format();
    }
    return error;
  }
  out->load = plan::select_swept_load(out->scenario, options.client, *warmup, &error);
  if (!error.empty()) return error;
  out->sweep.scenario_sha256 = plan::file_sha256(options.scenario, &error);
  if (!error.empty()) return error;
  out->sweep.scenario_name = out->scenario.name;
  out->sweep.seed = options.seed.value_or(out->scenario.seed);
  out->sweep.client = options.client;
  out->sweep.warmup_ns = warmup->count();
  return "";
}

// Points that did not run, one line per distinct reason. False when there were any.
bool report_point_errors(const std::vector<plan::PointResult>& points, const char* command) {
  std::map<std::string, std::vector<std::size_t>> by_error;
  for (const plan::PointResult& p : points) {
    if (!p.error.empty()) by_error[p.error].push_back(p.index);
  }
  for (const auto& [error, indexes] : by_error) {
    const plan::PointResult& first =
        *std::find_if(points.begin(), points.end(), [&](const plan::PointResult& p) { return p.index == indexes.front(); });
    std::cerr << "gatesim " << command << ": " << indexes.size() << " point(s) did not run, the first "
              << plan::cores_text(first.cores) << " at " << plan::format_number(first.offered_rps) << " req/s: " << error
              << "\n";
  }
  return by_error.empty();
}

// Written to a temporary name and renamed: whoever waits for shard files (a merge job polling
// a shared volume) never reads half of one.
bool write_text(const std::string& path, const std::string& text, std::string* error) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::binary);
  out << text;
  out.close();
  if (!out || (fs::rename(partial, path, ec), ec)) {
    *error = "cannot write " + path;
    fs::remove(partial, ec);
    return false;
  }
  return true;
}

}  // namespace

int publish_plan(const plan::SweepDefinition& sweep, std::vector<plan::PointResult> points, const std::string& out_dir,
                 const std::string& format, const char* command) {
  if (!report_point_errors(points, command)) return 2;
  const plan::PlanReport report = plan::build_report(sweep, std::move(points));
  std::cout << plan::plan_output(report, format) << std::flush;
  std::string error;
  if (!out_dir.empty() && !plan::write_plan_files(report, out_dir, &error)) {
    std::cerr << "gatesim " << command << ": " << error << "\n";
    return 2;
  }
  return 0;
}

namespace {

// The ranks agree before any point runs: one that cannot prepare (a file missing on its node)
// stops them all, and rank 0 reports each distinct problem once. Collective.
bool ranks_ready(const plan::MpiSession& mpi, const std::string& problem) {
  const std::vector<std::string> problems = mpi.gather(problem);
  bool all_ready = true;
  std::vector<std::string> reported;
  for (std::size_t r = 0; r < problems.size(); ++r) {
    if (problems[r].empty()) continue;
    all_ready = false;
    if (std::find(reported.begin(), reported.end(), problems[r]) != reported.end()) continue;
    reported.push_back(problems[r]);
    std::cerr << "gatesim plan: rank " << r << ": " << problems[r] << "\n";
  }
  return mpi.broadcast(all_ready);
}

// Rank 0 of an MPI run: the ranks' results, checked and merged as shard files are, then the
// same outputs as a single run. Other ranks only contribute theirs.
int gather_and_publish(const plan::MpiSession& mpi, const PreparedSweep& prepared,
                       const std::vector<plan::PointResult>& results, const PlanOptions& options) {
  const std::vector<std::string> shards = mpi.gather(plan::shard_json(prepared.sweep, *prepared.shard, results));
  if (mpi.rank() != 0) return 0;
  std::vector<plan::ShardFile> parsed(shards.size());
  std::string error;
  plan::SweepDefinition sweep;
  std::vector<plan::PointResult> points;
  for (std::size_t r = 0; r < shards.size() && error.empty(); ++r) {
    plan::parse_shard_json(shards[r], "rank " + std::to_string(r), &parsed[r], &error);
  }
  if (error.empty()) plan::merge_shards(parsed, &sweep, &points, &error);
  if (!error.empty()) {
    std::cerr << "gatesim plan: gathering the ranks' results: " << error << "\n";
    return 2;
  }
  return publish_plan(sweep, std::move(points), options.out_dir, options.format, "plan");
}

int write_shard(const PreparedSweep& prepared, const std::vector<plan::PointResult>& results, std::size_t all_points,
                const std::string& out_dir) {
  if (!report_point_errors(results, "plan")) return 2;
  const std::string path = (fs::path(out_dir) / plan::shard_file_name(*prepared.shard)).string();
  std::string error;
  if (!write_text(path, plan::shard_json(prepared.sweep, *prepared.shard, results), &error)) {
    std::cerr << "gatesim plan: " << error << "\n";
    return 2;
  }
  std::cout << "shard " << prepared.shard->text() << ": " << results.size() << " of " << all_points << " points -> "
            << path << "\n";
  return 0;
}

}  // namespace

int run_plan(const PlanOptions& options) {
  const std::unique_ptr<plan::MpiSession> mpi = plan::MpiSession::start_if_launched();
  const bool root = mpi == nullptr || mpi->rank() == 0;
  PreparedSweep prepared;
  const std::string problem = prepare(options, mpi != nullptr, &prepared);
  if (mpi) {
    if (!ranks_ready(*mpi, problem)) return 2;
    prepared.shard = plan::Shard{mpi->rank(), mpi->size()};
  } else if (!problem.empty()) {
    std::cerr << "gatesim plan: " << problem << "\n";
    return 2;
  }

  const std::vector<plan::SweepPoint> all = plan::sweep_points(prepared.sweep);
  const std::vector<plan::SweepPoint> mine = prepared.shard ? plan::shard_points(all, *prepared.shard) : all;
  // Under mpirun the ranks already fill the cores (-np), so each runs one point at a time unless told.
  const int jobs = options.jobs > 0 ? options.jobs
                   : mpi           ? 1
                                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<plan::PointResult> results;
  {
    plan::ProgressBar bar(mine.size(), root && (options.progress || plan::ProgressBar::stderr_is_terminal()));
    std::cout.flush();  // forked workers must not inherit (and lose) pending output
    results = plan::run_sweep_points(prepared.scenario, prepared.load, prepared.sweep, mine, jobs,
                                     [&bar](const plan::PointResult& p, std::size_t finished, std::size_t) {
                                       bar.advance(finished, plan::cores_text(p.cores) + " at " +
                                                                 plan::format_number(p.offered_rps) + " req/s");
                                     });
  }

  if (mpi) return gather_and_publish(*mpi, prepared, results, options);
  if (prepared.shard) return write_shard(prepared, results, all.size(), options.out_dir);
  return publish_plan(prepared.sweep, std::move(results), options.out_dir, options.format, "plan");
}

}  // namespace gatesim::cli
