#include "cli/serve_command.h"

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "gateway/config/config_pipeline.h"
#include "gateway/engine/admin_server.h"
#include "gateway/engine/engine.h"
#include "gateway/io/real/event_loop_runtime.h"
#include "gateway/io/real/exact_balancer.h"
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

constexpr int kMaxWorkers = 256;

// One share-nothing worker (Envoy's worker thread): its own event loop, engine, upstream pools
// and RNG. Built and configured on the main thread, then run on its own; after the thread
// is joined the main thread destroys it.
struct Worker {
  Worker(std::size_t i, std::uint64_t seed) : index(i), runtime(seed) {}
  std::size_t index;
  io::real::EventLoopRuntime runtime;
  std::unique_ptr<engine::Engine> engine;
  std::thread thread;

  // On the worker's loop: drain (today's single-loop drain, per worker), then stop the loop
  // once every connection is gone or `give_up` has passed.
  void drain(io::Duration give_up) {
    if (engine->draining()) return;
    engine->start_drain();
    watch_drain(runtime.now() + give_up);
  }
  void watch_drain(io::TimePoint deadline) {
    if (engine->drained() || runtime.now() >= deadline) {
      runtime.stop();
      return;
    }
    runtime.schedule(std::chrono::milliseconds(20), [this, deadline] { watch_drain(deadline); });
  }
};

// Worker i's seed: worker 0 keeps the serve seed (one worker behaves exactly as before
// workers existed), worker i > 0 the i-th fork of it.
std::vector<std::uint64_t> worker_seeds(std::uint64_t seed, std::size_t count) {
  std::vector<std::uint64_t> out{seed};
  io::Rng root(seed);
  while (out.size() < count) out.push_back(root.next());  // Rng(root.next()) is root.fork()
  return out;
}

}  // namespace

