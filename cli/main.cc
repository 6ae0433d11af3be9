// gatesim: one executable, one subcommand per job. Subcommands appear here as the
// layers that implement them land; none is a placeholder.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/conform_command.h"
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
  return 2;
}
