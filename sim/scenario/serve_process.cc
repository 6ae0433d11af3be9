#include "sim/scenario/serve_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/observability/access_log_format.h"

namespace gatesim::sim {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

}  // namespace

std::string own_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "gatesim" : path.string();
}

ServeProcess::ServeProcess(io::Runtime& runtime, engine::EngineOptions options, Config config)
    : runtime_(runtime), options_(std::move(options)), config_(std::move(config)) {
  char dir_template[] = "/tmp/gatesim-serve-XXXXXX";
  if (const char* dir = mkdtemp(dir_template)) dir_ = dir;
}

ServeProcess::~ServeProcess() {
  *alive_ = false;
  stop(SIGKILL);
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  if (!config_path_.empty()) std::filesystem::remove(config_path_, ignored);
}

bool ServeProcess::start(std::shared_ptr<const config::Snapshot> snapshot, std::string* problems) {
  listeners_ = snapshot ? snapshot->listeners.size() : 0;
  if (dir_.empty()) {
    *problems = "cannot create a temporary directory for gatesim serve";
    return false;
  }
  config_path_ = (std::filesystem::path(config_.config_dir.empty() ? dir_ : config_.config_dir) /
                  (".gatesim-serve-" + std::to_string(::getpid()) + "-" + dir_.substr(dir_.rfind('-') + 1) + ".yaml"))
                     .string();
  std::ofstream out(config_path_);
  out << config_.config_yaml;
  if (!out.good()) {
    *problems = "cannot write " + config_path_;
    return false;
  }
  out.close();
  return spawn(problems);
}

bool ServeProcess::spawn(std::string* problems) {
  ++incarnation_;
  const std::string err = dir_ + "/serve-" + std::to_string(incarnation_) + ".err";
  std::vector<std::string> args = {config_.executable, "serve", "-c", config_path_, "--listen-ip",
                                   config_.listen_ip, "--seed", std::to_string(config_.seed == 0 ? 1 : config_.seed),
                                   "--misdirected-requests", config_.strict_mode ? "strict" : "istio",
                                   "--drain-seconds", "2", "--workers", std::to_string(config_.workers),
                                   "--balance", config_.exact_balance ? "exact" : "kernel"};
  for (const std::string& in : config_.inbound) {
    args.push_back("--inbound");
    args.push_back(in);
  }
  const pid_t pid = fork();
  if (pid < 0) {
    *problems = "fork failed";
    return false;
  }
  if (pid == 0) {
    // Every incarnation appends to one access log; its own stderr says when it listens.
    if (!std::freopen((dir_ + "/access.log").c_str(), "a", stdout) || !std::freopen(err.c_str(), "w", stderr)) {
      std::_Exit(127);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::_Exit(127);
  }
  pid_ = pid;
  // Ready when every listener says so (wall-clock wait: this is the test harness, not the engine).
  for (int i = 0; i < 500; ++i) {
    const std::string text = read_file(err);
    if (listeners_ > 0 && count_lines_starting(text, "listening on ") >= listeners_) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *problems = "gatesim serve exited: " + text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *problems = "gatesim serve did not open its listeners within 5 s: " + read_file(err);
  return false;
}

void ServeProcess::stop(int signal_number) {
  if (pid_ <= 0) return;
  kill(pid_, signal_number);
  int status = 0;
  for (int i = 0; i < 400 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

bool ServeProcess::apply(std::shared_ptr<const config::Snapshot>, std::string* problems) {
  *problems = "gatesim serve has no live apply";
  return false;
}

void ServeProcess::drain() {
  // SIGTERM starts serve's drain; it exits on its own once drained (no wait here: the run goes on).
  if (pid_ > 0) kill(pid_, SIGTERM);
}

void ServeProcess::restart(io::Duration down_for, std::function<void(const std::string&)> on_started) {
  stop(SIGKILL);
  std::weak_ptr<bool> alive = alive_;
  runtime_.schedule(down_for, [this, alive, on_started] {
    if (alive.expired()) return;
    std::string problems;
    spawn(&problems);
    on_started(problems);
  });
}

void ServeProcess::finish() {
  stop(SIGTERM);
  if (!options_.access_log) return;
  std::istringstream lines(read_file(dir_ + "/access.log"));
  for (std::string line; std::getline(lines, line);) {
    if (auto entry = observability::parse_access_log(line)) options_.access_log(*entry);
  }
}

}  // namespace gatesim::sim