int run_serve(const ServeOptions& options) {
  if (options.workers < 1 || options.workers > kMaxWorkers) {
    std::cerr << "gatesim serve: --workers " << options.workers << ": expected a whole number of worker threads from 1 to "
              << kMaxWorkers << "\n";
    return 2;
  }
  if (options.balance != "kernel" && options.balance != "exact") {
    std::cerr << "gatesim serve: --balance " << options.balance << ": expected kernel or exact\n";
    return 2;
  }
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
  const std::size_t count = static_cast<std::size_t>(options.workers);

  // The main thread's loop: admin, signals, and in exact balance the acceptor (Envoy's main
  // thread, which also owns the admin). Its RNG is never drawn from.
  io::real::EventLoopRuntime main_loop(seed);
  main_loop.enable_posts();

  // Declared before the workers, which log into them until they are destroyed.
  std::mutex log_mutex;  // one write per line under it, so workers' lines never interleave
  std::ofstream key_log;
  if (!options.key_log_path.empty()) key_log.open(options.key_log_path, std::ios::app);
  // Declared before the workers too: the balancer outlives them and their connections.
  std::unique_ptr<io::real::ExactBalancer> balancer;
  std::vector<std::unique_ptr<Worker>> workers;
  const std::vector<std::uint64_t> seeds = worker_seeds(seed, count);
  for (std::size_t i = 0; i < count; ++i) {
    workers.push_back(std::make_unique<Worker>(i, seeds[i]));
    workers.back()->runtime.enable_posts();
  }
  if (options.balance == "exact") {
    std::vector<io::real::EventLoopRuntime*> loops;
    for (auto& w : workers) loops.push_back(&w->runtime);
    balancer = std::make_unique<io::real::ExactBalancer>(main_loop, loops);
    for (auto& w : workers) w->runtime.use_balancer(balancer.get(), w->index);
  }

  std::set<std::string> problems_seen;
  for (auto& w : workers) {
    engine::EngineOptions engine_options;
    engine_options.listen_ip = options.listen_ip;
    if (options.access_log) {
      engine_options.access_log = [&runtime = w->runtime, &log_mutex](const engine::AccessLogEntry& e) {
        // Wall time is allowed here (the CLI is not the engine): the entry's start on the
        // worker's clock, placed on the wall clock.
        const auto since_epoch = std::chrono::system_clock::now().time_since_epoch() - (runtime.now() - e.start_time);
        const std::string start = observability::format_start_time(std::chrono::duration_cast<io::Duration>(since_epoch));
        const std::string line = observability::format_access_log(e, start) + "\n";
        std::lock_guard<std::mutex> lock(log_mutex);
        std::cout.write(line.data(), static_cast<std::streamsize>(line.size()));
        std::cout.flush();
      };
    }
    if (key_log.is_open()) {
      engine_options.key_log = [&key_log, &log_mutex](const std::string& line) {
        std::lock_guard<std::mutex> lock(log_mutex);
        key_log << line << "\n" << std::flush;
      };
    }
    w->engine = std::make_unique<engine::Engine>(w->runtime, engine_options);
    std::string problems;
    // Every worker reports the same problems of one Snapshot: each is said once.
    if (!w->engine->apply(config.snapshot, &problems) && problems_seen.insert(problems).second) {
      std::cerr << "gatesim serve: " << problems << "\n";
    }
    if (w->engine->listening_addresses().empty()) {
      std::cerr << "gatesim serve: no listener could open\n";
      return 2;
    }
  }
  for (const io::Address& a : workers[0]->engine->listening_addresses()) std::cerr << "listening on " << a.to_string() << "\n";
  if (count > 1 || balancer) std::cerr << "workers: " << count << ", balance " << options.balance << "\n";

  // The admin's numbers: each worker snapshots its own engine on its own loop and posts the
  // copy back here; a worker whose loop has ended (post refused) no longer touches its
  // engine, so it is read from here. Gathering is only read and written on the main loop (its
  // last reference may drop on a worker's thread, when nothing else can reach it).
  auto collect = [&workers, &main_loop](std::function<void(std::vector<engine::StatsSnapshot>)> done) {
    struct Gathering {
      std::vector<engine::StatsSnapshot> parts;
      std::size_t missing;
      std::function<void(std::vector<engine::StatsSnapshot>)> done;
    };
    auto gathering = std::make_shared<Gathering>(Gathering{std::vector<engine::StatsSnapshot>(workers.size()),
                                                           workers.size() + 1, std::move(done)});
    auto arrived = [gathering] {  // on the main loop
      if (--gathering->missing == 0) gathering->done(std::move(gathering->parts));
    };
    for (auto& w : workers) {
      Worker* worker = w.get();
      const bool posted = worker->runtime.post([worker, gathering, arrived, &main_loop] {
        engine::StatsSnapshot snapshot = engine::snapshot_stats(*worker->engine);
        main_loop.post([worker, gathering, arrived, snapshot = std::move(snapshot)]() mutable {
          gathering->parts[worker->index] = std::move(snapshot);
          arrived();
        });
      });
      if (!posted) {
        gathering->parts[worker->index] = engine::snapshot_stats(*worker->engine);
        arrived();
      }
    }
    arrived();  // the +1: `done` never runs inside this loop over the workers
  };
  engine::AdminServer admin(main_loop, collect);
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

  // SIGTERM/SIGINT reach the main loop only (workers start with them blocked). Draining asks
  // every worker to drain; each stops its loop when drained or when the drain time is over,
  // and the main loop stops when the last worker has.
  const io::Duration give_up(static_cast<std::int64_t>(options.drain_seconds * 1e9));
  bool stopping = false;
  std::size_t running = count;
  auto drain = [&] {
    if (stopping) return;
    stopping = true;
    std::cerr << "gatesim serve: draining\n";
    for (auto& w : workers) {
      Worker* worker = w.get();
      worker->runtime.post([worker, give_up] { worker->drain(give_up); });
    }
    // Backstop: a worker that has not stopped a second after the drain time is told to.
    main_loop.schedule(give_up + std::chrono::seconds(1), [&workers] {
      for (auto& w : workers) {
        Worker* worker = w.get();
        worker->runtime.post([worker] { worker->runtime.stop(); });
      }
    });
  };
  main_loop.on_signal(SIGTERM, drain);
  main_loop.on_signal(SIGINT, drain);
  std::signal(SIGPIPE, SIG_IGN);

  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  for (auto& w : workers) {
    Worker* worker = w.get();
    worker->thread = std::thread([worker, &main_loop, &running] {
      worker->runtime.run();
      worker->runtime.close_posts();
      main_loop.post([&main_loop, &running] {
        if (--running == 0) main_loop.stop();
      });
    });
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  main_loop.run();
  for (auto& w : workers) w->thread.join();
  std::cerr << "gatesim serve: stopped\n";
  return 0;
}

}  // namespace gatesim::cli
