#include "sim/calibrate/calibration.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "sim/calibrate/calibration_peers_text.h"
#include "sim/calibrate/calibration_worker.h"
#include "sim/calibrate/machine_description.h"
#include "sim/calibrate/test_certificates.h"

namespace gatesim::calibrate {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr const char* kHost = "calibrate.example.com";
constexpr std::size_t kLargeBody = 64 * 1024;
constexpr std::size_t kMediumBody = 8 * 1024;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail_of(const std::string& text, std::size_t n = 600) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

// An executable on PATH (plus /usr/sbin, where Debian puts nginx), or "".
std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  path += ":/usr/sbin:/sbin";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Debian's interpreter first: a python3 earlier on PATH may be a slow-starting shim.
std::string python_program() { return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : find_program("python3"); }

// The processes calibrate started, stopped (SIGTERM, then SIGKILL) when it ends, whatever the path.
class Children {
 public:
  ~Children() {
    for (pid_t pid : pids_) stop(pid);
  }
  void add(pid_t pid) { pids_.push_back(pid); }
  static void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

 private:
  std::vector<pid_t> pids_;
};

// fork + exec with stdout and stderr to `output_path`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& output_path, std::string* error) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return -1;
  }
  if (pid == 0) {
    const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

// The exit status, or -1 after killing it when `timeout` passed first.
int wait_exit(pid_t pid, double timeout) {
  const auto start = Clock::now();
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (seconds_since(start) > timeout) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool wait_port(std::uint16_t port, double timeout) {
  const auto start = Clock::now();
  while (seconds_since(start) < timeout) {
    const int fd = connect_loopback(port);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// On-CPU and run-queue nanoseconds of every thread of a process (/proc/PID/task/*/schedstat);
// /proc/PID/stat's utime+stime (clock ticks) where schedstat is missing.
struct CpuSample {
  double on_cpu_ns = 0;
  double waiting_ns = 0;
};
CpuSample read_cpu(pid_t pid) {
  CpuSample s;
  bool any = false;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    double on = 0, wait = 0;
    if (in >> on >> wait) {
      s.on_cpu_ns += on;
      s.waiting_ns += wait;
      any = true;
    }
  }
  if (any && s.on_cpu_ns > 0) return s;
  std::istringstream stat(read_text("/proc/" + std::to_string(pid) + "/stat"));
  std::string field;
  std::vector<std::string> fields;
  while (stat >> field) fields.push_back(field);
  // Fields 14 and 15 (utime, stime) counted after the parenthesised command name.
  if (fields.size() > 15) {
    const double ticks = std::stod(fields[13]) + std::stod(fields[14]);
    s.on_cpu_ns = ticks * 1e9 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return s;
}

std::optional<WorkerCounters> query_worker(std::uint16_t control_port) {
  const int fd = connect_loopback(control_port);
  if (fd < 0) return std::nullopt;
  std::string line;
  char buffer[512];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return WorkerCounters::parse(line);
}

struct Ports {
  std::uint16_t ecdsa = 0, rsa = 0, ed25519 = 0, tcp = 0;  // the gateway's
  std::uint16_t backend = 0, closing_backend = 0, tcp_backend = 0;
};

std::string gateway_yaml(const Ports& p, const std::map<KeyType, CertificateFiles>& certs) {
  std::ostringstream y;
  auto server = [&](std::uint16_t port, const char* name, KeyType type) {
    const CertificateFiles& c = certs.at(type);
    y << "  - port: {number: " << port << ", name: " << name << ", protocol: HTTPS}\n"
      << "    hosts: [\"" << kHost << "\"]\n"
      << "    tls: {mode: SIMPLE, serverCertificate: \"" << c.certificate << "\", privateKey: \"" << c.private_key
      << "\"}\n";
  };
  y << "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: calibrate, namespace: default}\nspec:\n"
    << "  servers:\n";
  server(p.ecdsa, "https-ecdsa", KeyType::kEcdsaP256);
  server(p.rsa, "https-rsa", KeyType::kRsa2048);
  server(p.ed25519, "https-ed25519", KeyType::kEd25519);
  y << "  - port: {number: " << p.tcp << ", name: tcp, protocol: TCP}\n    hosts: [\"*\"]\n";
  y << "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: http, namespace: default}\n"
    << "spec:\n  hosts: [\"" << kHost << "\"]\n  gateways: [calibrate]\n  http:\n"
    << "  - match: [{uri: {prefix: /close}}]\n    route: [{destination: {host: closing.internal, port: {number: 80}}}]\n"
    << "  - route: [{destination: {host: backend.internal, port: {number: 80}}}]\n";
  y << "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: tcp, namespace: default}\n"
    << "spec:\n  hosts: [\"*\"]\n  gateways: [calibrate]\n  tcp:\n"
    << "  - route: [{destination: {host: tcp.internal, port: {number: 9000}}}]\n";
  auto entry = [&](const char* host, std::uint16_t port, const char* protocol, int service_port) {
    y << "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: " << host
      << ", namespace: default}\nspec:\n  hosts: [" << host << "]\n  ports: [{number: " << service_port
      << ", name: p, protocol: " << protocol << "}]\n  resolution: STATIC\n  endpoints: [{address: 127.0.0.1, ports: {p: "
      << port << "}}]\n";
  };
  entry("backend.internal", p.backend, "HTTP", 80);
  entry("closing.internal", p.closing_backend, "HTTP", 80);
  entry("tcp.internal", p.tcp_backend, "TCP", 9000);
  return y.str();
}

std::string nginx_conf(const std::string& dir, const Ports& p) {
  std::ostringstream c;
  c << "worker_processes 1; daemon off; master_process off; pid " << dir << "/nginx.pid; error_log " << dir
    << "/nginx-error.log;\n"
    << "events { worker_connections 8192; }\n"
    << "http {\n  access_log off; default_type application/octet-stream; sendfile on;\n"
    << "  client_body_temp_path " << dir << "/nginx-body; proxy_temp_path " << dir << "/nginx-proxy;\n"
    << "  fastcgi_temp_path " << dir << "/nginx-fastcgi; uwsgi_temp_path " << dir << "/nginx-uwsgi; scgi_temp_path "
    << dir << "/nginx-scgi;\n"
    // The backend of every keep-alive workload: a 2-byte body, or an 8 or 64 KiB file.
    << "  server {\n    listen 127.0.0.1:" << p.backend << " backlog=4096; keepalive_requests 100000000; keepalive_timeout 600s;\n"
    << "    root " << dir << "/www; client_max_body_size 0;\n"
    << "    location = /large { }\n    location = /medium { }\n    location / { return 200 \"ok\"; }\n  }\n"
    // Closes after every response: each request needs a new upstream connection.
    << "  server {\n    listen 127.0.0.1:" << p.closing_backend << " backlog=4096; keepalive_timeout 0;\n"
    << "    location / { return 200 \"ok\"; }\n  }\n}\n";
  return c.str();
}

struct Workload {
  std::string name;
  std::string description;
  std::uint64_t quick_size;  // the size of a quick run, and of the sizing probe
  std::function<bool(std::uint64_t size, std::string* error)> run;
  bool fitted = true;  // false: a cross-check the prices must predict (unit_fit.h)
};

struct Sample {
  std::array<double, io::kWorkKinds> units{};
  double cpu_ns = 0;
  double waiting_ns = 0;
  double wall = 0;
};

class Calibrator {
 public:
  Calibrator(const CalibrationOptions& options) : options_(options) {}

  bool run(CalibrationResult* result, std::string* error) {
    const auto start = Clock::now();
    // The load generators open thousands of connections.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
      files.rlim_cur = files.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &files);
    }
    char dir_template[] = "/tmp/gatesim-calibrate-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) {
      *error = std::string("cannot create a temporary folder: ") + std::strerror(errno);
      return false;
    }
    dir_ = dir_template;
    const bool ok = set_up(error) && measure_all(result, error);
    children_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!ok) return false;
    result->machine = describe_machine();
    result->wall_seconds = seconds_since(start);
    return true;
  }

 private:
  void say(const std::string& line) {
    if (options_.progress) options_.progress(line);
  }

  bool set_up(std::string* error) {
    children_ = std::make_unique<Children>();
    std::map<KeyType, CertificateFiles> certs;
    for (auto [type, stem] : {std::pair{KeyType::kEcdsaP256, "ecdsa-p256"}, std::pair{KeyType::kRsa2048, "rsa-2048"},
                              std::pair{KeyType::kEd25519, "ed25519"}}) {
      if (!write_self_signed_certificate(type, kHost, dir_, stem, &certs[type], error)) return false;
    }
    fs::create_directories(dir_ + "/www");
    std::ofstream(dir_ + "/www/large") << std::string(kLargeBody, 'L');
    std::ofstream(dir_ + "/www/medium") << std::string(kMediumBody, 'M');
    std::ofstream(dir_ + "/peers.py") << kCalibrationPeersText;
    ports_.ecdsa = free_port();
    ports_.rsa = free_port();
    ports_.ed25519 = free_port();
    ports_.tcp = free_port();
    ports_.backend = free_port();
    ports_.closing_backend = free_port();
    ports_.tcp_backend = free_port();
    std::ofstream(dir_ + "/nginx.conf") << nginx_conf(dir_, ports_);

    const pid_t nginx = spawn({find_program("nginx"), "-p", dir_, "-e", dir_ + "/nginx-error.log", "-c", dir_ + "/nginx.conf"},
                              dir_ + "/nginx.out", error);
    if (nginx < 0) return false;
    children_->add(nginx);
    const pid_t tcp_backend =
        spawn({python_program(), dir_ + "/peers.py", "tcp-backend", std::to_string(ports_.tcp_backend)}, dir_ + "/tcp-backend.out", error);
    if (tcp_backend < 0) return false;
    children_->add(tcp_backend);
    for (std::uint16_t port : {ports_.backend, ports_.closing_backend}) {
      if (!wait_port(port, 10)) {
        *error = "the nginx backend did not open 127.0.0.1:" + std::to_string(port) + ": " +
                 tail_of(read_text(dir_ + "/nginx.out") + read_text(dir_ + "/nginx-error.log"));
        return false;
      }
    }
    if (!wait_port(ports_.tcp_backend, 10)) {
      *error = "the TCP backend did not open: " + tail_of(read_text(dir_ + "/tcp-backend.out"));
      return false;
    }
    return start_gateway(gateway_yaml(ports_, certs), error);
  }

  // Forked, not exec'd: the child is this binary's engine with nothing else running.
  bool start_gateway(const std::string& yaml, std::string* error) {
    int report[2];
    if (::pipe(report) != 0) {
      *error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
      *error = std::string("fork: ") + std::strerror(errno);
      return false;
    }
    if (pid == 0) {
      ::close(report[0]);
      const int null = ::open("/dev/null", O_RDWR);
      if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
      }
      ::_exit(run_calibration_worker(yaml, report[1]));
    }
    ::close(report[1]);
    children_->add(pid);
    gateway_pid_ = pid;
    std::string line;
    char c;
    while (::read(report[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(report[0]);
    if (line.rfind("ready ", 0) != 0) {
      *error = line.rfind("error ", 0) == 0 ? line.substr(6) : "the gateway process exited before it was ready";
      return false;
    }
    control_port_ = static_cast<std::uint16_t>(std::stoi(line.substr(6)));
    for (std::uint16_t port : {ports_.ecdsa, ports_.rsa, ports_.ed25519, ports_.tcp}) {
      if (!wait_port(port, 10)) {
        *error = "the gateway did not open 127.0.0.1:" + std::to_string(port);
        return false;
      }
    }
    return true;
  }

  double timeout() const { return 120 + 30 * options_.seconds; }

  bool run_tool(const std::vector<std::string>& argv, std::string* output, std::string* error) {
    const std::string out_path = dir_ + "/load.out";
    const pid_t pid = spawn(argv, out_path, error);
    if (pid < 0) return false;
    const int status = wait_exit(pid, timeout());
    *output = read_text(out_path);
    if (status != 0) {
      std::string command;
      for (const std::string& a : argv) command += (command.empty() ? "" : " ") + a;
      *error = command + (status < 0 ? ": timed out" : ": exit status " + std::to_string(status)) + ": " + tail_of(*output);
      return false;
    }
    return true;
  }

  // h2load must report every request succeeded (2xx/3xx).
  bool h2load(std::vector<std::string> args, std::uint64_t requests, std::uint16_t port, const std::string& path,
              std::string* error) {
    std::vector<std::string> argv = {find_program("h2load"), "-n", std::to_string(requests)};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--connect-to=127.0.0.1:" + std::to_string(port));
    argv.push_back("https://" + std::string(kHost) + ":" + std::to_string(port) + path);
    std::string output;
    if (!run_tool(argv, &output, error)) return false;
    std::smatch m;
    static const std::regex summary(R"(requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded)");
    if (!std::regex_search(output, m, summary) || std::stoull(m[2].str()) != requests) {
      *error = "h2load " + path + ": not every request succeeded: " + tail_of(output);
      return false;
    }
    return true;
  }

  bool peers(std::vector<std::string> args, std::string* error) {
    std::vector<std::string> argv = {python_program(), dir_ + "/peers.py"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string output;
    if (!run_tool(argv, &output, error)) return false;
    if (output.rfind("ok ", 0) != 0) {
      *error = "peers.py " + args[0] + ": " + tail_of(output);
      return false;
    }
    return true;
  }

  std::vector<Workload> workloads() {
    std::vector<Workload> w;
    constexpr int kBatch = 50;  // connections h2load opens at once; each does one request, then closes
    auto handshakes = [this](std::uint16_t port) {
      return [this, port](std::uint64_t batches, std::string* error) {
        for (std::uint64_t b = 0; b < batches; ++b) {
          if (!h2load({"--h1", "-c", std::to_string(kBatch)}, kBatch, port, "/small", error)) return false;
        }
        return true;
      };
    };
    w.push_back({"handshake_ecdsa", "new TLS connection (P-256 certificate) per HTTP/1.1 request", 4, handshakes(ports_.ecdsa)});
    w.push_back({"handshake_rsa", "new TLS connection (RSA-2048 certificate) per HTTP/1.1 request", 2, handshakes(ports_.rsa)});
    w.push_back({"handshake_ed25519", "new TLS connection (Ed25519 certificate) per HTTP/1.1 request", 4,
                 handshakes(ports_.ed25519)});
    auto h2l = [this](std::vector<std::string> args, std::string path) {
      return [this, args, path](std::uint64_t n, std::string* error) { return h2load(args, n, ports_.ecdsa, path, error); };
    };
    // Cross-checks, not fitted: a handshake followed by an HTTP/2 request, and mid-size
    // responses, priced from the other workloads; their errors say how well the prices transfer.
    w.push_back({"handshake_ecdsa_http2", "new TLS connection (P-256 certificate) per HTTP/2 request", 4,
                 [this](std::uint64_t batches, std::string* error) {
                   for (std::uint64_t b = 0; b < batches; ++b) {
                     if (!h2load({"-c", std::to_string(kBatch)}, kBatch, ports_.ecdsa, "/small", error)) return false;
                   }
                   return true;
                 },
                 false});
    w.push_back({"http1_small", "HTTP/1.1 keep-alive over TLS, 2-byte responses (4 connections)", 4000,
                 h2l({"--h1", "-c", "4"}, "/small")});
    w.push_back({"http1_large", "HTTP/1.1 keep-alive over TLS, 64 KiB responses (4 connections)", 400,
                 h2l({"--h1", "-c", "4"}, "/large")});
    w.push_back({"http1_medium", "HTTP/1.1 keep-alive over TLS, 8 KiB responses (4 connections)", 2000,
                 h2l({"--h1", "-c", "4"}, "/medium"), false});
    w.push_back({"http2_small", "HTTP/2 over TLS, 2-byte responses (4 connections x 16 streams)", 8000,
                 h2l({"-c", "4", "-m", "16"}, "/small")});
    w.push_back({"http2_large", "HTTP/2 over TLS, 64 KiB responses (4 connections x 4 streams)", 400,
                 h2l({"-c", "4", "-m", "4"}, "/large")});
    // 1000 frames a stream so the frames, not the stream and its bytes, are most of the CPU:
    // the frame price is what is left after the others, and should not inherit their noise.
    w.push_back({"http2_upload_frames", "HTTP/2 over TLS, uploads of 1000 DATA frames of 16 bytes each", 200,
                 [this](std::uint64_t streams, std::string* error) {
                   return peers({"h2-upload", std::to_string(ports_.ecdsa), kHost, std::to_string(streams), "1000", "16", "1"},
                                error);
                 }});
    w.push_back({"http2_upstream_close", "HTTP/2 over TLS to a backend that closes after each response", 2000,
                 h2l({"-c", "4", "-m", "4"}, "/close")});
    w.push_back({"http1_upstream_close", "HTTP/1.1 over TLS to a backend that closes after each response", 2000,
                 h2l({"--h1", "-c", "4"}, "/close")});
    auto tcp = [this](const char* mode) {
      return [this, mode](std::uint64_t mib, std::string* error) {
        return peers({"tcp-client", std::to_string(ports_.tcp), mode, std::to_string(mib << 20), "4"}, error);
      };
    };
    w.push_back({"tcp_upload", "TCP proxy, client to backend in bulk (4 connections)", 256, tcp("upload")});
    w.push_back({"tcp_download", "TCP proxy, backend to client in bulk (4 connections)", 256, tcp("download")});
    return w;
  }

  // Connections the load generator closed may still be closing in the gateway.
  bool quiesce(std::optional<WorkerCounters>* counters, std::string* error) {
    const auto start = Clock::now();
    for (;;) {
      *counters = query_worker(control_port_);
      if (!*counters) {
        *error = "the gateway process stopped answering (crashed?)";
        return false;
      }
      if ((*counters)->connections_active == 0) return true;
      if (seconds_since(start) > 5) {
        *error = "the gateway still has " + std::to_string((*counters)->connections_active) +
                 " connections open 5 s after the load generator finished";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  bool measure(const Workload& w, std::uint64_t size, Sample* s, std::string* error) {
    std::optional<WorkerCounters> before, after;
    if (!quiesce(&before, error)) return false;
    const CpuSample cpu_before = read_cpu(gateway_pid_);
    const auto start = Clock::now();
    if (!w.run(size, error)) {
      *error = w.name + ": " + *error;
      return false;
    }
    s->wall = seconds_since(start);
    if (!quiesce(&after, error)) return false;
    const CpuSample cpu_after = read_cpu(gateway_pid_);
    const std::uint64_t requests = after->requests - before->requests, ok = after->responses_2xx - before->responses_2xx;
    if (ok != requests) {
      *error = w.name + ": the gateway answered " + std::to_string(requests - ok) + " of " + std::to_string(requests) +
               " requests with a status other than 2xx";
      return false;
    }
    for (std::size_t u = 0; u < io::kWorkKinds; ++u) s->units[u] = static_cast<double>(after->units[u] - before->units[u]);
    s->cpu_ns = cpu_after.on_cpu_ns - cpu_before.on_cpu_ns;
    s->waiting_ns = cpu_after.waiting_ns - cpu_before.waiting_ns;
    return true;
  }

  bool measure_all(CalibrationResult* result, std::string* error) {
    const std::vector<Workload> list = workloads();
    {
      // Warm-up: the first connections pay one-off costs (page faults, pools, caches).
      Sample ignored;
      for (const Workload& w : list) {
        if (!measure(w, std::max<std::uint64_t>(1, w.quick_size / (options_.quick ? 10 : 4)), &ignored, error)) return false;
      }
      say("warm-up done");
    }
    for (const Workload& w : list) {
      std::uint64_t size = w.quick_size;
      if (!options_.quick) {
        // Two probes, the faster counts: one that hit a burst of other load would size the
        // workload too small.
        Sample probe, second;
        if (!measure(w, w.quick_size, &probe, error) || !measure(w, w.quick_size, &second, error)) return false;
        const double factor = options_.seconds / std::max(std::min(probe.wall, second.wall), 1e-3);
        size = static_cast<std::uint64_t>(std::clamp(factor, 1.0, 10000.0) * static_cast<double>(w.quick_size));
      }
      const int reps = options_.quick ? 1 : std::max(1, options_.repetitions);
      std::vector<Sample> samples(static_cast<std::size_t>(reps));
      for (Sample& s : samples) {
        if (!measure(w, size, &s, error)) return false;
      }
      std::vector<std::size_t> order(samples.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return samples[a].cpu_ns < samples[b].cpu_ns; });
      const Sample& median = samples[order[order.size() / 2]];
      WorkloadResult r;
      r.name = w.name;
      r.description = w.description;
      r.median.name = w.name;
      r.median.units = median.units;
      r.median.cpu_ns = median.cpu_ns;
      r.median.fitted = w.fitted;
      for (const Sample& s : samples) r.repetition_ns.push_back(s.cpu_ns);
      r.wall_seconds = median.wall;
      r.runqueue_wait_ns = median.waiting_ns;
      std::ostringstream line;
      line.precision(3);
      line << w.name << ": size " << size << ", gateway CPU " << std::fixed << median.cpu_ns / 1e6 << " ms (median of "
           << reps << "), wall " << median.wall << " s";
      say(line.str());
      result->workloads.push_back(std::move(r));
    }
    std::vector<WorkloadMeasurement> rows;
    for (const WorkloadResult& r : result->workloads) rows.push_back(r.median);
    return fit_unit_prices(rows, &result->fit, error);
  }

  CalibrationOptions options_;
  std::string dir_;
  Ports ports_;
  std::unique_ptr<Children> children_;
  pid_t gateway_pid_ = -1;
  std::uint16_t control_port_ = 0;
};

}  // namespace

std::string missing_tools() {
  std::string missing;
  if (find_program("h2load").empty()) missing += "h2load not found on PATH (install the Debian package nghttp2-client)\n";
  if (find_program("nginx").empty()) missing += "nginx not found on PATH or in /usr/sbin (install the Debian package nginx-light, or nginx)\n";
  if (python_program().empty()) missing += "python3 not found (install the Debian package python3)\n";
  return missing;
}

bool run_calibration(const CalibrationOptions& options, CalibrationResult* result, std::string* error) {
  Calibrator calibrator(options);
  return calibrator.run(result, error);
}

}  // namespace gatesim::calibrate
