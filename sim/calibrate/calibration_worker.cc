#include "sim/calibrate/calibration_worker.h"

#include <unistd.h>

#include <csignal>
#include <map>
#include <memory>
#include <sstream>

#include "gateway/config/config_pipeline.h"
#include "gateway/engine/engine.h"
#include "gateway/io/real/event_loop_runtime.h"

namespace gatesim::calibrate {
namespace {

class CountingRuntime : public io::real::EventLoopRuntime {
 public:
  using EventLoopRuntime::EventLoopRuntime;
  void charge(io::Work work, std::uint64_t amount) override { units[static_cast<std::size_t>(work)] += amount; }
  std::array<std::uint64_t, io::kWorkKinds> units{};
};

// Answers each control connection with one line of counters, then closes it.
class ControlPort : public io::ConnectionCallbacks {
 public:
  ControlPort(CountingRuntime& runtime, const engine::Engine& engine) : runtime_(runtime), engine_(engine) {}

  bool listen(std::string* error) {
    listener_ = runtime_.listen(*io::parse_address("127.0.0.1:0"), [this](std::unique_ptr<io::Connection> c) {
      io::Connection* raw = c.get();
      raw->set_callbacks(this);
      open_[raw] = std::move(c);
      raw->write(counters().format() + "\n");
      raw->close();
    }, error);
    return listener_ != nullptr;
  }
  std::uint16_t port() const { return listener_->address().port; }

  void on_data(io::Connection&, std::string_view) override {}
  void on_end_of_input(io::Connection&) override {}
  void on_closed(io::Connection& c, io::CloseReason) override {
    runtime_.defer([this, raw = &c] { open_.erase(raw); });
  }

 private:
  WorkerCounters counters() const {
    WorkerCounters out;
    out.units = runtime_.units;
    const engine::EngineStats& s = engine_.stats();
    out.connections_active = s.connections_active;
    out.requests = s.requests;
    for (const auto& [code, count] : s.responses_by_code) {
      if (code >= 200 && code < 300) out.responses_2xx += count;
    }
    return out;
  }

  CountingRuntime& runtime_;
  const engine::Engine& engine_;
  std::unique_ptr<io::Listener> listener_;
  std::map<io::Connection*, std::unique_ptr<io::Connection>> open_;
};

void report(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) < 0) {
    // The parent is gone; nothing left to tell.
  }
}

}  // namespace

std::string WorkerCounters::format() const {
  std::ostringstream out;
  out << "units";
  for (std::uint64_t u : units) out << " " << u;
  out << " active " << connections_active << " requests " << requests << " ok " << responses_2xx;
  return out.str();
}

std::optional<WorkerCounters> WorkerCounters::parse(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  WorkerCounters c;
  if (!(in >> word) || word != "units") return std::nullopt;
  for (auto& u : c.units) {
    if (!(in >> u)) return std::nullopt;
  }
  if (!(in >> word) || word != "active" || !(in >> c.connections_active)) return std::nullopt;
  if (!(in >> word) || word != "requests" || !(in >> c.requests)) return std::nullopt;
  if (!(in >> word) || word != "ok" || !(in >> c.responses_2xx)) return std::nullopt;
  return c;
}

int run_calibration_worker(const std::string& config_yaml, int report_fd) {
  const config::PipelineResult config = config::run_config_pipeline_on_text(config_yaml, "calibrate-gateway.yaml");
  if (config.diagnostics.has_errors() || config.snapshot == nullptr) {
    std::string why;
    for (const config::Diagnostic& d : config.diagnostics.items()) {
      if (d.severity == config::Severity::kError) why += d.format() + "; ";
    }
    report(report_fd, "error the calibration's gateway configuration does not compile: " + why);
    return 2;
  }
  CountingRuntime runtime(0x6361'6c69'6272'6174ULL);  // a fixed seed: no random choice matters here
  engine::EngineOptions options;
  options.listen_ip = "127.0.0.1";
  engine::Engine engine(runtime, options);
  std::string problems;
  if (!engine.apply(config.snapshot, &problems) || engine.listening_addresses().empty()) {
    report(report_fd, "error the gateway could not open its listeners: " + problems);
    return 2;
  }
  ControlPort control(runtime, engine);
  std::string why;
  if (!control.listen(&why)) {
    report(report_fd, "error control port: " + why);
    return 2;
  }
  runtime.on_signal(SIGTERM, [&runtime] { runtime.stop(); });
  std::signal(SIGPIPE, SIG_IGN);
  report(report_fd, "ready " + std::to_string(control.port()));
  ::close(report_fd);
  runtime.run();
  return 0;
}

}  // namespace gatesim::calibrate
