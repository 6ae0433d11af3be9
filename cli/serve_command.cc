#include "cli/serve_command.h"

#include <chrono>
#include <csignal>
#include <optional>
#include <fstream>
#include <iostream>
#include <random>

#include "gateway/config/config_pipeline.h"
#include "gateway/engine/admin_server.h"
#include "gateway/engine/engine.h"
#include "gateway/io/real/event_loop_runtime.h"
#include "gateway/observability/access_log_format.h"

namespace gatesim::cli {
namespace {

// "HOST:PORT=LISTEN_PORT[/TIMEOUT]"
std::optional<config::InboundService> parse_inbound(const std::string& text) {
  const std::size_t eq = text.find('=');
  const std::size_t colon = text.rfind(':', eq);
  if (eq == std::string::npos || colon == std::string::npos || colon == 0) return std::nullopt;
  config::InboundService s;
  s.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1, eq - colon - 1);
  std::string listen = text.substr(eq + 1);
  const std::size_t slash = listen.find('/');
  if (slash != std::string::npos) {
    auto timeout = config::parse_duration(listen.substr(slash + 1));
    if (!timeout || timeout->count() < 0) return std::nullopt;
    s.detection_timeout = *timeout;
    listen.erase(slash);
  }
  auto number = [](const std::string& t) -> std::uint32_t {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos) return 0;
    const unsigned long v = std::stoul(t);
    return v <= 65535 ? static_cast<std::uint32_t>(v) : 0;
  };
  s.port = number(port);
  s.listen_port = number(listen);
  if (s.port == 0 || s.listen_port == 0) return std::nullopt;
  return s;
}

}  // namespace

int run_serve(const ServeOptions& options) {
  config::CompileOptions compile;
  for (const std::string& text : options.inbound) {
    auto inbound = parse_inbound(text);
    if (!inbound) {
      std::cerr << "gatesim serve: --inbound " << text << ": expected HOST:PORT=LISTEN_PORT[/TIMEOUT]\n";
      return 2;
    }
    compile.inbound.push_back(*inbound);
  }
  compile.strict_authority_by_default = options.misdirected_requests == "strict";
  const config::PipelineResult config = config::run_config_pipeline(options.config_paths, {}, compile);
  for (const config::Diagnostic& d : config.diagnostics.items()) {
    if (d.severity != config::Severity::kInfo) std::cerr << d.format() << "\n";
  }
  if (config.unreadable) return 2;
  if (config.diagnostics.has_errors()) {
    std::cerr << "gatesim serve: configuration has errors; serving what compiled, as istiod would\n";
  }

  std::uint64_t seed = options.seed;
  if (seed == 0) seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) | std::random_device{}();
  io::real::EventLoopRuntime runtime(seed);

  std::ofstream key_log;
  engine::EngineOptions engine_options;
  engine_options.listen_ip = options.listen_ip;
  if (options.access_log) {
    engine_options.access_log = [&runtime](const engine::AccessLogEntry& e) {
      // Wall time is allowed here (the CLI is not the engine): the entry's start on the
      // runtime's clock, placed on the wall clock.
      const auto since_epoch = std::chrono::system_clock::now().time_since_epoch() - (runtime.now() - e.start_time);
      const std::string start = observability::format_start_time(std::chrono::duration_cast<io::Duration>(since_epoch));
      std::cout << observability::format_access_log(e, start) << std::endl;
    };
  }
  if (!options.key_log_path.empty()) {
    key_log.open(options.key_log_path, std::ios::app);
    engine_options.key_log = [&key_log](const std::string& line) { key_log << line << "\n" << std::flush; };
  }
  engine::Engine engine(runtime, engine_options);
  std::string problems;
  if (!engine.apply(config.snapshot, &problems)) std::cerr << "gatesim serve: " << problems << "\n";
  if (engine.listening_addresses().empty()) {
    std::cerr << "gatesim serve: no listener could open\n";
    return 2;
  }
  for (const io::Address& a : engine.listening_addresses()) std::cerr << "listening on " << a.to_string() << "\n";

  engine::AdminServer admin(runtime, engine);
  if (!options.admin_address.empty()) {
    auto address = io::parse_address(options.admin_address);
    std::string why;
    if (!address || !admin.listen(*address, &why)) {
      std::cerr << "gatesim serve: admin address " << options.admin_address << ": "
                << (address ? why : "not HOST:PORT") << "\n";
      return 2;
    }
    std::cerr << "admin on " << admin.address().to_string() << "\n";
  }

  bool stopping = false;
  std::function<void()> watch_drain;
  const io::TimePoint give_up_after = io::Duration(static_cast<std::int64_t>(options.drain_seconds * 1e9));
  io::TimePoint drain_started{};
  watch_drain = [&] {
    if (engine.drained() || runtime.now() - drain_started >= give_up_after) {
      runtime.stop();
      return;
    }
    runtime.schedule(std::chrono::milliseconds(20), watch_drain);
  };
  auto drain = [&] {
    if (stopping) return;
    stopping = true;
    std::cerr << "gatesim serve: draining\n";
    drain_started = runtime.now();
    engine.start_drain();
    watch_drain();
  };
  runtime.on_signal(SIGTERM, drain);
  runtime.on_signal(SIGINT, drain);
  std::signal(SIGPIPE, SIG_IGN);
  runtime.run();
  std::cerr << "gatesim serve: stopped\n";
  return 0;
}

}  // namespace gatesim::cli
