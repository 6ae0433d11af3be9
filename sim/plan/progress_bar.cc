#include "sim/plan/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace gatesim::plan {

ProgressBar::ProgressBar(std::size_t total, bool enabled)
    : total_(total), enabled_(enabled && total > 0), terminal_(stderr_is_terminal()) {
  if (enabled_) draw(0, "");
}

ProgressBar::~ProgressBar() {
  // Leave the terminal on a clean line for whatever prints next.
  if (drawn_ && terminal_) std::fprintf(stderr, "\r\033[K");
}

bool ProgressBar::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::advance(std::size_t finished, const std::string& last) {
  if (enabled_) draw(finished, last);
}

void ProgressBar::draw(std::size_t finished, const std::string& last) {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ == 0 ? kWidth : finished * kWidth / total_;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "%s[%s] %zu/%zu points%s%s%s", terminal_ ? "\r\033[K" : "", bar.c_str(), finished, total_,
               last.empty() ? "" : "  last: ", last.c_str(), terminal_ ? "" : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace gatesim::plan
