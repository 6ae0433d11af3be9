// gatesim: one executable, one subcommand per job. Subcommands appear here as the
// layers that implement them land; none is a placeholder.
#include <iostream>

#include <CLI/CLI.hpp>

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version and 106/109... for usage errors; we promise 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (validate_cmd->parsed()) return gatesim::cli::run_validate(validate);
  return 2;
}
