#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "gateway/engine/engine_options.h"
#include "sim/scenario/gateway_process.h"

namespace gatesim::sim {

// A real `gatesim serve` for a --real run: started on the gateway node's loopback address
// with the scenario's configuration, seed and coalescing mode; its access log (Istio's
// line on stdout) is read back when the run ends and handed to `options.access_log` as if the
// engine had logged in process. drain is SIGTERM (serve drains, then exits); restart is
// SIGKILL and a new process after `down_for`. Live apply has no serve API, so scenarios with
// one are not run for real.
class ServeProcess : public GatewayProcess {
 public:
  struct Config {
    std::string executable;  // gatesim
    std::string config_yaml;  // placeholders already substituted
    // Where the configuration is written (hidden, removed afterwards): certificate paths in it
    // are relative to the scenario file, as the simulator reads them.
    std::string config_dir;
    std::string listen_ip;
    std::uint64_t seed = 1;
    bool strict_mode = false;
    int workers = 1;  // gateway.cpu: serve --workers and --balance as the scenario models them
    bool exact_balance = false;
    std::vector<std::string> inbound;  // serve's --inbound specs
  };
  ServeProcess(io::Runtime& runtime, engine::EngineOptions options, Config config);
  ~ServeProcess() override;

  bool start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) override;
  bool apply(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) override;
  void drain() override;
  void restart(io::Duration down_for, std::function<void(const std::string& problems)> on_started) override;
  void finish() override;

 private:
  bool spawn(std::string* problems);
  void stop(int signal_number);

  io::Runtime& runtime_;
  engine::EngineOptions options_;
  Config config_;
  std::string dir_;         // serve's output
  std::string config_path_;
  std::size_t listeners_ = 0;
  pid_t pid_ = -1;
  int incarnation_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// This executable's path (the `gatesim` that runs conform starts serve from itself).
std::string own_executable();

}  // namespace gatesim::sim
