#pragma once

#include <cstddef>
#include <string>

namespace gatesim::plan {

// A one-line progress bar on stderr ("[#####.....]  7/20 points  last: 2 cores at 5000 req/s"),
// redrawn in place with "\r". Only for a person watching: enabled when stderr is a terminal
// (or forced with --progress: then, into a log, one line per finished point), never part of
// any output file or of stdout.
class ProgressBar {
 public:
  ProgressBar(std::size_t total, bool enabled);
  ~ProgressBar();
  void advance(std::size_t finished, const std::string& last);

  static bool stderr_is_terminal();

 private:
  void draw(std::size_t finished, const std::string& last);
  std::size_t total_;
  bool enabled_;
  bool terminal_;
  bool drawn_ = false;
};

}  // namespace gatesim::plan
