#include "sim/plan/worker_pool.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace gatesim::plan {
namespace {

struct Child {
  std::size_t item = 0;
  pid_t pid = -1;
  int fd = -1;  // read end of the pipe the child writes its output to
  std::string output;
};

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

std::string exit_text(int status) {
  if (WIFSIGNALED(status)) return std::string("the worker process died (") + strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return "the worker process exited with status " + std::to_string(WEXITSTATUS(status));
  }
  return "";
}

// The child: do the work, write the output, leave without running the parent's destructors
// or flushing its stdio buffers (they would print the parent's pending output twice).
[[noreturn]] void child_main(int fd, std::size_t item, const std::function<std::string(std::size_t)>& work) {
  int code = 0;
  try {
    code = write_all(fd, work(item)) ? 0 : 3;
  } catch (...) {
    code = 4;
  }
  ::close(fd);
  std::_Exit(code);
}

}  // namespace

void run_in_children(std::size_t count, int jobs, const std::function<std::string(std::size_t)>& work,
                     const std::function<void(std::size_t, const std::string&, const std::string&)>& done) {
  std::vector<Child> running;
  std::size_t next = 0;
  const std::size_t limit = static_cast<std::size_t>(jobs < 1 ? 1 : jobs);
  while (next < count || !running.empty()) {
    while (next < count && running.size() < limit) {
      const std::size_t item = next++;
      int fds[2];
      if (::pipe(fds) != 0) {
        done(item, "", std::string("cannot create a pipe: ") + std::strerror(errno));
        continue;
      }
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fds[0]);
        child_main(fds[1], item, work);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        done(item, "", std::string("cannot fork a worker: ") + std::strerror(errno));
        continue;
      }
      running.push_back({item, pid, fds[0], ""});
    }
    if (running.empty()) continue;
    // Drain every pipe as it fills: a child blocks on a full pipe (64 KiB) until read.
    std::vector<pollfd> polled;
    for (const Child& c : running) polled.push_back({c.fd, POLLIN, 0});
    if (::poll(polled.data(), polled.size(), -1) < 0) {
      if (errno == EINTR) continue;
      for (pollfd& p : polled) p.revents = POLLIN;  // cannot wait: read each in turn (blocking)
    }
    for (std::size_t k = running.size(); k-- > 0;) {
      if (polled[k].revents == 0) continue;
      Child& c = running[k];
      char buffer[65536];
      const ssize_t n = ::read(c.fd, buffer, sizeof(buffer));
      if (n > 0) {
        c.output.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      ::close(c.fd);
      int status = 0;
      while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
      }
      const std::string why = exit_text(status);
      const Child finished = std::move(c);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
      done(finished.item, why.empty() ? finished.output : "", why);
    }
  }
}

}  // namespace gatesim::plan
