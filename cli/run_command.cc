#include "cli/run_command.h"

#include <cstdio>
#include <iostream>

#include "sim/scenario/scenario_runner.h"

namespace gatesim::cli {

int run_scenario_command(const RunOptions& options) {
  config::Diagnostics diagnostics;
  const sim::Scenario scenario = sim::load_scenario(options.scenario, diagnostics);
  if (diagnostics.has_errors()) {
    for (const config::Diagnostic& d : diagnostics.items()) std::cerr << d.format() << "\n";
    return 2;
  }
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const std::string out = options.out_dir.empty() ? "runs/" + scenario.name + "-" + std::to_string(seed) : options.out_dir;
  if (options.real) {
    if (const std::string why = sim::real_ineligibility(scenario); !why.empty()) {
      std::cerr << "gatesim run --real: " << options.scenario << " cannot run on loopback: " << why << "\n";
      return 2;
    }
  }
  const sim::RunResult result = options.real ? sim::run_scenario_real(scenario, seed, diagnostics)
                                             : sim::run_scenario(scenario, seed, out, diagnostics, options.pcap);
  for (const config::Diagnostic& d : diagnostics.items()) {
    if (d.severity != config::Severity::kInfo) std::cerr << d.format() << "\n";
  }
  if (!result.ok) return 2;
  std::printf("scenario %s, seed %llu, %.3f s simulated, %llu simulator events\n", scenario.name.c_str(),
              static_cast<unsigned long long>(seed), static_cast<double>(scenario.duration.count()) / 1e9,
              static_cast<unsigned long long>(result.simulator_events));
  std::printf("%-16s %8s %6s  %9s %9s %9s  %s\n", "client", "requests", "conns", "p50 ms", "p90 ms", "p99 ms",
              "outcomes");
  for (const sim::ClientSummary& c : result.clients) {
    std::string outcomes;
    const auto add = [&outcomes](const std::string& what, std::uint64_t count) {
      outcomes += (outcomes.empty() ? "" : ", ") + what + " x" + std::to_string(count);
    };
    for (const auto& [code, count] : c.statuses) {
      if (code != 0) add(std::to_string(code), count);
    }
    for (const auto& [code, count] : c.grpc_statuses) add("grpc-status " + std::to_string(code), count);
    for (const auto& [error, count] : c.errors) add(error, count);
    std::printf("%-16s %8llu %6llu  %9.3f %9.3f %9.3f  %s\n", c.name.c_str(),
                static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.connections), c.p50_ms,
                c.p90_ms, c.p99_ms, outcomes.c_str());
  }
  if (!result.cpu.empty()) {
    std::printf("%-16s %8s %9s %8s %6s %10s\n", "gateway worker", "cpu %", "busy ms", "tasks", "conns", "max queue");
    for (const sim::WorkerUsage& w : result.cpu) {
      std::printf("%-16d %8.1f %9.3f %8llu %6llu %10llu\n", w.worker, 100 * w.utilisation,
                  static_cast<double>(w.busy_ns) / 1e6, static_cast<unsigned long long>(w.tasks),
                  static_cast<unsigned long long>(w.connections), static_cast<unsigned long long>(w.max_queue));
    }
  }
  for (const sim::ScenarioTlsProbe& probe : scenario.tls_probes) {
    for (const sim::TlsOutcome& t : result.tls) {
      if (t.client != probe.name) continue;
      if (t.error.empty()) {
        std::printf("%-16s tls: sni \"%s\" -> certificate %s, alpn %s, %s\n", t.client.c_str(), t.sni.c_str(),
                    t.certificate_subject.c_str(), t.alpn.empty() ? "none" : t.alpn.c_str(), t.version.c_str());
      } else {
        std::printf("%-16s tls: sni \"%s\" -> %s\n", t.client.c_str(), t.sni.c_str(), t.error.c_str());
      }
    }
  }
  for (const sim::TcpProbeOutcome& t : result.tcp) {
    std::printf("%-16s tcp: %s after %.3f ms\n", t.client.c_str(),
                t.error.empty() ? "got what it expected" : t.error.c_str(),
                static_cast<double>((t.done - t.connected).count()) / 1e6);
  }
  if (!options.real) std::printf("trace %s/trace.jsonl sha256 %s\n", out.c_str(), result.trace_sha256.c_str());
  if (scenario.expectations.empty()) return 0;
  // The replay of a conformance failure: the same verdicts `gatesim conform` printed.
  const auto verdicts = sim::evaluate_expectations(scenario.expectations, result.trace);
  std::size_t failed = 0;
  for (const auto& v : verdicts) failed += v.passed ? 0 : 1;
  std::printf("expectations: %zu passed, %zu failed\n", verdicts.size() - failed, failed);
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (verdicts[i].passed) continue;
    const sim::Expectation& x = scenario.expectations[i];
    std::string requirements;
    for (const std::string& r : x.requirements) requirements += (requirements.empty() ? "" : ", ") + r;
    std::printf("  FAILED %s (%s)%s%s\n    expected: %s\n    observed: %s\n", x.id.c_str(), requirements.c_str(),
                x.description.empty() ? "" : ": ", x.description.c_str(), verdicts[i].expected.c_str(),
                verdicts[i].observed.c_str());
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace gatesim::cli
