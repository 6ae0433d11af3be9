#pragma once

#include <string>

namespace gatesim::config {

// A place in an input file, 1-based as editors show it. line 0 means "the file as a whole".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// Where a value came from: the file position and the field path inside its resource,
// e.g. "spec.servers[1].hosts[0]". Kept on every list element and every value that a
// later pass (validation, analysis, compilation) may need to point back at.
struct Origin {
  SourceLocation location;
  std::string path;
};

template <class T>
struct Located {
  T value{};
  Origin origin;
};

using LocatedString = Located<std::string>;

}  // namespace gatesim::config
