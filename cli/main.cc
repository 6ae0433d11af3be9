// gatesim: one executable, one subcommand per job. Subcommands appear here as the
// layers that implement them land; none is a placeholder.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/calibrate_command.h"
#include "cli/conform_command.h"
#include "cli/merge_command.h"
#include "cli/plan_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/validate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"gatesim: an Istio-style ingress gateway engine, its simulator and conformance suite"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gatesim 0.1.0");

  gatesim::cli::ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check Istio Gateway/VirtualService/DestinationRule/ServiceEntry YAML (files or directories)");
  validate_cmd->add_option("paths", validate.paths, "YAML files or directories; - reads standard input")->required();
  validate_cmd->add_option("-n,--namespace", validate.default_namespace,
                           "namespace for resources that name none (kubectl's context default)");
  validate_cmd->add_option("-o,--output", validate.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  validate_cmd->add_flag("-q,--quiet", validate.quiet_info, "hide info-level notes");
  validate_cmd->add_flag("-s,--snapshot", validate.show_snapshot,
                         "also print what the gateway will serve: listeners, SNI chains, routes, clusters");

  gatesim::cli::ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the gateway on real sockets from Istio YAML");
  serve_cmd->add_option("-c,--config", serve.config_paths, "Istio YAML files or directories")->required();
  serve_cmd->add_option("--admin", serve.admin_address, "admin address (HOST:PORT) serving /ready, /stats and /stats/prometheus");
  serve_cmd->add_option("--listen-ip", serve.listen_ip, "address Gateway ports bind to unless a server sets `bind`");
  serve_cmd->add_option("--key-log", serve.key_log_path, "append TLS secrets in NSS key log format to this file");
  serve_cmd->add_option("--drain-seconds", serve.drain_seconds, "longest drain after SIGTERM")
      ->check(CLI::Range(0.0, 3600.0));
  serve_cmd->add_option("--seed", serve.seed, "seed of the engine's random choices (0: from the OS)");
  serve_cmd->add_option("--inbound", serve.inbound,
                        "sidecar inbound listener HOST:PORT=LISTEN_PORT[/DETECTION_TIMEOUT] (repeatable)");
  serve_cmd->add_option("--misdirected-requests", serve.misdirected_requests,
                        "coalescing mode of Gateways without the gatesim.io/misdirected-requests annotation")
      ->check(CLI::IsMember({"istio", "strict"}));
  serve_cmd->add_flag("--no-access-log", [&serve](std::int64_t) { serve.access_log = false; }, "do not print access logs");
  serve_cmd->add_option("--workers", serve.workers,
                        "worker threads, each with its own event loop, engine and upstream pools (default 1)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const bool digits = !text.empty() && text.size() <= 3 && text.find_first_not_of("0123456789") == std::string::npos;
            if (digits && std::stoi(text) >= 1 && std::stoi(text) <= 256) return "";
            return "expected a whole number of worker threads from 1 to 256, got \"" + text + "\"";
          },
          "1..256"));
  serve_cmd->add_option("--balance", serve.balance,
                        "how connections reach workers: kernel (SO_REUSEPORT hash, default) or exact (least connections)")
      ->check(CLI::IsMember({"kernel", "exact"}));

  gatesim::cli::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario in the simulator (ns-3) and summarise it");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("--seed", run.seed, "seed (default: the scenario's)");
  run_cmd->add_option("--out", run.out_dir, "output folder (default: runs/<name>-<seed>)");
  run_cmd->add_flag("--pcap", run.pcap, "write a pcap per link end (Wireshark decrypts TLS with keylog.txt)");
  run_cmd->add_flag("--real", run.real,
                    "run on this machine's loopback (real sockets, wall time, no link emulation) instead of ns-3");

  gatesim::cli::ConformOptions conform;
  CLI::App* conform_cmd =
      app.add_subcommand("conform", "Score the gateway against the conformance spec by running every scenario in the simulator");
  conform_cmd->add_option("--scenarios", conform.scenarios_dir, "scenario folder (searched recursively)")
      ->check(CLI::ExistingDirectory);
  conform_cmd->add_option("--spec", conform.spec_dir, "conformance spec folder (one YAML file per profile)")
      ->check(CLI::ExistingDirectory);
  conform_cmd->add_option("--profile", conform.profiles, "only this profile (repeatable)");
  conform_cmd->add_option("--filter", conform.filter, "only scenarios whose name or requirement ids match this regex");
  conform_cmd->add_option("-j,--jobs", conform.jobs, "scenarios run at once, each in its own process (default: cores)")
      ->check(CLI::Range(1, 256));
  conform_cmd->add_option("--junit", conform.junit_path, "write JUnit XML (one test case per requirement and scenario)");
  conform_cmd->add_option("--json", conform.json_path, "write the scorecard as JSON");
  conform_cmd->add_option("--report", conform.report_path, "write a Markdown (.md) or HTML (.html) report");
  conform_cmd->add_option("--gateway-api-report", conform.gateway_api_path,
                          "write a Gateway API ConformanceReport (YAML)");
  conform_cmd->add_flag("--real", conform.real,
                        "also run every scenario that needs no link emulation on loopback sockets and report whether "
                        "each verdict matches the simulator's");
  // Hidden, test-only: shows the suite catches a gateway without the 421 rule.
  conform_cmd->add_option("--test-break", conform.test_break, "")
      ->check(CLI::IsMember({"misdirected-421"}))
      ->group("");

  gatesim::cli::PlanOptions plan;
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "Capacity planning: sweep gateway cores x offered load in the simulator and find the load each core count sustains under an SLO");
  plan_cmd->add_option("scenario", plan.scenario, "scenario YAML file with an open-loop load client")
      ->required()
      ->check(CLI::ExistingFile);
  plan_cmd->add_option("--cores", plan.cores, "gateway worker counts, e.g. 1,2,4")->required();
  plan_cmd->add_option("--rps", plan.rps, "offered requests per second: start:stop:step (1000:20000:1000) or a list (500,1000,2000)")
      ->required();
  plan_cmd->add_option("--slo", plan.slo, "objective a point must meet: pNN<DURATION and errors<N% terms joined by commas (default errors<1%)");
  plan_cmd->add_option("--out", plan.out_dir, "write plan.csv, plan.json and plan.svg here (with --shard: the shard file)");
  plan_cmd->add_option("--seed", plan.seed, "seed of every point (default: the scenario's)");
  plan_cmd->add_option("--client", plan.client, "the open-loop load client to drive (default: all, sharing the rate as the scenario does)");
  plan_cmd->add_option("--warmup", plan.warmup,
                       "leave the first DURATION of the load window out of every measurement (connection set-up; default 0s)");
  plan_cmd->add_option("-j,--jobs", plan.jobs, "points run at once, each in its own process (default: cores; 1 per rank under mpirun)")
      ->check(CLI::Range(1, 256));
  plan_cmd->add_option("--shard", plan.shard, "run only shard K of N (points i with i mod N = K) and write its shard file to --out");
  plan_cmd->add_option("--format", plan.format, "standard output: table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  plan_cmd->add_flag("--progress", plan.progress, "show the progress bar on stderr even when it is not a terminal");

  gatesim::cli::MergeOptions merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "Merge the shard files of a `gatesim plan --shard` sweep into its plan.csv, plan.json and plan.svg");
  merge_cmd->add_option("shards", merge.shard_files, "shard files (plan-shard-K-of-N.json), all N of them")
      ->required()
      ->check(CLI::ExistingFile);
  merge_cmd->add_option("--out", merge.out_dir, "output folder")->required();
  merge_cmd->add_option("--format", merge.format, "standard output: table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  gatesim::cli::CalibrateOptions calibrate;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "Time the real engine on this machine for each unit of work and write a CPU cost profile");
  calibrate_cmd->add_option("--out", calibrate.out_path, "write the cost profile here (default: print it)");
  CLI::Option* seconds_opt = calibrate_cmd->add_option("--seconds", calibrate.seconds,
                                                       "wall time aimed at per repetition of each workload (default 1.5)")
                                 ->check(CLI::Range(0.1, 600.0));
  CLI::Option* repeat_opt = calibrate_cmd->add_option("--repeat", calibrate.repetitions,
                                                      "repetitions of each workload; the median counts (default 5)")
                                ->check(CLI::Range(1, 50));
  calibrate_cmd->add_flag("--quick", calibrate.quick, "one short repetition each (a few seconds): a smoke test, not a measurement")
      ->excludes(seconds_opt)
      ->excludes(repeat_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version and 106/109... for usage errors; we promise 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (validate_cmd->parsed()) return gatesim::cli::run_validate(validate);
  if (serve_cmd->parsed()) return gatesim::cli::run_serve(serve);
  if (run_cmd->parsed()) return gatesim::cli::run_scenario_command(run);
  if (conform_cmd->parsed()) return gatesim::cli::run_conform(conform);
  if (plan_cmd->parsed()) return gatesim::cli::run_plan(plan);
  if (merge_cmd->parsed()) return gatesim::cli::run_merge(merge);
  if (calibrate_cmd->parsed()) {
    std::string command_line = "gatesim";
    for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
    return gatesim::cli::run_calibrate(calibrate, command_line);
  }
  return 2;
}
